// The bundle's one module: both steps share nearly all their code, so dist/ holds it once
// and dist/main.js and dist/post.js each run one of these.
export { runMain } from './main.js'
export { runPost } from './post.js'
