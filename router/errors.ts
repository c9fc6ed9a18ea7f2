/**
 * Errors raised by the router while routes are registered or a router is configured.
 * They are programmer errors, so each maps to HTTP status 500; none is thrown by `find`.
 */

/** Every stable error code raised by `router/`, for exhaustive `switch (err.code)`. */
export type RouterErrorCode =
  | 'ERR_ROUTE_DUPLICATE'
  | 'ERR_ROUTE_PARAM_CONFLICT'
  | 'ERR_ROUTE_INVALID_PATTERN'
  | 'ERR_ROUTE_INVALID_METHOD'
  | 'ERR_ROUTER_INVALID_OPTION'

/**
 * The brand every error of the project carries (core's `GATEHOUSE_ERROR`): this folder imports
 * nothing else of the project, so it registers the same symbol rather than importing it.
 */
const GATEHOUSE_ERROR = Symbol.for('gatehouse.error')

/**
 * The base of every router error: a stable `code`, status 500 (they are programmer errors), and
 * the project's brand.
 *
 * @example
 * ```ts
 * try { router.on('GET', '/a/:', h) } catch (err) { if (err instanceof RouterError) console.error(err.code) }
 * ```
 */
export abstract class RouterError extends Error {
  /** The project's brand. */
  readonly [GATEHOUSE_ERROR] = true
  /** Stable machine-readable code. */
  abstract readonly code: RouterErrorCode
  /** The HTTP status this error maps to. */
  abstract readonly status: number
}

/**
 * The same route was registered twice for one method.
 *
 * @example
 * ```ts
 * router.on('GET', '/users/:id', a)
 * router.on('GET', '/users/:id', b) // throws RouteDuplicateError
 * ```
 */
export class RouteDuplicateError extends RouterError {
  readonly code = 'ERR_ROUTE_DUPLICATE'
  readonly status = 500
  /**
   * @param method - the method registered twice
   * @param route - the pattern being registered
   * @param existing - the pattern registered first for the same place in the tree
   */
  constructor(
    readonly method: string,
    readonly route: string,
    readonly existing: string,
  ) {
    super(`route ${method} ${route} duplicates ${method} ${existing}`)
    this.name = 'RouteDuplicateError'
  }
}

/**
 * Two routes put params with different names at the same place in the tree,
 * so the param's name would depend on which route matched.
 *
 * @example
 * ```ts
 * router.on('GET', '/users/:id', a)
 * router.on('GET', '/users/:userId/posts', b) // throws RouteParamConflictError
 * ```
 */
export class RouteParamConflictError extends RouterError {
  readonly code = 'ERR_ROUTE_PARAM_CONFLICT'
  readonly status = 500
  /**
   * @param route - the pattern being registered
   * @param param - its param at the conflicting place
   * @param existing - the pattern that put a param there first
   * @param existingParam - that pattern's param
   */
  constructor(
    readonly route: string,
    readonly param: string,
    readonly existing: string,
    readonly existingParam: string,
  ) {
    super(`param "${param}" in ${route} conflicts with param "${existingParam}" in ${existing}`)
    this.name = 'RouteParamConflictError'
  }
}

/**
 * A pattern does not follow the route syntax, or its param constraint is not a safe regular expression.
 *
 * @example
 * ```ts
 * router.on('GET', 'users', a) // throws RouteInvalidPatternError: must start with "/"
 * ```
 */
export class RouteInvalidPatternError extends RouterError {
  readonly code = 'ERR_ROUTE_INVALID_PATTERN'
  readonly status = 500
  /**
   * @param route - the rejected pattern
   * @param reason - what is wrong with it
   */
  constructor(
    readonly route: string,
    readonly reason: string,
  ) {
    super(`invalid route pattern ${JSON.stringify(route)}: ${reason}`)
    this.name = 'RouteInvalidPatternError'
  }
}

/**
 * A method name is not an HTTP token (RFC 9110 section 9.1), nor `'*'`.
 *
 * @example
 * ```ts
 * router.on('GE T', '/', a) // throws RouteInvalidMethodError
 * ```
 */
export class RouteInvalidMethodError extends RouterError {
  readonly code = 'ERR_ROUTE_INVALID_METHOD'
  readonly status = 500
  /**
   * @param method - the rejected method
   * @param route - the pattern it was registered with
   */
  constructor(
    readonly method: string,
    readonly route: string,
  ) {
    super(`invalid method ${JSON.stringify(method)} for route ${route}`)
    this.name = 'RouteInvalidMethodError'
  }
}

/**
 * A `RouterOptions` key has a value of the wrong type or range.
 *
 * @example
 * ```ts
 * new Router({ maxParamLength: 0 }) // throws RouterInvalidOptionError
 * ```
 */
export class RouterInvalidOptionError extends RouterError {
  readonly code = 'ERR_ROUTER_INVALID_OPTION'
  readonly status = 500
  /**
   * @param key - the option's name
   * @param value - the rejected value
   * @param expected - what the option accepts
   */
  constructor(
    readonly key: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`router option ${key} must be ${expected}; got ${describe(value)}`)
    this.name = 'RouterInvalidOptionError'
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value)
}
