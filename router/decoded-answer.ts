import { decodeParam } from './decode-param.js'
import type { RouteHit } from './method-table.js'
import type { Params, RouteMatch } from './route-match.js'

/**
 * The answer for a hit whose path holds a `%`: every param percent-decoded in place, or a 400
 * naming the first param whose encoding is malformed. Callers check for a `%` in the whole
 * path first, which spares a scan per param in the common case of no escapes.
 *
 * @param hit - the route's prebuilt answer, for its store and pattern
 * @param names - the route's param names, in path order
 * @param params - the raw values, overwritten with the decoded ones
 * @returns 200 with the decoded params, or 400
 * @example
 * ```ts
 * decodedAnswer(hit, ['id'], params) // { status: 200, store, params: { id: 'café' }, pattern }
 * ```
 */
export function decodedAnswer<T>(hit: RouteHit<T>, names: readonly string[], params: Params): RouteMatch<T> {
  for (let k = 0; k < names.length; k++) {
    const name = names[k] as string
    const raw = params[name] as string
    const value = decodeParam(raw)
    if (value === null)
      return { status: 400, reason: `param "${name}" is not valid percent-encoding: ${JSON.stringify(raw)}` }
    // Overwriting a key keeps the object's hidden class.
    params[name] = value
  }
  return { status: 200, store: hit.store, params, pattern: hit.pattern }
}
