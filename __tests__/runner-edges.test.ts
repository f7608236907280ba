// The runner's side (src/runner.ts) where it meets a runner that is missing something, and the
// CLI config folder's removal on disk (src/config-dir.ts).
import { describe, expect, test } from '@jest/globals'
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { makeConfigDir, removeConfigDir } from '../src/config-dir.js'
import * as runner from '../src/runner.js'
import { inRunner } from './helpers/in-process.js'

describe('the runner', () => {
  // First in this file: @actions/core keeps the summary path it first finds.
  test('a job summary that cannot be written is a warning, never a failed step', async () => {
    const result = await inRunner(() => runner.writeSummary('# x'), {
      env: { GITHUB_STEP_SUMMARY: '' }
    })
    expect(result.failed).toBe(false)
    expect(result.warnings).toHaveLength(1)
    expect(result.warnings[0]).toBe(
      'Could not write the job summary: GITHUB_STEP_SUMMARY is not set: this runner keeps no job summary'
    )
  })

  // Second, for the same reason: core has kept no path yet.
  test('a summary part that could not be written is not written with the next one', async () => {
    const summaryPath = (await inRunner(() => process.env.GITHUB_STEP_SUMMARY)).value
    const result = await inRunner(
      async () => {
        await runner.writeSummary('# lost')
        process.env.GITHUB_STEP_SUMMARY = summaryPath
        await runner.writeSummary('# kept')
      },
      { env: { GITHUB_STEP_SUMMARY: join(tmpdir(), 'no-such-folder', 'summary') } }
    )
    expect(result.warnings).toHaveLength(1)
    expect(result.warnings[0]).toMatch(/^Could not write the job summary: Unable to access summary file/)
    expect(result.summary).toBe('# kept\n')
  })

  test('outside a workflow run the run is "local"', async () => {
    const result = await inRunner(() => Promise.resolve(runner.runIdentity()), {
      env: {
        GITHUB_REPOSITORY: '',
        GITHUB_REPOSITORY_ID: '',
        GITHUB_RUN_ID: '',
        GITHUB_RUN_ATTEMPT: '',
        GITHUB_JOB: ''
      }
    })
    expect(result.value).toEqual({ repository: 'local', repositoryId: '', runId: '', runAttempt: '', job: '' })
  })

  test('with the run variables unset rather than empty, the run is "local" all the same', async () => {
    const result = await inRunner(() => {
      for (const name of [
        'GITHUB_REPOSITORY',
        'GITHUB_REPOSITORY_ID',
        'GITHUB_RUN_ID',
        'GITHUB_RUN_ATTEMPT',
        'GITHUB_JOB'
      ])
        delete process.env[name]
      return Promise.resolve(runner.runIdentity())
    })
    expect(result.value).toEqual({ repository: 'local', repositoryId: '', runId: '', runAttempt: '', job: '' })
  })

  test("in a run, the run's repository, id, attempt and job", async () => {
    const result = await inRunner(() => Promise.resolve(runner.runIdentity()), {
      env: { GITHUB_REPOSITORY_ID: ' 7001 ', GITHUB_RUN_ATTEMPT: '3' }
    })
    expect(result.value).toEqual({
      repository: 'octo-org/octo-repo',
      repositoryId: '7001',
      runId: '4242',
      runAttempt: '3',
      job: 'build'
    })
  })

  test('inputs are read as the runner passes them: upper case, spaces as underscores, trimmed', async () => {
    const result = await inRunner(() => Promise.resolve(runner.readInput('sweep older than')), {
      env: { INPUT_SWEEP_OLDER_THAN: '  6h \n' }
    })
    expect(result.value).toBe('6h')
  })

  test('each log command is one line; an empty secret is not masked; a failure sets the exit code', async () => {
    const result = await inRunner(() => {
      runner.mask('')
      runner.mask('s3cr3t-value')
      runner.debug('d\nx')
      runner.info('i')
      runner.warning('w')
      runner.setFailed('e')
      return Promise.resolve()
    })
    expect(result.stdout.split(/\r?\n/)).toEqual([
      '::add-mask::s3cr3t-value',
      '::debug::d%0Ax',
      'i',
      '::warning::w',
      '::error::e',
      ''
    ])
    expect(result.failed).toBe(true)
  })

  test("a plain line keeps % as written; a command's value has it escaped, since the runner unescapes it", async () => {
    const result = await inRunner(() => {
      runner.info('100% done')
      runner.debug('5% left')
      runner.warning('50% over')
      runner.setFailed('0% done')
      runner.mask('p%ss')
      return Promise.resolve()
    })
    expect(result.stdout.split(/\r?\n/)).toEqual([
      '100% done',
      '::debug::5%25 left',
      '::warning::50%25 over',
      '::error::0%25 done',
      '::add-mask::p%25ss',
      ''
    ])
    expect(runner.safeText('100% done')).toBe('100% done')
  })

  test('a control character is written as the runner escapes its own: % and two upper-case hex digits', async () => {
    const result = await inRunner(() => {
      runner.info('red\u001b[31m, del\u007f, nel\u0085')
      return Promise.resolve()
    })
    expect(result.stdout.split(/\r?\n/)[0]).toBe('red%1B[31m, del%7F, nel%85')
  })

  test('an exported variable is set for this process and written for later steps', async () => {
    const result = await inRunner(() => {
      runner.exportVariable('APOLO_TEST_VARIABLE', 'v')
      return Promise.resolve(process.env.APOLO_TEST_VARIABLE)
    })
    expect(result.value).toBe('v')
    expect(result.env).toEqual({ APOLO_TEST_VARIABLE: 'v' })
    expect(runner.runnerTemp()).toBe(process.env.RUNNER_TEMP || undefined)
  })
})

