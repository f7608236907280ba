// The main step of action.yml (written by scripts/build.js). runMain reports every failure itself.
import { runMain } from './index.js'

await runMain()
