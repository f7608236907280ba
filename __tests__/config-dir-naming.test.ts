// The CLI config folder's name (src/config-dir.ts): each folder the action makes carries its
// prefix, and post removes no folder without it.
import { expect, test } from '@jest/globals'
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'

test('a folder the action makes is named apolo-service-account-…, and only such a folder is removed', async () => {
  // Imported here, not above: the prefix is fixed as the module loads, and so that load is
  // this test's own (what Stryker counts as a test covering it).
  const { makeConfigDir, removeConfigDir } = await import('../src/config-dir.js')
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'config-dir-naming-')))
  const made = makeConfigDir(root)
  expect(basename(made)).toMatch(/^apolo-service-account-./)
  const unprefixed = mkdtempSync(join(root, 'workspace-'))
  expect(removeConfigDir(unprefixed, root)).toBe(
    `it is not a folder this action makes (apolo-service-account-… directly inside ${root})`
  )
  expect(existsSync(unprefixed)).toBe(true)
  expect(removeConfigDir(made, root)).toBeUndefined()
  expect(existsSync(made)).toBe(false)
  rmSync(root, { recursive: true })
})
