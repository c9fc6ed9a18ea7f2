import { createServer as createNetServer, type Server as NetServer, type Socket, type AddressInfo } from 'node:net'
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls'
import type { Transport } from '../../transports/transport.js'
import { PlainTransport } from '../../transports/plain-transport.js'
import { TlsTransport } from '../../transports/tls-transport.js'
import { ProxyProtocolTransport, type ProxyProtocolOptions } from '../../transports/proxy-protocol-transport.js'
import type { Config } from '../config/config.js'
import type { Session } from '../session/session.js'
import { Flag } from '../session/session-core.js'
import { createTlsSetup, type TlsSetup } from './tls-setup.js'
import { ServerNotListeningError } from '../errors.js'
import { assertReusePort } from './reuse-port.js'
import { bindEach, listenAddresses, stopAccepting } from './listen-addresses.js'

/** Where and how `app.listen()` serves. */
export interface ListenOptions {
  /** TCP port; 0 picks a free one. Default 8080. With `tls.port` set, this one serves plain HTTP. */
  port?: number
  /**
   * Interface to bind. Default: every interface, IPv4 and IPv6 (one dual-stack socket on `::`).
   * `localhost` binds both loopback addresses, 127.0.0.1 and ::1 (the one the machine lacks is
   * skipped), since clients differ in which one they try; any other name binds the one address
   * it resolves to first, as Node does.
   */
  host?: string
  /** Called for each failed TLS handshake (they are also counted in `tlsHandshakeFailures`). */
  onTlsError?: (err: Error, remoteAddress: string | undefined) => void
  /**
   * Bind with `SO_REUSEPORT`, so several processes own sockets on one port and the kernel spreads
   * connections across them (with `workers`, each worker binds its own). Node 22.12+ / 23.1+ on
   * Linux; elsewhere `listen()` throws ReusePortUnsupportedError.
   */
  reusePort?: boolean
  /**
   * The listener sits behind a load balancer that sends HAProxy's PROXY protocol (v1 or v2): each
   * connection's header is read first (within `headerTimeoutMs`, default 5000) and the client's
   * address from it becomes `req.remoteAddress`; a connection without a valid header is closed
   * and counted in `proxyHeaderFailures`.
   */
  proxyProtocol?: boolean | ProxyProtocolOptions
}

/** Makes the Session for an accepted connection; it joins `registry` while it runs. @internal */
export type SessionFactory = (transport: Transport, secure: boolean, registry: Set<Session>) => Session

/**
 * A listening server: accepts connections, runs one Session per connection, keeps the registry of
 * live ones, and shuts down gracefully.
 *
 * @example
 * ```ts
 * const server = await app.listen({ port: 0 })
 * console.log(server.url)
 * await server.close()
 * ```
 */
export class HttpServer {
  readonly #config: Config
  readonly #createSession: SessionFactory
  readonly #onError: (err: unknown) => void
  // Sessions add and remove themselves: no promise or closure per connection for bookkeeping.
  readonly #running = new Set<Session>()
  readonly #shutdownHooks: ((deadlineMs: number) => Promise<void>)[] = []
  #plain: NetServer | undefined
  #secure: TlsServer | undefined
  // Every listening socket: the servers above and, for `localhost`, one more per further address.
  #listeners: NetServer[] = []
  #tls: TlsSetup | undefined
  #host = 'localhost'
  #closing: Promise<void> | undefined
  #onTlsError: ListenOptions['onTlsError']
  // Node may destroy a TLS socket before reporting its failed handshake, and with it the peer's
  // address: remember it from the raw connection.
  readonly #tlsPeers = new WeakMap<Socket, string | undefined>()
  #tlsHandshakeFailures = 0
  #proxyHeaderFailures = 0
  // Connections whose PROXY header has not arrived yet: not Sessions yet, closed by close().
  readonly #awaitingHeader = new Set<Transport>()
  // Every open client socket, Sessions' or handed over (a CONNECT tunnel, an upgrade): a listener
  // closes only once its last connection has, so close() cuts what is still open at its deadline.
  readonly #sockets = new Set<Socket>()
  #socketsClosed: (() => void) | undefined
  // One function for every socket's 'close': no closure per connection.
  readonly #untrack: (this: Socket) => void

