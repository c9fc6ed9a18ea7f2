import { compileConstraint } from './compile-constraint.js'
import type { Constraint } from './constraint.js'
import { compileMatcher, matcherCompilation } from './compiled-matcher.js'
import {
  RouteInvalidMethodError,
  RouteInvalidPatternError,
  RouteParamConflictError,
  RouterInvalidOptionError,
} from './errors.js'
import { foldCase } from './fold-case.js'
import { lookupBudget } from './lookup-budget.js'
import type { Matcher } from './matcher.js'
import type { MethodTable } from './method-table.js'
import { parsePattern, type PatternToken } from './parse-pattern.js'
import { printTree } from './print-tree.js'
import { RadixNode } from './radix-node.js'
import type { RouteMatch } from './route-match.js'
import { walkMatcher } from './walk-matcher.js'

/**
 * How a `Router` matches paths.
 *
 * @example
 * ```ts
 * new Router<Handler>({ caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 200 })
 * ```
 */
export interface RouterOptions {
  /** Whether `/Users` and `/users` differ (default `true`). Only ASCII letters are folded. */
  caseSensitive?: boolean
  /** Whether `/users/` finds `/users` (default `false`). A route's own trailing `/` is dropped too. */
  ignoreTrailingSlash?: boolean
  /** Longest raw param value, in characters, that may match (default 100); longer does not match. */
  maxParamLength?: number
}

const SLASH = 47 // '/'
// RFC 9110 section 9.1: a method is a token.
const METHOD_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const OPTION_KEYS = ['caseSensitive', 'ignoreTrailingSlash', 'maxParamLength']

/**
 * A radix-tree router. Static parts of a path are compared as received, without decoding, so
 * `/users/%6De` is not `/users/me`; param values are percent-decoded after the match. Constraints
 * and `maxParamLength` apply to raw values. The query string never takes part in matching.
 *
 * Among the routes matching a path for a method, the first in depth-first priority order wins:
 * static text before a constrained param, before a plain param, before the wildcard.
 *
 * The first lookup after a registration compiles the tree into one JavaScript function specialised
 * to the routes (`compileMatcher`); where code generation from strings is disallowed, lookups walk
 * the tree instead, with the same answers.
 *
 * @example
 * ```ts
 * const router = new Router<string>()
 * router.on('GET', '/users/:id', 'show user')
 * router.find('GET', '/users/42?tab=1')
 * // { status: 200, store: 'show user', params: { id: '42' }, pattern: '/users/:id' }
 * router.find('POST', '/users/42')      // { status: 405, allow: 'GET, HEAD, OPTIONS' }
 * ```
 */
export class Router<T> {
  readonly #caseSensitive: boolean
  readonly #ignoreTrailingSlash: boolean
  readonly #root = RadixNode.root<T>()
  // rou3's idea: a path without params is one keyed load, before any tree walk. A Map, not a
  // null-prototype object: a request's path is a new string each time, and an object first looks
  // such a key up in V8's table of internalized strings, a large table a busy server keeps out of
  // the cache.
  readonly #static = new Map<string, MethodTable<T>>()
  readonly #maxParamLength: number
  readonly #compiles = matcherCompilation.enabled
  readonly #maxLookupSteps = lookupBudget.maxSteps
  // Whether a path is its own static key: neither case-folded nor trimmed.
  readonly #plainKeys: boolean
  // A longer path is not looked up in the static map: most paths with params are longer than
  // every static route, and a keyed load of a string that is no key still hashes it.
  #longestStatic = 0
  // The tree's matcher, built at the first lookup after a registration; `null` until then, so
  // that registering many routes compiles once.
  #matcher: Matcher<T> | null = null

