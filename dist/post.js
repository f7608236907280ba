// The post step of action.yml (written by scripts/build.js). runPost reports every failure itself.
import { runPost } from './index.js'

await runPost()
