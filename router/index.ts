/**
 * `gatehouse/router`: the radix-tree router, usable alone.
 *
 * @packageDocumentation
 */
/** The router, usable alone. */
export { Router } from './router.js'
export type { RouterOptions } from './router.js'
export type { RouteMatch, Params } from './route-match.js'
export type { RouteParams } from './route-params.js'
export {
  RouterError,
  RouteDuplicateError,
  RouteParamConflictError,
  RouteInvalidPatternError,
  RouteInvalidMethodError,
  RouterInvalidOptionError,
} from './errors.js'
export type { RouterErrorCode } from './errors.js'
