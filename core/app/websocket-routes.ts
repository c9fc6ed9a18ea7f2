import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws'
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
    const server = new WebSocketServer({ ...options, noServer: true, clientTracking: false })
    return async (req: Request, res: Response) => {
      if (!req.isUpgrade || req.header('upgrade')?.toLowerCase() !== 'websocket') {
        // RFC 9110 §15.5.22: a 426 names the protocol to upgrade to.
        res.header('Upgrade', 'websocket').header('Connection', 'Upgrade').sendError(426, 'Upgrade Required')
        return
      }
      if (needsSession && req.session?.isAlive() !== true) {
        res.sendError(404, 'No such session')
        return
      }
      // The 101 is written by ws itself; the response's record says it was one.
      res.status(101)
      const { transport, buffered } = await req.connection.detach()
      const socket = Object.assign(transportDuplex(transport), socketDetails(req))
      const incoming = {
        method: req.method,
        url: req.target,
        headers: req.headers,
        httpVersion: req.httpVersion,
        socket,
        connection: socket,
      }
      server.handleUpgrade(incoming as never, socket as never, buffered, (ws) => this.#opened(ws, req, handler))
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
