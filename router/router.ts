import { compileConstraint } from './compile-constraint.js'
import { decodeParam } from './decode-param.js'
import {
  RouteInvalidMethodError,
  RouteInvalidPatternError,
  RouteParamConflictError,
  RouterInvalidOptionError,
} from './errors.js'
import { foldCase } from './fold-case.js'
import { MatchState } from './match-state.js'
import type { MethodTable, RouteEntry } from './method-table.js'
import { ParamsObject } from './params-object.js'
import { parsePattern, type PatternToken } from './parse-pattern.js'
import { printTree } from './print-tree.js'
import { RadixNode } from './radix-node.js'
import type { RouteMatch } from './route-match.js'

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
const NOT_FOUND: RouteMatch<never> = Object.freeze({ status: 404 })

/**
 * A radix-tree router. Static parts of a path are compared as received, without decoding, so
 * `/users/%6De` is not `/users/me`; param values are percent-decoded after the match. Constraints
 * and `maxParamLength` apply to raw values. The query string never takes part in matching.
 *
 * Among the routes matching a path for a method, the first in depth-first priority order wins:
 * static text before a constrained param, before a plain param, before the wildcard.
 *
 * @example
 * ```ts
 * const router = new Router<string>()
 * router.on('GET', '/users/:id', 'show user')
 * router.find('GET', '/users/42?tab=1') // { status: 200, store: 'show user', params: { id: '42' }, pattern: '/users/:id' }
 * router.find('POST', '/users/42')      // { status: 405, allow: 'GET, HEAD, OPTIONS' }
 * ```
 */
export class Router<T> {
  readonly #caseSensitive: boolean
  readonly #ignoreTrailingSlash: boolean
  readonly #root = RadixNode.root<T>()
  // rou3's idea: a path without params is one keyed load, before any tree walk. A null-prototype
  // object, not a Map: the keyed load measured faster (static-only list, same run).
  readonly #static = new ParamsObject() as unknown as Record<string, MethodTable<T> | undefined>
  readonly #state: MatchState<T>

  /**
   * @param options - matching options; every key is validated
   * @throws RouterInvalidOptionError naming the key whose value is wrong
   */
  constructor(options: RouterOptions = {}) {
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.includes(key)) throw new RouterInvalidOptionError(key, 'unknown', `one of ${OPTION_KEYS.join(', ')}`)
    }
    this.#caseSensitive = booleanOption('caseSensitive', options.caseSensitive, true)
    this.#ignoreTrailingSlash = booleanOption('ignoreTrailingSlash', options.ignoreTrailingSlash, false)
    const maxParamLength = options.maxParamLength ?? 100
    if (!Number.isSafeInteger(maxParamLength) || maxParamLength < 1) {
      throw new RouterInvalidOptionError('maxParamLength', maxParamLength, 'a positive integer')
    }
    this.#state = new MatchState<T>(maxParamLength)
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
    if (tokens.length === 1 && tokens[0]?.kind === 'static') this.#static[this.#fold(pattern)] = table
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
    const query = path.indexOf('?')
    if (query !== -1) path = path.slice(0, query)
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
    const table = this.#static[key]
    if (table !== undefined) {
      const entry = table.get(method)
      if (entry !== undefined) return entry.hit
    }
    const state = this.#state
    state.method = method
    state.missCount = 0
    const entry = this.#root.lookupFromRoot(key, state)
    if (entry !== null) return entry.names.length === 0 ? entry.hit : this.#withParams(entry, path)
    return state.missCount === 0 ? NOT_FOUND : notAllowed(state.misses.slice(0, state.missCount))
  }

  #withParams(entry: RouteEntry<T>, path: string): RouteMatch<T> {
    const { starts, ends } = this.#state
    const params = new entry.Params(path, starts, ends)
    // One scan of the whole path spares a scan per param in the common case of no escapes.
    if (path.indexOf('%') !== -1) {
      const names = entry.names
      for (let k = 0; k < names.length; k++) {
        const name = names[k] as string
        const raw = params[name] as string
        const value = decodeParam(raw)
        if (value === null) return { status: 400, reason: `param "${name}" is not valid percent-encoding: ${JSON.stringify(raw)}` }
        // Overwriting a key keeps the object's hidden class.
        params[name] = value
      }
    }
    return { status: 200, store: entry.hit.store, params, pattern: entry.hit.pattern }
  }
}

/** A 405 for every method routed at the tables the path reached (usually one, precomputed). */
function notAllowed<T>(misses: readonly MethodTable<T>[]): RouteMatch<T> {
  const first = misses[0] as MethodTable<T>
  if (misses.every((table) => table === first)) return first.notAllowed
  const allowed = new Set(misses.flatMap((table) => table.allowed))
  return { status: 405, allow: [...allowed].sort().join(', ') }
}

function parse(path: string, pattern: string): PatternToken[] {
  try {
    return parsePattern(pattern)
  } catch (reason) {
    throw typeof reason === 'string' ? new RouteInvalidPatternError(path, reason) : reason
  }
}

function compile(path: string, source: string): RegExp {
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
