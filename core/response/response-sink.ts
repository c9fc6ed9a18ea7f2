import type { DetachedConnection } from '../request/connection.js'

/** Told once that the bytes a response queued have left, or never will. */
export interface WriteListener {
  /**
   * @param aborted - `false`: every byte queued before the listener was added has been written to
   *   the transport; `true`: the connection ended first
   */
  writeSettled(aborted: boolean): void
}

/**
 * What a Response needs from the Session that owns it. The Session implements it; tests may too.
 */
export interface ResponseSink {
  /** `Server: …\r\n`, or `''` when the server header is switched off. */
  readonly serverLine: string
  /** Responses up to this many bytes are copied into one buffer with their head. */
  readonly smallWriteBytes: number
  /** Whether this response must close the connection (request, shutdown, request count). */
  mustClose(): boolean
  /**
   * Queues bytes of the response; they leave with the next flush, coalesced with neighbours.
   * @param text - ASCII or UTF-8 text
   * @param byteLength - its UTF-8 byte length
   */
  queueText(text: string, byteLength: number): void
  /** Queues bytes of the response as they are. */
  queueBytes(bytes: Buffer): void
  /**
   * `start()` queued a streamed head of this many bytes; it stays only queued until the next
   * flush, so a handler timeout may still take it back and answer 503.
   */
  streamHeadQueued?(byteLength: number): void
  /**
   * Bytes a streamed body may add now before the connection's buffer reaches its high-water mark
   * (what is queued counted in). `res.stream()` pulls its source in pieces of this size.
   */
  writableRoom(): number
  /**
   * Writes everything queued now, applying transport backpressure.
   * @returns `false` when the connection is gone
   */
  flush(): Promise<boolean>
  /** Closes the connection at once: the response cannot be completed. */
  abort(): void
  /** The response broke its framing: write what is queued, then close (reason `aborted`). */
  closeAfterFlush(): void
  /** Reports an error that belongs to no request (a failing stream source). */
  reportError(err: unknown): void
  /** Ends the Session and hands over the transport with its unread bytes. */
  detach(): Promise<DetachedConnection>
  /**
   * Tells `listener` once every byte queued so far has been written to the transport, or once the
   * connection ends before that. A callback, not a promise: only responses with lifecycle hooks
   * ask, and they ask once.
   */
  whenWritten(listener: WriteListener): void
}
