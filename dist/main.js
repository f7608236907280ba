// The main step of action.yml (written by scripts/build.js). runMain reports every failure itself.
import module from 'node:module'
import { join } from 'node:path'

// V8's compile cache (Node 22.1 and later) in the job's temp folder, so that post and any
// later step of the job that runs this action reuse the code main compiled. Outside a run
// (no RUNNER_TEMP) nothing is cached; a folder that cannot be written is skipped by Node.
if (process.env.RUNNER_TEMP) module.enableCompileCache?.(join(process.env.RUNNER_TEMP, 'apolo-service-account-compile-cache'))

// Imported only now, so that the cache is on when the bundle compiles.
const { runMain } = await import('./index.js')
void runMain()
