import { parseProxyHeader, type ProxyHeader } from './proxy-header.js'
import type { ReadableListener, TextEncoding, TlsDetails, Transport } from './transport.js'

/** Options of {@link ProxyProtocolTransport.accept}. */
export interface ProxyProtocolOptions {
  /** How long the header may take to arrive before the connection is closed. Default 5000. */
  readonly headerTimeoutMs?: number
}

// Version 2 allows 16 + 65535 bytes; more than that before a complete header is not the protocol.
const MAX_HEADER_BYTES = 16 + 65535

/**
 * A Transport behind a load balancer that speaks HAProxy's PROXY protocol (v1 or v2): the header
 * is read and taken off before the Session sees a byte, and `remoteAddress` / `remotePort` are
 * the client's from it (the balancer's own for a LOCAL header, a health check). Everything else
 * passes through to the wrapped transport, so the Session cannot tell it is there.
 *
 * @example
 * ```ts
 * const transport = await ProxyProtocolTransport.accept(new PlainTransport(socket), { headerTimeoutMs: 2000 })
 * if (transport instanceof ProxyProtocolTransport) void app.serve(transport)
 * ```
 */
export class ProxyProtocolTransport implements Transport {
  /** The header as received. */
  readonly proxy: ProxyHeader
  readonly #inner: Transport
  #rest: Buffer | undefined
  readonly writev?: (chunks: readonly Buffer[]) => Promise<number>
  readonly tryWrite?: (bytes: Buffer) => boolean
  readonly tryWriteText?: (text: string, encoding: TextEncoding) => boolean
  readonly tryRead?: () => Buffer | null | undefined
  readonly notifyReadable?: (listener: ReadableListener | null) => void

  private constructor(inner: Transport, proxy: ProxyHeader, rest: Buffer | undefined) {
    this.#inner = inner
    this.proxy = proxy
    this.#rest = rest
    if (inner.writev !== undefined) this.writev = (chunks) => inner.writev!(chunks)
    if (inner.tryWrite !== undefined) this.tryWrite = (bytes) => inner.tryWrite!(bytes)
    if (inner.tryWriteText !== undefined) this.tryWriteText = (text, encoding) => inner.tryWriteText!(text, encoding)
    if (inner.tryRead !== undefined && inner.notifyReadable !== undefined) {
      this.tryRead = () => this.#takeRest() ?? inner.tryRead!()
      this.notifyReadable = (listener) => {
        // The bytes after the header are already here: tell at once, from an event of our own.
        if (listener !== null && this.#rest !== undefined) setImmediate(() => listener.readable())
        else inner.notifyReadable!(listener)
      }
    }
  }

  /**
   * Reads the PROXY header off a new connection.
   * @param inner - the accepted connection's transport
   * @param options - the header's deadline
   * @returns the wrapped transport, or the reason the connection was closed (no header in time,
   *   an invalid one, or the peer gone)
   */
  static async accept(inner: Transport, options: ProxyProtocolOptions = {}): Promise<ProxyProtocolTransport | string> {
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      inner.close()
    }, options.headerTimeoutMs ?? 5000)
    try {
      let received: Buffer = Buffer.alloc(0)
      for (;;) {
        const chunk = await inner.read()
        if (chunk === null) return timedOut ? 'no PROXY header in time' : 'the connection ended before a PROXY header'
        received = received.length === 0 ? chunk : Buffer.concat([received, chunk])
        const parsed = parseProxyHeader(received)
        if (parsed.status === 'complete') {
          const rest = parsed.length < received.length ? received.subarray(parsed.length) : undefined
          return new ProxyProtocolTransport(inner, parsed.header, rest)
        }
        if (parsed.status === 'invalid' || received.length > MAX_HEADER_BYTES) {
          inner.close()
          return parsed.status === 'invalid' ? parsed.reason : 'no PROXY header within its largest size'
        }
      }
    } finally {
      clearTimeout(timer)
    }
  }

  /** The client's address from the header, or the real peer's when the header gives none. */
  get remoteAddress(): string | undefined {
    return this.proxy.command === 'proxy' && this.proxy.sourceAddress !== undefined
      ? this.proxy.sourceAddress
      : this.#inner.remoteAddress
  }

  /** The client's port from the header, or the real peer's. */
  get remotePort(): number | undefined {
    return this.proxy.command === 'proxy' && this.proxy.sourceAddress !== undefined
      ? this.proxy.sourcePort
      : this.#inner.remotePort
  }

  get isOpen(): boolean {
    return this.#inner.isOpen
  }

  get writableRoom(): number | undefined {
    return this.#inner.writableRoom
  }

  get tls(): TlsDetails | undefined {
    return this.#inner.tls
  }

  get lastError(): Error | undefined {
    return this.#inner.lastError
  }

  read(): Promise<Buffer | null> {
    const rest = this.#takeRest()
    return rest !== undefined ? Promise.resolve(rest) : this.#inner.read()
  }

  write(bytes: Buffer): Promise<number> {
    return this.#inner.write(bytes)
  }

  close(): void {
    this.#inner.close()
  }

  #takeRest(): Buffer | undefined {
    const rest = this.#rest
    this.#rest = undefined
    return rest
  }
}
