// `npm run bench:herd -- --jobs N --in-flight K --latency-ms L [--rate R --burst B]
//   [--spread-ms MS] [--max-procs P]`: a matrix of N jobs (all running at once unless --max-procs), each the built main then post as the
// runner runs them, against the emulator admitting K requests at once, each answered after L ms
// (429 with Retry-After: 1 past that), optionally with a per-owner rate limit of R requests a
// second (burst B). Prints what docs/reliability.md's "Scale: a matrix herd" table holds, and its row.
// A script that prints figures, not a test: nothing here passes or fails.
import { existsSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { commandLine } from '../emulator/command-line.js'
import { HERD_TABLE_HEADER, formatHerd, herdRow, runHerd } from './herd.js'
import { ROOT } from './local-runner.js'

const USAGE =
  'usage: npm run bench:herd -- [--jobs N] [--in-flight K] [--latency-ms L] [--rate R --burst B]\n' +
  '                             [--spread-ms MS] [--max-procs P]\n'

const cli = commandLine(
  {
    jobs: { type: 'string', default: '64' },
    'in-flight': { type: 'string', default: '8' },
    'latency-ms': { type: 'string', default: '200' },
    rate: { type: 'string' },
    burst: { type: 'string' },
    'spread-ms': { type: 'string', default: '3000' },
    'max-procs': { type: 'string' }
  },
  USAGE
)
const { values, usage } = cli
/** Flags with a default always hold a number. @param {string} flag @param {number} min */
const number = (flag, min) => cli.number(flag, min) ?? usage(`--${flag} needs a value`)
/** @param {string} flag @param {number} min */
const whole = (flag, min) => cli.whole(flag, min) ?? usage(`--${flag} needs a value`)

if ((values.rate === undefined) !== (values.burst === undefined)) usage('--rate and --burst go together')
if (!existsSync(join(ROOT, 'dist', 'main.js'))) usage('dist/ is missing: run npm run build first')

const options = {
  jobs: whole('jobs', 1),
  inFlight: whole('in-flight', 1),
  latencyMs: whole('latency-ms', 0),
  rateLimit: values.rate === undefined ? undefined : { perSecond: number('rate', 0.001), burst: whole('burst', 1) },
  spreadMs: whole('spread-ms', 0),
  maxProcesses: cli.whole('max-procs', 1)
}
console.log(`# herd benchmark`)
console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, Node ${process.versions.node}`)
console.log(
  `first requests let in at random times over ${options.spreadMs} ms; each job runs dist/main.js then dist/post.js\n`
)
let lastShown = performance.now()
const report = await runHerd({
  ...options,
  progress: (done, jobs) => {
    const now = performance.now()
    if (done < jobs && now - lastShown < 5000) return
    lastShown = now
    process.stderr.write(`  ${done}/${jobs} jobs done\n`)
  }
})
console.log(formatHerd(report).join('\n'))
console.log(`\n${HERD_TABLE_HEADER.join('\n')}\n${herdRow(report)}`)
