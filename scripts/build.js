// Bundles each entry of action.yml with ncc into dist/<entry>/index.js. Types are
// checked by `npm run typecheck`, so ncc only transpiles.
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'

const ncc = 'node_modules/@vercel/ncc/dist/ncc/cli.js'
rmSync('dist', { recursive: true, force: true })
for (const entry of ['main', 'post']) {
  execFileSync(
    process.execPath,
    [ncc, 'build', `src/entry/${entry}.ts`, '-o', `dist/${entry}`, '--license', 'licenses.txt', '--quiet', '--transpile-only'],
    { stdio: 'inherit' }
  )
}
