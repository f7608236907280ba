// The permissions input (README, inputs): one `<uri> <action>` grant per line.
import { expect, test } from '@jest/globals'
import { parsePermissions } from '../src/platform/permissions.js'
import { freshImport } from './helpers/fresh-import.js'

test('one grant per line; blank lines, comments and Windows line ends are skipped', () => {
  const text =
    '# data\r\nstorage://default/o/p/data read\r\n\r\n  image://default/o/p/app   write # push\nsecret:/x manage\n'
  expect(() => parsePermissions(text)).toThrow(/^line 5 /)
  expect(parsePermissions(text.replace('secret:/x manage\n', ''))).toEqual([
    { uri: 'storage://default/o/p/data', action: 'read' },
    { uri: 'image://default/o/p/app', action: 'write' }
  ])
  expect(parsePermissions('')).toEqual([])
})

test('a comment runs from "#" to the end of its line, whatever it holds', () => {
  for (const comment of ['# push', '#', '# a # b', '# a\rb', '# a\u2028b', '# a\u2029b', '#\u0085x y z'])
    expect(parsePermissions(`storage://default/o/p read ${comment}\n# ${comment}`)).toEqual([
      { uri: 'storage://default/o/p', action: 'read' }
    ])
})

test('a line that is not "<uri> <action>" is refused, naming its number and text', () => {
  expect(() => parsePermissions('storage://default/o/p read\nstorage://x')).toThrow(
    'line 2 ("storage://x") must be "<uri> <action>"'
  )
  expect(() => parsePermissions('storage://a read write')).toThrow(/line 1 .* must be "<uri> <action>"/)
})

test('a URI must be scheme:// and printable ASCII', () => {
  for (const uri of ['default/o/p', 'Storage://x', '1s://x', 'storage:/x', 'storage://', 'storage://x\u00e9'])
    expect(() => parsePermissions(`${uri} read`)).toThrow(/has no full URI/)
  expect(parsePermissions('s3+x.y-z://a read')).toEqual([{ uri: 's3+x.y-z://a', action: 'read' }])
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
