import type { RouteParams } from '../../router/route-params.js'
import type { Handler } from '../route/handler.js'
import type { RouteOptions } from '../route/route-entry.js'
import type { RouteHandler } from './route-args.js'

/**
 * The route methods an App and a route group share (`get`, `post`, … `all`), typed once: each
 * registers through the owner's `addRoute`, an App at its root, a group under its prefix.
 */
export abstract class RouteMethods {
  /**
   * Registers one route. @internal
   * @param method - the method, or `*` for every method without a route of its own
   * @param path - the pattern as given (a group adds its prefix)
   * @param args - the options, if any, then the handlers
   */
  protected abstract addRoute(method: string, path: string, args: readonly unknown[]): this

  /** Registers a GET route (HEAD falls back to it). @returns this */
  get<Path extends string, const O extends RouteOptions>(
    path: Path,
    options: O,
    ...handlers: RouteHandler<Path, O>[]
  ): this
  get<Path extends string>(path: Path, ...handlers: Handler<RouteParams<Path>>[]): this
  get(path: string, ...args: unknown[]): this {
    return this.addRoute('GET', path, args)
  }
  /** Registers a POST route. @returns this */
  post<Path extends string, const O extends RouteOptions>(
    path: Path,
    options: O,
    ...handlers: RouteHandler<Path, O>[]
  ): this
  post<Path extends string>(path: Path, ...handlers: Handler<RouteParams<Path>>[]): this
  post(path: string, ...args: unknown[]): this {
    return this.addRoute('POST', path, args)
  }
  /** Registers a PUT route. @returns this */
  put<Path extends string, const O extends RouteOptions>(
    path: Path,
    options: O,
    ...handlers: RouteHandler<Path, O>[]
  ): this
  put<Path extends string>(path: Path, ...handlers: Handler<RouteParams<Path>>[]): this
  put(path: string, ...args: unknown[]): this {
    return this.addRoute('PUT', path, args)
  }
  /** Registers a PATCH route. @returns this */
  patch<Path extends string, const O extends RouteOptions>(
    path: Path,
    options: O,
    ...handlers: RouteHandler<Path, O>[]
  ): this
  patch<Path extends string>(path: Path, ...handlers: Handler<RouteParams<Path>>[]): this
  patch(path: string, ...args: unknown[]): this {
    return this.addRoute('PATCH', path, args)
  }
  /** Registers a DELETE route. @returns this */
  delete<Path extends string, const O extends RouteOptions>(
    path: Path,
    options: O,
    ...handlers: RouteHandler<Path, O>[]
  ): this
  delete<Path extends string>(path: Path, ...handlers: Handler<RouteParams<Path>>[]): this
  delete(path: string, ...args: unknown[]): this {
    return this.addRoute('DELETE', path, args)
  }
  /** Registers a HEAD route (otherwise HEAD uses GET's). @returns this */
  head<Path extends string, const O extends RouteOptions>(
    path: Path,
    options: O,
    ...handlers: RouteHandler<Path, O>[]
  ): this
  head<Path extends string>(path: Path, ...handlers: Handler<RouteParams<Path>>[]): this
  head(path: string, ...args: unknown[]): this {
    return this.addRoute('HEAD', path, args)
  }
  /** Registers an OPTIONS route (otherwise OPTIONS answers 204 with `Allow`). @returns this */
  options<Path extends string, const O extends RouteOptions>(
    path: Path,
    options: O,
    ...handlers: RouteHandler<Path, O>[]
  ): this
  options<Path extends string>(path: Path, ...handlers: Handler<RouteParams<Path>>[]): this
  options(path: string, ...args: unknown[]): this {
    return this.addRoute('OPTIONS', path, args)
  }
  /** Registers a route for every method without a route of its own. @returns this */
  all<Path extends string, const O extends RouteOptions>(
    path: Path,
    options: O,
    ...handlers: RouteHandler<Path, O>[]
  ): this
  all<Path extends string>(path: Path, ...handlers: Handler<RouteParams<Path>>[]): this
  all(path: string, ...args: unknown[]): this {
    return this.addRoute('*', path, args)
  }
}
