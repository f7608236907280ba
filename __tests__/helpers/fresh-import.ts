// Loads a module anew inside the running test, so that its module-level constants are
// evaluated by this test: Stryker's per-test coverage then counts the test as covering them.
import { jest } from '@jest/globals'

export async function freshImport<T>(load: () => Promise<T>): Promise<T> {
  let loaded: { module: T } | undefined
  await jest.isolateModulesAsync(async () => {
    loaded = { module: await load() }
  })
  return loaded!.module
}
