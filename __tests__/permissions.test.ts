// The permissions input (README, inputs): one `<uri> <action>` grant per line.
import { describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import { expandPermission, parsePermissions, SHORT_SCHEMES } from '../src/platform/permissions.js'
import { freshImport } from './helpers/fresh-import.js'

test('one grant per line; blank lines, comments and Windows line ends are skipped', () => {
  const text =
    '# data\r\nstorage://default/o/p/data read\r\n\r\n  image://default/o/p/app   write # push\nsecret:/x? manage\n'
  expect(() => parsePermissions(text)).toThrow(/^line 5 /)
  expect(parsePermissions(text.replace('secret:/x? manage\n', ''))).toEqual([
    { uri: 'storage://default/o/p/data', action: 'read', line: 2 },
    { uri: 'image://default/o/p/app', action: 'write', line: 4 }
  ])
  expect(parsePermissions('')).toEqual([])
})

test('a comment runs from "#" to the end of its line, whatever it holds', () => {
  for (const comment of ['# push', '#', '# a # b', '# a\rb', '# a\u2028b', '# a\u2029b', '#\u0085x y z'])
    expect(parsePermissions(`storage://default/o/p read ${comment}\n# ${comment}`)).toEqual([
      { uri: 'storage://default/o/p', action: 'read', line: 1 }
    ])
})

test('a line that is not "<uri> <action>" is refused, naming its number and text', () => {
  expect(() => parsePermissions('storage://default/o/p read\nstorage://x')).toThrow(
    'line 2 ("storage://x") must be "<uri> <action>"'
  )
  expect(() => parsePermissions('storage://a read write')).toThrow(/line 1 .* must be "<uri> <action>"/)
})

test('a URI is scheme://… in printable ASCII, or a short form of a scheme the apolo CLI writes short', () => {
  for (const uri of ['default/o/p', 'Storage://x', '1s://x', ':x'])
    expect(() => parsePermissions(`${uri} read`)).toThrow(/^line 1 \(".*"\) has no URI: write scheme:path/)
  expect(() => parsePermissions('storage://x\u00e9 read')).toThrow(/has a URI that is not printable ASCII/)
  expect(parsePermissions('s3+x.y-z://a read')).toEqual([{ uri: 's3+x.y-z://a', action: 'read', line: 1 }])
  for (const uri of ['role:alice', 'user:x', 'bucket:b'])
    expect(() => parsePermissions(`${uri} read`)).toThrow(
      /without a cluster: only storage:, image:, job:, secret:, disk:, blob:, flow: may be written short/
    )
})

test('a short form is refused where the apolo CLI refuses it', () => {
  const refused = (uri: string) => () => parsePermissions(`${uri} read`)
  expect(refused('storage:a?b')).toThrow(/has "\?" in its URI: write it as %3F/)
  expect(refused('storage:~/x')).toThrow(/"~"/)
  expect(refused('storage:/~x')).toThrow(/"~"/)
  expect(refused('storage:a/../b')).toThrow(/"\." or "\.\." segment/)
  expect(refused('storage:./b')).toThrow(/"\." or "\.\." segment/)
  expect(refused('storage:a"b')).toThrow(/percent-encoded/)
  expect(refused('image:app:latest')).toThrow(/tag or digest/)
  expect(refused('image:app@sha256:abc')).toThrow(/tag or digest/)
  // What the CLI leaves as written is kept as written.
  expect(parsePermissions("storage:a%20b/c-d_e.f~g!$&'()*+,;=:@ read")).toHaveLength(1)
})

describe('a short form expands as the apolo CLI expands it (apolo-sdk _normalize_uri)', () => {
  const target = { cluster: 'c1', project: 'p1', org: 'o1' }
  const full = (uri: string, where: { cluster: string; project: string; org?: string } = target) =>
    expandPermission(parsePermissions(`${uri} write`)[0], where)

  test.each(SHORT_SCHEMES.map(scheme => [scheme]))('%s: relative under the project, absolute under the org', scheme => {
    expect(full(`${scheme}:x/y`)).toEqual({ uri: `${scheme}://c1/o1/p1/x/y`, action: 'write' })
    expect(full(`${scheme}:`)).toEqual({ uri: `${scheme}://c1/o1/p1`, action: 'write' })
    expect(full(`${scheme}:/p2/x`)).toEqual({ uri: `${scheme}://c1/o1/p2/x`, action: 'write' })
    expect(full(`${scheme}:///p2/x`)).toEqual({ uri: `${scheme}://c1/o1/p2/x`, action: 'write' })
    expect(full(`${scheme}://`)).toEqual({ uri: `${scheme}://c1/o1/p1`, action: 'write' })
    expect(full(`${scheme}:/`)).toEqual({ uri: `${scheme}://c1/o1/`, action: 'write' })
  })

  test('with no org, the project or path is right under the cluster', () => {
    const noOrg = { cluster: 'c1', project: 'p1' }
    expect(full('secret:api-key', noOrg).uri).toBe('secret://c1/p1/api-key')
    expect(full('storage:/p2/data', noOrg).uri).toBe('storage://c1/p2/data')
    expect(full('storage:////x', noOrg).uri).toBe('storage://c1/x')
    expect(full('disk:', noOrg).uri).toBe('disk://c1/p1')
    expect(full('job:/', noOrg).uri).toBe('job://c1/')
  })

  test('the examples of the CLI: secret, image, job', () => {
    expect(full('secret:api-key').uri).toBe('secret://c1/o1/p1/api-key')
    expect(full('image:resnet50').uri).toBe('image://c1/o1/p1/resnet50')
    expect(full('job:/p1/my-job-id').uri).toBe('job://c1/o1/p1/my-job-id')
    expect(full('blob:bucket/key').uri).toBe('blob://c1/o1/p1/bucket/key')
    expect(full('flow:my-flow').uri).toBe('flow://c1/o1/p1/my-flow')
  })

  test('a full URI is kept as written', () => {
    expect(full('storage://other/o/p/x')).toEqual({ uri: 'storage://other/o/p/x', action: 'write' })
    expect(full('role://c1/x')).toEqual({ uri: 'role://c1/x', action: 'write' })
  })
})

test('an image with a tag or digest is refused, as the platform refuses it', () => {
  expect(() => parsePermissions('image://default/o/p/app:latest read')).toThrow(/tag or digest/)
  expect(() => parsePermissions('image://default/o/p/app@sha256:abc read')).toThrow(/tag or digest/)
  expect(parsePermissions('storage://default/o/p/a:b read')).toHaveLength(1)
  // Only an image URI names an image, even if another holds "image://" further on.
  expect(parsePermissions('storage://default/o/p/image://mirror/app:1 read')).toHaveLength(1)
})

test('the action is read, write or manage', async () => {
  // Loaded anew, so that the list of actions is read by this test.
  const { parsePermissions } = await freshImport(() => import('../src/platform/permissions.js'))
  expect(parsePermissions('a://x manage\nb://y write\nc://z read').map(p => p.action)).toEqual([
    'manage',
    'write',
    'read'
  ])
  expect(() => parsePermissions('storage://x admin')).toThrow(
    'line 1 ("storage://x admin") has action "admin"; allowed: read, write, manage'
  )
})

// The rules are module-level patterns: these load the module anew (fresh-import.ts).
describe('the URI rules at their edges: text before or after what a rule reads', () => {
  const target = { cluster: 'c', org: 'o', project: 'p' }
  const permissions = () => freshImport(() => import('../src/platform/permissions.js'))

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
})
