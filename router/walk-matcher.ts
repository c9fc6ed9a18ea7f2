import { decodedAnswer } from './decoded-answer.js'
import { MatchState } from './match-state.js'
import { lookupBudget } from './lookup-budget.js'
import type { Matcher } from './matcher.js'
import type { RouteEntry } from './method-table.js'
import { NOT_FOUND, notAllowed } from './miss-answer.js'
import type { RadixNode } from './radix-node.js'
import type { RouteMatch } from './route-match.js'

/**
 * The matcher that walks the tree node by node: used when code generation from strings is
 * disallowed (`node --disallow-code-generation-from-strings`), and the compiled matcher's reference.
 *
 * @param root - the router's tree; later registrations are seen, the walk reads it live
 * @param maxParamLength - longest raw param value that may match
 * @param maxSteps - the most steps a lookup may take (see `lookupBudget`)
 * @returns the matcher
 * @example
 * ```ts
 * const match = walkMatcher(root, 100, 10_000)
 * match('GET', '/users/42', '/users/42') // { status: 200, store, params: { id: '42' }, pattern }
 * ```
 */
export function walkMatcher<T>(
  root: RadixNode<T>,
  maxParamLength: number,
  maxSteps = lookupBudget.maxSteps,
): Matcher<T> {
  // One scratch state per matcher: a lookup allocates nothing until it builds params.
  const state = new MatchState<T>(maxParamLength, maxSteps)
  const failed = state.failed
  return (method, path, key) => {
    state.method = method
    state.missCount = 0
    state.steps = 0
    if (failed.size !== 0) failed.clear()
    const entry = root.lookupFromRoot(key, state)
    // Past the budget, a branch given up may have held the route: no answer but 404 is sure.
    if (state.steps > maxSteps) return NOT_FOUND
    if (entry !== null) return entry.names.length === 0 ? entry.hit : withParams(entry, path, state)
    return state.missCount === 0 ? NOT_FOUND : notAllowed(state.misses.slice(0, state.missCount))
  }
}

function withParams<T>(entry: RouteEntry<T>, path: string, state: MatchState<T>): RouteMatch<T> {
  const params = new entry.Params(path, state.starts, state.ends)
  if (path.indexOf('%') !== -1) return decodedAnswer(entry.hit, entry.names, params)
  return { status: 200, store: entry.hit.store, params, pattern: entry.hit.pattern }
}
