import type { InputBuffer } from '../wire/input-buffer.js'
import type { RequestHead } from '../wire/request-head.js'
import { BodyCollector } from '../wire/body-collector.js'
import { ChunkedDecoder } from '../wire/chunked-decoder.js'
import { ParseResult } from '../wire/parse-result.js'
import {
  BodyTooLargeError,
  HeadTooLargeError,
  MalformedRequestError,
  RequestAbortedError,
  type GatehouseError,
} from '../errors.js'

/**
 * A request body read while the handler consumes it, for routes with `streamBody: true`. The
 * Session's framing (Content-Length or chunked) and the route's limit still apply: crossing the
 * limit or breaking the framing throws a {@link GatehouseError} from the iterator, and the
 * connection is closed after the response.
 *
 * @example
 * ```ts
 * app.post('/upload', { streamBody: true, bodyLimit: 1 << 30 }, async (req, res) => {
 *   let bytes = 0
 *   for await (const chunk of req.stream()) bytes += chunk.length
 *   res.json({ bytes })
 * })
 * ```
 */
export class BodyStream implements AsyncIterable<Buffer> {
  readonly #input: InputBuffer
  readonly #waitForMore: () => Promise<number>
  readonly #onFailure: () => void
  readonly #decoder: ChunkedDecoder | undefined
  readonly #limit: number
  readonly #maxTrailerBytes: number
  readonly #head: RequestHead
  #remaining: number
  #received = 0
  // What one decode of the buffered bytes yielded, as one piece however many chunks it spans.
  readonly #decoded = new BodyCollector()
  #done = false
  #failure: GatehouseError | undefined

  /**
   * Makes the stream of a request's body. Users get theirs from `req.stream()` on a route with
   * `streamBody: true`.
   * @param input - the Session's receive buffer
   * @param head - the request head (framing)
   * @param limit - body limit in bytes
   * @param maxTrailerBytes - trailer section limit
   * @param waitForMore - waits for another chunk; -1 at end of stream
   * @param onFailure - called once when the body breaks its framing or limit (the connection must close)
   * @internal
   */
  static open(
    input: InputBuffer,
    head: RequestHead,
    limit: number,
    maxTrailerBytes: number,
    waitForMore: () => Promise<number>,
    onFailure: () => void,
  ): BodyStream {
    return new BodyStream(input, head, limit, maxTrailerBytes, waitForMore, onFailure)
  }

  private constructor(
    input: InputBuffer,
    head: RequestHead,
    limit: number,
    maxTrailerBytes: number,
    waitForMore: () => Promise<number>,
    onFailure: () => void,
  ) {
    this.#input = input
    this.#waitForMore = waitForMore
    this.#onFailure = onFailure
    this.#limit = limit
    this.#maxTrailerBytes = maxTrailerBytes
    this.#head = head
    this.#remaining = head.chunked ? 0 : Math.max(0, head.contentLength)
    this.#decoder = head.chunked ? new ChunkedDecoder(limit, maxTrailerBytes) : undefined
    this.#done = !head.chunked && this.#remaining === 0
  }

  /** Whether the whole body has been read. */
  get isDone(): boolean {
    return this.#done
  }

  /** The error that ended the body early (over the limit, malformed, client gone), if any. */
  get failure(): GatehouseError | undefined {
    return this.#failure
  }

  /**
   * @returns the next piece of the body (a view, valid for as long as it is held), or `null` at its end
   * @throws BodyTooLargeError, MalformedRequestError or RequestAbortedError
   */
  async next(): Promise<Buffer | null> {
    if (this.#failure !== undefined) throw this.#failure
    for (;;) {
      if (this.#decoded.length > 0) return this.#decoded.take()
      if (this.#done) return null
      const input = this.#input
      if (input.available > 0) {
        if (this.#decoder === undefined) {
          const piece = input.take(this.#remaining)
          this.#remaining -= piece.length
          this.#received += piece.length
          this.#done = this.#remaining === 0
          return piece
        }
        const next = this.#decoder.decode(input.buf, input.pos, input.end, this.#decoded)
        if (next < 0) throw this.#fail(next)
        input.pos = next
        this.#done = this.#decoder.done
        if (this.#done) this.#head.trailers = this.#decoder.trailers
        this.#received += this.#decoded.length
        continue
      }
      if ((await this.#waitForMore()) < 0) throw this.#fail(ParseResult.Incomplete)
    }
  }

  /**
   * Reads and drops the rest of the body, so the connection can carry the next request.
   * @returns whether the body ended cleanly
   */
  async drain(): Promise<boolean> {
    try {
      while ((await this.next()) !== null);
      return true
    } catch {
      return false
    }
  }

  /** The body's pieces as they arrive; iterate once. */
  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return {
      next: async (): Promise<IteratorResult<Buffer>> => {
        const value = await this.next()
        return value === null ? { done: true, value: undefined } : { done: false, value }
      },
    }
  }

  #fail(result: number): GatehouseError {
    this.#failure =
      result === ParseResult.BodyTooLarge
        ? new BodyTooLargeError(this.#limit)
        : result === ParseResult.HeadTooLarge
          ? new HeadTooLargeError(this.#maxTrailerBytes)
          : result === ParseResult.Incomplete
            ? new RequestAbortedError(this.#received)
            : new MalformedRequestError('invalid chunked body')
    this.#done = true
    this.#onFailure()
    return this.#failure
  }
}
