// client.ts loaded anew, for a test that checks what its module constants (limits, media
// types, messages) do: Stryker credits a module's set-up only to the test during which it runs.
import { jest } from '@jest/globals'

export async function freshClientModule(): Promise<typeof import('../../src/platform/client.js')> {
  let loaded: typeof import('../../src/platform/client.js') | undefined
  await jest.isolateModulesAsync(async () => {
    loaded = await import('../../src/platform/client.js')
  })
  return loaded!
}
