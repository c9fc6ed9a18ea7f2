import { parsePattern, type PatternToken } from '../../router/parse-pattern.js'
import type { RouteMatch } from '../../router/route-match.js'
import type { RouterOptions } from '../../router/router.js'

interface ReferenceRoute {
  readonly method: string
  readonly pattern: string
  readonly tokens: readonly PatternToken[]
  /** For each token, where its constraint ranks among the constraints seen at its place (0 for others). */
  readonly ranks: readonly number[]
  /** Routes with the same shape end at the same tree node and share a method table. */
  readonly shape: string
}

/** One way a route matches a path: its priority trace (compared lexicographically) and where its raw params are. */
interface Trace {
  readonly route: ReferenceRoute
  readonly steps: readonly number[]
  readonly bounds: readonly (readonly [start: number, end: number])[]
}

const STATIC = 0
const CONSTRAINED = 1
const PARAM = 2
const WILDCARD = 3

/**
 * A plain matcher with no tree: it lists every way every route matches a path, orders them by
 * the documented priority (per consumed piece: static char < constrained param < param <
 * wildcard; constrained params at one place in the order their constraints were first
 * registered there; shorter param values first) and resolves methods like a method table.
 * The router options are applied as documented: ASCII case folding of static text (params keep
 * the case received), trailing slashes dropped from routes and retried without on lookups, and
 * the longest param value.
 *
 * @example
 * ```ts
 * const reference = new ReferenceMatcher()
 * reference.add('GET', '/users/:id')
 * reference.find('GET', '/users/1') // { status: 200, store: 'GET /users/:id', params: { id: '1' }, ... }
 * ```
 */
export class ReferenceMatcher {
  readonly #routes: ReferenceRoute[] = []
  readonly #caseSensitive: boolean
  readonly #ignoreTrailingSlash: boolean
  readonly #maxParamLength: number
  readonly #constraintRanks = new Map<string, number>()

  /**
   * @param options - the options of the router under test
   */
  constructor(options: RouterOptions = {}) {
    this.#caseSensitive = options.caseSensitive ?? true
    this.#ignoreTrailingSlash = options.ignoreTrailingSlash ?? false
    this.#maxParamLength = options.maxParamLength ?? 100
  }

  /**
   * @param method - a method or '*'
   * @param pattern - the route pattern
   */
  add(method: string, pattern: string): void {
    const trimmed =
      this.#ignoreTrailingSlash && pattern.length > 1 && pattern.endsWith('/') ? pattern.slice(0, -1) : pattern
    const tokens = parsePattern(trimmed).map((token) =>
      token.kind === 'static' ? { kind: 'static' as const, text: this.#fold(token.text) } : token,
    )
    const pieces = tokens.map((token) =>
      token.kind === 'static' ? token.text : token.kind === 'param' ? `\0${token.constraint ?? ''}\0` : '\0*',
    )
    // Constrained params at one place are tried in the order their constraints first appeared
    // there, each with everything below it before the next.
    const ranks = tokens.map((token, t) => {
      if (token.kind !== 'param' || token.constraint === null) return 0
      const place = `${pieces.slice(0, t).join('')}\0${token.constraint}`
      if (!this.#constraintRanks.has(place)) this.#constraintRanks.set(place, this.#constraintRanks.size + 1)
      return this.#constraintRanks.get(place) as number
    })
    this.#routes.push({ method, pattern, tokens, ranks, shape: pieces.join('') })
  }

  /**
   * @param method - the request method
   * @param path - the request path (no query)
   * @returns what the router must answer; the store is `"<method> <pattern>"` of the route
   */
  find(method: string, path: string): RouteMatch<string> {
    if (this.#ignoreTrailingSlash && path.length > 1 && path.endsWith('/')) {
      const trimmed = this.#match(method, path.slice(0, -1))
      if (trimmed.status !== 404) return trimmed
    }
    return this.#match(method, path)
  }

  #fold(text: string): string {
    return this.#caseSensitive ? text : text.replace(/[A-Z]/g, (letter) => letter.toLowerCase())
  }

  #match(method: string, path: string): RouteMatch<string> {
    const key = this.#fold(path)
    const traces = this.#routes.flatMap((route) => tracesOf(route, key, this.#maxParamLength))
    traces.sort((a, b) => compareSteps(a.steps, b.steps))
    const allowed = new Set<string>()
    for (const trace of traces) {
      const siblings = this.#routes.filter((route) => route.shape === trace.route.shape)
      const byMethod = (wanted: string): ReferenceRoute | undefined => siblings.find((route) => route.method === wanted)
      const answer = byMethod(method) ?? (method === 'HEAD' ? byMethod('GET') : undefined) ?? byMethod('*')
      if (answer === undefined) {
        for (const route of siblings) allowed.add(route.method)
        if (allowed.has('GET')) allowed.add('HEAD')
        allowed.add('OPTIONS')
        continue
      }
      if (answer !== trace.route) continue // the same shape is listed once per sibling route
      // Values were found in the folded path; they are cut from the path as received.
      return build(
        answer,
        trace.bounds.map(([start, end]) => path.slice(start, end)),
      )
    }
    return allowed.size === 0 ? { status: 404 } : { status: 405, allow: [...allowed].sort().join(', ') }
  }
}

function build(route: ReferenceRoute, values: readonly string[]): RouteMatch<string> {
  const names = route.tokens.flatMap((token) =>
    token.kind === 'param' ? [token.name] : token.kind === 'wildcard' ? ['*'] : [],
  )
  const params: Record<string, string> = {}
  for (let k = 0; k < names.length; k++) {
    const raw = values[k] as string
    try {
      params[names[k] as string] = decodeURIComponent(raw)
    } catch {
      return { status: 400, reason: `param "${names[k]}" is not valid percent-encoding: ${JSON.stringify(raw)}` }
    }
  }
  return { status: 200, store: `${route.method} ${route.pattern}`, params, pattern: route.pattern }
}

function tracesOf(route: ReferenceRoute, path: string, maxParamLength: number): Trace[] {
  const found: Trace[] = []
  const walk = (t: number, at: number, steps: number[], bounds: (readonly [number, number])[]): void => {
    const token = route.tokens[t]
    if (token === undefined) {
      if (at === path.length) found.push({ route, steps, bounds })
      return
    }
    if (token.kind === 'static') {
      if (path.startsWith(token.text, at))
        walk(t + 1, at + token.text.length, [...steps, ...token.text.split('').map(() => STATIC)], bounds)
    } else if (token.kind === 'wildcard') {
      walk(t + 1, path.length, [...steps, WILDCARD, 0, 0], [...bounds, [at, path.length]])
    } else {
      const slash = path.indexOf('/', at)
      const end = slash === -1 ? path.length : slash
      const check = token.constraint === null ? null : new RegExp(`^(?:${token.constraint})$`)
      for (let stop = at + 1; stop <= end && stop - at <= maxParamLength; stop++) {
        if (check !== null && !check.test(path.slice(at, stop))) continue
        const kind = check === null ? PARAM : CONSTRAINED
        walk(t + 1, stop, [...steps, kind, route.ranks[t] as number, stop - at], [...bounds, [at, stop]])
      }
    }
  }
  walk(0, 0, [], [])
  return found
}

function compareSteps(a: readonly number[], b: readonly number[]): number {
  for (let k = 0; k < Math.min(a.length, b.length); k++) {
    if (a[k] !== b[k]) return (a[k] as number) - (b[k] as number)
  }
  return a.length - b.length
}
