import type { MatchState } from './match-state.js'
import type { RouteEntry } from './method-table.js'

/**
 * One node of a tree that holds the routes of a single method: a copy of the router's tree
 * pruned to the branches that can answer that method, each node holding that method's route
 * directly (memoirist keeps one tree per method for the same reason). A hit walks only this
 * tree and never consults a method table; the full tree is walked on a miss, to tell 405 from 404.
 *
 * @example
 * ```ts
 * const tree = radixRoot.project('GET') // a MethodNode, or null when no route answers GET
 * tree?.lookup('/users/42', 0, state)
 * ```
 */
export class MethodNode<T> {
  /** Static text of the edge leading here; `''` for a param node. */
  readonly prefix: string
  /** For a param node: its anchored constraint, or `null`. */
  readonly constraint: RegExp | null
  /** For a param node: its position among the route's params. */
  readonly index: number
  /** For a param node: whether static text follows the value inside its segment (`:name.:ext`). */
  readonly hasInnerStatics: boolean
  /** Static children by the char code their edge starts with. */
  readonly byCode: (MethodNode<T> | undefined)[] = []
  /** Param children in priority order, constrained first; `null` when there are none. */
  params: MethodNode<T>[] | null = null
  /** The route ending exactly here. */
  entry: RouteEntry<T> | null = null
  /** The wildcard route hanging from here. */
  wildcard: RouteEntry<T> | null = null
  /** The wildcard's position among its route's params. */
  wildcardIndex = 0

  /**
   * @param prefix - static edge text, `''` for a param node
   * @param constraint - a param node's constraint
   * @param index - a param node's param index (0 for a static node)
   * @param hasInnerStatics - whether a param node's value may be followed by static text in its segment
   */
  constructor(prefix: string, constraint: RegExp | null, index: number, hasInnerStatics: boolean) {
    this.prefix = prefix
    this.constraint = constraint
    this.index = index
    this.hasInnerStatics = hasInnerStatics
  }

  /**
   * Matches the rest of the path from offset `i`, depth first in priority order (static >
   * constrained param > param > wildcard), exactly as the full tree does for this method.
   * This is the hot path: change with care.
   *
   * @param path - the path, case-folded when the router ignores case
   * @param i - offset just past this node's edge or param value
   * @param state - receives the offsets of the param values
   * @returns the route, or `null`
   * @example
   * ```ts
   * tree.lookup('/repos/octocat/hello-world', 0, state)
   * ```
   */
  lookup(path: string, i: number, state: MatchState<T>): RouteEntry<T> | null {
    const length = path.length
    if (i === length) {
      if (this.entry !== null) return this.entry
    } else {
      // 1. Static: at most one child starts with this char.
      const child = this.byCode[path.charCodeAt(i)]
      if (child !== undefined) {
        const prefix = child.prefix
        const end = i + prefix.length
        if (end <= length && edgeMatches(prefix, path, i)) {
          const found = child.lookup(path, end, state)
          if (found !== null) return found
        }
      }
      // 2. Params: a value is never empty and never holds a '/'.
      const params = this.params
      if (params !== null) {
        let end = path.indexOf('/', i)
        if (end === -1) end = length
        if (end !== i) {
          for (let k = 0; k < params.length; k++) {
            const node = params[k] as MethodNode<T>
            let found: RouteEntry<T> | null = null
            if (node.hasInnerStatics) {
              found = node.#lookupInnerParam(path, i, end, state)
            } else if (end - i <= state.maxParamLength && (node.constraint === null || node.constraint.test(path.slice(i, end)))) {
              state.starts[node.index] = i
              state.ends[node.index] = end
              found = node.lookup(path, end, state)
            }
            if (found !== null) return found
          }
        }
      }
    }
    // 3. Wildcard: the rest of the path, possibly empty.
    const wildcard = this.wildcard
    if (wildcard === null) return null
    state.starts[this.wildcardIndex] = i
    state.ends[this.wildcardIndex] = length
    return wildcard
  }

  /** Matches a param value followed by static text inside its segment, shortest value first. */
  #lookupInnerParam(path: string, i: number, end: number, state: MatchState<T>): RouteEntry<T> | null {
    const last = Math.min(end, i + state.maxParamLength)
    for (let j = i + 1; j <= last; j++) {
      if (j < end && this.byCode[path.charCodeAt(j)] === undefined) continue
      if (this.constraint !== null && !this.constraint.test(path.slice(i, j))) continue
      state.starts[this.index] = i
      state.ends[this.index] = j
      const found = this.lookup(path, j, state)
      if (found !== null) return found
    }
    return null
  }
}

/**
 * Whether `prefix` is at `i` in `path`, which is long enough; its first char is known to match.
 *
 * @param prefix - an edge's text
 * @param path - the request path
 * @param i - where the edge would start
 * @returns whether it does
 * @example
 * ```ts
 * edgeMatches('/users', '/users/42', 0) // true
 * ```
 */
export function edgeMatches(prefix: string, path: string, i: number): boolean {
  // A char loop beats startsWith on the short edges of a route tree.
  for (let k = 1; k < prefix.length; k++) {
    if (prefix.charCodeAt(k) !== path.charCodeAt(i + k)) return false
  }
  return true
}
