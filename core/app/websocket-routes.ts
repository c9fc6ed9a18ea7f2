import { STATUS_CODES, type OutgoingHttpHeaders } from 'node:http'
import { createRequire } from 'node:module'
import type * as Ws from 'ws'
import type { ServerOptions, WebSocket } from 'ws'
import { transportDuplex } from '../../transports/transport-duplex.js'
import type { SessionRegistry } from '../../sessions/session-registry.js'
import type { Request } from '../request/request.js'
import type { Response } from '../response/response.js'
import type { Handler } from '../route/handler.js'

/** Handles one open WebSocket: `ws`'s `WebSocket` and the request that opened it. */
export type WebSocketHandler<R extends Request = Request> = (ws: WebSocket, req: R) => unknown

/**
 * Options of `app.ws()`: `ws`'s server options (`verifyClient`, `handleProtocols`,
 * `maxPayload`, `perMessageDeflate` …), less those that belong to a listening server.
 */
export type WebSocketRouteOptions = Omit<ServerOptions, 'noServer' | 'server' | 'port' | 'host' | 'path' | 'backlog'>

// RFC 6455 §7.4.1: 1001, the endpoint is going away (a server shutting down).
const GOING_AWAY = 1001

let ws: typeof Ws | undefined

/**
 * The `ws` package, loaded at the first `app.ws()` route rather than when the package is
 * imported (about twenty milliseconds of start-up), so an App without WebSockets never loads it.
 */
function wsLibrary(): typeof Ws {
  ws ??= createRequire(import.meta.url)('ws') as typeof Ws
  return ws
}

/**
 * The WebSocket routes of an App, on the `ws` package: each upgrade request is handed to `ws` as
 * the `IncomingMessage` it expects (method, url, headers, `socket` with the TLS details that
 * `verifyClient` reads), so its handshake, subprotocols and extensions are `ws`'s own. The open
 * sockets are kept, so that a server shutting down closes them with 1001.
 */
export class WebSocketRoutes {
  readonly #open = new Set<WebSocket>()
  readonly #registry: SessionRegistry
  readonly #report: (err: unknown) => void

  /**
   * @param registry - the App's sessions, to which a socket opened with a session is bound
   * @param report - where a socket's errors go (the App's error hooks)
   */
  constructor(registry: SessionRegistry, report: (err: unknown) => void) {
    this.#registry = registry
    this.#report = report
  }

  /** Open WebSockets. */
  get size(): number {
    return this.#open.size
  }

  /**
   * The route handler for one `app.ws()` route.
   * @param handler - called with each open WebSocket
   * @param options - `ws` server options
   * @param needsSession - whether the route names a session param: an upgrade that carries no live
   *   session is then refused before any handshake
   */
  route(handler: WebSocketHandler, options: WebSocketRouteOptions, needsSession: boolean): Handler {
    // verifyClient runs here, before the connection is detached, so that its refusal is an answer
    // of this App: its status reaches onResponse, CORS and the logger, with a JSON body.
    const { verifyClient, ...serverOptions } = options
    const server = new (wsLibrary().WebSocketServer)({ ...serverOptions, noServer: true, clientTracking: false })
    return async (req: Request, res: Response) => {
      if (!req.isUpgrade || req.header('upgrade')?.toLowerCase() !== 'websocket') {
        // RFC 9110 §15.5.22: a 426 names the protocol to upgrade to.
        res.header('Upgrade', 'websocket').header('Connection', 'Upgrade').sendError(426, 'Upgrade Required')
        return
      }
      const refusal = handshakeRefusal(req)
      if (refusal !== undefined) {
        for (const [name, value] of Object.entries(refusal.headers)) res.header(name, value)
        res.sendError(refusal.status, refusal.message)
        return
      }
      if (needsSession && req.session?.isAlive() !== true) {
        res.sendError(404, 'No such session')
        return
      }
      const details = socketDetails(req)
      if (verifyClient !== undefined) {
        const verdict = await verify(verifyClient, req, details)
        if (!verdict.ok) {
          const status = verdict.code ?? 401
          for (const [name, value] of Object.entries(verdict.headers ?? {}))
            if (value !== undefined) res.header(name, Array.isArray(value) ? value.join(', ') : String(value))
          res.sendError(status, verdict.message ?? STATUS_CODES[status] ?? 'Refused')
          return
        }
      }
      // The 101 is written by ws itself; the response's record says it was one.
      res.switchedProtocols()
      const { transport, buffered } = await req.connection.detach()
      const socket = Object.assign(transportDuplex(transport), details)
      server.handleUpgrade(incomingOf(req, socket) as never, socket as never, buffered, (ws) =>
        this.#opened(ws, req, handler),
      )
    }
  }

