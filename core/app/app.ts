import { Router } from '../../router/router.js'
import type { RouteMatch } from '../../router/route-match.js'
import type { RouteParams } from '../../router/route-params.js'
import { Waf } from '../../waf/waf.js'
import type { WafEvent } from '../../waf/verdict.js'
import type { Transport } from '../../transports/transport.js'
import { resolveConfig, type Config, type UserConfig } from '../config/config.js'
import type { ErrorHook, Handler } from '../route/handler.js'
import type { Request } from '../request/request.js'
import type { Response } from '../response/response.js'
import type { RouteEntry, RouteOptions } from '../route/route-entry.js'
import type { SessionHost } from '../session/session-host.js'
import { TimerLists } from '../session/stage-timer.js'
import { Session } from '../session/session.js'
import { GatehouseError } from '../errors.js'
import { runChain } from './dispatch.js'
import { inject, type InjectRequest, type InjectResponse } from './inject.js'
import { HttpServer, type ListenOptions } from '../server/http-server.js'
import { buildConstant, type ConstantResponseInit } from '../response/constant-response.js'
import type { CloseReason, Connection, DetachedConnection } from '../request/connection.js'

type RouteArgs<Path extends string> = [RouteOptions, ...Handler<RouteParams<Path>>[]] | Handler<RouteParams<Path>>[]

const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)(.*)$/i

const notFoundDefault: Handler = (_req, res) => res.status(404).json({ message: 'Not Found' })

/**
 * A Gatehouse application: routes, middleware and hooks, served over any Transport.
 *
 * @example
 * ```ts
 * const app = new App({ limits: { maxBodyBytes: 1024 * 1024 } })
 * app.get('/users/:id', (req, res) => res.json({ id: req.params.id }))
 * const server = await app.listen({ port: 8080 })
 * ```
 */
export class App {
  /** The validated configuration, every default filled in. */
  readonly config: Config
  readonly #router: Router<RouteEntry>
  readonly #waf: Waf
  readonly #middleware: Handler[] = []
  readonly #errorHooks: ErrorHook[] = []
  readonly #openHooks: ((connection: Connection) => void)[] = []
  readonly #closeHooks: ((connection: Connection, reason: CloseReason) => void)[] = []
  // Chains (middleware + handlers) are composed on first use and cached until middleware changes.
  readonly #chains = new Map<RouteEntry | Handler, readonly Handler[]>()
  #notFound: Handler = notFoundDefault
  readonly #host: SessionHost

