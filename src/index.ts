// What the bundle exports (ncc's entry, src/bundle.cjs, re-exports it): both steps share
// nearly all their code, so dist/ holds it once, and dist/main.js and dist/post.js each run
// one of these. What only some runs need (undici, the create step, the job summary's writer,
// the proxy agent) loads when first used.
export { run as runMain } from './main.js'
export { run as runPost } from './post.js'
