// `npm run build`: dist/ is what ncc emits for src/index.ts, untouched afterwards, plus the two
// entries that action.yml runs, dist/main.js and dist/post.js. Both steps share nearly all
// their code, so it ships once. ncc only transpiles (`npm run typecheck` checks the types),
// with src/tsconfig.json. Not minified: on Node 24 minifying made no measurable difference to
// a step's start, and readable code needs no source maps.
import { execFileSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'

rmSync('dist', { recursive: true, force: true })
execFileSync(
  process.execPath,
  [
    'node_modules/@vercel/ncc/dist/ncc/cli.js',
    'build',
    'src/index.ts',
    '-o',
    'dist',
    '--license',
    'licenses.txt',
    '--quiet',
    '--transpile-only'
  ],
  { stdio: 'inherit' }
)

for (const [step, run] of [
  ['main', 'runMain'],
  ['post', 'runPost']
]) {
  writeFileSync(
    `dist/${step}.js`,
    `// The ${step} step of action.yml (written by scripts/build.js). ${run} reports every failure itself.
import { ${run} } from './index.js'

await ${run}()
`
  )
}
