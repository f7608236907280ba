// The runner simulation (shared with the demo) and the secret scan every end-to-end test uses.
import type { StepResult } from '../../scripts/local-runner.js'

export { ROOT, runStep, parseFileCommands } from '../../scripts/local-runner.js'
export type { StepResult, StepOptions } from '../../scripts/local-runner.js'

/**
 * Every place a secret must never appear: what the step printed (but the mask commands
 * themselves), its state, and its summary. Returns the leaks found, by place and secret.
 */
export function findLeaks(results: StepResult[], secrets: string[]): string[] {
  const forms = secretForms(secrets)
  const leaks: string[] = []
  for (const result of results) {
    const places: Record<string, string> = {
      stdout: result.stdout
        .split(/\r?\n/)
        .filter(line => !line.startsWith('::add-mask::'))
        .join('\n'),
      stderr: result.stderr,
      state: result.files.state,
      summary: result.files.summary,
      path: result.files.path
    }
    for (const [place, text] of Object.entries(places)) {
      for (const form of forms) if (text.includes(form)) leaks.push(`${result.step} ${place}: ${form.slice(0, 12)}…`)
    }
  }
  return leaks
}

/** A secret and its derived forms: the JWT inside a full token, and a JWT's signature. */
export function secretForms(secrets: string[]): string[] {
  const forms = new Set<string>()
  for (const secret of secrets.filter(Boolean)) {
    forms.add(secret)
    try {
      const inner = JSON.parse(Buffer.from(secret, 'base64').toString('utf8')) as { token?: string }
      if (typeof inner.token === 'string') forms.add(inner.token)
    } catch {
      // not a full token
    }
  }
  for (const form of [...forms]) {
    const parts = form.split('.')
    if (parts.length === 3 && parts[2].length >= 16) forms.add(parts[2])
  }
  return [...forms]
}

/**
 * The lines of a step's stdout the runner could read as a command that is not one the action
 * itself issues: a line starting with `::` (after spaces) but for the action's four commands,
 * or a line holding the older `##[` form. An `::add-mask::` line is exempt from the second:
 * the runner reads a line as a `::` command before it looks for `##[`, and a mask must hold
 * the secret as it is, whatever it contains. Every end-to-end test expects none.
 */
export function foreignCommands(stdout: string): string[] {
  return stdout
    .split(/\r?\n/)
    .filter(
      line =>
        (/^\s*::/.test(line) && !/^::(add-mask|debug|warning|error)::/.test(line)) ||
        (line.includes('##[') && !line.startsWith('::add-mask::'))
    )
}
