import { parsePattern, type PatternToken } from '../../router/parse-pattern.js'
import type { RouteMatch } from '../../router/route-match.js'

interface ReferenceRoute {
  readonly method: string
  readonly pattern: string
  readonly tokens: readonly PatternToken[]
  /** Routes with the same shape end at the same tree node and share a method table. */
  readonly shape: string
}

/** One way a route matches a path: its priority trace (compared lexicographically) and raw params. */
interface Trace {
  readonly route: ReferenceRoute
  readonly steps: readonly number[]
  readonly values: readonly string[]
}

const STATIC = 0
const CONSTRAINED = 1
const PARAM = 2
const WILDCARD = 3

/**
 * A plain matcher with no tree: it lists every way every route matches a path, orders them by
 * the documented priority (per consumed piece: static char < constrained param < param <
 * wildcard, shorter param values first) and resolves methods like a method table.
 * Default router options only.
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

  /**
   * @param method - a method or '*'
   * @param pattern - the route pattern
   */
  add(method: string, pattern: string): void {
    const tokens = parsePattern(pattern)
    const shape = tokens
      .map((token) => (token.kind === 'static' ? token.text : token.kind === 'param' ? `\0${token.constraint ?? ''}\0` : '\0*'))
      .join('')
    this.#routes.push({ method, pattern, tokens, shape })
  }

  /**
   * @param method - the request method
   * @param path - the request path (no query)
   * @returns what the router must answer; the store is `"<method> <pattern>"` of the route
   */
  find(method: string, path: string): RouteMatch<string> {
    const traces = this.#routes.flatMap((route) => tracesOf(route, path))
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
      return build(answer, trace.values)
    }
    return allowed.size === 0 ? { status: 404 } : { status: 405, allow: [...allowed].sort().join(', ') }
  }
}

function build(route: ReferenceRoute, values: readonly string[]): RouteMatch<string> {
  const names = route.tokens.flatMap((token) => (token.kind === 'param' ? [token.name] : token.kind === 'wildcard' ? ['*'] : []))
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

function tracesOf(route: ReferenceRoute, path: string): Trace[] {
  const found: Trace[] = []
  const walk = (t: number, at: number, steps: number[], values: string[]): void => {
    const token = route.tokens[t]
    if (token === undefined) {
      if (at === path.length) found.push({ route, steps, values })
      return
    }
    if (token.kind === 'static') {
      if (path.startsWith(token.text, at)) walk(t + 1, at + token.text.length, [...steps, ...token.text.split('').map(() => STATIC)], values)
    } else if (token.kind === 'wildcard') {
      walk(t + 1, path.length, [...steps, WILDCARD, 0], [...values, path.slice(at)])
    } else {
      const slash = path.indexOf('/', at)
      const end = slash === -1 ? path.length : slash
      const check = token.constraint === null ? null : new RegExp(`^(?:${token.constraint})$`)
      for (let stop = at + 1; stop <= end && stop - at <= 100; stop++) {
        const value = path.slice(at, stop)
        if (check !== null && !check.test(value)) continue
        walk(t + 1, stop, [...steps, check === null ? PARAM : CONSTRAINED, stop - at], [...values, value])
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
