// The permissions input (README, inputs): one `<uri> <action>` grant per line.
import { expect, test } from '@jest/globals'
import { parsePermissions } from '../src/platform/permissions.js'

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
})

test('the action is read, write or manage', () => {
  expect(parsePermissions('a://x manage\nb://y write').map(p => p.action)).toEqual(['manage', 'write'])
  expect(() => parsePermissions('storage://x admin')).toThrow(
    'line 1 ("storage://x admin") has action "admin"; allowed: read, write, manage'
  )
})
