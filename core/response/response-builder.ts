import { HeaderList } from '../wire/header-list.js'
import { statusLine } from '../wire/status-lines.js'
import { dateFieldLine } from '../wire/date-cache.js'
import { InvalidStatusError } from '../errors.js'

/**
 * Builds pre-serialized response bytes for `res.sendRaw()`: status line, validated headers, a
 * computed Content-Length and the body chunks, as a list of buffers written in one vectored write.
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
    this.#body.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))
    return this
  }

  /** @returns the response as buffers: the head, then the body chunks as given */
  build(): Buffer[] {
    let length = 0
    for (const chunk of this.#body) length += chunk.length
    const date = this.#withDate ? dateFieldLine() : ''
    const head = `${statusLine(this.#status)}${date}${this.#headers.serialize()}Content-Length: ${length}\r\n\r\n`
    return [Buffer.from(head, 'latin1'), ...this.#body]
  }
}