  /**
   * @param options - matching options; every key is validated
   * @throws RouterInvalidOptionError naming the key whose value is wrong
   */
  constructor(options: RouterOptions = {}) {
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.includes(key))
        throw new RouterInvalidOptionError(key, 'unknown', `one of ${OPTION_KEYS.join(', ')}`)
    }
    this.#caseSensitive = booleanOption('caseSensitive', options.caseSensitive, true)
    this.#ignoreTrailingSlash = booleanOption('ignoreTrailingSlash', options.ignoreTrailingSlash, false)
    this.#plainKeys = this.#caseSensitive && !this.#ignoreTrailingSlash
    const maxParamLength = options.maxParamLength ?? 100
    if (!Number.isSafeInteger(maxParamLength) || maxParamLength < 1) {
      throw new RouterInvalidOptionError('maxParamLength', maxParamLength, 'a positive integer')
    }
    this.#maxParamLength = maxParamLength
  }

  /**
   * Registers a route.
   *
   * @param method - an HTTP method, several, or `'*'` for every method without a route of its own
   * @param path - the pattern: `/users/me`, `/users/:id`, `/f/:name.:ext`, `/orders/:id(\\d+)`, `/assets/*`
   * @param store - what `find` returns when the route matches
   * @throws RouteInvalidPatternError, RouteInvalidMethodError, RouteParamConflictError, RouteDuplicateError
   * @example
   * ```ts
   * router.on(['GET', 'POST'], '/orders/:id(\\d+)', handler)
   * ```
   */
  on(method: string | readonly string[], path: string, store: T): void {
    const methods = typeof method === 'string' ? [method] : method
    if (methods.length === 0) throw new RouteInvalidMethodError('', path)
    for (const name of methods) {
      if (!METHOD_TOKEN.test(name)) throw new RouteInvalidMethodError(name, path)
    }
    const pattern = this.#ignoreTrailingSlash ? trimTrailingSlash(path) : path
    const tokens = parse(path, pattern)
    const table = this.#insert(path, tokens)
    // Check every method first so a refused registration adds none of them.
    for (const name of methods) table.assertFree(name, path)
    for (const name of methods) table.add(name, store, path)
    if (tokens.length === 1 && tokens[0]?.kind === 'static') {
      this.#static.set(this.#fold(pattern), table)
      this.#longestStatic = Math.max(this.#longestStatic, pattern.length)
    }
    this.#matcher = null
  }

  /**
   * Looks a request up. This is the hot path: change with care.
   *
   * @param method - the request method, e.g. `GET`
   * @param path - the request target's path, with or without `?query`
   * @returns 200 with the route, 404, 405 with the `Allow` value, or 400 for malformed param encoding
   * @example
   * ```ts
   * const match = router.find('GET', '/assets/css/site.css')
   * if (match.status === 200) console.log(match.params['*']) // 'css/site.css'
   * ```
   */
  find(method: string, path: string): RouteMatch<T> {
    const plain = this.#plainKeys
    // 1. Static: with the default options the path as received is its own key. No key holds a
    //    '?', so a path with a query misses here and is looked up again below without it.
    if (plain) {
      const hit = this.#staticHit(method, path)
      if (hit !== undefined) return hit
    }
    const query = path.indexOf('?')
    if (query === -1) {
      if (plain) return this.#lookup(method, path, path)
    } else {
      path = path.slice(0, query)
    }
    if (this.#ignoreTrailingSlash && path.length > 1 && path.charCodeAt(path.length - 1) === SLASH) {
      const trimmed = this.#match(method, path.slice(0, -1))
      if (trimmed.status !== 404) return trimmed
    }
    return this.#match(method, path)
  }

  /**
   * Draws the tree for debugging: one node per line, indented two spaces per level, with the
   * methods routed at the node in brackets.
   *
   * @returns the drawing
   * @example
   * ```ts
   * router.print()
   * // /users [GET]
   * //   /
   * //     me [GET]
   * //     :id [GET, PUT]
   * ```
   */
  print(): string {
    const lines: string[] = []
    printTree(this.#root, 0, lines)
    return lines.join('\n')
  }

  #fold(text: string): string {
    return this.#caseSensitive ? text : foldCase(text)
  }

  #insert(path: string, tokens: readonly PatternToken[]): MethodTable<T> {
    let node = this.#root
    const names: string[] = []
    for (const token of tokens) {
      if (token.kind === 'static') {
        node = node.staticPath(this.#fold(token.text))
      } else if (token.kind === 'param') {
        const constraint = token.constraint === null ? null : compile(path, token.constraint)
        const spec = { name: token.name, source: token.constraint, constraint, index: names.length, origin: path }
        node = node.paramChild(spec)
        const existing = node.param as { name: string; origin: string }
        if (existing.name !== token.name) {
          throw new RouteParamConflictError(path, token.name, existing.origin, existing.name)
        }
        names.push(token.name)
      } else {
        names.push('*')
        return node.wildcard(names)
      }
    }
    return node.terminal(names)
  }

  #match(method: string, path: string): RouteMatch<T> {
    const key = this.#caseSensitive ? path : foldCase(path)
    return this.#staticHit(method, key) ?? this.#lookup(method, path, key)
  }

  #staticHit(method: string, key: string): RouteMatch<T> | undefined {
    if (key.length > this.#longestStatic) return undefined
    const table = this.#static.get(key)
    return table === undefined ? undefined : table.get(method)?.hit
  }

  // 2. The tree, through the matcher built at the first lookup after a registration.
  #lookup(method: string, path: string, key: string): RouteMatch<T> {
    return (this.#matcher ?? this.#prepare())(method, path, key)
  }

  #prepare(): Matcher<T> {
    const compiled = this.#compiles ? compileMatcher(this.#root, this.#maxParamLength, this.#maxLookupSteps) : null
    this.#matcher = compiled ?? walkMatcher(this.#root, this.#maxParamLength, this.#maxLookupSteps)
    return this.#matcher
  }
}

function parse(path: string, pattern: string): PatternToken[] {
  try {
    return parsePattern(pattern)
  } catch (reason) {
    throw typeof reason === 'string' ? new RouteInvalidPatternError(path, reason) : reason
  }
}

function compile(path: string, source: string): Constraint {
  try {
    return compileConstraint(source)
  } catch (reason) {
    throw typeof reason === 'string' ? new RouteInvalidPatternError(path, reason) : reason
  }
}

function trimTrailingSlash(path: string): string {
  return path.length > 1 && path.charCodeAt(path.length - 1) === SLASH ? path.slice(0, -1) : path
}

function booleanOption(key: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw new RouterInvalidOptionError(key, value, 'a boolean')
  return value
}
