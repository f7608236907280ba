// The parts of undici that every request uses, loaded with src/platform/http.ts once the
// inputs are good, so that a run that fails on its inputs loads none of undici (nor V8's settings).
// undici's package entry evaluates all of undici (fetch, WebSocket, caches, mocks), which
// costs more start-up time than the whole rest of the action; these are the parts used.
import { setFlagsFromString } from 'node:v8'

// undici parses HTTP with WebAssembly (llhttp). After a couple of answers V8 starts
// optimising it in the background, and the process then waits 100-200 ms at exit for a
// parser it no longer needs (Node 20 after one answer, Node 24 after two). The baseline
// code is plenty for the action's few answers (100,000 listed accounts included: see the
// README's Performance), so the tier-up budget is set out of reach, before the parser is
// first compiled. V8 reads this flag when it decides to tier up, so setting it at run time
// takes effect on Node 20 and 24 alike.
// Stryker disable next-line StringLiteral: no test can read a V8 setting back; npm run bench times its effect
setFlagsFromString('--wasm-tiering-budget=1000000000')

export { default as Agent } from 'undici/lib/dispatcher/agent.js'
export { default as DispatcherBase } from 'undici/lib/dispatcher/dispatcher.js'
export { default as request } from 'undici/lib/api/api-request.js'
