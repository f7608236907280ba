// Everything the emulated platform knows, in memory: accounts (indexed by id and, per owner, by
// id and by name), the token each create gave out, and the grants each role holds.
import { randomBytes, randomUUID } from 'node:crypto'
import { pythonTime } from './python.js'

/**
 * @typedef {object} Account
 * @property {string | null} name
 * @property {string} default_cluster
 * @property {string} default_project
 * @property {string | null} default_org
 * @property {string} id
 * @property {string} role
 * @property {string} owner
 * @property {string} created_at
 * @property {boolean} role_deleted
 */

/** @typedef {'read' | 'write' | 'manage'} Action */
/** @typedef {{uri: string, action: Action}} Permission */

/**
 * @typedef {object} SeedFields
 * @property {string} [namePrefix] default 'seeded-'
 * @property {string} [createdAt] wins over ageSeconds
 * @property {number} [ageSeconds]
 * @property {string} [cluster]
 * @property {string} [project]
 * @property {string | null} [org]
 */

export class Store {
  /** @type {Map<string, Account>} every account by id */
  #accounts = new Map()
  /** @type {Map<string, {ids: Map<string, Account>, names: Map<string, Account>}>} by owner */
  #owners = new Map()
  /** @type {Map<string, string>} account id -> the jti of the token create gave out */
  #tokenIds = new Map()
  /** @type {Map<string, Permission[]>} role -> grants */
  #grants = new Map()
  #revokeToken

  /** @param {(jti: string) => void} revokeToken how removal makes an account's token stop working */
  constructor(revokeToken) {
    this.#revokeToken = revokeToken
  }

  /** @param {string} id */
  get(id) {
    return this.#accounts.get(id)
  }

  all() {
    return this.#accounts.values()
  }

  /** An owner's accounts in creation order. @param {string} owner @returns {Iterable<Account>} */
  ownedBy(owner) {
    return this.#owners.get(owner)?.ids.values() ?? []
  }

  /** @param {string} owner @param {string} name */
  hasName(owner, name) {
    return this.#owners.get(owner)?.names.has(name) ?? false
  }

  /** The server's lookup: an id first (any owner's), then a name among the owner's. @param {string} owner @param {string} key */
  lookup(owner, key) {
    const account = this.#accounts.get(key) ?? this.#owners.get(owner)?.names.get(key)
    return account?.owner === owner ? account : undefined
  }

  /** @param {string} owner @param {string} role */
  ownsRole(owner, role) {
    // A scan is fine: grants are rare, and it spares every account a fourth index entry.
    for (const account of this.ownedBy(owner)) if (account.role === role) return true
    return false
  }

  /** @param {Account} account @param {string} [jti] the token handed out with it */
  add(account, jti) {
    this.#accounts.set(account.id, account)
    const own = this.#ownerIndex(account.owner)
    own.ids.set(account.id, account)
    if (account.name !== null) own.names.set(account.name, account)
    if (jti) this.#tokenIds.set(account.id, jti)
  }

  /** Removal as the platform does it: the token stops working and the role's grants go. @param {Account} account */
  remove(account) {
    this.#unindex(account)
    const jti = this.#tokenIds.get(account.id)
    if (jti) this.#revokeToken(jti)
    this.#tokenIds.delete(account.id)
    this.#grants.delete(account.role)
  }

  /** @param {string} role @returns {Permission[]} */
  grants(role) {
    return this.#grants.get(role) ?? []
  }

  /** @param {string} role @param {Permission[]} permissions */
  setGrants(role, permissions) {
    this.#grants.set(role, permissions)
  }

  /** `count` accounts named `${namePrefix}${i}` at once, no tokens. @param {string} owner @param {number} count @param {SeedFields} fields */
  seed(owner, count, fields) {
    if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a whole number, not ${count}`)
    const prefix = fields.namePrefix ?? 'seeded-'
    const names = this.#ownerIndex(owner).names
    for (let i = 0; i < count && names.size; i++) {
      if (names.has(`${prefix}${i}`)) throw new Error(`${owner} already has an account named ${prefix}${i}`)
    }
    const createdAt = fields.createdAt ?? pythonTime(new Date(Date.now() - (fields.ageSeconds ?? 0) * 1000))
    const shared = { cluster: fields.cluster, project: fields.project, org: fields.org, createdAt }
    for (let i = 0; i < count; i++) this.add(makeAccount(owner, [prefix, i].join(''), shared))
  }

  /**
   * One account with any field values; an existing id is replaced in place, keeping its token
   * and grants (a changed role starts with none).
   * @param {string} owner @param {Partial<Account>} fields @returns {Account}
   */
  seedOne(owner, fields) {
    const fresh = makeAccount(owner, fields.name ?? null, {
      cluster: fields.default_cluster,
      project: fields.default_project,
      org: fields.default_org,
      createdAt: fields.created_at
    })
    // Only the record's own keys, always all of them: recordJson relies on the shape.
    const account = {
      ...fresh,
      id: fields.id ?? fresh.id,
      role: fields.role ?? fresh.role,
      role_deleted: fields.role_deleted ?? false
    }
    const previous = this.#accounts.get(account.id)
    const clash = account.name !== null ? this.#owners.get(owner)?.names.get(account.name) : undefined
    if (clash && clash !== previous) throw new Error(`${owner} already has an account named ${account.name}`)
    if (previous) {
      this.#unindex(previous)
      if (previous.role !== account.role) this.#grants.delete(previous.role)
    }
    this.add(account)
    return account
  }

  /** @param {string} owner */
  #ownerIndex(owner) {
    let index = this.#owners.get(owner)
    if (!index) this.#owners.set(owner, (index = { ids: new Map(), names: new Map() }))
    return index
  }

  /** @param {Account} account */
  #unindex(account) {
    this.#accounts.delete(account.id)
    const own = this.#owners.get(account.owner)
    own?.ids.delete(account.id)
    if (account.name !== null && own?.names.get(account.name) === account) own.names.delete(account.name)
  }
}

/**
 * A new record, fields in the server's order.
 * @param {string} owner @param {string | null} name
 * @param {{cluster?: string, project?: string, org?: string | null, createdAt?: string}} fields
 * @returns {Account}
 */
export function makeAccount(owner, name, fields) {
  return {
    name,
    default_cluster: fields.cluster ?? 'default',
    default_project: fields.project ?? 'test-project',
    default_org: fields.org ?? null,
    // join() makes flat strings; a template literal makes a rope that V8 copies flat later,
    // which for 100,000 seeded accounts doubled the time of the first list.
    id: ['service-account-', randomUUID()].join(''),
    role: [owner, 'service-accounts', name ?? randomBytes(8).toString('hex')].join('/'),
    owner,
    created_at: fields.createdAt ?? pythonTime(new Date()),
    role_deleted: false
  }
}
