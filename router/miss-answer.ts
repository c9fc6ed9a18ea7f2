import type { MethodTable } from './method-table.js'
import type { RouteMatch } from './route-match.js'

/** The answer when no route matches the path for any method. */
export const NOT_FOUND: RouteMatch<never> = Object.freeze({ status: 404 })

/**
 * The 405 for every method routed at the tables a path reached: usually one table, whose
 * answer is precomputed; otherwise the union of their `Allow` lists, sorted.
 *
 * @param misses - the tables the path reached, none routing the request's method; may repeat
 * @returns the 405 answer
 * @example
 * ```ts
 * notAllowed([usersTable]) // { status: 405, allow: 'GET, HEAD, OPTIONS' }
 * ```
 */
export function notAllowed<T>(misses: readonly MethodTable<T>[]): RouteMatch<T> {
  const first = misses[0] as MethodTable<T>
  if (misses.every((table) => table === first)) return first.notAllowed
  const allowed = new Set(misses.flatMap((table) => table.allowed))
  return { status: 405, allow: [...allowed].sort().join(', ') }
}
