/**
 * Details of a TLS connection, present on transports that carry TLS.
 *
 * @example
 * ```ts
 * if (transport.tls) console.log(transport.tls.protocol, transport.tls.servername)
 * ```
 */
export interface TlsDetails {
  /** Negotiated protocol version, e.g. `"TLSv1.3"`. */
  readonly protocol: string | null
  /** Negotiated cipher name, e.g. `"TLS_AES_256_GCM_SHA384"`. */
  readonly cipher: string | null
  /** Server name the client asked for through SNI, or `null`. */
  readonly servername: string | null
  /** Protocol agreed through ALPN, e.g. `"http/1.1"`, or `null`. */
  readonly alpnProtocol: string | null
  /** Whether the client presented a certificate that verified against the configured CA. */
  readonly authorized: boolean
  /** The client's certificate (mutual TLS), or `null` when it sent none. */
  readonly peerCertificate: PeerCertificate | null
}

/**
 * The parts of a client certificate a handler usually needs.
 *
 * @example
 * ```ts
 * const cn = req.tls?.peerCertificate?.subject.CN
 * ```
 */
export interface PeerCertificate {
  /** Subject fields, e.g. `{ CN: "alice" }`. */
  readonly subject: Readonly<Record<string, string>>
  /** Issuer fields. */
  readonly issuer: Readonly<Record<string, string>>
  /** SHA-256 fingerprint, colon-separated hex. */
  readonly fingerprint256: string
  /** Start of validity. */
  readonly validFrom: Date
  /** End of validity. */
  readonly validTo: Date
  /** The DER encoding of the certificate. */
  readonly raw: Buffer
}

/**
 * A Transport moves bytes and nothing else. A Session runs over any object that satisfies it:
 * a TCP socket, a TLS socket, an in-memory pipe, or anything custom.
 *
 * - `read()` resolves with the next chunk, or `null` at end of stream. An ordinary disconnect
 *   (EOF, reset, broken pipe, cancellation) ends the stream; it never rejects for those.
 * - `write(bytes)` resolves with how many bytes were accepted, possibly fewer than given. The
 *   caller writes the rest; 0 or a rejection ends the connection.
 * - `close()` is idempotent and never throws.
 *
 * @example
 * ```ts
 * const t: Transport = new MemoryTransport({ input: ['GET / HTTP/1.1\r\nHost: x\r\n\r\n'] })
 * await app.serve(t)
 * ```
 */
export interface Transport {
  /**
   * Reads the next chunk of bytes.
   * @returns the chunk, or `null` once the peer has finished or the transport is closed
   */
  read(): Promise<Buffer | null>
  /**
   * Offers bytes to the peer.
   * @param bytes - the bytes to send
   * @returns how many of them were accepted (0 ends the connection)
   */
  write(bytes: Buffer): Promise<number>
  /**
   * Optional: offers several buffers in one call (one syscall where the transport can).
   * @param chunks - buffers to send, in order
   * @returns how many bytes in total were accepted, counted from the first chunk
   */
  writev?(chunks: readonly Buffer[]): Promise<number>
  /**
   * Optional: writes all of `bytes` at once when that can be done without waiting, so a caller
   * can skip a promise on the hot path. A transport that returns `false` has written nothing.
   * @param bytes - the bytes to send
   * @returns `true` when every byte was taken, `false` when the caller must use `write()`
   */
  tryWrite?(bytes: Buffer): boolean
  /**
   * Optional: like `tryWrite`, for text the transport encodes itself. A socket hands the string to
   * the kernel without a Buffer in between, which is most of a small response's cost; `latin1` is
   * the cheaper encoding and the Session uses it for ASCII text, which encodes the same in both.
   * @param text - the text to send
   * @param encoding - `utf8`, or `latin1` (one byte per character, each below 256)
   * @returns `true` when all of it was taken, `false` (nothing written) when the caller must use
   *   `write()`
   */
  tryWriteText?(text: string, encoding: TextEncoding): boolean
  /**
   * Optional, together with `notifyReadable`: the next chunk if one has already arrived, without
   * waiting. Lets an idle connection wait with no promise and no suspended frame.
   * @returns the chunk; `null` once the peer has finished or the transport is closed; `undefined`
   *   when nothing has arrived yet
   */
  tryRead?(): Buffer | null | undefined
  /**
   * Optional, together with `tryRead`: asks for one call of `listener.readable()` once `tryRead()`
   * has something to return (a chunk, or the end). The call comes from the transport's own event,
   * never from inside `notifyReadable`; a later registration replaces an earlier one.
   * @param listener - told once; `null` withdraws the one registered
   */
  notifyReadable?(listener: ReadableListener | null): void
  /**
   * Optional: how many bytes a write can add now before the transport's own buffer reaches its
   * high-water mark (0 when it is there already). A streamed body is pulled from its source in
   * pieces of this size, so a client that stops reading costs one socket buffer, not what the
   * source had ready; without it the pieces are 16 KiB, a socket's default mark.
   */
  readonly writableRoom?: number | undefined
  /** Whether bytes can still move. */
  readonly isOpen: boolean
  /** Closes both directions. Idempotent; never throws. */
  close(): void
  /** The peer's address, when the transport has one. */
  readonly remoteAddress?: string | undefined
  /** The peer's port, when the transport has one. */
  readonly remotePort?: number | undefined
  /** TLS details, on transports that carry TLS. */
  readonly tls?: TlsDetails | undefined
  /** The last non-ordinary network error the transport met, if any (e.g. `ETIMEDOUT`). */
  readonly lastError?: Error | undefined
}

/** The encodings `Transport.tryWriteText` is asked for. */
export type TextEncoding = 'utf8' | 'latin1'

/**
 * What `Transport.notifyReadable` tells. A Session is one: an idle connection then costs no
 * closure and no promise.
 *
 * @example
 * ```ts
 * transport.notifyReadable?.({ readable: () => console.log(transport.tryRead?.()) })
 * ```
 */
export interface ReadableListener {
  /** `tryRead()` now returns a chunk or `null`. */
  readable(): void
}
