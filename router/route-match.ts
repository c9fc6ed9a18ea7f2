/**
 * Route params by name: a null-prototype object, so a param called `__proto__`
 * or `constructor` stays an ordinary key.
 *
 * @example
 * ```ts
 * const params: Params = router.find('GET', '/users/42').params // { id: '42' }
 * ```
 */
export type Params = Record<string, string>

/**
 * What `Router.find` answers for one method and path.
 *
 * - `200`: a route matched; `store` is what was registered, `pattern` the route as registered.
 * - `404`: no route matches the path for any method.
 * - `405`: the path matches only routes of other methods; `allow` is the `Allow` header value
 *   (RFC 9110 section 15.5.6). OPTIONS without its own route lands here too.
 * - `400`: a matched param is not valid percent-encoding; `reason` names it.
 *
 * @example
 * ```ts
 * const match = router.find('GET', '/users/42')
 * if (match.status === 200) match.store(match.params.id)
 * ```
 */
export type RouteMatch<T> =
  | { readonly status: 200; readonly store: T; readonly params: Params; readonly pattern: string }
  | { readonly status: 404 }
  | { readonly status: 405; readonly allow: string }
  | { readonly status: 400; readonly reason: string }