  #opened(ws: WebSocket, req: Request, handler: WebSocketHandler): void {
    this.#open.add(ws)
    ws.once('close', () => this.#open.delete(ws))
    // Without a listener an 'error' event throws and ends the process. ws has already closed the
    // socket with the right code for a protocol error (1009 for a message over maxPayload, 1002 …):
    // that is the peer's fault, not worth a report. Anything else (a handler's failure) is reported.
    ws.on('error', (err: Error & { code?: string }) => {
      if (!(typeof err.code === 'string' && err.code.startsWith('WS_ERR_'))) this.#report(err)
    })
    const session = req.session
    if (session !== undefined && session.isAlive()) {
      // A socket opened with a session (by cookie or URI) is bound to it: push() reaches it.
      const unbind = this.#registry.bind(session, ws)
      ws.once('close', unbind)
      ws.on('message', () => void this.#registry.touch(session))
    }
    try {
      const result = handler(ws, req)
      if (result instanceof Promise) result.catch((err: unknown) => ws.emit('error', err))
    } catch (err) {
      ws.emit('error', err)
    }
  }

  /**
   * Closes every open WebSocket with 1001 and waits for their closing handshakes until
   * `deadlineMs`, then cuts those that have not finished.
   */
  async closeAll(deadlineMs: number): Promise<void> {
    if (this.#open.size === 0) return
    const closed = [...this.#open].map(
      (ws) =>
        new Promise<void>((resolve) => {
          ws.once('close', () => resolve())
          ws.close(GOING_AWAY, 'server shutting down')
        }),
    )
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)))
    await Promise.race([Promise.all(closed), deadline])
    clearTimeout(timer)
    for (const ws of this.#open) ws.terminate()
  }
}

// RFC 6455 §4.1: the key is 16 random bytes in base64.
const WEBSOCKET_KEY = /^[+/0-9A-Za-z]{22}==$/

/**
 * What `ws` would refuse in the handshake (RFC 6455 §4.2.1), found first so that the refusal is
 * answered, and recorded, as this App's own response rather than written by `ws` on a detached socket.
 */
function handshakeRefusal(
  req: Request,
): { status: number; message: string; headers: Record<string, string> } | undefined {
  if (req.method !== 'GET') return { status: 405, message: 'A WebSocket opens with GET', headers: { Allow: 'GET' } }
  const key = req.header('sec-websocket-key')
  if (key === undefined || !WEBSOCKET_KEY.test(key))
    return { status: 400, message: 'Missing or invalid Sec-WebSocket-Key', headers: {} }
  const version = req.header('sec-websocket-version')
  if (version !== '13' && version !== '8')
    // §4.4: the versions the server speaks; RFC 9110 §15.5.22: a 426 names the protocol.
    return {
      status: 426,
      message: 'Unsupported Sec-WebSocket-Version',
      headers: { 'Sec-WebSocket-Version': '13, 8', Upgrade: 'websocket', Connection: 'Upgrade' },
    }
  return undefined
}

type VerifyClient = NonNullable<ServerOptions['verifyClient']>

/** `verifyClient` as `ws` calls it: sync (a boolean) or with a callback (two parameters). */
function verify(
  verifyClient: VerifyClient,
  req: Request,
  details: Record<string, unknown>,
): Promise<{ ok: boolean; code?: number; message?: string; headers?: OutgoingHttpHeaders }> {
  const info = {
    origin: req.header(req.header('sec-websocket-version') === '8' ? 'sec-websocket-origin' : 'origin'),
    secure: req.tls !== undefined,
    req: incomingOf(req, details),
  }
  if (verifyClient.length !== 2)
    return Promise.resolve({ ok: (verifyClient as unknown as (i: typeof info) => boolean)(info) })
  return new Promise((resolve) =>
    (
      verifyClient as (
        i: never,
        cb: (ok: boolean, code?: number, message?: string, headers?: OutgoingHttpHeaders) => void,
      ) => void
    )(info as never, (ok, code, message, headers) => resolve({ ok, code, message, headers })),
  )
}

/** The `IncomingMessage` shape `ws` reads: method, url, headers, version and the socket. */
function incomingOf(req: Request, socket: unknown): Record<string, unknown> {
  return {
    method: req.method,
    url: req.target,
    headers: req.headers,
    httpVersion: req.httpVersion,
    socket,
    connection: socket,
  }
}

/** What `ws` (and `verifyClient`) read off `req.socket`: the peer and, over TLS, the handshake. */
function socketDetails(req: Request): Record<string, unknown> {
  const tls = req.tls
  const details: Record<string, unknown> = { remoteAddress: req.remoteAddress, encrypted: tls !== undefined }
  if (tls !== undefined) {
    details.authorized = tls.authorized
    details.alpnProtocol = tls.alpnProtocol
    details.servername = tls.servername
    details.getProtocol = () => tls.protocol
    details.getCipher = () => ({ name: tls.cipher, standardName: tls.cipher, version: tls.protocol })
    details.getPeerCertificate = () => tls.peerCertificate ?? {}
  }
  return details
}
