import type { Constraint } from './constraint.js'
import { commonPrefixLength, edgeMatches } from './edge-text.js'
import { PARAM_NODE_IDS, routeFor, type MatchState } from './match-state.js'
import { MethodTable, type RouteEntry } from './method-table.js'
import type { ParamSpec } from './param-spec.js'

const SLASH = 47 // '/'
let paramNodes = 0

/**
 * One node of the compressed radix tree. A static node owns the text of the edge leading to
 * it (shared prefixes are stored once and edges split on insert); a param node consumes one
 * param value instead. Children are tried in priority order, static > constrained param >
 * param > wildcard, backtracking to the next kind when a branch finds no route.
 *
 * @example
 * ```ts
 * const root = RadixNode.root<string>()
 * root.staticPath('/users/').terminal([]).add('GET', 'list', '/users/')
 * ```
 */
export class RadixNode<T> {
  #prefix: string
  // The edge's length, read from the node itself: a one-char edge ('/') is then matched
  // without touching its string, which the child index has matched already.
  #prefixLength: number
  readonly #param: ParamSpec | null
  // The param's constraint and index, copied onto the node so the walk reads them without
  // loading the spec.
  readonly #constraint: Constraint | null
  readonly #paramIndex: number
  // Tells apart, in a lookup's record of failed places, the param nodes followed by static text.
  readonly #id: number
  // Static children indexed by the char code their edge starts with: one element load per
  // step instead of a scan. Codes are mostly ASCII, so the array stays small and packed enough.
  #byCode: (RadixNode<T> | undefined)[] = []
  #statics: RadixNode<T>[] = []
  #params: RadixNode<T>[] = []
  #hasInnerStatics = false
  #table: MethodTable<T> | null = null
  #wildcard: MethodTable<T> | null = null
  #wildcardIndex = 0

  private constructor(prefix: string, param: ParamSpec | null) {
    this.#prefix = prefix
    this.#prefixLength = prefix.length
    this.#param = param
    this.#constraint = param === null ? null : param.constraint
    this.#paramIndex = param === null ? 0 : param.index
    this.#id = param === null ? 0 : paramNodes++ % PARAM_NODE_IDS
  }

  /**
   * @returns an empty tree root
   * @example
   * ```ts
   * const root = RadixNode.root<number>()
   * ```
   */
  static root<T>(): RadixNode<T> {
    return new RadixNode<T>('', null)
  }

