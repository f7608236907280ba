// The platform is written in Python: its JSON, its str() of dicts and its timestamps have a
// shape of their own that clients see byte for byte.

/**
 * A time as Python's datetime.isoformat writes an aware UTC one: microseconds (dropped when
 * zero) and +00:00. Date has milliseconds only; the other three digits are made up.
 * @param {Date} date
 */
export function pythonTime(date) {
  const micros = date.getUTCMilliseconds() * 1000 + Math.floor(Math.random() * 1000)
  const fraction = micros ? `.${String(micros).padStart(6, '0')}` : ''
  return `${date.toISOString().slice(0, 19)}${fraction}+00:00`
}

/**
 * JSON as Python's json.dumps writes it: ", " and ": " separators, non-ASCII as \uXXXX.
 * @param {unknown} value @returns {string}
 */
export function pyJson(value) {
  return ascii(dumps(value))
}

/** @param {unknown} value @returns {string} */
function dumps(value) {
  if (Array.isArray(value)) return `[${value.map(dumps).join(', ')}]`
  if (value !== null && typeof value === 'object') {
    let out = ''
    for (const [key, item] of Object.entries(value))
      if (item !== undefined) out += `${out ? ', ' : ''}${JSON.stringify(key)}: ${dumps(item)}`
    return `{${out}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/**
 * pyJson for one account record. The keys are fixed (the store keeps the shape), so this skips
 * the generic walk: listing 100,000 accounts costs about what JSON.stringify would.
 * @param {import('./store.js').Account} a
 */
export function recordJson(a) {
  const s = JSON.stringify
  return ascii(
    `{"name": ${s(a.name)}, "default_cluster": ${s(a.default_cluster)}, "default_project": ${s(a.default_project)}, ` +
      `"default_org": ${s(a.default_org)}, "id": ${s(a.id)}, "role": ${s(a.role)}, "owner": ${s(a.owner)}, ` +
      `"created_at": ${s(a.created_at)}, "role_deleted": ${s(a.role_deleted)}}`
  )
}

/** json.dumps's ensure_ascii. @param {string} json */
function ascii(json) {
  return /[^\0-\x7f]/.test(json)
    ? json.replace(/[\u0080-\uffff]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : json
}

/**
 * Python's repr of strings, lists and dicts, for the 400 bodies the server builds with str().
 * @param {unknown} value @returns {string}
 */
export function pyRepr(value) {
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'"
    let out = ''
    for (const ch of value) {
      const code = /** @type {number} */ (ch.codePointAt(0))
      if (ch === '\\' || ch === quote) out += `\\${ch}`
      else if (ch === '\n') out += '\\n'
      else if (ch === '\r') out += '\\r'
      else if (ch === '\t') out += '\\t'
      else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += `\\x${code.toString(16).padStart(2, '0')}`
      else out += ch
    }
    return `${quote}${out}${quote}`
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`)
      .join(', ')}}`
  }
  if (value === null || value === undefined) return 'None'
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  return String(value)
}

/**
 * A request body as JSON, or the error the server's json.loads would report for the usual case.
 * @param {string} raw @returns {{body?: any, error?: string}}
 */
export function parseJson(raw) {
  if (!raw.trim()) return { error: 'Expecting value: line 1 column 1 (char 0)' }
  try {
    return { body: JSON.parse(raw) }
  } catch (error) {
    return { error: /** @type {Error} */ (error).message }
  }
}