describe('what one step may set', () => {
  const MiB = 1024 * 1024

  test('an output of up to 1 MB is set; one byte more is refused, naming the output, and nothing is written', async () => {
    const fits = await inRunner(() => runner.setOutput('default-project', 'é'.repeat(MiB / 2)))
    expect(fits.outputs['default-project']).toHaveLength(MiB / 2)
    const over = await inRunner(() => {
      expect(() => runner.setOutput('created-at', `${'x'.repeat(MiB)}`)).not.toThrow()
      runner.setOutput('default-cluster', `é${'x'.repeat(MiB - 1)}`)
    }).catch((error: Error) => error)
    expect(over).toEqual(
      new Error(
        'the default-cluster output would be 1.0 MB, over the 1 MB GitHub allows for one output, so it is not set'
      )
    )
  })

  test('a summary part that fits is written whole', () => {
    const text = 'a\nb\n'
    expect(runner.withinSummaryLimit(text, MiB - 4)).toBe(text)
    expect(runner.withinSummaryLimit(text, 0)).toBe(text)
  })

  test('one that does not is cut at its last line break that fits, and the note says so', () => {
    const note = Buffer.byteLength(runner.SUMMARY_CUT_NOTE)
    const text = `ab\n${'é'.repeat(100)}\n${'more'.repeat(100)}\n`
    const room = (bytes: number) => MiB - bytes
    expect(runner.withinSummaryLimit(text, room(note + 205))).toBe(`ab\n${'é'.repeat(100)}${runner.SUMMARY_CUT_NOTE}`)
    expect(runner.withinSummaryLimit(text, room(note + 203))).toBe(`ab\n${'é'.repeat(100)}${runner.SUMMARY_CUT_NOTE}`)
    // The cut is made at a line break, so it never splits an é.
    expect(runner.withinSummaryLimit(text, room(note + 202))).toBe(`ab${runner.SUMMARY_CUT_NOTE}`)
    expect(runner.withinSummaryLimit(text, room(note + 2))).toBe(`ab${runner.SUMMARY_CUT_NOTE}`)
    expect(runner.withinSummaryLimit(text, room(note + 1))).toBe(runner.SUMMARY_CUT_NOTE)
    expect(runner.withinSummaryLimit(text, room(note))).toBe(runner.SUMMARY_CUT_NOTE)
    expect(runner.withinSummaryLimit(text, room(note - 1))).toBe('')
  })

  test("a step's summary stays within 1 MiB, with a warning, however much it writes", async () => {
    const row = `| ${'x'.repeat(1000)} |`
    const result = await inRunner(async () => {
      await runner.writeSummary('# first')
      for (let i = 0; i < 4; i++) await runner.writeSummary(Array(500).fill(row).join('\n'))
    })
    expect(Buffer.byteLength(result.summary)).toBeLessThanOrEqual(MiB)
    expect(Buffer.byteLength(result.summary)).toBeGreaterThan(MiB - 2_000)
    expect(result.summary.startsWith('# first\n| x')).toBe(true)
    expect(result.summary.endsWith(runner.SUMMARY_CUT_NOTE)).toBe(true)
    expect(result.summary.split(runner.SUMMARY_CUT_NOTE)).toHaveLength(2)
    expect(result.warnings).toEqual([
      "The job summary is cut short: GitHub shows at most 1 MiB of one step's summary",
      "The job summary is cut short: GitHub shows at most 1 MiB of one step's summary"
    ])
    expect(result.failed).toBe(false)
  })
})

describe('the CLI config folder on disk', () => {
  const root = () => realpathSync(mkdtempSync(join(tmpdir(), 'config-dir-test-')))

  test('is made inside the given root, or the system temp folder', () => {
    const inside = root()
    const made = makeConfigDir(inside)
    expect(dirname(made)).toBe(inside)
    const fallback = makeConfigDir(undefined)
    expect(dirname(fallback)).toBe(tmpdir())
    rmSync(inside, { recursive: true })
    rmSync(fallback, { recursive: true })
  })

  test('one it made is removed; one already gone is fine', () => {
    const inside = root()
    const made = makeConfigDir(inside)
    writeFileSync(join(made, 'config'), 'x')
    expect(removeConfigDir(made, inside)).toBeUndefined()
    expect(existsSync(made)).toBe(false)
    expect(removeConfigDir(made, inside)).toBeUndefined()
    rmSync(inside, { recursive: true })
  })

  test('a file, a link, or a folder elsewhere is left, with the reason', () => {
    const inside = root()
    const file = join(inside, 'apolo-service-account-file')
    writeFileSync(file, 'x')
    expect(removeConfigDir(file, inside)).toBe('it is not a folder')
    const target = mkdtempSync(join(inside, 'target-'))
    const link = join(inside, 'apolo-service-account-link')
    symlinkSync(target, link)
    expect(removeConfigDir(link, inside)).toBe('it is not a folder')
    const nested = join(inside, 'nested', 'apolo-service-account-x')
    mkdirSync(nested, { recursive: true })
    expect(removeConfigDir(nested, inside)).toMatch(
      /^it is not a folder this action makes \(apolo-service-account-… directly inside /
    )
    for (const path of [file, target, nested]) expect(existsSync(path)).toBe(true)
    rmSync(inside, { recursive: true })
  })
})
