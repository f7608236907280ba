// ncc's entry: a CommonJS file, so that ncc builds dist/ as CommonJS, which Node loads faster
// than ES modules (README, "Start-up"). It is src/index.ts, re-exported.
module.exports = require('./index')
