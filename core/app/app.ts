import { Router } from '../../router/router.js'
import type { RouteMatch } from '../../router/route-match.js'
import type { RouteParams } from '../../router/route-params.js'
import { Waf } from '../../waf/waf.js'
import type { WafEvent } from '../../waf/verdict.js'
import type { Transport } from '../../transports/transport.js'
import { writeAll } from '../../transports/write-all.js'
import { resolveConfig, type Config, type UserConfig } from '../config/config.js'
import { isThenable, type ErrorHook, type Handler } from '../route/handler.js'
import { Request } from '../request/request.js'
import type { Response } from '../response/response.js'
import type { RouteEntry } from '../route/route-entry.js'
import type { SessionHost } from '../session/session-host.js'
import { TimerLists } from '../session/stage-timer.js'
import { Session } from '../session/session.js'
import {
  FileNotFoundError,
  FileOutsideRootError,
  InvalidOptionError,
  NotImplementedError,
  ResponseAlreadySentError,
  exposedMessage,
  statusOfThrown,
} from '../errors.js'
import { WafRequestBlockedError } from '../../waf/errors.js'
import { sendBlocked } from '../response/blocked-answer.js'
import { CONNECTION_ESTABLISHED } from '../wire/error-responses.js'
import { runChain } from './dispatch.js'
import { sendSnapshot, snapshotReturned } from './returned-snapshot.js'
import { ResponseRecord, type FinishedResponse, type LifecycleHooks } from './response-record.js'
import {
  addMiddleware,
  chainForPath,
  middlewareFor,
  normalizePrefix,
  type MiddlewareScope,
} from './middleware-scope.js'
import { RouteMethods } from './route-methods.js'
import { validateRouteOptions } from './route-options.js'
import { AddressInUseError } from './errors.js'
import { RouteGroup, type RouteRegistrar } from './route-group.js'
import { validating } from './validation.js'
import { corsParts, type CorsOptions } from './cors.js'
import { staticFiles, type StaticOptions } from './static-files.js'
import { compressionEncoder, type CompressionOptions } from './compression.js'
import type { BodyEncoder } from '../response/body-encoder.js'
import { requestStart, responseFinish } from './diagnostics.js'
import { requestLogging, type LoggerOptions, type RequestLogger } from './request-logger.js'
import { rebuildFixedAnswer, type FixedAnswerHost } from './fixed-answer.js'
import { EMPTY_PARAMS } from '../../router/params-object.js'
import { ValidationFailedError } from './errors.js'
import { inject, type InjectRequest, type InjectResponse } from './inject.js'
import { HttpServer, type ListenOptions } from '../server/http-server.js'
import { buildConstant, type ConstantResponseInit } from '../response/constant-response.js'
import type { CloseReason, Connection, DetachedConnection } from '../request/connection.js'
import { attachSession } from '../request/request.js'
import { SessionRegistry } from '../../sessions/session-registry.js'
import type { ClientSession } from '../../sessions/client-session.js'
import { SessionDestroyedError, SessionError } from '../../sessions/errors.js'
import { currentSessions } from '../../sessions/current-session.js'
import { SessionBinding } from './session-binding.js'
import { sessionResourceRoutes } from './session-resource-routes.js'
import type { ClusterListenOptions, ClusterServer } from '../server/cluster-server.js'
import { listenClustered } from '../server/listen-clustered.js'
import { WebSocketRoutes, type WebSocketHandler, type WebSocketRouteOptions } from './websocket-routes.js'
import { compileTrustProxy } from '../config/trust-proxy.js'
import { requireFunction } from './function-argument.js'

/** A route as registered, kept so an App mounted under another can be replayed there. */
interface Registration {
  readonly kind: 'route' | 'constant'
  readonly method: string
  readonly path: string
  readonly args: readonly unknown[]
  readonly scope: MiddlewareScope
}

/** A place an App is mounted: the parent and the group standing for it there. */
interface Mount {
  readonly group: RouteGroup
}

/**
 * Handles a CONNECT request (`app.connect()`): `tunnel()` answers 200 and hands over the connection;
 * otherwise the handler answers as any handler does.
 */
export type ConnectHandler = (req: Request, res: Response, tunnel: () => Promise<DetachedConnection>) => unknown

const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)(.*)$/i

