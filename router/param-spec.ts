import type { Constraint } from './constraint.js'

/**
 * What a param node of the radix tree matches: its name, its constraint, its position among the
 * route's params and the route that created it (quoted when another route's name conflicts).
 *
 * @example
 * ```ts
 * const spec: ParamSpec = { name: 'id', source: null, constraint: null, index: 0, origin: '/users/:id' }
 * ```
 */
export interface ParamSpec {
  /** The param's name, `id` in `:id`. */
  readonly name: string
  /** The constraint as written, `\d+` in `:id(\d+)`, or `null` for a plain param. */
  readonly source: string | null
  /** The constraint compiled once at registration, anchored, or `null`. */
  readonly constraint: Constraint | null
  /** The param's position among its route's params: where the walk records its offsets. */
  readonly index: number
  /** The route that created the node. */
  readonly origin: string
}