  /**
   * @param config - the App's configuration (limits, timeouts, tls)
   * @param createSession - makes the Session for an accepted connection
   * @param onError - receives server errors after start-up (e.g. EMFILE on accept)
   * @internal
   */
  constructor(config: Config, createSession: SessionFactory, onError: (err: unknown) => void) {
    this.#config = config
    this.#createSession = createSession
    this.#onError = onError
    const sockets = this.#sockets
    const emptied = (): void => this.#socketsClosed?.()
    this.#untrack = function (this: Socket) {
      sockets.delete(this)
      if (sockets.size === 0) emptied()
    }
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket)
    socket.on('close', this.#untrack)
  }

  /** The main port (HTTPS when `tls` is set without its own port, otherwise HTTP). */
  get port(): number {
    return this.#portOf(this.#plain ?? this.#secure)
  }

  /** The main URL, e.g. `http://localhost:8080`. */
  get url(): string {
    return `${this.#plain !== undefined ? 'http' : 'https'}://${this.#host}:${this.port}`
  }

  /** The HTTPS port, when HTTPS is served. */
  get tlsPort(): number | undefined {
    return this.#secure === undefined ? undefined : this.#portOf(this.#secure)
  }

  /** The HTTPS URL, when HTTPS is served. */
  get tlsUrl(): string | undefined {
    return this.#secure === undefined ? undefined : `https://${this.#host}:${this.#portOf(this.#secure)}`
  }

  /** Failed TLS handshakes since start. */
  get tlsHandshakeFailures(): number {
    return this.#tlsHandshakeFailures
  }

  /** Connections closed for a missing or invalid PROXY protocol header (with `proxyProtocol`). */
  get proxyHeaderFailures(): number {
    return this.#proxyHeaderFailures
  }

  /** Live connections. */
  get connections(): number {
    return this.#running.size
  }

  /**
   * Binds and starts accepting (`app.listen()` calls it). Resolves once every port listens.
   * @param options - port and host
   * @internal
   */
  async listen(options: ListenOptions = {}): Promise<void> {
    const port = options.port ?? 8080
    const host = options.host
    const reusePort = options.reusePort === true
    if (reusePort) assertReusePort()
    this.#onTlsError = options.onTlsError
    this.#host =
      host === undefined || host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host
    const tlsConfig = this.#config.tls
    if (tlsConfig !== undefined) {
      this.#tls = createTlsSetup(tlsConfig)
      const secure = createTlsServer(this.#tls.serverOptions)
      this.#tls.attach(secure)
      secure.on('secureConnection', (socket: TLSSocket) => {
        this.#track(socket)
        this.#accept(new TlsTransport(socket), true)
      })
      secure.on('connection', (raw: Socket) => this.#tlsPeers.set(raw, raw.remoteAddress))
      secure.on('tlsClientError', (err: Error, socket: TLSSocket) => this.#tlsFailed(err, socket))
      this.#secure = secure
    }
    if (tlsConfig === undefined || tlsConfig.port !== undefined) {
      // Half-open: a client that sends its request and then its FIN still awaits the answer
      // (RFC 9112 §9.6), which Node would otherwise make unsendable by ending the socket at once.
      const plain = createNetServer({ noDelay: true, allowHalfOpen: true })
      const proxy = options.proxyProtocol
      if (proxy === undefined || proxy === false)
        plain.on('connection', (socket: Socket) => {
          this.#track(socket)
          this.#accept(new PlainTransport(socket), false)
        })
      else
        plain.on('connection', (socket: Socket) => {
          this.#track(socket)
          this.#acceptProxied(new PlainTransport(socket), proxy === true ? {} : proxy)
        })
      this.#plain = plain
    }
    try {
      const addresses = listenAddresses(host)
      if (this.#plain !== undefined)
        this.#listeners.push(this.#plain, ...(await bindEach(this.#plain, port, addresses, reusePort)))
      if (this.#secure !== undefined)
        this.#listeners.push(
          this.#secure,
          ...(await bindEach(this.#secure, tlsConfig?.port ?? port, addresses, reusePort)),
        )
    } catch (err) {
      // One port bound and the other refused: release the first, so a retry can bind it.
      this.#tls?.close()
      await Promise.all(this.#listeners.filter((s) => s.listening).map(stopAccepting))
      this.#listeners = []
      throw err
    }
    for (const server of this.#listeners) server.on('error', this.#onError)
  }

  /**
   * Makes new TLS handshakes use certificates re-read from their files; open connections keep theirs.
   * @throws CertificateError when the new certificates are invalid (the old ones stay in use)
   */
  reloadCertificates(): void {
    this.#tls?.reload()
  }

  /**
   * Shuts down gracefully: stops accepting, closes idle keep-alive connections at once, lets
   * in-flight requests finish (their responses carry `Connection: close`) until
   * `shutdownTimeoutMs`, then closes the rest.
   * @returns a promise that resolves when every connection has ended
   */
  close(): Promise<void> {
    return (this.#closing ??= this.#close())
  }

  /**
   * Adds work for `close()` besides the connections it tracks: connections handed over to another
   * protocol (a WebSocket) are closed by their owner, given the shutdown deadline in ms.
   * @internal
   */
  onShutdown(hook: (deadlineMs: number) => Promise<void>): void {
    this.#shutdownHooks.push(hook)
  }

  async #close(): Promise<void> {
    const deadlineAt = Date.now() + this.#config.shutdownTimeoutMs
    const stopped = Promise.all(this.#listeners.map(stopAccepting))
    const hooked = Promise.all(this.#shutdownHooks.map((hook) => hook(this.#config.shutdownTimeoutMs)))
    this.#tls?.close()
    for (const transport of this.#awaitingHeader) transport.close()
    for (const session of this.#running) session.shutdown()
    if (this.#running.size > 0) {
      let timer: NodeJS.Timeout | undefined
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.#config.shutdownTimeoutMs)))
      await Promise.race([this.#allDone(), deadline])
      clearTimeout(timer)
      for (const session of this.#running) session.destroy()
      await this.#allDone()
    }
    await hooked
    // What is left is no Session's: connections handed over to a tunnel or another protocol, which
    // their owner closes. They get the rest of the deadline, then are cut.
    if (this.#sockets.size > 0) {
      const left = deadlineAt - Date.now()
      if (left > 0)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left)
          this.#socketsClosed = () => {
            clearTimeout(timer)
            resolve()
          }
        })
      for (const socket of this.#sockets) socket.destroy()
    }
    await stopped
  }

  /** Reads the PROXY header first; the Session gets the connection only with a valid one. */
  #acceptProxied(transport: Transport, options: ProxyProtocolOptions): void {
    this.#awaitingHeader.add(transport)
    void ProxyProtocolTransport.accept(transport, options).then((proxied) => {
      this.#awaitingHeader.delete(transport)
      if (typeof proxied === 'string') this.#proxyHeaderFailures++
      else this.#accept(proxied, false)
    })
  }

  #accept(transport: Transport, secure: boolean): void {
    // The Session leaves the registry when it ends; its failures go to the App. Nothing thrown
    // here may escape: it would be thrown from the 'connection' event and end the process.
    try {
      const session = this.#createSession(transport, secure, this.#running)
      session.start()
      // A connection the listener took just as close() began (a cluster's primary hands some over
      // late): its request is answered, with Connection: close, instead of dropped unread; close()
      // cuts it at its deadline like any other.
      if (this.#closing !== undefined) session.raise(Flag.Closing)
    } catch (err) {
      transport.close()
      this.#onError(err)
    }
  }

  #allDone(): Promise<unknown> {
    return Promise.all(Array.from(this.#running, (session) => session.done))
  }

  #tlsFailed(err: Error, socket: TLSSocket): void {
    this.#tlsHandshakeFailures++
    // `_parent` is the raw socket a server-side TLSSocket wraps.
    const raw = (socket as TLSSocket & { _parent?: Socket | null })._parent
    const remoteAddress =
      socket.remoteAddress ?? (raw === null || raw === undefined ? undefined : this.#tlsPeers.get(raw))
    socket.destroy()
    try {
      this.#onTlsError?.(err, remoteAddress)
    } catch (hookError) {
      this.#onError(hookError)
    }
  }

  #portOf(server: NetServer | TlsServer | undefined): number {
    const address = server?.address()
    if (address === null || address === undefined || typeof address === 'string') throw new ServerNotListeningError()
    return (address as AddressInfo).port
  }
}
