// Bundles src/index.ts with ncc into dist/index.js (types are checked by `npm run typecheck`,
// so ncc only transpiles), then writes the two one-line entries that action.yml runs. Both
// steps share nearly all their code, so it ships once.
import { execFileSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'

const ncc = 'node_modules/@vercel/ncc/dist/ncc/cli.js'
rmSync('dist', { recursive: true, force: true })
execFileSync(
  process.execPath,
  [ncc, 'build', 'src/index.ts', '-o', 'dist', '--license', 'licenses.txt', '--quiet', '--transpile-only'],
  { stdio: 'inherit' }
)
for (const [step, run] of [
  ['main', 'runMain'],
  ['post', 'runPost']
]) {
  writeFileSync(
    `dist/${step}.js`,
    `// The ${step} step of action.yml (written by scripts/build.js). ${run} reports every failure itself.\nimport { ${run} } from './index.js'\n\nvoid ${run}()\n`
  )
}
