import type { RouteMatch } from './route-match.js'

/**
 * Matches a path against a router's tree for one method: either the function compiled from the
 * tree (`compileMatcher`) or the tree walk (`walkMatcher`), with the same answers.
 *
 * @param method - the request method
 * @param path - the path without its query, as received: param values are cut from it
 * @param key - `path` case-folded when the router ignores case, else `path` itself: what is matched
 * @returns 200, 404, 405 or 400, as `Router.find` answers
 * @example
 * ```ts
 * const match: Matcher<string> = walkMatcher(root, 100)
 * match('GET', '/Users/42', '/users/42')
 * ```
 */
export type Matcher<T> = (method: string, path: string, key: string) => RouteMatch<T>
