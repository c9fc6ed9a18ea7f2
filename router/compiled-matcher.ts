import { decodedAnswer } from './decoded-answer.js'
import { lookupBudget } from './lookup-budget.js'
import { matcherSource } from './matcher-source.js'
import type { Matcher } from './matcher.js'
import { NOT_FOUND, notAllowed } from './miss-answer.js'
import { ParamsObject } from './params-object.js'
import type { RadixNode } from './radix-node.js'
import type { MatcherHelpers } from './table-source.js'

/**
 * Whether routers constructed from now on compile their matcher (default `true`). Internal, and
 * not a `RouterOptions` key: tests and the benchmark turn it off to run the tree walk side by side
 * with the compiled code, and users have no reason to.
 *
 * @example
 * ```ts
 * matcherCompilation.enabled = false
 * const walking = new Router<string>()
 * matcherCompilation.enabled = true
 * ```
 */
export const matcherCompilation = { enabled: true }

const HELPERS: MatcherHelpers = {
  notFound: NOT_FOUND,
  // Several tables when a path reached more than one, each routing other methods: their union.
  notAllowed: (misses) => (Array.isArray(misses) ? notAllowed(misses) : misses.notAllowed),
  // Called only where a path reached a table without the method: the rare case, kept out of line.
  miss: (misses, table) => {
    if (misses === null || misses === table) return table
    if (!Array.isArray(misses)) return [misses, table]
    misses.push(table)
    return misses
  },
  decodedAnswer,
  paramsPrototype: ParamsObject.prototype,
}

/**
 * Compiles a tree into one function specialised to its routes (see `matcherSource`). Compile once
 * the routes are in: the function does not see routes added later.
 *
 * @param root - the router's tree
 * @param maxParamLength - longest raw param value that may match
 * @param maxSteps - the most steps a lookup may take (see `lookupBudget`)
 * @returns the matcher, or `null` when code generation from strings is disallowed
 *   (`node --disallow-code-generation-from-strings`): the caller then walks the tree
 * @example
 * ```ts
 * const match = compileMatcher(root, 100) ?? walkMatcher(root, 100)
 * match('GET', '/users/42', '/users/42')
 * ```
 */
export function compileMatcher<T>(
  root: RadixNode<T>,
  maxParamLength: number,
  maxSteps = lookupBudget.maxSteps,
): Matcher<T> | null {
  const { source, data } = matcherSource(root, maxParamLength, maxSteps)
  let factory: (helpers: MatcherHelpers, data: readonly unknown[]) => Matcher<T>
  try {
    factory = new Function('H', 'D', source) as typeof factory
  } catch (error) {
    // Any other error is a fault of the generated source, not of the environment: let it show.
    if (error instanceof EvalError) return null
    throw error
  }
  return factory(HELPERS, data)
}
