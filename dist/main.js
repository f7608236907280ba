// The main step of action.yml (written by scripts/build.js). runMain reports every failure itself.
const { existsSync } = require('node:fs')
const { enableCompileCache } = require('node:module')
const { join } = require('node:path')

// V8's compile cache (Node 22.1 and later) in the job's temp folder, where post and any later
// step of the job that runs this action find the code an earlier step compiled. Outside a run
// (no RUNNER_TEMP) nothing is cached; a folder that cannot be written is skipped by Node.
const cache = process.env.RUNNER_TEMP && join(process.env.RUNNER_TEMP, 'apolo-service-account-compile-cache')
if (cache && ((process.env.INPUT_OPERATION?.trim() || "create") === 'create' || existsSync(cache))) enableCompileCache?.(cache)

// Required only now, so that the cache is on when the bundle compiles.
void require('./index.js').runMain()
