import { RouteDuplicateError } from './errors.js'
import { compileParamsFactory, type ParamsFactory } from './params-factory.js'
import { EMPTY_PARAMS, ParamsObject } from './params-object.js'
import type { Params } from './route-match.js'

/** The `200` answer of a route: built once at registration and returned as is on a static hit. */
export interface RouteHit<T> {
  readonly status: 200
  readonly store: T
  readonly params: Params
  readonly pattern: string
}

/**
 * One registered route at a tree node: its prebuilt answer, the names of its params in path
 * order, and the constructor that builds its params object.
 */
export interface RouteEntry<T> {
  readonly hit: RouteHit<T>
  readonly names: readonly string[]
  readonly Params: ParamsFactory
}

/** The method `'*'`: answers every method that has no route of its own. */
export const ANY_METHOD = '*'

/**
 * The routes that end at one tree node, by method, with everything a lookup needs precomputed:
 * HEAD falling back to GET, `'*'` answering the rest, and the `Allow` value for a 405.
 *
 * @example
 * ```ts
 * const table = new MethodTable<string>(['id'])
 * table.add('GET', 'show', '/users/:id')
 * table.get('HEAD')?.hit.store // 'show'
 * table.allow                  // 'GET, HEAD, OPTIONS'
 * ```
 */
export class MethodTable<T> {
  readonly #names: readonly string[]
  readonly #Params: ParamsFactory
  readonly #routes = new Map<string, RouteEntry<T>>()
  // Resolved answers for the common methods, so the hot path compares strings instead of
  // hashing them: a method read off the wire is not an internalized string.
  #get: RouteEntry<T> | undefined
  #head: RouteEntry<T> | undefined
  #post: RouteEntry<T> | undefined
  #any: RouteEntry<T> | undefined
  #others: Record<string, RouteEntry<T> | undefined> = new ParamsObject() as Record<string, never>
  #allowed: readonly string[] = []
  #notAllowed: { readonly status: 405; readonly allow: string } = { status: 405, allow: '' }

  /**
   * @param names - the param names of every route ending here, in path order (`'*'` for a wildcard)
   */
  constructor(names: readonly string[]) {
    this.#names = names
    this.#Params = compileParamsFactory(names)
  }

  /**
   * Adds a route for one method, or for every method with `'*'`.
   *
   * @param method - an HTTP method or `'*'`
   * @param store - what `find` returns for the route
   * @param pattern - the route as registered, returned as `pattern` and quoted in errors
   * @throws RouteDuplicateError when the method already has a route here
   * @example
   * ```ts
   * table.add('*', handler, '/health')
   * ```
   */
  add(method: string, store: T, pattern: string): void {
    this.assertFree(method, pattern)
    // A route with params gets a fresh params object per match; this one serves static hits.
    const hit: RouteHit<T> = Object.freeze({ status: 200, store, params: EMPTY_PARAMS, pattern })
    this.#routes.set(method, Object.freeze({ hit, names: this.#names, Params: this.#Params }))
    this.#resolve()
  }

  /**
   * Refuses a method that already has a route here.
   *
   * @param method - an HTTP method or `'*'`
   * @param pattern - the route about to be added, quoted in the error
   * @throws RouteDuplicateError naming both routes
   * @example
   * ```ts
   * table.assertFree('GET', '/users/:id')
   * ```
   */
  assertFree(method: string, pattern: string): void {
    const existing = this.#routes.get(method)
    if (existing !== undefined) throw new RouteDuplicateError(method, pattern, existing.hit.pattern)
  }

  /**
   * The route answering `method` here: its own, else GET's for HEAD, else the `'*'` route.
   * This is the hot path: change with care.
   *
   * @param method - the request method
   * @returns the route, or `undefined` when only other methods are routed here
   * @example
   * ```ts
   * table.get('GET')
   * ```
   */
  get(method: string): RouteEntry<T> | undefined {
    switch (method) {
      case 'GET':
        return this.#get
      case 'HEAD':
        return this.#head
      case 'POST':
        return this.#post
      default: {
        const entry = this.#others[method]
        return entry !== undefined ? entry : this.#any
      }
    }
  }

  /** The param names of the routes here, in path order (`'*'` for a wildcard). */
  get names(): readonly string[] {
    return this.#names
  }

  /** The methods answered here, sorted, HEAD and OPTIONS included: the `Allow` list. */
  get allowed(): readonly string[] {
    return this.#allowed
  }

  /** The `Allow` header value, e.g. `"GET, HEAD, OPTIONS"`. */
  get allow(): string {
    return this.#notAllowed.allow
  }

  /** The prebuilt 405 answer for a method not routed here. */
  get notAllowed(): { readonly status: 405; readonly allow: string } {
    return this.#notAllowed
  }

  /** The registered methods, sorted, `'*'` included: for `Router.print()`. */
  get methods(): string[] {
    return [...this.#routes.keys()].sort()
  }

  #resolve(): void {
    const routes = this.#routes
    this.#any = routes.get(ANY_METHOD)
    this.#get = routes.get('GET') ?? this.#any
    this.#head = routes.get('HEAD') ?? routes.get('GET') ?? this.#any
    this.#post = routes.get('POST') ?? this.#any
    this.#others = new ParamsObject() as Record<string, never>
    for (const [method, entry] of routes) {
      if (method !== ANY_METHOD) (this.#others as Record<string, RouteEntry<T>>)[method] = entry
    }
    // RFC 9110 section 9.3.2: a server answering GET answers HEAD too; OPTIONS is always answered.
    const allowed = new Set(routes.keys())
    allowed.delete(ANY_METHOD)
    if (allowed.has('GET')) allowed.add('HEAD')
    allowed.add('OPTIONS')
    this.#allowed = Object.freeze([...allowed].sort())
    this.#notAllowed = Object.freeze({ status: 405, allow: this.#allowed.join(', ') })
  }
}
