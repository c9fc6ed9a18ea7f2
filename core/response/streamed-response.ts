/**
 * What `res.file()` and `res.stream()` need of the response they send: the part of `Response`
 * that sets a head and writes a body. `Response` implements it; the two helpers depend on this
 * interface rather than on `Response`, which depends on them.
 */
export interface StreamedResponse {
  /** The status set so far. */
  readonly statusCode: number
  /** Sets the status. */
  status(code: number): this
  /** Sets a header. */
  header(name: string, value: string | number | readonly string[]): this
  /** Reads a header set so far. */
  getHeader(name: string): string | undefined
  /** Sends a whole body (none when omitted). */
  send(body?: Buffer | Uint8Array | string): void
  /** Sends an error answer with the `{"message": …}` body. */
  sendError(status: number, message: string, details?: Readonly<Record<string, unknown>>): void
  /** Sends the head and begins a streamed body. */
  start(): void
  /** Bytes a piece may have now without filling the connection's buffer past its high-water mark. */
  writableRoom(): number
  /** Streams a piece of the body. @returns `false` when the connection is gone */
  write(chunk: Buffer | Uint8Array | string): Promise<boolean>
  /** Ends the streamed body. @returns `false` when the connection is gone */
  end(chunk?: Buffer | Uint8Array | string): Promise<boolean>
  /** Aborts the response in flight, closing the connection. */
  cancel(): void
}
