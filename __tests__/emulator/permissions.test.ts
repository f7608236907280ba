// /users/{role}/permissions (emulator/permissions.js): grants as the auth server answers them.
import { describe, expect, test } from '@jest/globals'
import { call, emulator, errorBody, jwtOf, made, useFileEmulator, user } from '../helpers/emulator-api.js'

useFileEmulator()

describe('permissions', () => {
  test('grant (201, the array back), list, re-grant replaces, revoke (204)', async () => {
    const { token } = user()
    const account = await made(token, { name: 'emu-perm' })
    const path = `/users/${account.role.replaceAll('/', ':')}/permissions`
    const wanted = [
      { uri: 'storage://default/o/p/data', action: 'read' },
      { uri: 'image://default/o/p/img', action: 'write' }
    ]
    const granted = await call('POST', path, { token, body: wanted })
    expect(granted.status).toBe(201)
    expect(granted.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(JSON.parse(granted.text)).toEqual(wanted)
    expect(emulator.grants(account.role)).toEqual(wanted)
    await call('POST', path, { token, body: [{ uri: 'storage://default/o/p/data', action: 'manage' }] })
    const listed = await call('GET', path, { token })
    expect(listed.status).toBe(200)
    expect(JSON.parse(listed.text)).toEqual([wanted[1], { uri: 'storage://default/o/p/data', action: 'manage' }])
    const revoked = await call('DELETE', `${path}?uri=${encodeURIComponent('image://default/o/p/img')}`, { token })
    expect(revoked).toMatchObject({ status: 204, text: '' })
    expect(emulator.grants(account.role)).toEqual([{ uri: 'storage://default/o/p/data', action: 'manage' }])
  })

  test.each([
    ['an unknown action', [{ uri: 'storage://x/y', action: 'own' }]],
    ['a missing action', [{ uri: 'storage://x/y' }]],
    ['a URI with no scheme', [{ uri: 'default/o/p', action: 'read' }]],
    ['a URI with an empty rest', [{ uri: 'storage://', action: 'read' }]],
    ['a number for a URI', [{ uri: 7, action: 'read' }]],
    ['an object, not an array', { uri: 'storage://x', action: 'read' }],
    ['an empty array', []],
    ['an array of strings', ['storage://x']]
  ])('grant: 400 with a JSON error for %s, nothing granted', async (_, body) => {
    const { token } = user()
    const account = await made(token, { name: 'emu-bad-perm' })
    const reply = await call('POST', `/users/${account.role.replaceAll('/', ':')}/permissions`, { token, body })
    expect(reply.status).toBe(400)
    expect(typeof JSON.parse(reply.text).error).toBe('string')
    expect(emulator.grants(account.role)).toEqual([])
  })

  test('400 for a body that is not JSON, and for a revoke without a uri', async () => {
    const { token } = user()
    const account = await made(token, { name: 'emu-raw-perm' })
    const path = `/users/${account.role.replaceAll('/', ':')}/permissions`
    expect((await call('POST', path, { token, raw: '[{' })).status).toBe(400)
    expect((await call('DELETE', path, { token })).status).toBe(400)
  })

  test('404 "user ... was not found" for a role that is not one of the caller\'s accounts\' roles; 401 without a token', async () => {
    const owner = user()
    const stranger = user()
    const account = await made(owner.token, { name: 'emu-theirs' })
    const name = account.role.replaceAll('/', ':')
    const body = [{ uri: 'storage://default/o/p', action: 'read' }]
    const notFound = await call('POST', `/users/${name}/permissions`, { token: stranger.token, body })
    expect(notFound).toMatchObject({ status: 404, text: errorBody(`user "${account.role}" was not found`) })
    expect(notFound.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect((await call('GET', `/users/${name}/permissions`, { token: stranger.token })).status).toBe(404)
    expect((await call('POST', `/users/${owner.name}/permissions`, { token: owner.token, body })).status).toBe(404)
    expect(
      (await call('POST', `/users/${owner.name}:service-accounts:nope/permissions`, { token: owner.token, body }))
        .status
    ).toBe(404)
    expect((await call('POST', `/users/${name}/permissions`, { body })).status).toBe(401)
    expect(emulator.grants(account.role)).toEqual([])
  })

  test('removing the account removes its grants', async () => {
    const { token } = user()
    const account = await made(token, { name: 'emu-perm-gone' })
    const path = `/users/${account.role.replaceAll('/', ':')}/permissions`
    expect(
      (await call('POST', path, { token, body: [{ uri: 'secret://default/o/p/s', action: 'read' }] })).status
    ).toBe(201)
    await call('DELETE', `/service_accounts/${account.id}`, { token })
    expect(emulator.grants(account.role)).toEqual([])
    expect((await call('GET', path, { token })).status).toBe(404)
    // A new account with the same name starts with nothing.
    await made(token, { name: 'emu-perm-gone' })
    expect(JSON.parse((await call('GET', path, { token })).text)).toEqual([])
  })

  // How the SDK (apolo_sdk/_users.py) and the platform's e2e tests (test_e2e_share.py) see the
  // auth server; see emulator/README.md for where each fact comes from.
  describe("as the SDK and the platform's e2e tests see them", () => {
    async function granted(token: string, name: string, permissions: { uri: string; action: string }[]) {
      const account = await made(token, { name })
      const path = `/users/${account.role.replaceAll('/', ':')}/permissions`
      expect((await call('POST', path, { token, body: permissions })).status).toBe(201)
      return { account, path }
    }
    const acl = async (token: string, path: string, uri?: string) => {
      const reply = await call('GET', uri === undefined ? path : `${path}?uri=${encodeURIComponent(uri)}`, { token })
      expect(reply.status).toBe(200)
      return JSON.parse(reply.text)
    }

    test('list ?uri= filters to that URI and the tree below it; "storage:" is every storage grant', async () => {
      const { token } = user()
      const grants = [
        { uri: 'storage://default/o/p/data', action: 'read' },
        { uri: 'storage://default/o/p/data/sub', action: 'write' },
        { uri: 'storage://default/o/p/data2', action: 'manage' },
        { uri: 'image://default/o/p/img', action: 'read' },
        { uri: 'secret://default/o/p/key', action: 'read' }
      ]
      const { path } = await granted(token, 'emu-acl-filter', grants)
      expect(await acl(token, path)).toEqual(grants)
      expect(await acl(token, path, 'storage:')).toEqual(grants.slice(0, 3))
      expect(await acl(token, path, 'storage://')).toEqual(grants.slice(0, 3))
      // A path prefix is not enough: data2 is not below data.
      expect(await acl(token, path, 'storage://default/o/p/data')).toEqual(grants.slice(0, 2))
      expect(await acl(token, path, 'image:')).toEqual([grants[3]])
      expect(await acl(token, path, 'job:')).toEqual([])
      expect(await acl(token, path, 'storage://other')).toEqual([])
    })

    test('list ?uri= below a grant answers that URI with the strongest covering action', async () => {
      const { token } = user()
      const { path } = await granted(token, 'emu-acl-covered', [
        { uri: 'storage://default/o', action: 'read' },
        { uri: 'storage://default/o/p', action: 'manage' },
        { uri: 'storage://default/o/p/x/deep', action: 'write' }
      ])
      // `apolo acl ls <uri>` under a project the caller manages shows `<uri> manage`.
      expect(await acl(token, path, 'storage://default/o/p/x')).toEqual([
        { uri: 'storage://default/o/p/x', action: 'manage' },
        { uri: 'storage://default/o/p/x/deep', action: 'write' }
      ])
      expect(await acl(token, path, 'storage://default/o/q')).toEqual([
        { uri: 'storage://default/o/q', action: 'read' }
      ])
    })

    test("a service account reads its own role's grants with its own token (apolo acl ls), and nothing else", async () => {
      const owner = user()
      const { account, path } = await granted(owner.token, 'emu-acl-self', [
        { uri: 'storage://default/o/p', action: 'read' }
      ])
      const own = jwtOf(account.token)
      expect(await acl(own, path)).toEqual([{ uri: 'storage://default/o/p', action: 'read' }])
      expect(await acl(own, path, 'image:')).toEqual([])
      // Reading is all it may do with its role, and other roles stay hidden.
      expect(
        (await call('POST', path, { token: own, body: [{ uri: 'storage://default/o/p', action: 'manage' }] })).status
      ).toBe(404)
      expect((await call('DELETE', `${path}?uri=storage://default/o/p`, { token: own })).status).toBe(404)
      const sibling = await made(owner.token, { name: 'emu-acl-sibling' })
      const other = await call('GET', `/users/${sibling.role.replaceAll('/', ':')}/permissions`, { token: own })
      expect(other).toMatchObject({ status: 404, text: errorBody(`user "${sibling.role}" was not found`) })
      // A user reads their own role the same way.
      expect(await acl(owner.token, `/users/${owner.name}/permissions`)).toEqual([])
      expect(emulator.grants(account.role)).toEqual([{ uri: 'storage://default/o/p', action: 'read' }])
    })

    test('revoking what was never granted: 400 "Operation has no effect", nothing changes', async () => {
      const { token } = user()
      const grants = [
        { uri: 'storage://default/o/p/a', action: 'read' },
        { uri: 'storage://default/o/p/b', action: 'read' }
      ]
      const { account, path } = await granted(token, 'emu-revoke-none', grants)
      const none = await call('DELETE', `${path}?uri=${encodeURIComponent('storage://default/o/p/never')}`, { token })
      expect(none).toMatchObject({ status: 400, text: '{"error": "Operation has no effect"}' })
      expect(none.headers.get('content-type')).toBe('application/json; charset=utf-8')
      // Below a grant is not the grant.
      expect(
        (await call('DELETE', `${path}?uri=${encodeURIComponent('storage://default/o/p/a/sub')}`, { token })).status
      ).toBe(400)
      // Several uri parameters (neuro_auth_client sends them so): all granted, or nothing is revoked.
      const some = `${path}?uri=${encodeURIComponent('storage://default/o/p/a')}&uri=${encodeURIComponent('storage://default/o/p/never')}`
      expect((await call('DELETE', some, { token })).status).toBe(400)
      expect(emulator.grants(account.role)).toEqual(grants)
      const both = `${path}?uri=${encodeURIComponent('storage://default/o/p/a')}&uri=${encodeURIComponent('storage://default/o/p/b')}`
      expect(await call('DELETE', both, { token })).toMatchObject({ status: 204, text: '' })
      expect(emulator.grants(account.role)).toEqual([])
      expect(
        (await call('DELETE', `${path}?uri=${encodeURIComponent('storage://default/o/p/a')}`, { token })).status
      ).toBe(400)
    })

    test.each([
      'image://default/o/p/img:latest',
      'image://default/o/p/img@sha256:0123abcd',
      'IMAGE://default/o/p/img:1'
    ])('granting the tagged image %s: 400 "tag is not allowed", nothing granted', async uri => {
      const { token } = user()
      const account = await made(token, { name: 'emu-image-tag' })
      const path = `/users/${account.role.replaceAll('/', ':')}/permissions`
      const body = [
        { uri: 'storage://default/o/p', action: 'read' },
        { uri, action: 'read' }
      ]
      const reply = await call('POST', path, { token, body })
      expect(reply.status).toBe(400)
      expect(JSON.parse(reply.text).error).toContain('tag is not allowed')
      expect(emulator.grants(account.role)).toEqual([])
    })

    test('an image without a tag, and a ":" outside an image path, are granted', async () => {
      const { token } = user()
      const body = [
        { uri: 'image://default/o/p/img', action: 'read' },
        { uri: 'image://default/o/p/team/img', action: 'write' },
        { uri: 'storage://default/o/p/a:b', action: 'read' }
      ]
      const { account } = await granted(token, 'emu-image-plain', body)
      expect(emulator.grants(account.role)).toEqual(body)
    })
  })
})
