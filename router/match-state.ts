import type { MethodTable, RouteEntry } from './method-table.js'

/** How many param nodes a process may create: the factor that keeps a failed place's key unique. */
export const PARAM_NODE_IDS = 2 ** 21

/**
 * Scratch space for one lookup, owned by a walk matcher and reused by every lookup: param
 * positions are written at fixed indexes (a param's index is its position in its route),
 * so backtracking simply overwrites them and a lookup allocates nothing until it builds params.
 *
 * @example
 * ```ts
 * const state = new MatchState<string>(100, 10_000)
 * state.method = 'GET'
 * ```
 */
export class MatchState<T> {
  /** The request method being looked up. */
  method = ''
  /** Start offset of each param's raw value in the path, by param index. */
  readonly starts: number[] = []
  /** End offset (exclusive) of each param's raw value, by param index. */
  readonly ends: number[] = []
  /** Tables the path reached whose routes are all for other methods: the source of a 405. */
  readonly misses: MethodTable<T>[] = []
  /** How many of `misses` belong to this lookup; resetting a count is cheaper than truncating. */
  missCount = 0
  /** Longest raw param value that may match. */
  readonly maxParamLength: number
  /** Steps this lookup took (see `lookupBudget`). */
  steps = 0
  /** The most steps a lookup may take; past them it ends in a 404. */
  readonly maxSteps: number
  /**
   * The places where what follows a param failed to match in this lookup, as
   * `end * PARAM_NODE_IDS + node id`: what follows a value does not depend on where it started,
   * so no place is tried twice, and a segment cannot make the walk branch exponentially.
   */
  readonly failed = new Set<number>()

  /**
   * @param maxParamLength - longest raw param value that may match, in UTF-16 code units
   * @param maxSteps - the most steps a lookup may take
   */
  constructor(maxParamLength: number, maxSteps: number) {
    this.maxParamLength = maxParamLength
    this.maxSteps = maxSteps
  }
}

/**
 * The route of `table` for the lookup's method; when there is none, the table joins the lookup's
 * 405 candidates, so a miss learns which methods the path has without a second walk.
 *
 * @param table - the routes ending at the node the walk reached
 * @param state - the lookup's state
 * @returns the route, or `undefined` when only other methods are routed there
 * @example
 * ```ts
 * const entry = routeFor(table, state)
 * ```
 */
export function routeFor<T>(table: MethodTable<T>, state: MatchState<T>): RouteEntry<T> | undefined {
  const entry = table.get(state.method)
  if (entry === undefined) state.misses[state.missCount++] = table
  return entry
}