  /**
   * @param config - any part of the configuration; validated here
   * @throws UnknownConfigKeyError / InvalidConfigError naming the bad key
   */
  constructor(config?: UserConfig) {
    this.config = resolveConfig(config ?? {})
    this.#router = new Router<RouteEntry>(this.config.router)
    const waf = this.config.waf
    this.#waf = new Waf({
      mode: waf.mode,
      rules: waf.rules,
      maxTargetLength: this.config.limits.maxTargetBytes,
      // The Session enforces body limits (413) with each route's own limit before the WAF runs.
      maxBodyBytes: Number.MAX_SAFE_INTEGER,
      ...(waf.onBlock === undefined ? {} : { onBlock: this.#guardedOnBlock(waf.onBlock) }),
    })
    this.#host = {
      config: this.config,
      waf: this.#waf,
      timers: new TimerLists(),
      serverLine: this.config.serverHeader === false ? '' : `Server: ${this.config.serverHeader}\r\n`,
      route: (method, path) => this.#router.find(method, path),
      handle: (req, res, match) => this.#handle(req, res, match),
      handleError: (err, req, res) => this.#handleError(err, req, res),
      reportError: (err) => this.#reportError(err),
      connectionOpened: undefined,
      connectionClosed: undefined,
    }
  }

  /** Registers a GET route (HEAD falls back to it). @returns this app */
  get<Path extends string>(path: Path, ...args: RouteArgs<Path>): this {
    return this.#add('GET', path, args)
  }
  /** Registers a POST route. @returns this app */
  post<Path extends string>(path: Path, ...args: RouteArgs<Path>): this {
    return this.#add('POST', path, args)
  }
  /** Registers a PUT route. @returns this app */
  put<Path extends string>(path: Path, ...args: RouteArgs<Path>): this {
    return this.#add('PUT', path, args)
  }
  /** Registers a PATCH route. @returns this app */
  patch<Path extends string>(path: Path, ...args: RouteArgs<Path>): this {
    return this.#add('PATCH', path, args)
  }
  /** Registers a DELETE route. @returns this app */
  delete<Path extends string>(path: Path, ...args: RouteArgs<Path>): this {
    return this.#add('DELETE', path, args)
  }
  /** Registers a HEAD route (otherwise HEAD uses GET's). @returns this app */
  head<Path extends string>(path: Path, ...args: RouteArgs<Path>): this {
    return this.#add('HEAD', path, args)
  }
  /** Registers an OPTIONS route (otherwise OPTIONS answers 204 with `Allow`). @returns this app */
  options<Path extends string>(path: Path, ...args: RouteArgs<Path>): this {
    return this.#add('OPTIONS', path, args)
  }
  /** Registers a route for every method without a route of its own. @returns this app */
  all<Path extends string>(path: Path, ...args: RouteArgs<Path>): this {
    return this.#add('*', path, args)
  }

  /**
   * Registers a fixed response, serialized once and served with only `Date` refreshed, without
   * middleware or handlers: the fastest route there is, and pipelined responses coalesce.
   * @param method - e.g. `GET` (HEAD falls back to it and gets the head alone)
   * @param path - a route pattern
   * @param response - status, headers and body
   * @returns this app
   * @example
   * ```ts
   * app.constant('GET', '/plaintext', { headers: { 'Content-Type': 'text/plain' }, body: 'Hello, World!' })
   * ```
   */
  constant(method: string, path: string, response: ConstantResponseInit): this {
    this.#router.on(method, path, {
      pattern: path,
      handlers: [],
      bodyLimit: undefined,
      wafMode: undefined,
      streamBody: false,
      constant: buildConstant(response),
    })
    return this
  }

  /**
   * Registers a protocol-upgrade route (e.g. WebSocket). The handler gets the request and the
   * detached connection (transport plus bytes received after the request) and performs the
   * handshake itself, as `ws`'s `handleUpgrade` does. A request without `Connection: upgrade`
   * answers 426.
   * @param path - a route pattern
   * @param handler - takes over the connection
   * @returns this app
   */
  upgrade<Path extends string>(path: Path, handler: (req: Request<RouteParams<Path>>, connection: DetachedConnection) => unknown): this {
    return this.#add('GET', path, [
      async (req: Request<RouteParams<Path>>, res: Response) => {
        if (!req.isUpgrade) {
          res.status(426).json({ message: 'Upgrade Required' })
          return
        }
        await handler(req, await req.connection.detach())
      },
    ])
  }

  /**
   * Adds a hook called when a connection starts.
   * @param hook - receives the connection (attach data to `connection.data` here)
   * @returns this app
   */
  onConnection(hook: (connection: Connection) => void): this {
    this.#openHooks.push(hook)
    // Set only once a hook exists, so connections of an app without hooks never build a Connection.
    this.#host.connectionOpened = (connection) => {
      for (const h of this.#openHooks) h(connection)
    }
    return this
  }

  /**
   * Adds a hook called when a connection ends.
   * @param hook - receives the connection and why it ended
   * @returns this app
   */
  onClose(hook: (connection: Connection, reason: CloseReason) => void): this {
    this.#closeHooks.push(hook)
    this.#host.connectionClosed = (connection, reason) => {
      for (const h of this.#closeHooks) h(connection, reason)
    }
    return this
  }

  /**
   * Adds middleware, run in order before every route's handlers (and before 404/405 answers).
   * @param middleware - `(req, res, next) => …`; call `await next()` to run the rest
   * @returns this app
   */
  use(middleware: Handler): this {
    this.#middleware.push(middleware)
    this.#chains.clear()
    return this
  }

  /**
   * Sets a hook for errors thrown by handlers and for connection errors (then `req` is undefined).
   * @param hook - may send a response; if it does not, a JSON error response is sent
   * @returns this app
   */
  onError(hook: ErrorHook): this {
    this.#errorHooks.push(hook)
    return this
  }

  /**
   * Replaces the 404 answer.
   * @param handler - runs after middleware when no route matches
   * @returns this app
   */
  notFound(handler: Handler): this {
    this.#notFound = handler
    this.#chains.clear()
    return this
  }

  /** @returns the route tree, printed readably for debugging */
  routes(): string {
    return this.#router.print()
  }

  /**
   * Runs one Session over any Transport.
   * @param transport - the connection's bytes
   * @returns a promise that resolves when the connection has ended
   */
  serve(transport: Transport): Promise<void> {
    return Session.open(this.#host, transport).run()
  }

  /**
   * Runs a request through a real Session over an in-memory transport: no network, exact bytes.
   * @param request - `{ method, path, headers, body }`, or the raw request bytes
   * @returns the parsed response
   * @example
   * ```ts
   * const res = await app.inject({ method: 'POST', path: '/echo', body: { a: 1 } })
   * res.status // 200
   * res.json() // { a: 1 }
   * ```
   */
  inject(request: InjectRequest | string | Buffer): Promise<InjectResponse> {
    return inject((transport) => this.serve(transport), request)
  }

  /**
   * Starts serving HTTP (and HTTPS when `tls` is configured).
   * @param options - port and host; port 0 picks a free port
   * @returns the running server, once it is listening
   */
  async listen(options: ListenOptions = {}): Promise<HttpServer> {
    const redirect = this.config.tls?.redirectHttp === true ? this.#redirectHost(() => server.tlsPort, () => new URL(server.url).hostname) : undefined
    const server: HttpServer = new HttpServer(
      this.config,
      (transport, secure, registry) => Session.open(!secure && redirect !== undefined ? redirect : this.#host, transport, registry),
      (err) => this.#reportError(err),
    )
    await server.listen(options)
    return server
  }

  /**
   * A host that answers every plain-HTTP request with 308 to the same target over HTTPS, at the
   * host the request is for (`req.host`, which the parser validated) or, when it names none, at
   * the name the server listens on: nothing else of the request reaches `Location`.
   */
  #redirectHost(tlsPort: () => number | undefined, listenName: () => string): SessionHost {
    const redirect = new App({ ...this.config, tls: undefined })
    redirect.#errorHooks.push(...this.#errorHooks)
    redirect.all('/*', (req, res) => {
      const absolute = ABSOLUTE_FORM.exec(req.target)
      const authority = req.host
      const colon = authority.lastIndexOf(':')
      const name = colon > authority.lastIndexOf(']') ? authority.slice(0, colon) : authority
      const host = name === '' ? listenName() : name
      const rest = absolute === null ? req.target : absolute[2]!
      const location = `https://${host}:${tlsPort()}${rest.startsWith('/') ? rest : `/${rest}`}`
      res.status(308).header('Location', location).send()
    })
    return redirect.#host
  }

  #add(method: string, path: string, args: readonly unknown[]): this {
    const options = typeof args[0] === 'function' ? {} : (args[0] as RouteOptions)
    const handlers = (typeof args[0] === 'function' ? args : args.slice(1)) as Handler[]
    if (handlers.length === 0 || handlers.some((h) => typeof h !== 'function')) {
      throw new TypeError(`route ${method} ${path}: expected one or more handler functions`)
    }
    this.#router.on(method, path, {
      pattern: path,
      handlers,
      bodyLimit: options.bodyLimit,
      wafMode: options.waf,
      streamBody: options.streamBody === true,
      constant: undefined,
    })
    return this
  }

  #chain(key: RouteEntry | Handler, handlers: readonly Handler[]): readonly Handler[] {
    let chain = this.#chains.get(key)
    if (chain === undefined) {
      chain = this.#middleware.length === 0 ? handlers : [...this.#middleware, ...handlers]
      this.#chains.set(key, chain)
    }
    return chain
  }

  #handle(req: Request, res: Response, match: RouteMatch<RouteEntry>): unknown {
    switch (match.status) {
      case 200:
        return runChain(this.#chain(match.store, match.store.handlers), req, res, this.#notFound)
      case 404:
        return runChain(this.#chain(this.#notFound, [this.#notFound]), req, res, this.#notFound)
      case 405: {
        const answer: Handler =
          req.method === 'OPTIONS'
            ? (_q, r) => r.status(204).header('Allow', match.allow).send()
            : (_q, r) => r.status(405).header('Allow', match.allow).json({ message: 'Method Not Allowed' })
        return runChain([...this.#middleware, answer], req, res, this.#notFound)
      }
      default:
        return runChain([...this.#middleware, (_q, r) => r.status(400).json({ message: 'Malformed request path' })], req, res, this.#notFound)
    }
  }

  async #handleError(err: unknown, req: Request, res: Response): Promise<void> {
    if (this.#errorHooks.length === 0 && !(err instanceof GatehouseError && err.status < 500)) console.error(err)
    for (const hook of this.#errorHooks) {
      if (res.headersSent) return
      await hook(err, req, res)
    }
    if (res.headersSent) return
    if (err instanceof GatehouseError && err.status < 500) res.status(err.status).json({ message: err.message })
    else res.status(500).json({ message: 'Internal Server Error' })
  }

  /** A throwing `onBlock` hook is reported, never allowed to end the connection it watched. */
  #guardedOnBlock(onBlock: (event: WafEvent) => void): (event: WafEvent) => void {
    return (event) => {
      try {
        onBlock(event)
      } catch (err) {
        this.#reportError(err)
      }
    }
  }

  #reportError(err: unknown): void {
    if (this.#errorHooks.length === 0) {
      console.error(err)
      return
    }
    for (const hook of this.#errorHooks) {
      try {
        const result = hook(err, undefined, undefined)
        if (result instanceof Promise) result.catch((hookError: unknown) => console.error(hookError))
      } catch (hookError) {
        console.error(hookError)
      }
    }
  }
}
