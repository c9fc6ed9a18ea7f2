import { GatehouseError } from '../errors.js'

/** A route option has a wrong type or value (`bodyLimit: NaN`, `waf: 'of'`). The message names it. */
export class InvalidRouteOptionError extends GatehouseError {
  readonly code = 'ERR_ROUTE_OPTION_INVALID'
  readonly status = 500
  /**
   * @param route - `METHOD /pattern`
   * @param key - the option, e.g. `bodyLimit`
   * @param reason - what is wrong with its value
   */
  constructor(
    readonly route: string,
    readonly key: string,
    reason: string,
  ) {
    super(`route ${route}: option ${key}: ${reason}`)
    this.name = 'InvalidRouteOptionError'
  }
}

/** A route option Gatehouse does not know (usually a typo). */
export class UnknownRouteOptionError extends GatehouseError {
  readonly code = 'ERR_ROUTE_OPTION_UNKNOWN'
  readonly status = 500
  /**
   * @param route - `METHOD /pattern`
   * @param key - the unknown option
   */
  constructor(
    readonly route: string,
    readonly key: string,
  ) {
    super(`route ${route}: unknown option ${key}`)
    this.name = 'UnknownRouteOptionError'
  }
}

/** `app.listen()` found its port taken. */
export class AddressInUseError extends GatehouseError {
  readonly code = 'ERR_ADDRESS_IN_USE'
  readonly status = 500
  /**
   * @param host - the host asked for
   * @param port - the port asked for
   * @param options - `cause`: the system's error
   */
  constructor(
    readonly host: string,
    readonly port: number,
    options?: ErrorOptions,
  ) {
    super(`port ${port} on ${host} is already in use: stop the other server or choose another port (PORT=…)`, options)
    this.name = 'AddressInUseError'
  }
}

/** One problem a validator found: what Standard Schema calls an issue. */
export interface ValidationIssue {
  /** What is wrong, in the validator's words. */
  readonly message: string
  /** Where: keys from the validated value's root. */
  readonly path?: readonly PropertyKey[]
}

/** A request's body, query or params failed the route's schema; answered 400 with the issues. */
export class ValidationFailedError extends GatehouseError {
  readonly code = 'ERR_VALIDATION_FAILED'
  readonly status = 400
  /**
   * @param part - `body`, `query` or `params`
   * @param issues - what the validator found
   */
  constructor(
    readonly part: string,
    readonly issues: readonly ValidationIssue[],
  ) {
    super(`invalid request ${part}`)
    this.name = 'ValidationFailedError'
  }
}
