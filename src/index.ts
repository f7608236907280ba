// The bundle's one module: both steps share nearly all their code, so dist/ holds it once
// and dist/main.js and dist/post.js each run one of these.
import { setFlagsFromString } from 'node:v8'

// undici parses HTTP with WebAssembly (llhttp). After a couple of answers V8 starts
// optimising it in the background, and the process then waits 100-200 ms at exit for a
// parser it no longer needs (Node 20 after one answer, Node 24 after two). The baseline
// code is plenty for the action's few answers (100,000 listed accounts included: see the
// README's Performance), so the tier-up budget is set out of reach. V8 reads this flag when
// it decides to tier up, so setting it at run time takes effect on Node 20 and 24 alike.
setFlagsFromString('--wasm-tiering-budget=1000000000')

export { runMain } from './main.js'
export { runPost } from './post.js'
