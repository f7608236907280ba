import { lstatSync, mkdtempSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

/** Every CLI config folder the action makes starts with this, directly inside the root. */
const PREFIX = 'apolo-service-account-'

/** A fresh folder for the CLI's config under `root` (the runner's temp folder). */
export function makeConfigDir(root: string | undefined): string {
  return mkdtempSync(path.join(root ?? tmpdir(), PREFIX))
}

/**
 * Removes a folder post was told about, only if it is provably one `makeConfigDir` made:
 * a real folder (not a link), named with the prefix, directly inside the same root.
 * Returns why it was left, or undefined once removed.
 */
export function removeConfigDir(dir: string, root: string | undefined): string | undefined {
  let real: string
  try {
    if (!lstatSync(dir).isDirectory()) return 'it is not a folder'
    real = realpathSync(dir)
  } catch {
    return undefined // already gone
  }
  const expectedParent = realpathSync(root ?? tmpdir())
  if (!isConfigDirOf(real, expectedParent))
    return `it is not a folder this action makes (${PREFIX}… directly inside ${expectedParent})`
  // Stryker disable next-line BooleanLiteral: force only tells if the folder vanishes between the checks and here
  rmSync(real, { recursive: true, force: true })
  return undefined
}

/** Whether a real path is one `makeConfigDir` could have made in `root`, by the platform's path rules. */
export function isConfigDirOf(real: string, root: string, paths: path.PlatformPath = path): boolean {
  const name = paths.basename(real)
  return paths.dirname(real) === paths.resolve(root) && name.startsWith(PREFIX) && name.length > PREFIX.length
}