  /** The param this node matches, or `null` for a static node. */
  get param(): Readonly<ParamSpec> | null {
    return this.#param
  }
  /** The text of the edge leading here (`''` for the root and param nodes): for `printTree`. */
  get prefix(): string {
    return this.#prefix
  }
  /** Static children sorted by edge text, then param children in the order they are tried. */
  get children(): RadixNode<T>[] {
    const statics = [...this.#statics].sort((a, b) => (a.#prefix < b.#prefix ? -1 : 1))
    return [...statics, ...this.#params]
  }
  /** The routes ending exactly here, or `null`. */
  get table(): MethodTable<T> | null {
    return this.#table
  }
  /** The wildcard routes hanging from here, or `null`. */
  get wildcardTable(): MethodTable<T> | null {
    return this.#wildcard
  }

  /**
   * Walks static text down from this node, creating and splitting edges as needed.
   *
   * @param text - static text, already case-folded when the router ignores case
   * @returns the node at the end of the text
   * @example
   * ```ts
   * root.staticPath('/users/')
   * ```
   */
  staticPath(text: string): RadixNode<T> {
    if (text === '') return this
    const code = text.charCodeAt(0)
    if (this.#param !== null && code !== SLASH) this.#hasInnerStatics = true
    let child = this.#byCode[code]
    if (child === undefined) {
      child = new RadixNode<T>(text, null)
      this.#addStatic(child)
      return child
    }
    const common = commonPrefixLength(child.#prefix, text)
    if (common < child.#prefix.length) {
      const middle = new RadixNode<T>(child.#prefix.slice(0, common), null)
      this.#statics.splice(this.#statics.indexOf(child), 1)
      this.#addStatic(middle)
      child.#prefix = child.#prefix.slice(common)
      child.#prefixLength = child.#prefix.length
      middle.#addStatic(child)
      child = middle
    }
    return child.staticPath(text.slice(common))
  }

  #addStatic(child: RadixNode<T>): void {
    this.#byCode[child.#prefix.charCodeAt(0)] = child
    this.#statics.push(child)
  }

  /**
   * Finds or creates the param child with this constraint. Constrained params are tried
   * before the plain one, in registration order.
   *
   * @param spec - the param; `source` identifies the constraint (`null` for a plain param)
   * @returns the child, whose `param.name` may differ from `spec.name`: the caller reports that
   * @example
   * ```ts
   * node.paramChild({ name: 'id', source: null, constraint: null, index: 0, origin: '/users/:id' })
   * ```
   */
  paramChild(spec: ParamSpec): RadixNode<T> {
    const existing = this.#params.find((child) => child.#param?.source === spec.source)
    if (existing !== undefined) return existing
    const child = new RadixNode<T>('', spec)
    const plain = this.#params.findIndex((node) => node.#param?.source === null)
    if (spec.source === null || plain === -1) this.#params.push(child)
    else this.#params.splice(plain, 0, child)
    return child
  }

  /**
   * @param names - param names of the routes ending here, for a new table
   * @returns the table of routes ending exactly at this node
   * @example
   * ```ts
   * node.terminal(['id']).add('GET', show, '/users/:id')
   * ```
   */
  terminal(names: readonly string[]): MethodTable<T> {
    this.#table ??= new MethodTable<T>(names)
    return this.#table
  }

  /**
   * @param names - param names of the wildcard routes here, `'*'` last, for a new table
   * @returns the table of wildcard routes hanging from this node
   * @example
   * ```ts
   * root.staticPath('/assets/').wildcard(['*']).add('GET', files, '/assets/*')
   * ```
   */
  wildcard(names: readonly string[]): MethodTable<T> {
    this.#wildcardIndex = names.length - 1
    this.#wildcard ??= new MethodTable<T>(names)
    return this.#wildcard
  }

  /**
   * Matches the rest of the path from offset `i`, just past this node's edge (or param value),
   * depth first in priority order. Each node checks its children's edges before descending, so a
   * step down the tree is a single call. This is the hot path: change with care.
   *
   * @param path - the path, case-folded when the router ignores case
   * @param i - offset just past this node's edge
   * @param state - the lookup's method, param positions and 405 candidates
   * @returns the first route for the method in priority order, or `null`
   * @example
   * ```ts
   * root.lookup('/users/42', 0, state)
   * ```
   */
  lookup(path: string, i: number, state: MatchState<T>): RouteEntry<T> | null {
    const length = path.length
    if (i === length) {
      const table = this.#table
      if (table !== null) {
        const entry = routeFor(table, state)
        if (entry !== undefined) return entry
      }
    } else {
      // 1. Static: at most one child starts with this char, which the index has matched already.
      const child = this.#byCode[path.charCodeAt(i)]
      if (child !== undefined) {
        const end = i + child.#prefixLength
        if (end <= length && (end === i + 1 || edgeMatches(child.#prefix, path, i))) {
          const found = child.lookup(path, end, state)
          if (found !== null) return found
        }
      }
      // 2. Params, constrained ones first. A value is never empty and never holds a '/'.
      const params = this.#params
      if (params.length !== 0) {
        let end = path.indexOf('/', i)
        if (end === -1) end = length
        if (end !== i) {
          for (let k = 0; k < params.length; k++) {
            const node = params[k] as RadixNode<T>
            const constraint = node.#constraint
            let found: RouteEntry<T> | null = null
            if (node.#hasInnerStatics) {
              found = node.#lookupInnerParam(path, i, end, state)
            } else if (end - i <= state.maxParamLength && (constraint === null || constraint.matches(path, i, end))) {
              // The value runs to the end of the segment: one candidate only.
              state.starts[node.#paramIndex] = i
              state.ends[node.#paramIndex] = end
              found = node.#lookupAfterValue(path, end, state)
            }
            if (found !== null) return found
          }
        }
      }
    }
    // 3. Wildcard: the rest of the path, possibly empty.
    const wildcard = this.#wildcard
    if (wildcard === null) return null
    const entry = routeFor(wildcard, state)
    if (entry === undefined) return null
    state.starts[this.#wildcardIndex] = i
    state.ends[this.#wildcardIndex] = length
    return entry
  }

  /**
   * Matches a whole path from the root: the root holds only static children (every pattern
   * starts with '/'), so this is the static step of `lookup` alone, one call shallower.
   *
   * @param path - the path, case-folded when the router ignores case
   * @param state - the lookup's method, param positions and 405 candidates
   * @returns the first route for the method in priority order, or `null`
   * @example
   * ```ts
   * root.lookupFromRoot('/users/42', state)
   * ```
   */
  lookupFromRoot(path: string, state: MatchState<T>): RouteEntry<T> | null {
    const child = this.#byCode[path.charCodeAt(0)]
    if (child === undefined) return null
    const end = child.#prefixLength
    return end <= path.length && edgeMatches(child.#prefix, path, 0) ? child.lookup(path, end, state) : null
  }

  /**
   * Continues past a value that ends its segment, as `lookup(path, end, state)` would, one call
   * shallower: such a node has no param or wildcard child, and its only static child starts with '/'.
   */
  #lookupAfterValue(path: string, end: number, state: MatchState<T>): RouteEntry<T> | null {
    if (end === path.length) {
      const table = this.#table
      return table === null ? null : (routeFor(table, state) ?? null)
    }
    const next = this.#byCode[SLASH]
    if (next === undefined) return null
    const nextEnd = end + next.#prefixLength
    return nextEnd <= path.length && (nextEnd === end + 1 || edgeMatches(next.#prefix, path, end))
      ? next.lookup(path, nextEnd, state)
      : null
  }

  /**
   * Matches a param value followed by static text inside its segment (`:name.:ext`), then the rest.
   * Each place tried is a step of the lookup's budget, and so is each code unit a constraint reads;
   * a place where what follows failed once is not tried again.
   */
  #lookupInnerParam(path: string, i: number, end: number, state: MatchState<T>): RouteEntry<T> | null {
    const constraint = this.#constraint
    const failed = state.failed
    // Try each end where the static text may start, shortest value first.
    const last = Math.min(end, i + state.maxParamLength)
    for (let j = i + 1; j <= last; j++) {
      if (++state.steps > state.maxSteps) return null
      if (j < end && this.#byCode[path.charCodeAt(j)] === undefined) continue
      const place = j * PARAM_NODE_IDS + this.#id
      if (failed.has(place)) continue
      if (constraint !== null) {
        state.steps += j - i
        if (state.steps > state.maxSteps) return null
        if (!constraint.matches(path, i, j)) continue
      }
      state.starts[this.#paramIndex] = i
      state.ends[this.#paramIndex] = j
      const found = this.lookup(path, j, state)
      if (found !== null) return found
      failed.add(place)
    }
    return null
  }
}