const notFoundDefault: Handler = (_req, res) => res.sendError(404, 'Not Found')
const serverOptions: Handler = (_req, res) => res.status(204).send()
// Thrown, not sent: the 501 goes through the error path, so `onError` and `onFinish` see it. The
// connection closes, as after any answer to a CONNECT (the caller asks for it).
const refuseConnect: Handler = () => {
  throw new NotImplementedError('CONNECT', { expose: true })
}

/**
 * The handler of an `app.constant()` route, for an App with response hooks: the same status,
 * fields and body, sent through a Response so that `onResponse`, CORS and `onFinish` see it.
 */
function constantHandler(init: ConstantResponseInit): Handler {
  const status = init.status ?? 200
  const fields = Object.entries(init.headers ?? {})
  const body = init.body ?? ''
  return (_req, res) => {
    res.status(status)
    // Every field as given, Connection and Content-Length too: the Response applies to them the
    // rules the constant's own head was built by.
    for (const [name, value] of fields) res.header(name, typeof value === 'number' ? String(value) : value)
    // No body is sent as none, which gets no Content-Type of the server's, as the constant got none.
    res.send(body.length === 0 ? undefined : body)
  }
}

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
export class App extends RouteMethods {
  /** The validated configuration, every default filled in. */
  readonly config: Config
  readonly #router: Router<RouteEntry>
  readonly #waf: Waf
  /** The App's own middleware scope: `app.use()` adds to it, groups hang below it. */
  readonly #scope: MiddlewareScope = { prefix: '', middleware: [], parent: undefined }
  readonly #routeScopes = new Map<RouteEntry, MiddlewareScope>()
  readonly #registrations: Registration[] = []
  readonly #mounts: Mount[] = []
  readonly #lifecycle: LifecycleHooks & {
    onResponse: ((req: Request, res: Response) => void)[]
    onFinish: ((req: Request, res: Response, info: FinishedResponse) => void)[]
  }
  readonly #errorHooks: ErrorHook[] = []
  readonly #openHooks: ((connection: Connection) => void)[] = []
  readonly #closeHooks: ((connection: Connection, reason: CloseReason) => void)[] = []
  // Chains (middleware + handlers) are composed on first use and cached until middleware changes.
  readonly #chains = new Map<RouteEntry | Handler, readonly Handler[]>()
  #notFound: Handler = notFoundDefault
  #connectHandler: Handler = refuseConnect
  /** Runs as the App starts answering a request (the request id), when `logger()` is on. */
  #onRequest: ((req: Request, res: Response) => void) | undefined
  /** The content coding of response bodies, when `compression()` is on. */
  #encoder: BodyEncoder<Response> | undefined
  /** Answers CORS preflights before routing, when `cors()` is on. */
  #preflight: ((req: Request, res: Response) => boolean) | undefined
  readonly #host: SessionHost
  // `app.constant()` routes, whose bytes are let go once a response hook exists.
  readonly #constants: RouteEntry[] = []
  /** Every live client session: create, find, schedule, forAll, onPatch, onDestroy by name. */
  readonly sessions: SessionRegistry
  readonly #sessionBinding: SessionBinding
  readonly #webSockets: WebSocketRoutes

  /**
   * @param config - any part of the configuration; validated here
   * @throws UnknownConfigKeyError / InvalidConfigError naming the bad key
   */
  constructor(config?: UserConfig) {
    super()
    // `null` is refused by resolveConfig like any other non-object; only an absent config means defaults.
    this.config = resolveConfig(config === undefined ? {} : config)
    this.#lifecycle = { onResponse: [], onFinish: [], report: (err) => this.#reportError(err) }
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
      trustProxy: compileTrustProxy(this.config.trustProxy),
      timers: new TimerLists(),
      serverLine: this.config.serverHeader === false ? '' : `Server: ${this.config.serverHeader}\r\n`,
      route: (method, path) => this.#router.find(method, path),
      handle: (req, res, match) => this.#handle(req, res, match),
      handleError: (err, req, res) => this.#handleError(err, req, res),
      reportError: (err, req, res) => this.#reportError(err, req, res),
      connectionOpened: undefined,
      connectionClosed: undefined,
    }
    this.sessions = new SessionRegistry({ ...this.config.sessions, report: (err) => this.#reportError(err) })
    this.#sessionBinding = new SessionBinding(this.sessions, (err) => this.#reportError(err))
    sessionResourceRoutes(this, this.sessions)
    this.#webSockets = new WebSocketRoutes(this.sessions, (err) => this.#reportError(err))
  }

  /**
   * Registers a fixed response, serialized once and served with only `Date` refreshed, without
   * middleware or handlers: the fastest route there is, and pipelined responses coalesce. Once the
   * App has a response hook (`onResponse`, `onFinish`, `cors`, `logger`), which every response
   * must pass, it is answered as a route instead: the same status, fields and body, with its
   * path's middleware and the hooks.
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
    return this.#register({ kind: 'constant', method, path, args: [response], scope: this.#scope })
  }

  #addConstant(method: string, path: string, response: ConstantResponseInit): void {
    const constant = buildConstant(response)
    const entry: RouteEntry = {
      pattern: path,
      // What answers once the App has response hooks: the bytes cannot be sent past them.
      handlers: [constantHandler(response)],
      bodyLimit: undefined,
      wafMode: undefined,
      streamBody: false,
      constant: this.#host.fixedAnswer === undefined ? constant : undefined,
    }
    this.#router.on(method, path, entry)
    this.#constants.push(entry)
  }

  /**
   * Serves CONNECT (RFC 9110 §9.3.6), which asks for a tunnel to `req.host` (the authority-form
   * target). The handler decides: to open the tunnel it calls `tunnel()`, which answers
   * `200 Connection Established` and hands over the connection (the transport and any bytes the
   * client sent behind the request), no longer HTTP; to refuse, it answers as any handler does
   * (403, 502 …) and the connection closes, since the client may already be sending tunnel bytes.
   * Without it, CONNECT answers 501. Middleware runs first, as for any request.
   * @param handler - called for each CONNECT request
   * @returns this app
   * @example
   * ```ts
   * app.connect(async (req, res, tunnel) => {
   *   if (req.host !== 'db.internal:5432') return res.sendError(403, 'Not an allowed destination')
   *   const upstream = net.connect(5432, 'db.internal')
   *   await once(upstream, 'connect')
   *   const { transport, buffered } = await tunnel()
   *   // pipe transport <-> upstream, starting with buffered
   * })
   * ```
   */
  connect(handler: ConnectHandler): this {
    if (typeof handler !== 'function') throw new InvalidOptionError('app.connect()', 'expected a handler function')
    this.#connectHandler = async (req, res) => {
      let opened = false
      await handler(req, res, async () => {
        if (opened || res.headersSent) throw new ResponseAlreadySentError('tunnel()')
        opened = true
        // Recorded as the 200 it is; the head goes out on the transport once the Session lets go.
        res.status(200)
        const detached = await req.connection.detach()
        await writeAll(detached.transport, [CONNECTION_ESTABLISHED])
        return detached
      })
    }
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
  upgrade<Path extends string>(
    path: Path,
    handler: (req: Request<RouteParams<Path>>, connection: DetachedConnection) => unknown,
  ): this {
    requireFunction(handler, `app.upgrade('${path}')`)
    return this.addRoute('GET', path, [
      async (req: Request<RouteParams<Path>>, res: Response) => {
        if (!req.isUpgrade) {
          res.sendError(426, 'Upgrade Required')
          return
        }
        await handler(req, await req.connection.detach())
      },
    ])
  }

  /**
   * Registers a WebSocket route on the `ws` package. `ws` performs the handshake with its own
   * options (`verifyClient`, `handleProtocols`, `maxPayload`, `perMessageDeflate` …) and sees the
   * request as an `IncomingMessage` with `req.socket` (TLS details included). A socket opened with
   * a client session (cookie, Referer, or the route param named by `session`) is bound to it, so
   * `session.push()` and scheduled tasks reach it. `server.close()` closes open sockets with 1001.
   * A request that is not a WebSocket upgrade answers 426 with `Upgrade: websocket`.
   * @param path - a route pattern
   * @param handler - called with each open `WebSocket` and its request
   * @param options - `ws` server options, and `session`: the path param that carries a session id
   * @returns this app
   * @example
   * ```ts
   * app.ws('/chat', (ws, req) => ws.on('message', (m) => ws.send(String(m))), { maxPayload: 64 * 1024 })
   * ```
   */
  ws<Path extends string>(
    path: Path,
    handler: WebSocketHandler<Request<RouteParams<Path>>>,
    options: WebSocketRouteOptions & { session?: string } = {},
  ): this {
    requireFunction(handler, `app.ws('${path}')`)
    const { session, ...wsOptions } = options
    const route = this.#webSockets.route(handler as WebSocketHandler, wsOptions, session !== undefined)
    return session === undefined ? this.get(path, route) : this.get(path, { session }, route)
  }

  /**
   * Adds a hook called when a connection starts.
   * @param hook - receives the connection (attach data to `connection.data` here)
   * @returns this app
   */
  onConnection(hook: (connection: Connection) => void): this {
    requireFunction(hook, 'app.onConnection()')
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
    requireFunction(hook, 'app.onClose()')
    this.#closeHooks.push(hook)
    this.#host.connectionClosed = (connection, reason) => {
      for (const h of this.#closeHooks) h(connection, reason)
    }
    return this
  }

  /**
   * Adds middleware, run in order before the handlers of every route (and before 404/405
   * answers), or only of the paths under `prefix`. `await next()` resolves once the rest of the
   * chain has decided the response, errors included: a thrown error has become its response
   * by then, so the status read after it is the one sent.
   * @param prefix - optional: `/api` limits it to `/api` and the paths below (segment-wise)
   * @param middleware - `(req, res, next) => …`; call `await next()` to run the rest
   * @returns this app
   * @example
   * ```ts
   * app.use(async (req, res, next) => { await next(); log(req.method, req.path, res.statusCode) })
   * app.use('/admin', requireLogin)
   * ```
   */
  use(prefix: string | Handler, ...middleware: Handler[]): this {
    addMiddleware(this.#scope, '', prefix, middleware)
    for (const mount of this.#mounts) mount.group.use(prefix as string, ...middleware)
    this.#chains.clear()
    return this
  }

  /**
   * Enables CORS for every response, the Session's own answers included: preflights answered
   * 204 before routing (so a path without an OPTIONS route works), `Access-Control-Allow-Origin`
   * and the rest added as each head is built, `Vary: Origin` unless every origin gets `*`.
   * @param options - origins (default `*`), credentials, methods, headers, preflight cache
   * @returns this app
   * @throws InvalidOptionError for a bad option
   * @example
   * ```ts
   * app.cors({ origin: ['https://app.example'], credentials: true })
   * ```
   */
  cors(options?: CorsOptions): this {
    const { preflight, onResponse } = corsParts(options)
    this.onResponse(onResponse)
    this.#preflight = preflight
    return this
  }

  /**
   * Logs one line per request once its response is over — method, path, status, bytes,
   * duration, request id and the error when there was one — to a pino-compatible logger, at
   * `error` for a 5xx or an abort, `info` otherwise. The Session's own answers are logged too.
   * `X-Request-Id` is kept from the request (a plain token) or generated, sent back, and put in
   * `req.state.requestId` for the handler's own log lines.
   * @param logger - e.g. `pino()`
   * @param options - the request id's use and field name
   * @returns this app
   * @example
   * ```ts
   * app.logger(pino())
   * ```
   */
  logger(logger: RequestLogger, options?: LoggerOptions): this {
    const { start, finish } = requestLogging(logger, options)
    this.#onRequest = start
    return this.onFinish(finish)
  }

  /**
   * Compresses the responses of handlers (gzip, deflate, brotli), negotiated from
   * `Accept-Encoding` with q-values; small bodies and compressed types are sent as they are, and
   * streamed bodies are compressed as they go. Off until called: it costs CPU per response, and
   * a compressed body that mixes a secret with text an attacker controls leaks it by its length
   * (BREACH), which only the application can rule out.
   * @param options - threshold (default 1024 bytes), codings, levels
   * @returns this app
   */
  compression(options?: CompressionOptions): this {
    this.#encoder = compressionEncoder(options)
    return this
  }

  /**
   * Serves the files of a folder under a path prefix (GET and HEAD): confined to the folder
   * whatever the encoding and the WAF's mode, symlinks leaving it and dotfiles refused,
   * `index.html` for a directory, ETag/304/Range, a `Cache-Control`, and precompressed
   * `.br`/`.gz` siblings for clients that accept them. A miss answers the App's 404.
   * @param prefix - e.g. `/assets` (`/` for the whole site)
   * @param dir - the folder, relative to the working directory or absolute
   * @param options - index files, Cache-Control, precompressed siblings
   * @returns this app
   * @example
   * ```ts
   * app.static('/assets', './public', { cacheControl: 'public, max-age=31536000, immutable' })
   * ```
   */
  static(prefix: string, dir: string, options: StaticOptions = {}): this {
    const base = normalizePrefix(prefix, 'static')
    const handler = staticFiles(dir, options, () => this.#notFound)
    this.get(`${base}/*`, handler)
    if (base !== '') this.get(base, handler)
    return this
  }

  /**
   * A group of routes under a path prefix, with middleware of its own that runs after the App's,
   * for its routes only.
   * @param prefix - e.g. `/api/v1`
   * @param define - optional: registers the group's routes and middleware
   * @returns the group (`get`, `post`, … `use`, `group`)
   * @example
   * ```ts
   * app.group('/api', (api) => {
   *   api.use(requireToken)
   *   api.get('/todos', listTodos)
   * })
   * ```
   */
  group(prefix: string, define?: (group: RouteGroup) => void): RouteGroup {
    if (define !== undefined) requireFunction(define, `app.group('${prefix}')`)
    const group = RouteGroup.open(this.#registrar(), this.#scope, prefix)
    define?.(group)
    return group
  }

  /**
   * Mounts another App's routes under a prefix, its middleware running after this App's for
   * them. Routes and middleware added to it later are mounted too. Its configuration, hooks and
   * 404 answer are this App's for the mounted routes: only its routes and middleware move.
   * @param prefix - e.g. `/admin`
   * @param app - the App to mount
   * @returns this app
   */
  mount(prefix: string, app: App): this {
    if (!(app instanceof App)) throw new InvalidOptionError('mount', 'expected an App')
    if (app === this) throw new InvalidOptionError('mount', 'an App cannot be mounted under itself')
    const group = this.group(prefix)
    for (const entry of app.#scope.middleware) group.use(entry.prefix, entry.handler)
    for (const registration of app.#registrations)
      group.replay(
        registration.kind,
        registration.method,
        registration.path,
        registration.args,
        registration.scope === app.#scope ? undefined : registration.scope,
      )
    app.#mounts.push({ group })
    return this
  }

  /**
   * Adds a hook that runs for every response the App answers, just before its head is built:
   * it may still set headers and the status (CORS, a request id). Hooks run in order; what one
   * throws is reported to `onError` and the response goes on.
   * @param hook - receives the request and its response
   * @returns this app
   */
  onResponse(hook: (req: Request, res: Response) => void): this {
    requireFunction(hook, 'app.onResponse()')
    this.#lifecycle.onResponse.push(hook)
    this.#answerOwnWithHooks()
    return this
  }

  /**
   * Adds a hook that runs once each response is over: its last byte written to the transport, or
   * cut short (timeout, client gone before that, `res.cancel()`), with status, bytes, duration and
   * error. The Session's own fixed answers (400/408/413…) report when they are built.
   * @param hook - receives the request, its response, and what happened
   * @returns this app
   * @example
   * ```ts
   * app.onFinish((req, res, info) => console.log(req.method, req.path, info.status, info.bytes, info.durationMs))
   * ```
   */
  onFinish(hook: (req: Request, res: Response, info: FinishedResponse) => void): this {
    requireFunction(hook, 'app.onFinish()')
    this.#lifecycle.onFinish.push(hook)
    this.#answerOwnWithHooks()
    return this
  }

  /**
   * Once a response hook exists, the Session's own answers (WAF blocks, the fixed 4xx answers
   * to bad input, 408) go through it too; before, they cost nothing extra.
   */
  #answerOwnWithHooks(): void {
    // A constant route's bytes would go out past the hooks: from now on its handler answers.
    for (const entry of this.#constants) (entry as { constant: RouteEntry['constant'] }).constant = undefined
    const lifecycle = this.#lifecycle
    const fixed: FixedAnswerHost = {
      serverLine: this.#host.serverLine,
      smallWriteBytes: this.config.smallWriteBytes,
      attach: (req, res) => res.attachHooks(new ResponseRecord(lifecycle, req)),
      report: lifecycle.report,
    }
    this.#host.fixedAnswer = (bytes, head, connection, hooks) =>
      rebuildFixedAnswer(fixed, bytes, head, connection, hooks)
    this.#host.ownAnswer = (res, head, connection) =>
      res.attachHooks(new ResponseRecord(lifecycle, Request.open(head, undefined, EMPTY_PARAMS, connection)))
  }

  /**
   * Sets a hook for errors thrown by handlers and for connection errors (then `req` is undefined).
   * @param hook - may send a response; if it does not, a JSON error response is sent
   * @returns this app
   */
  onError(hook: ErrorHook): this {
    requireFunction(hook, 'app.onError()')
    this.#errorHooks.push(hook)
    return this
  }

  /**
   * Replaces the 404 answer.
   * @param handler - runs after middleware when no route matches
   * @returns this app
   */
  notFound(handler: Handler): this {
    requireFunction(handler, 'app.notFound()')
    this.#notFound = handler
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
   * Makes the Session of one connection over any Transport, not started: for a server of your own
   * that keeps its connections, to `run()` it, read its counts and `shutdown()` or `destroy()` it.
   * @param transport - the connection's bytes
   * @returns the Session; `run()` starts it
   * @example
   * ```ts
   * const session = app.open(new PlainTransport(socket))
   * void session.run()
   * // later, to drain: answers the request in progress with `Connection: close`, then closes
   * session.shutdown()
   * ```
   */
  open(transport: Transport): Session {
    return Session.open(this.#host, transport)
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
   * Starts serving on every core: with `workers`, the primary forks that many `node:cluster`
   * workers, each running this module again (so each builds this App and calls this method), and
   * supervises them; the workers share the port.
   * @param options - listen options plus `workers` (a count or `'auto'`) and `restart`
   * @returns in the primary, the supervisor (`workers`, `restartWorkers()`, `close()`); in a worker, its server
   * @example
   * ```ts
   * const server = await app.listen({ port: 8080, workers: 'auto' })
   * ```
   */
  listen(options: ClusterListenOptions): Promise<ClusterServer>
  /**
   * Starts serving HTTP (and HTTPS when `tls` is configured).
   * @param options - port and host; port 0 picks a free port
   * @returns the running server, once it is listening
   */
  listen(options?: ListenOptions): Promise<HttpServer>
  listen(options: ListenOptions | ClusterListenOptions = {}): Promise<HttpServer | ClusterServer> {
    if ('workers' in options && options.workers !== undefined) {
      return listenClustered(
        options,
        (own) => this.#listenHere(own),
        this.config.shutdownTimeoutMs,
        (err) => this.#reportError(err),
      )
    }
    return this.#listenHere(options)
  }

  async #listenHere(options: ListenOptions): Promise<HttpServer> {
    const redirect =
      this.config.tls?.redirectHttp === true
        ? this.#redirectHost(
            () => server.tlsPort,
            () => new URL(server.url).hostname,
          )
        : undefined
    const server: HttpServer = new HttpServer(
      this.config,
      (transport, secure, registry) =>
        Session.open(!secure && redirect !== undefined ? redirect : this.#host, transport, registry),
      (err) => this.#reportError(err),
    )
    server.onShutdown((deadlineMs) => this.#webSockets.closeAll(deadlineMs))
    try {
      await server.listen(options)
    } catch (err) {
      const failure = err as NodeJS.ErrnoException & { address?: string; port?: number }
      if (failure.code === 'EADDRINUSE') {
        throw new AddressInUseError(
          options.host ?? failure.address ?? 'every interface',
          failure.port ?? options.port ?? 8080,
          { cause: err },
        )
      }
      throw err
    }
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
    redirect.#lifecycle.onResponse.push(...this.#lifecycle.onResponse)
    redirect.#lifecycle.onFinish.push(...this.#lifecycle.onFinish)
    if (this.#host.fixedAnswer !== undefined) redirect.#answerOwnWithHooks()
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

  /** @internal */
  protected override addRoute(method: string, path: string, args: readonly unknown[]): this {
    return this.#register({ kind: 'route', method, path, args, scope: this.#scope })
  }

  /** Registers a route or constant here and in every App this one is mounted in. */
  #register(registration: Registration): this {
    this.#registrations.push(registration)
    this.#apply(registration.kind, registration.method, registration.path, registration.args, registration.scope)
    for (const mount of this.#mounts)
      mount.group.replay(
        registration.kind,
        registration.method,
        registration.path,
        registration.args,
        registration.scope === this.#scope ? undefined : registration.scope,
      )
    return this
  }

  #apply(
    kind: 'route' | 'constant',
    method: string,
    path: string,
    args: readonly unknown[],
    scope: MiddlewareScope,
  ): void {
    if (kind === 'constant') return this.#addConstant(method, path, args[0] as ConstantResponseInit)
    const route = `${method === '*' ? 'ALL' : method} ${path}`
    const options = typeof args[0] === 'function' ? {} : validateRouteOptions(route, args[0])
    const given = (typeof args[0] === 'function' ? args : args.slice(1)) as Handler[]
    if (given.length === 0 || given.some((h) => typeof h !== 'function')) {
      throw new InvalidOptionError(`route ${route}`, 'expected one or more handler functions')
    }
    const handlers = options.schema === undefined ? given : [validating(options.schema, given[0]!), ...given.slice(1)]
    const entry: RouteEntry = {
      pattern: path,
      handlers,
      bodyLimit: options.bodyLimit,
      wafMode: options.waf,
      streamBody: options.streamBody === true,
      constant: undefined,
      sessionParam: options.session,
      handlerTimeoutMs: options.handlerTimeoutMs,
    }
    this.#router.on(method, path, entry)
    if (scope !== this.#scope) this.#routeScopes.set(entry, scope)
  }

  /** How groups register into this App. */
  #registrar(): RouteRegistrar {
    return {
      register: (kind, method, path, args, scope) => {
        this.#registrations.push({ kind, method, path, args, scope })
        this.#apply(kind, method, path, args, scope)
        for (const mount of this.#mounts) mount.group.replay(kind, method, path, args, scope)
      },
      middlewareChanged: () => this.#chains.clear(),
    }
  }

  #chain(key: RouteEntry, handlers: readonly Handler[]): readonly Handler[] {
    let chain = this.#chains.get(key)
    if (chain === undefined) {
      const middleware = middlewareFor(this.#routeScopes.get(key) ?? this.#scope, key.pattern)
      chain = middleware.length === 0 ? handlers : [...middleware, ...handlers]
      this.#chains.set(key, chain)
    }
    return chain
  }

  /** Answers an error thrown below a middleware's `next()`, inside that `next()`. */
  readonly #answerError = (err: unknown, req: Request, res: Response): Promise<void> => this.#handleError(err, req, res)

  #handle(req: Request, res: Response, match: RouteMatch<RouteEntry>): unknown {
    const lifecycle = this.#lifecycle
    if (lifecycle.onResponse.length !== 0 || lifecycle.onFinish.length !== 0 || responseFinish.hasSubscribers)
      res.attachHooks(new ResponseRecord(lifecycle, req))
    if (requestStart.hasSubscribers) requestStart.publish({ req, res })
    if (this.#onRequest !== undefined) this.#onRequest(req, res)
    if (this.#encoder !== undefined) res.setBodyEncoder(this.#encoder)
    if (this.#preflight !== undefined && req.method === 'OPTIONS' && this.#preflight(req, res)) return undefined
    switch (match.status) {
      case 200: {
        const param = match.store.sessionParam
        return this.#runWithSession(
          this.#chain(match.store, match.store.handlers),
          req,
          res,
          param === undefined ? undefined : (match.params as Record<string, string>)[param],
        )
      }
      case 404:
        // CONNECT asks for a tunnel (RFC 9110 §9.3.6), which no route here provides: 501, and the
        // connection closes, since a client may already be sending the tunnel's bytes behind it.
        // Whoever answers (middleware, app.connect's handler, the 501), the connection closes.
        if (req.method === 'CONNECT') {
          res.close()
          return runChain(
            chainForPath(this.#scope, req.path, this.#connectHandler),
            req,
            res,
            this.#notFound,
            this.#answerError,
          )
        }
        // `OPTIONS *` asks about the server as a whole (RFC 9110 §9.3.7): it is there, 204.
        if (req.path === '*')
          return runChain(
            chainForPath(this.#scope, req.path, serverOptions),
            req,
            res,
            this.#notFound,
            this.#answerError,
          )
        return this.#runWithSession(chainForPath(this.#scope, req.path, this.#notFound), req, res, undefined)
      case 405: {
        const answer: Handler =
          req.method === 'OPTIONS'
            ? (_q, r) => r.status(204).header('Allow', match.allow).send()
            : (_q, r) => r.header('Allow', match.allow).sendError(405, 'Method Not Allowed')
        return runChain(chainForPath(this.#scope, req.path, answer), req, res, this.#notFound, this.#answerError)
      }
      default:
        return runChain(
          chainForPath(this.#scope, req.path, (_q, r) => r.sendError(400, 'Malformed request path')),
          req,
          res,
          this.#notFound,
          this.#answerError,
        )
    }
  }

  /**
   * Runs a chain with the request's client session, if it carries one: in the session's turn, so
   * its handlers and tasks never interleave, and with its changes saved when the chain is done.
   */
  #runWithSession(chain: readonly Handler[], req: Request, res: Response, paramId: string | undefined): unknown {
    const binding = this.#sessionBinding
    // A shared store (Redis) may hold a session this process has never seen: it is looked up there.
    if (binding.isShared) {
      const found = binding.findShared(req, undefined, paramId)
      if (found instanceof Promise) return found.then((session) => this.#runInSession(chain, req, res, session))
      return this.#runInSession(chain, req, res, found)
    }
    // Before the first session exists there is nothing to find: no header is read for it.
    const session = binding.isInUse ? binding.find(req, undefined, paramId) : undefined
    return this.#runInSession(chain, req, res, session)
  }

  #runInSession(chain: readonly Handler[], req: Request, res: Response, session: ClientSession | undefined): unknown {
    const binding = this.#sessionBinding
    attachSession(req, session, binding, res)
    if (session !== undefined) {
      let started = false
      const ran = this.sessions.run(
        session,
        () => {
          started = true
          binding.runsFor(session, req, res)
          const value = runChain(chain, req, res, this.#notFound, this.#answerError)
          // What it returns may be the session's live data: serialised before the next run changes it.
          if (!isThenable(value)) return snapshotReturned(value, res)
          return Promise.resolve(value).then((resolved) => snapshotReturned(resolved, res))
        },
        // Out of time: the handler, still running, no longer reaches the session through req.
        () => attachSession(req, undefined, binding, res),
      )
      const sent = ran.then((value) => sendSnapshot(value, res))
      // A page's socket bound to this session sees what a request changed, as it sees a task's.
      const pushed = this.sessions.hasSockets(session) ? sent.then((value) => this.#pushAfter(session, value)) : sent
      if (!binding.isShared) return pushed
      // A session this process held may have ended elsewhere (destroyed, timed out, given a new
      // id): its run finds the record gone before any handler runs. An id that names no session
      // is ignored, so the request goes on without one.
      return pushed.catch((err: unknown) => {
        if (started || !(err instanceof SessionDestroyedError)) throw err
        return this.#runInSession(chain, req, res, undefined)
      })
    }
    const outer = currentSessions.getStore()
    const value = runChain(chain, req, res, this.#notFound, this.#answerError)
    // A handler that assigned req.session before its first await entered the session into this,
    // the connection loop's, context too: the handler keeps it, the loop's next request must not.
    if (currentSessions.getStore() !== outer) currentSessions.enterWith(outer as object)
    return value
  }

  #pushAfter<T>(session: ClientSession, value: T): T {
    this.sessions.push(session).catch((err: unknown) => this.#reportError(err))
    return value
  }

  async #handleError(err: unknown, req: Request, res: Response): Promise<void> {
    const record = res.hooks
    if (record instanceof ResponseRecord && record.error === undefined) record.error = err
    // A missing file is an answer, not a failure: it goes to the notFound handler, as a miss does.
    if (err instanceof FileNotFoundError || err instanceof FileOutsideRootError) {
      await runChain([this.#notFound], req, res, this.#notFound, this.#answerError)
      return
    }
    const status = statusOfThrown(err)
    // A session's own errors say what the client can do (413, 410, 503 busy or full), none a secret.
    const isSessionAnswer = err instanceof SessionError && err.status !== 500
    // A 501 declines a request (a CONNECT probe, say): an answer, not a failure worth printing.
    if (this.#errorHooks.length === 0 && status >= 500 && !isSessionAnswer && !(err instanceof NotImplementedError))
      console.error(err)
    for (const hook of this.#errorHooks) {
      if (res.headersSent) return
      await hook(err, req, res)
    }
    if (res.headersSent) return
    if (err instanceof ValidationFailedError) res.sendError(400, err.message, { issues: err.issues })
    else if (err instanceof WafRequestBlockedError) sendBlocked(res, err)
    else res.sendError(status, isSessionAnswer ? (err as Error).message : exposedMessage(err, status))
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

  /**
   * An error no answer can carry goes to the error hooks; with the request when it is a handler's,
   * whose response was already sent or begun (`onFinish` carries it too when it has yet to run).
   */
  #reportError(err: unknown, req?: Request, res?: Response): void {
    const record = res?.hooks
    if (record instanceof ResponseRecord && record.error === undefined) record.error = err
    if (this.#errorHooks.length === 0) {
      console.error(err)
      return
    }
    for (const hook of this.#errorHooks) {
      try {
        const result = hook(err, req, res)
        if (result instanceof Promise) result.catch((hookError: unknown) => console.error(hookError))
      } catch (hookError) {
        console.error(hookError)
      }
    }
  }
}
