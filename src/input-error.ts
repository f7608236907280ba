import { redactTokens } from './platform/errors.js'

/**
 * A bad input: the message names the input and what it allows. A value it repeats has
 * anything token-like cut out, in case a secret went into the wrong input.
 */
export class InputError extends Error {
  constructor(
    readonly input: string,
    detail: string
  ) {
    super(redactTokens(`Input "${input}" ${detail}`))
    this.name = 'InputError'
  }
}
