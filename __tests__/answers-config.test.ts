// The discovery config as the action reads it (src/platform/answers.ts): only well-formed
// clusters and projects, each with the fields the action uses, whatever else the server sends.
import { expect, test } from '@jest/globals'
import { parseCreatedAt, readConfig } from '../src/platform/answers.js'

test('a cluster needs a name; its orgs are the names listed, or none', () => {
  const config = readConfig({
    authorized: true,
    clusters: [
      { name: 'default', orgs: ['acme', 7, null, 'beta'], registry_url: 'https://registry.default.example' },
      { name: 'bare' },
      { name: 'odd-orgs', orgs: 'acme' },
      { orgs: ['acme'] },
      { name: 42 },
      'not a cluster'
    ]
  })
  expect(config.clusters).toEqual([
    { name: 'default', orgs: ['acme', 'beta'], registry_url: 'https://registry.default.example' },
    { name: 'bare', orgs: [], registry_url: '' },
    { name: 'odd-orgs', orgs: [], registry_url: '' }
  ])
})

test('a project needs its name and its cluster', () => {
  const config = readConfig({
    authorized: true,
    projects: [
      { name: 'ci', cluster_name: 'default', org_name: 'acme' },
      { name: 'solo', cluster_name: 'default' },
      { name: 'nowhere' },
      { cluster_name: 'default' },
      { name: 'ci', cluster_name: 3 },
      { name: null, cluster_name: 'default' }
    ]
  })
  expect(config.projects).toEqual([
    { name: 'ci', cluster_name: 'default', org_name: 'acme' },
    { name: 'solo', cluster_name: 'default', org_name: null }
  ])
})

test('an answer that is no config is an unauthorized one with nothing in it', () => {
  for (const answer of [null, [], 'ok', { authorized: 'yes', clusters: {}, projects: null }])
    expect(readConfig(answer)).toEqual({ authorized: false, clusters: [], projects: [] })
})

test('created_at with an offset written without a colon, or as z', () => {
  const utc = Date.parse('2026-08-21T10:20:30Z')
  expect(parseCreatedAt('2026-08-21T12:20:30+0200')).toBe(utc)
  expect(parseCreatedAt('2026-08-21T07:20:30-0300')).toBe(utc)
  expect(parseCreatedAt('2026-08-21T10:20:30z')).toBe(utc)
})
