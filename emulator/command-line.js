// The command lines of the emulator and the herd benchmark: flags read with node:util's
// parseArgs, and a bad one answered with the usage text and exit code 2.
import { parseArgs } from 'node:util'

/**
 * @template {import('node:util').ParseArgsOptionsConfig} T
 * @param {T} options
 * @param {string} usageText
 */
export function commandLine(options, usageText) {
  /** @param {string} message @returns {never} */
  const usage = message => {
    process.stderr.write(`${message}\n${usageText}`)
    process.exit(2)
  }
  /** @type {ReturnType<typeof parseArgs<{ options: T }>>['values']} */
  let values
  try {
    values = parseArgs({ options }).values
  } catch (error) {
    return usage(/** @type {Error} */ (error).message)
  }
  /** A flag's number, at least `min`; undefined for a flag not given that has no default. */
  const number = (/** @type {string} */ flag, /** @type {number} */ min) => {
    const text = /** @type {Record<string, unknown>} */ (values)[flag]
    if (text === undefined) return undefined
    const value = Number(text)
    return Number.isFinite(value) && value >= min ? value : usage(`bad --${flag}: ${String(text)}`)
  }
  /** A flag's whole number, at least `min`; undefined for a flag not given that has no default. */
  const whole = (/** @type {string} */ flag, /** @type {number} */ min) => {
    const value = number(flag, min)
    return value === undefined || Number.isInteger(value)
      ? value
      : usage(`bad --${flag}: ${String(/** @type {Record<string, unknown>} */ (values)[flag])}`)
  }
  return { values, usage, number, whole }
}
