import { GatehouseError } from '../errors.js'

/** A cookie name, value or option `res.cookie()` cannot send (the `cookie` package's reason). */
export class InvalidCookieError extends GatehouseError {
  readonly code = 'ERR_COOKIE_INVALID'
  readonly status = 500
  /**
   * @param cookieName - the cookie's name
   * @param reason - what is wrong
   */
  constructor(
    readonly cookieName: string,
    reason: string,
  ) {
    super(`cookie ${JSON.stringify(cookieName)}: ${reason}`)
    this.name = 'InvalidCookieError'
  }
}
