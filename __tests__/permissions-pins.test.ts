// The permissions input's URI rules at their edges: text before or after what a rule reads.
// The rules are module-level patterns, so each test loads the module anew (fresh-import.ts).
import { expect, test } from '@jest/globals'
import fc from 'fast-check'
import { freshImport } from './helpers/fresh-import.js'

const permissions = () => freshImport(() => import('../src/platform/permissions.js'))

const target = { cluster: 'c', org: 'o', project: 'p' }

test('a URI starts with its lower-case scheme: anything before it leaves no URI', async () => {
  const { parsePermissions } = await permissions()
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom(...'ABZ019_!*'.split('')), minLength: 1, maxLength: 4 }),
      fc.constantFrom('storage://default/o/p/data', 'storage:data', 'secret:api-key'),
      (junk, uri) => {
        expect(() => parsePermissions(`${junk}${uri} read`)).toThrow(/^line 1 \(".*"\) has no URI: write scheme:path/)
      }
    ),
    { seed: 4, numRuns: 100 }
  )
})

test('a full URI is printable ASCII to its end, wherever a non-ASCII character sits', async () => {
  const { parsePermissions } = await permissions()
  for (const uri of ['storage://x\u00e9', 'storage://x\u00e9a://b', 'storage://\u00e9/o/p'])
    expect(() => parsePermissions(`${uri} read`)).toThrow(/^line 1 .* has a URI that is not printable ASCII$/)
})

test('a full URI of any scheme is kept as written, not read as a short form', async () => {
  const { expandPermission, parsePermissions } = await permissions()
  expect(parsePermissions('s3://a read')).toEqual([{ uri: 's3://a', action: 'read', line: 1 }])
  expect(expandPermission({ uri: 'storage://default/o/p/data', action: 'read' }, target)).toEqual({
    uri: 'storage://default/o/p/data',
    action: 'read'
  })
})

test('a short path with a character to percent-encode is refused, wherever the character is', async () => {
  const { parsePermissions } = await permissions()
  fc.assert(
    fc.property(
      // No "/" first: "storage://…" would be a full URI.
      fc.stringMatching(/^(?:[a-z0-9-][a-z0-9/-]{0,5})?$/),
      fc.constantFrom(...'"<>\\^`{|}'.split('')),
      fc.stringMatching(/^[a-z0-9/-]{0,6}$/),
      (before, bad, after) => {
        expect(() => parsePermissions(`storage:${before}${bad}${after} read`)).toThrow(
          /has a character in its URI that must be percent-encoded/
        )
      }
    ),
    { seed: 4, numRuns: 100 }
  )
})

test('an image named with a tag or digest is refused, full or short', async () => {
  const { parsePermissions } = await permissions()
  for (const uri of ['image:app:1.0', 'image:app@sha256:ab', 'image://default/o/p/app:1.0'])
    expect(() => parsePermissions(`${uri} read`)).toThrow(
      'names an image with a tag or digest: grant on the image name, without ":tag" or "@sha256:…", as the platform refuses tags'
    )
})

test('"~" at the start of a short path is refused however many slashes come before it', async () => {
  const { parsePermissions } = await permissions()
  for (const uri of ['storage:~x', 'storage:/~x', 'storage:///~x', 'storage:////~x', 'storage://///~x'])
    expect(() => parsePermissions(`${uri} read`)).toThrow(/has "~" in its URI: no user is expanded here/)
})

test('"~" after the start of a short path is a character like any other', async () => {
  const { expandPermission, parsePermissions } = await permissions()
  expect(parsePermissions('storage:a~b read\nstorage:a/~b read').map(p => p.uri)).toEqual([
    'storage:a~b',
    'storage:a/~b'
  ])
  expect(expandPermission({ uri: 'storage:a/~b', action: 'read' }, target).uri).toBe('storage://c/o/p/a/~b')
})

test('only "//" right after the scheme is an empty host: a path ending in "//" keeps its start', async () => {
  const { expandPermission, parsePermissions } = await permissions()
  expect(() => parsePermissions('storage:~a// read')).toThrow(/has "~" in its URI/)
  expect(expandPermission({ uri: 'storage:a//', action: 'read' }, target)).toEqual({
    uri: 'storage://c/o/p/a//',
    action: 'read'
  })
})
