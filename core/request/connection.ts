import type { Transport } from '../../transports/transport.js'

/** Why a connection ended, as `onClose` hooks see it. */
export type CloseReason =
  /** The client ended or reset the connection. */
  | 'client-closed'
  /** A header, body, handler, write or idle timeout fired. */
  | 'timeout'
  /** A write failed, or the request was malformed or over a limit. */
  | 'error'
  /** `server.close()` ended it. */
  | 'shutdown'
  /** The server closed it after a response that asked for that (Connection: close, HTTP/1.0, request limit). */
  | 'completed'
  /** A handler aborted it (`req.connection.abort()`, `res.cancel()`, an incomplete response). */
  | 'aborted'
  /** A handler took the transport over (`detach()`, `res.upgrade()`, `app.upgrade()`). */
  | 'detached'

/** A transport taken over from its Session, with the bytes the Session had read but not used. */
export interface DetachedConnection {
  /** The transport, open, no longer read or written by the Session. */
  readonly transport: Transport
  /** Bytes received after the request that the Session had buffered (possibly empty). */
  readonly buffered: Buffer
}

/** What a Connection reads from its Session (the Session is the one source). */
export interface ConnectionSource {
  readonly transport: Transport
  readonly createdAt: number
  readonly requestCount: number
  readonly lastActiveAt: number
  readonly closeReason: CloseReason | undefined
  destroyWithReason(reason: CloseReason): void
  detach(): Promise<DetachedConnection>
}

let nextId = 1

/**
 * One client connection, shared by every request on it: its identity, its counters, data attached
 * to it for its whole life, and the means to end it or take it over.
 *
 * @example
 * ```ts
 * app.use((req, _res, next) => {
 *   req.connection.data.user ??= authenticate(req)   // once per connection, not per request
 *   return next()
 * })
 * ```
 */
export class Connection {
  /** A process-unique id. */
  readonly id = nextId++
  readonly #source: ConnectionSource
  #data: Record<string, unknown> | undefined

  /**
   * Makes the view of a Session. Users get theirs as `req.connection` and in connection hooks.
   * @param source - the Session behind it
   * @internal
   */
  static open(source: ConnectionSource): Connection {
    return new Connection(source)
  }

  private constructor(source: ConnectionSource) {
    this.#source = source
  }

  /** When the connection was accepted (ms since the epoch). */
  get createdAt(): number {
    return this.#source.createdAt
  }

  /** Data attached to the connection: every request on it sees the same object. */
  get data(): Record<string, unknown> {
    return (this.#data ??= Object.create(null) as Record<string, unknown>)
  }

  /** The peer's address. */
  get remoteAddress(): string | undefined {
    return this.#source.transport.remoteAddress
  }

  /** Whether the connection carries TLS. */
  get secure(): boolean {
    return this.#source.transport.tls !== undefined
  }

  /** Requests received on it so far. */
  get requestCount(): number {
    return this.#source.requestCount
  }

  /** When its last request arrived (ms since the epoch). */
  get lastActiveAt(): number {
    return this.#source.lastActiveAt
  }

  /** Whether bytes can still move. */
  get isOpen(): boolean {
    return this.#source.closeReason === undefined && this.#source.transport.isOpen
  }

  /** The last network error the transport met (e.g. `ETIMEDOUT`), if any. */
  get lastError(): Error | undefined {
    return this.#source.transport.lastError
  }

  /** Why it ended, once it has. */
  get closeReason(): CloseReason | undefined {
    return this.#source.closeReason
  }

  /** Closes the connection at once; a response in progress is cut off. */
  abort(): void {
    this.#source.destroyWithReason('aborted')
  }

  /**
   * Ends the Session without closing the transport: responses already queued are written, the
   * current one is dropped, and the transport is returned with the bytes read past the request.
   * @returns the transport and its unread bytes
   */
  detach(): Promise<DetachedConnection> {
    return this.#source.detach()
  }
}
