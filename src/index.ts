// What the bundle exports: both steps share nearly all their code, so dist/index.js holds it
// once, and dist/main.js and dist/post.js each run one of these. What only some runs need
// (undici with the client, the create step) loads through import() when first used.
export { run as runMain } from './main.js'
export { run as runPost } from './post.js'
