import { HeaderList } from '../wire/header-list.js'
import { buildHead, framingForWholeBody } from '../wire/response-head.js'
import { InvalidStatusError } from '../errors.js'

/**
 * Builds pre-serialized response bytes for `res.sendRaw()`: status line, validated headers, a
 * computed Content-Length and the body chunks, as a list of buffers written in one vectored write.
 * The head obeys the framing rules of every response: a Content-Length set here must be the
 * body's, Transfer-Encoding is refused, and 1xx, 204 and 304 carry neither a length nor a body.
 *
 * @example
 * ```ts
 * const bytes = new ResponseBuilder(200).header('Content-Type', 'text/plain').date().body('hi').build()
 * app.get('/raw', (_req, res) => res.sendRaw(bytes))
 * ```
 */
export class ResponseBuilder {
  readonly #status: number
  readonly #headers = new HeaderList()
  readonly #body: Buffer[] = []
  #withDate = false

  /** @param status - the status code (default 200) */
  constructor(status = 200) {
    if (!Number.isInteger(status) || status < 100 || status > 999) throw new InvalidStatusError(status)
    this.#status = status
  }

  /**
   * Adds a header (validated like `res.header()`).
   * @returns this builder
   */
  header(name: string, value: string | number | readonly string[]): this {
    this.#headers.set(name, value)
    return this
  }

  /** Adds the current `Date` field when the bytes are built. @returns this builder */
  date(): this {
    this.#withDate = true
    return this
  }

  /**
   * Appends a body chunk (text is UTF-8).
   * @returns this builder
   */
  body(chunk: Buffer | Uint8Array | string): this {
    this.#body.push(
      typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk),
    )
    return this
  }

  /**
   * @returns the response as buffers: the head, then the body chunks as given
   * @throws InvalidStatusError for a body with 1xx, 204 or 304; InvalidHeaderError for a
   *   Content-Length on 1xx or 204; ContentLengthMismatchError for one other than the body's
   */
  build(): Buffer[] {
    let length = 0
    for (const chunk of this.#body) length += chunk.length
    const status = this.#status
    const headers = this.#headers
    const framing = framingForWholeBody(status, headers, length)
    const head = buildHead(status, headers, '', this.#withDate, framing, length, false, 1)
    return [Buffer.from(head, 'latin1'), ...this.#body]
  }
}
