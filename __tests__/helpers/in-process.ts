// The steps run inside the test process, as the runner would run them but without a child
// process: the runner's files and variables are set, stdout is captured. Slower paths of
// the same code run through dist/ in __tests__/e2e; these let a unit test (and a mutant)
// reach main, post and the create step.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseFileCommands } from '../../scripts/local-runner.js'

export interface InProcessResult {
  stdout: string
  outputs: Record<string, string>
  state: Record<string, string>
  env: Record<string, string>
  summary: string
  /** What `::error::` lines said; set when the step failed. */
  errors: string[]
  warnings: string[]
  masks: string[]
  failed: boolean
}

export interface InProcessOptions {
  inputs?: Record<string, string>
  state?: Record<string, string>
  env?: Record<string, string>
}

// One set of files for the whole test file: @actions/core's summary keeps the first path it sees.
const work = mkdtempSync(join(tmpdir(), 'in-process-'))
const FILES = {
  GITHUB_OUTPUT: join(work, 'output'),
  GITHUB_STATE: join(work, 'state'),
  GITHUB_ENV: join(work, 'env'),
  GITHUB_PATH: join(work, 'path'),
  GITHUB_STEP_SUMMARY: join(work, 'summary')
}

/** Runs `work` as a step would run: in a runner's environment, with stdout captured. */
export async function inRunner<T>(
  work: () => T | Promise<T>,
  options: InProcessOptions = {}
): Promise<InProcessResult & { value?: T }> {
  const savedEnv = { ...process.env }
  const runnerTemp = mkdtempSync(join(tmpdir(), 'in-process-temp-'))
  for (const file of Object.values(FILES)) writeFileSync(file, '')
  Object.assign(process.env, {
    ...FILES,
    RUNNER_TEMP: runnerTemp,
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'build',
    ...options.env
  })
  for (const [name, value] of Object.entries(options.inputs ?? {}))
    process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  for (const [name, value] of Object.entries(options.state ?? {})) process.env[`STATE_${name}`] = value
  let stdout = ''
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = (chunk: string | Uint8Array) => {
    stdout += String(chunk)
    return true
  }
  process.exitCode = undefined
  let value: T | undefined
  let failed: boolean
  try {
    value = await work()
  } finally {
    process.stdout.write = write
    failed = process.exitCode === 1
    process.exitCode = undefined
    for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name]
    Object.assign(process.env, savedEnv)
    rmSync(runnerTemp, { recursive: true, force: true })
  }
  const lines = stdout.split(/\r?\n/)
  const values = (command: string) =>
    lines.filter(line => line.startsWith(`::${command}::`)).map(line => line.slice(command.length + 4))
  return {
    value,
    stdout,
    outputs: parseFileCommands(readFileSync(FILES.GITHUB_OUTPUT, 'utf8')),
    state: parseFileCommands(readFileSync(FILES.GITHUB_STATE, 'utf8')),
    env: parseFileCommands(readFileSync(FILES.GITHUB_ENV, 'utf8')),
    summary: readFileSync(FILES.GITHUB_STEP_SUMMARY, 'utf8'),
    errors: values('error'),
    warnings: values('warning'),
    masks: values('add-mask'),
    failed
  }
}

/** Runs the main or the post step in this process, with action.yml's defaults as the runner gives them. */
export async function runInProcess(step: 'main' | 'post', options: InProcessOptions = {}): Promise<InProcessResult> {
  const { run: runMain } = await import('../../src/main.js')
  const { run: runPost } = await import('../../src/post.js')
  const { INPUT_DEFAULTS } = await import('../../src/inputs.js')
  return inRunner(step === 'main' ? runMain : runPost, {
    ...options,
    inputs: { ...INPUT_DEFAULTS, ...options.inputs }
  })
}
