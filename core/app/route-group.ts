import type { Handler } from '../route/handler.js'
import type { ConstantResponseInit } from '../response/constant-response.js'
import type { MiddlewareScope } from './middleware-scope.js'
import { addMiddleware, joinPaths, normalizePrefix } from './middleware-scope.js'
import { RouteMethods } from './route-methods.js'
import { requireFunction } from './function-argument.js'

/** How a group hands its routes to its App. @internal */
export interface RouteRegistrar {
  register(
    kind: 'route' | 'constant',
    method: string,
    path: string,
    args: readonly unknown[],
    scope: MiddlewareScope,
  ): void
  middlewareChanged(): void
}

/**
 * Routes under one path prefix with middleware of their own, made by `app.group()` (and by
 * `app.mount()`). Its middleware runs after the App's, for its own routes only.
 *
 * @example
 * ```ts
 * const api = app.group('/api')
 * api.use(requireToken)
 * api.get('/todos/:id', (req, res) => res.json({ id: req.params.id }))
 * ```
 */
export class RouteGroup extends RouteMethods {
  readonly #registrar: RouteRegistrar
  readonly #scope: MiddlewareScope

  /**
   * Makes a group below a scope. Users get theirs from `app.group()` and `group.group()`.
   * @param registrar - the App it registers into
   * @param parent - the scope it hangs below
   * @param prefix - its prefix below the parent's
   * @internal
   */
  static open(registrar: RouteRegistrar, parent: MiddlewareScope, prefix: string): RouteGroup {
    return new RouteGroup(registrar, parent, prefix)
  }

  private constructor(registrar: RouteRegistrar, parent: MiddlewareScope, prefix: string) {
    super()
    this.#registrar = registrar
    this.#scope = { prefix: joinPaths(parent.prefix, normalizePrefix(prefix, 'group')), middleware: [], parent }
  }

  /** The group's full path prefix. */
  get prefix(): string {
    return this.#scope.prefix
  }

  /** Registers a fixed response under the prefix (no middleware runs for it). @returns this group */
  constant(method: string, path: string, response: ConstantResponseInit): this {
    this.#registrar.register('constant', method, joinPaths(this.#scope.prefix, path), [response], this.#scope)
    return this
  }

  /**
   * Adds middleware for the group's routes (or those under a prefix below the group's).
   * @returns this group
   */
  use(prefix: string | Handler, ...middleware: Handler[]): this {
    addMiddleware(this.#scope, this.#scope.prefix, prefix, middleware)
    this.#registrar.middlewareChanged()
    return this
  }

  /**
   * A group nested in this one.
   * @param prefix - below this group's
   * @param define - optional: registers its routes and middleware
   * @returns the nested group
   */
  group(prefix: string, define?: (group: RouteGroup) => void): RouteGroup {
    if (define !== undefined) requireFunction(define, `group('${prefix}')`)
    const group = RouteGroup.open(this.#registrar, this.#scope, prefix)
    define?.(group)
    return group
  }

  /**
   * Registers a route of a mounted App here. @internal
   * @param from - the scope it had in its own App below that App's own, if any
   */
  replay(
    kind: 'route' | 'constant',
    method: string,
    path: string,
    args: readonly unknown[],
    from: MiddlewareScope | undefined,
  ): void {
    let scope = this.#scope
    if (from !== undefined) {
      // The mounted App's groups between its root and the route, re-based under this prefix.
      const levels: MiddlewareScope[] = []
      for (let s: MiddlewareScope | undefined = from; s?.parent !== undefined; s = s.parent) levels.unshift(s)
      for (const level of levels) {
        scope = {
          prefix: joinPaths(this.#scope.prefix, level.prefix),
          middleware: level.middleware.map((m) => ({
            prefix: joinPaths(this.#scope.prefix, m.prefix),
            handler: m.handler,
          })),
          parent: scope,
        }
      }
    }
    this.#registrar.register(kind, method, joinPaths(this.#scope.prefix, path), args, scope)
  }

  /** @internal */
  protected override addRoute(method: string, path: string, args: readonly unknown[]): this {
    this.#registrar.register('route', method, joinPaths(this.#scope.prefix, path), args, this.#scope)
    return this
  }
}
