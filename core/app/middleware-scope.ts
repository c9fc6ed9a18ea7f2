import type { Handler } from '../route/handler.js'
import { InvalidOptionError } from '../errors.js'

/** A middleware with the path prefix it is limited to (`''` for every path). */
export interface ScopedMiddleware {
  /** The full prefix, e.g. `/api`: it applies to that path and the paths below it. */
  readonly prefix: string
  readonly handler: Handler
}

/**
 * Where middleware applies: the App itself, or a route group (and a mounted App) below it. Each
 * scope's middleware runs after its parent's, for the routes registered in it. No entry of the
 * package exports it; it stays in the published declarations, which name it.
 */
export interface MiddlewareScope {
  /** The full path prefix of the scope's routes (`''` for the App). */
  readonly prefix: string
  readonly middleware: ScopedMiddleware[]
  readonly parent: MiddlewareScope | undefined
}

/**
 * @param path - a request path, or the literal start of a route pattern
 * @param prefix - a middleware's prefix
 * @returns whether `path` is the prefix or below it (on a segment boundary: `/api` covers
 *   `/api/x`, not `/apix`)
 */
export function isUnder(path: string, prefix: string): boolean {
  if (prefix === '' || prefix === '/') return true
  if (!path.startsWith(prefix)) return false
  return path.length === prefix.length || path.charCodeAt(prefix.length) === 0x2f || prefix.endsWith('/')
}

/**
 * How a prefix relates to the paths a route pattern matches, decided once per route.
 * @returns `always` when every match is under the prefix, `never` when none is, `maybe` when only
 *   the request's path can tell (a param or wildcard before the prefix ends)
 */
export function prefixRelation(pattern: string, prefix: string): 'always' | 'never' | 'maybe' {
  if (prefix === '' || prefix === '/') return 'always'
  const dynamic = pattern.search(/[:*]/)
  const literal = dynamic < 0 ? pattern : pattern.slice(0, dynamic)
  if (dynamic < 0 || literal.length > prefix.length)
    return isUnder(literal, prefix) || (dynamic < 0 && isUnder(pattern, prefix)) ? 'always' : 'never'
  return prefix.startsWith(literal) ? 'maybe' : 'never'
}

/**
 * The middleware of `scope` and its parents, outermost first, for a route pattern: each either
 * included, skipped, or (when only the request can tell) wrapped in a check of the path.
 */
export function middlewareFor(scope: MiddlewareScope | undefined, pattern: string): Handler[] {
  const scopes: MiddlewareScope[] = []
  for (let s = scope; s !== undefined; s = s.parent) scopes.unshift(s)
  const chain: Handler[] = []
  for (const s of scopes) {
    for (const entry of s.middleware) {
      const relation = prefixRelation(pattern, entry.prefix)
      if (relation === 'always') chain.push(entry.handler)
      else if (relation === 'maybe') chain.push(onlyUnder(entry))
    }
  }
  return chain
}

/**
 * The chain for a path no route matched: the App's own middleware that apply to the path, then
 * `answer` (the 404, 405 or 400), built as one array.
 */
export function chainForPath(scope: MiddlewareScope, path: string, answer: Handler): Handler[] {
  const chain: Handler[] = []
  for (const entry of scope.middleware) if (isUnder(path, entry.prefix)) chain.push(entry.handler)
  chain.push(answer)
  return chain
}

function onlyUnder(entry: ScopedMiddleware): Handler {
  return (req, res, next) => (isUnder(req.path, entry.prefix) ? entry.handler(req, res, next) : next())
}

/** Adds middleware given as `use([prefix], ...handlers)` to a scope, the prefix below `base`. @internal */
export function addMiddleware(
  scope: MiddlewareScope,
  base: string,
  first: string | Handler,
  rest: readonly Handler[],
): void {
  const prefix = typeof first === 'string' ? normalizePrefix(first, 'use') : ''
  const handlers = typeof first === 'string' ? rest : [first, ...rest]
  if (handlers.length === 0 || handlers.some((h) => typeof h !== 'function'))
    throw new InvalidOptionError('use', 'expected one or more middleware functions')
  for (const handler of handlers) scope.middleware.push({ prefix: joinPaths(base, prefix), handler })
}

/**
 * @param prefix - a path prefix as given
 * @param key - the option's name, for the message
 * @returns it without a trailing slash (`''` for `/`)
 */
export function normalizePrefix(prefix: string, key: string): string {
  if (typeof prefix !== 'string' || (prefix !== '' && !prefix.startsWith('/')))
    throw new InvalidOptionError(key, `expected a path starting with /, got ${JSON.stringify(prefix)}`)
  if (/[?#]/.test(prefix))
    throw new InvalidOptionError(key, `a prefix has no query or fragment: ${JSON.stringify(prefix)}`)
  return prefix.replace(/\/+$/, '')
}

/** `/api` + `/todos` → `/api/todos`; a route path `/` under a prefix is the prefix itself. */
export function joinPaths(prefix: string, path: string): string {
  if (prefix === '') return path
  return path === '/' || path === '' ? prefix : prefix + path
}
