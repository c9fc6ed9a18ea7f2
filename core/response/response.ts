import { bodyBytes } from './body-bytes.js'
import { BYTES_TYPE, JSON_TYPE, TEXT_TYPE } from './default-types.js'
import { ContentLengthMismatchError, InvalidStatusError, ResponseAlreadySentError } from '../errors.js'
import type { ResponseSink } from './response-sink.js'
import type { StreamedResponse } from './streamed-response.js'
import { HeaderList, HeaderFlag } from '../wire/header-list.js'
import { isBodyless } from '../wire/status-lines.js'
import { Framing, buildHead, checkFramingFields, framingFor } from '../wire/response-head.js'
import { okHead } from '../wire/ok-head.js'
import { errorBody } from '../wire/error-body.js'
import type { RequestHead } from '../wire/request-head.js'
import { sendFile, type FileOptions } from './file-response.js'
import { pipeSource, type StreamSource } from './stream-source.js'
import type { DetachedConnection } from '../request/connection.js'
import { UpgradeNotRequestedError } from '../errors.js'
import type { ResponseHooks } from './response-hooks.js'
import type { BodyEncoder } from './body-encoder.js'
import { constants as zlibConstants } from 'node:zlib'
import type { Transform } from 'node:stream'
import { stringifySetCookie, type SerializeOptions, type StringifyOptions } from 'cookie'
import type { CookieSigner } from '../request/cookie-signer.js'
import { InvalidCookieError } from './cookie-errors.js'

/** Options of `res.cookie()`: the `cookie` package's attributes, and a signer. */
export interface CookieOptions extends Omit<SerializeOptions, 'encode'> {
  /** Signs the value (see `CookieSigner`); read it back with `req.signedCookie()`. */
  signer?: CookieSigner
}

/**
 * The cookie `stringifySetCookie` serializes, built field by field into one shape: spreading the
 * caller's options into a new object (`{ ...options, name, value }`, as the package does when
 * given them apart) takes V8's slow path and cost about 3.5 µs a cookie. Only the attributes the
 * package reads are copied; `Path` is `/` unless the options have a `path` of their own.
 */
function setCookieFields(name: string, value: string, options: CookieOptions | undefined): SetCookieFields {
  if (options === undefined)
    return new SetCookieFields(
      name,
      value,
      undefined,
      undefined,
      undefined,
      '/',
      false,
      false,
      false,
      undefined,
      undefined,
    )
  return new SetCookieFields(
    name,
    options.signer === undefined ? value : options.signer.sign(value),
    options.maxAge,
    options.expires,
    options.domain,
    Object.hasOwn(options, 'path') ? options.path : '/',
    options.httpOnly,
    options.secure,
    options.partitioned,
    options.priority,
    options.sameSite,
  )
}

/** What a `stream()` source threw, as the Session finds it on the response (`streamFailure`). */
export class StreamFailure {
  /** @param err - the thrown value, whatever it is (`undefined` included) */
  constructor(readonly err: unknown) {}
}

class SetCookieFields {
  constructor(
    readonly name: string,
    readonly value: string,
    readonly maxAge: number | undefined,
    readonly expires: Date | undefined,
    readonly domain: string | undefined,
    readonly path: string | undefined,
    readonly httpOnly: boolean | undefined,
    readonly secure: boolean | undefined,
    readonly partitioned: boolean | undefined,
    readonly priority: SerializeOptions['priority'],
    readonly sameSite: SerializeOptions['sameSite'],
  ) {}
}

const FRESH = 0
const STREAMING = 1
/**
 * Its `stream()` source failed. Over for the handler (`stream()` resolved `false`, further writes
 * throw as once ended), but not yet over: the Session answers the failure as the handler's error
 * once the handler is done, in place of the head when none of it has left, or by cutting the
 * connection. Below ENDED, so that `isEnded` tells the Session it has that left to do.
 */
const FAILED = 2
const ENDED = 3
/**
 * Ended by the server, not by the handler: cut by a timeout, or its connection closed or handed
 * over. A handler still streaming finds out from `write()` and `end()` resolving `false`, as when
 * the client leaves, rather than from an exception.
 */
const CUT = 4
const RESOLVED_FALSE = Promise.resolve(false)

const NOT_URI_CHAR = /[^\x21-\x7E]/gu
// Fields about a representation (RFC 9110 §8) that an error body set after them is not.
const REPRESENTATION_FIELDS = [
  'content-encoding',
  'content-disposition',
  'content-language',
  'content-location',
  'etag',
  'last-modified',
] as const
const CRLF = Buffer.from('\r\n')
const LAST_CHUNK = '0\r\n\r\n'

/**
 * The response to one request. Either send it whole (`text`, `json`, `send`, `redirect`, `file`) or
 * stream it (`start`, `write`, `end`). Sending twice throws {@link ResponseAlreadySentError}. Once the
 * server has cut a response (a handler timeout, a closed connection), `start()` does nothing and
 * `write()`, `end()` and `stream()` resolve `false`.
 *
 * @example
 * ```ts
 * app.get('/hello', (req, res) => res.status(200).header('Cache-Control', 'no-store').text('hi'))
 * ```
 */
export class Response implements StreamedResponse {
  readonly #sink: ResponseSink
  readonly #request: RequestHead
  readonly #isHead: boolean
  readonly #versionMinor: number
  #status = 200
  readonly #headers = new HeaderList()
  #state = FRESH
  #wantsClose = false
  #keepAlive = true
  #chunked = false
  #closeDelimited = false
  #declaredLength = -1
  #bodyBytes = 0
  /**
   * The promise of its end, once asked for; in the FAILED state, what its stream source threw (the
   * field is reused so that no response pays for a field of its own for that rare case).
   */
  #finished: Promise<void> | StreamFailure | undefined
  #resolveFinished: (() => void) | undefined
  #hooks: ResponseHooks<Response> | undefined
  #encoder: BodyEncoder<Response> | undefined
  #encoding: Transform | undefined

  /**
   * Makes the Response to a request. Users get theirs as a handler's argument.
   * @param sink - the Session that writes this response
   * @param request - the request's head: HEAD drops the body, HTTP/1.0 gets no chunked coding,
   *   and `file()` reads its conditional and Range fields
   * @internal
   */
  static open(sink: ResponseSink, request: RequestHead): Response {
    return new Response(sink, request)
  }

  private constructor(sink: ResponseSink, request: RequestHead) {
    this.#sink = sink
    this.#request = request
    this.#isHead = request.method === 'HEAD'
    this.#versionMinor = request.versionMinor
  }

  /** The status code that will be (or was) sent. */
  get statusCode(): number {
    return this.#status
  }

  /** Whether the head has been handed to the connection. */
  get headersSent(): boolean {
    return this.#state !== FRESH
  }

  /** Whether the whole response has been handed to the connection. */
  get isEnded(): boolean {
    return this.#state >= ENDED
  }

  /** Whether the connection stays open after this response (known once the head is built). */
  get keepAlive(): boolean {
    return this.#keepAlive
  }

  /**
   * Sets the status code.
   * @param code - an integer from 100 to 999
   * @returns this response, for chaining
   * @throws InvalidStatusError for anything else; ResponseAlreadySentError once the head is sent
   */
  status(code: number): this {
    if (this.#state !== FRESH) throw new ResponseAlreadySentError('set the status')
    // A 1xx is never a final answer (RFC 9110 §15.2): a client would wait for the one after it. A
    // 101 without the protocol switch it announces would leave the connection answering HTTP after
    // it; `upgrade()` (and a WebSocket route, through `switchedProtocols`) is the one way to send it.
    if (!Number.isInteger(code) || code < 100 || code > 999) throw new InvalidStatusError(code)
    if (code < 200) throw new InvalidStatusError(code, 'a 1xx is not a final response')
    this.#status = code
    return this
  }

  /**
   * Records that another protocol's code wrote the `101 Switching Protocols` (a WebSocket route's
   * `ws`), so the response's record and hooks see the 101. @internal
   */
  switchedProtocols(): void {
    if (this.#state !== FRESH) throw new ResponseAlreadySentError('switch protocols')
    this.#status = 101
  }

  /**
   * Sets a header, replacing any earlier value of the same name (case-insensitive). An array sends
   * one field line per value (for `Set-Cookie`).
   * @param name - a token (RFC 9110 §5.1)
   * @param value - the value(s); CR, LF, NUL and other controls are refused (response splitting)
   * @returns this response, for chaining
   * @throws InvalidHeaderError for a bad name or value
   */
  header(name: string, value: string | number | readonly string[]): this {
    if (this.#state !== FRESH) throw new ResponseAlreadySentError(`set header ${name}`)
    this.#headers.set(name, value)
    if (this.#headers.saysClose()) this.#wantsClose = true
    return this
  }

  /**
   * Adds a header after any earlier fields of the same name, each value a field line of its own:
   * a middleware's `Set-Cookie` and the handler's both go out, never joined.
   * @param name - a token (RFC 9110 §5.1)
   * @param value - the value(s), checked as in {@link header}
   * @returns this response, for chaining
   * @throws InvalidHeaderError for a bad name or value; ResponseAlreadySentError once the head is sent
   */
  appendHeader(name: string, value: string | number | readonly string[]): this {
    if (this.#state !== FRESH) throw new ResponseAlreadySentError(`append header ${name}`)
    this.#headers.append(name, value)
    return this
  }

  /**
   * {@link header} for a field the App checked once at registration (CORS, the request id), so
   * no request pays for checking it again. @internal
   * @param name - a token without a framing role (not Content-Type, Content-Length, Connection …)
   * @param lowerName - the same name in lower case
   * @param value - ASCII without controls
   * @returns this response
   */
  setCheckedHeader(name: string, lowerName: string, value: string): this {
    if (this.#state !== FRESH) throw new ResponseAlreadySentError(`set header ${name}`)
    this.#headers.setChecked(name, lowerName, value)
    return this
  }

  /**
   * {@link appendHeader} for a field the App checked once at registration. @internal
   * @param name - a token without a framing role
   * @param value - ASCII without controls
   * @returns this response
   */
  appendCheckedHeader(name: string, value: string): this {
    if (this.#state !== FRESH) throw new ResponseAlreadySentError(`append header ${name}`)
    this.#headers.appendChecked(name, value)
    return this
  }

  /**
   * Adds a `Set-Cookie` field (never joined with others), serialized by the `cookie` package.
   * `Path` defaults to `/`.
   * @param name - a cookie name (a token)
   * @param value - the value, percent-encoded as needed
   * @param options - attributes (`maxAge` in seconds, `expires`, `domain`, `path`, `httpOnly`,
   *   `secure`, `sameSite`, `partitioned`, `priority`) and an optional `signer`
   * @returns this response, for chaining
   * @throws InvalidCookieError for a name, value or attribute a cookie cannot carry
   * @example
   * ```ts
   * res.cookie('theme', 'dark', { maxAge: 60 * 60 * 24 * 365, sameSite: 'lax' })
   * ```
   */
  cookie(name: string, value: string, options?: CookieOptions): this {
    let line: string
    try {
      // The options go along for `encode`, which the type leaves out but JavaScript callers may give.
      line = stringifySetCookie(setCookieFields(name, value, options), options as StringifyOptions | undefined)
    } catch (err) {
      throw new InvalidCookieError(name, (err as Error).message)
    }
    // The package refuses every name, value and attribute outside printable ASCII: the line needs
    // no second check as a field value.
    return this.appendCheckedHeader('Set-Cookie', line)
  }

  /**
   * Tells the client to drop a cookie: an empty value that expired in 1970. Give the same `path`
   * and `domain` it was set with.
   * @returns this response, for chaining
   */
  clearCookie(name: string, options?: Omit<CookieOptions, 'maxAge' | 'expires' | 'signer'>): this {
    return this.cookie(name, '', { ...options, expires: new Date(0) })
  }

  /**
   * Removes every field of a name set so far.
   * @param name - header name, any case
   * @returns this response, for chaining
   */
  removeHeader(name: string): this {
    if (this.#state !== FRESH) throw new ResponseAlreadySentError(`remove header ${name}`)
    this.#headers.delete(name.toLowerCase())
    return this
  }

  /**
   * Reads a header set so far.
   * @param name - header name, any case
   * @returns its value (values joined by `, `), or `undefined`; see {@link getHeaders} for `Set-Cookie`
   */
  getHeader(name: string): string | undefined {
    return this.#headers.get(name.toLowerCase())
  }

  /**
   * @param name - header name, any case
   * @returns every value set for it, in order (each `Set-Cookie` on its own)
   */
  getHeaders(name: string): string[] {
    return this.#headers.getAll(name.toLowerCase())
  }

  /** Body bytes handed to the connection so far (after any content coding; none for HEAD). */
  get bodyBytes(): number {
    return this.#bodyBytes
  }

  /**
   * Attaches an App's lifecycle hooks; the App does it for each response it answers. @internal
   * @param hooks - told before the head and when the response is over
   */
  attachHooks(hooks: ResponseHooks<Response>): void {
    this.#hooks = hooks
  }

  /**
   * Sets the content coding the App applies to this response's body. @internal
   * @param encoder - asked before the head whether to encode
   */
  setBodyEncoder(encoder: BodyEncoder<Response>): void {
    this.#encoder = encoder
  }

  /** The head of the request this response answers. @internal */
  get requestHead(): RequestHead {
    return this.#request
  }

  /** The lifecycle hooks attached, if any. @internal */
  get hooks(): ResponseHooks<Response> | undefined {
    return this.#hooks
  }

  /** Asks for the connection to be closed after this response. */
  close(): this {
    this.#wantsClose = true
    return this
  }

  /**
   * Sends text (UTF-8; `text/plain` unless a Content-Type was set).
   * @param body - the text
   */
  text(body: string): void {
    this.#sendString('text()', body, TEXT_TYPE)
  }

  /**
   * Sends a value as JSON (`application/json` unless a Content-Type was set).
   * @param value - anything `JSON.stringify` accepts; `undefined` sends `null`
   */
  json(value: unknown): void {
    this.#sendString('json()', JSON.stringify(value) ?? 'null', JSON_TYPE)
  }

  /** Sends JSON text already serialised, as `json()` sends its value's. @internal */
  jsonText(text: string): void {
    this.#sendString('json()', text, JSON_TYPE)
  }

  /**
   * Sends an error answer: the status and the JSON body `{"message": …}` every error of the
   * server carries, with any details after the message.
   * @param status - an integer from 400 to 599
   * @param message - what the client is told
   * @param details - more fields of the body, e.g. `{ rule }` when a WAF rule blocked the request
   * @throws InvalidStatusError for a status outside 400–599
   * @example
   * ```ts
   * app.get('/teapot', (_req, res) => res.sendError(418, "I'm a teapot"))
   * ```
   */
  sendError(status: number, message: string, details?: Readonly<Record<string, unknown>>): void {
    if (this.#state !== FRESH) throw new ResponseAlreadySentError('sendError()')
    // An error body with a 2xx or 3xx reads as success to a client: only 4xx and 5xx carry one.
    if (!Number.isInteger(status) || status < 400 || status > 599)
      throw new InvalidStatusError(status, 'sendError() needs a status from 400 to 599')
    this.status(status)
    const headers = this.#headers
    // The body is JSON whatever type an earlier middleware chose for the success it expected, and
    // framing fields set for that body do not describe this one.
    if (headers.has(HeaderFlag.ContentType)) headers.set('Content-Type', JSON_TYPE)
    if (headers.has(HeaderFlag.ContentLength)) headers.delete('content-length')
    if (headers.has(HeaderFlag.TransferEncoding)) headers.delete('transfer-encoding')
    // Nor do the fields that describe that representation (its coding, its file name, its
    // validators): a 500 marked `Content-Encoding: gzip` is JSON no client can decode.
    for (const name of REPRESENTATION_FIELDS) headers.delete(name)
    // A 416 names the representation's length in `Content-Range: bytes */N` (RFC 9110 §15.5.17).
    if (status !== 416) headers.delete('content-range')
    this.#sendString('sendError()', errorBody(message, details), JSON_TYPE)
  }

  /**
   * Sends bytes (`application/octet-stream` unless a Content-Type was set), or text.
   * @param body - the bytes; omitted, an empty body
   */
  send(body?: Buffer | Uint8Array | string): void {
    if (typeof body === 'string') return this.#sendString('send()', body, TEXT_TYPE)
    if (this.#state !== FRESH) throw new ResponseAlreadySentError('send()')
    if (this.#hooks !== undefined) this.#beforeHead()
    const given = body === undefined ? Buffer.alloc(0) : bodyBytes(body)
    if (given.length > 0 && !this.#headers.has(HeaderFlag.ContentType)) this.#headers.setDefaultType(BYTES_TYPE)
    const bytes = this.#encoder !== undefined && given.length > 0 ? (this.#encoder.whole(this, given) ?? given) : given
    this.#queueHead(this.#buildHead(this.#wholeBodyFraming(bytes.length), bytes.length))
    if (this.#sendsBody()) {
      this.#sink.queueBytes(bytes)
      this.#bodyBytes = bytes.length
    }
    this.#finish()
  }

  /**
   * Redirects to another URL.
   * @param location - the target URL (absolute or relative)
   * @param status - 301, 302 (default), 303, 307 or 308
   */
  redirect(location: string, status = 302): void {
    if (status < 300 || status > 399) throw new InvalidStatusError(status)
    // A field value is bytes, and a URI is ASCII (RFC 3986 §2.1): anything else, and spaces and
    // controls, is percent-encoded as UTF-8, as a browser would write the same link.
    this.status(status).header('Location', location.replace(NOT_URI_CHAR, encodeURIComponent))
    this.send()
  }

  /**
   * Streams a file from disk (never read whole): Content-Type by extension, ETag and
   * Last-Modified with 304 answers to conditional requests, a single byte Range answered 206
   * (416 when unsatisfiable). A missing file rejects with `FileNotFoundError`, which the App
   * answers through its `notFound` handler (404 by default): return or await the promise.
   * @param path - the file's path
   * @param options - optional overrides
   * @returns a promise that settles when the file has been sent
   */
  file(path: string, options?: FileOptions): Promise<void> {
    if (this.#state !== FRESH) throw new ResponseAlreadySentError('file()')
    return sendFile(this, this.#request, path, options)
  }

  /**
   * Sends the head now and begins a streamed body: chunked unless a Content-Length was declared
   * (then exactly that many bytes must follow). Call once; `write` calls it when needed.
   * @param status - optional status code
   * @param headers - optional headers to set first
   */
  start(status?: number, headers?: Readonly<Record<string, string | number | readonly string[]>>): void {
    if (this.#state === CUT) return
    if (this.#state !== FRESH) throw new ResponseAlreadySentError('start()')
    if (status !== undefined) this.status(status)
    if (headers !== undefined) for (const name of Object.keys(headers)) this.header(name, headers[name]!)
    if (this.#hooks !== undefined) this.#beforeHead()
    if (this.#encoder !== undefined && !this.#headers.has(HeaderFlag.ContentLength) && !isBodyless(this.#status))
      this.#encoding = this.#encoder.stream(this)
    const fields = this.#headers
    checkFramingFields(this.#status, fields, true)
    const framing = framingFor(this.#status, true, this.#versionMinor, fields.has(HeaderFlag.ContentLength))
    if (framing === Framing.Length) this.#declaredLength = Number(fields.get('content-length'))
    // An HTTP/1.0 client cannot read chunked: the body ends when the connection does.
    if (framing === Framing.CloseDelimited) this.#closeDelimited = this.#wantsClose = true
    // HEAD gets GET's head, and no chunk of the body.
    this.#chunked = framing === Framing.Chunked && !this.#isHead
    const head = this.#buildHead(framing, 0)
    this.#queueHead(head)
    // Latin1 or ASCII: one byte per character.
    this.#sink.streamHeadQueued?.(head.length)
    this.#state = STREAMING
  }

  /**
   * Streams a piece of the body, waiting for the connection to accept it (backpressure).
   * @param chunk - bytes or UTF-8 text
   * @returns `false` when the connection is gone or the response was cut (a handler timeout), and
   *   the rest of the body can be dropped
   * @throws ContentLengthMismatchError when the bytes exceed the declared Content-Length
   */
  write(chunk: Buffer | Uint8Array | string): Promise<boolean> {
    if (this.#state === CUT) return RESOLVED_FALSE
    if (this.#state === FRESH) this.start()
    else if (this.#state !== STREAMING) throw new ResponseAlreadySentError('write()')
    const bytes = bodyBytes(chunk)
    if (this.#encoding !== undefined) return this.#writeEncoded(bytes, false)
    return this.#writeOut(bytes)
  }

  /**
   * How many bytes the next streamed piece may have without filling the connection's buffer past
   * its high-water mark (0 when it is full: the next write waits for it to drain). `res.stream()`
   * and `res.file()` size the pieces they pull from their source by it.
   * @returns bytes
   */
  writableRoom(): number {
    return this.#sink.writableRoom()
  }

  /** Passes a piece through the content coding, flushed so a streamed piece leaves now (SSE). */
  async #writeEncoded(bytes: Buffer, last: boolean): Promise<boolean> {
    const encoding = this.#encoding!
    const out: Buffer[] = []
    const collect = (piece: Buffer): void => void out.push(piece)
    encoding.on('data', collect)
    try {
      await new Promise<void>((resolve, reject) => {
        encoding.once('error', reject)
        if (last) {
          encoding.once('end', resolve)
          encoding.end(bytes)
        } else {
          encoding.write(bytes)
          ;(encoding as unknown as { flush(kind: number, callback: () => void): void }).flush(
            zlibConstants.Z_SYNC_FLUSH,
            resolve,
          )
        }
      })
    } finally {
      encoding.off('data', collect)
    }
    return this.#writeOut(out.length === 1 ? out[0]! : Buffer.concat(out))
  }

  #writeOut(bytes: Buffer): Promise<boolean> {
    // Cut while a piece was being encoded: what follows a 503 or a close must not be queued.
    if (this.#state === CUT) return RESOLVED_FALSE
    this.#bodyBytes += bytes.length
    if (this.#declaredLength >= 0 && this.#bodyBytes > this.#declaredLength) throw this.#lengthBroken()
    if (bytes.length > 0 && this.#sendsBody()) {
      if (this.#chunked) {
        const size = `${bytes.length.toString(16)}\r\n`
        this.#sink.queueText(size, size.length)
        this.#sink.queueBytes(bytes)
        this.#sink.queueBytes(CRLF)
      } else {
        this.#sink.queueBytes(bytes)
      }
    }
    return this.#sink.flush()
  }

  /**
   * Ends a streamed body (or sends an empty one), optionally with a last piece.
   * @param chunk - optional last piece
   * @returns `false` when the connection is gone or the response was cut
   * @throws ContentLengthMismatchError when fewer bytes than the declared Content-Length were written
   */
  async end(chunk?: Buffer | Uint8Array | string): Promise<boolean> {
    if (this.#state === ENDED || this.#state === FAILED) throw new ResponseAlreadySentError('end()')
    if (this.#state === CUT) return false
    if (chunk !== undefined) await this.write(chunk)
    else if (this.#state === FRESH) this.start()
    if (this.#encoding !== undefined) {
      await this.#writeEncoded(Buffer.alloc(0), true)
      this.#encoding = undefined
    }
    // Cut while the last piece was on its way: nothing more goes out, and its length is moot.
    if (this.#state === CUT) return false
    if (this.#declaredLength >= 0 && this.#bodyBytes !== this.#declaredLength && !this.#isHead)
      throw this.#lengthBroken()
    if (this.#chunked) this.#sink.queueText(LAST_CHUNK, LAST_CHUNK.length)
    this.#finish()
    return this.#sink.flush()
  }

  /**
   * Streams a Node `Readable` or an async iterable with backpressure, then ends the response.
   * The head is started at once. A source that fails is the handler's error, never thrown at a
   * caller who did not await: when nothing of the response has left yet (it failed before its
   * first piece), the error is answered as a thrown one would be (its status and `{"message": …}`,
   * through `app.onError`); once the head has left, the error goes to `app.onError` with its
   * request and the connection is closed (the client could not tell where the body ends).
   * @param source - the body's pieces
   * @returns whether the whole source was sent (`false` when the client left or the source failed)
   */
  stream(source: StreamSource): Promise<boolean> {
    if (this.#state === FRESH) this.start()
    else if (this.#state === ENDED || this.#state === FAILED) throw new ResponseAlreadySentError('stream()')
    return pipeSource(this, source, (err) => this.#streamFailed(err))
  }

  /** What a `stream()` source threw: left for the Session to answer once the handler is done. */
  #streamFailed(err: unknown): void {
    if (this.#state !== STREAMING) {
      // Ended or cut meanwhile (the failure is a write refused after the end): nothing to answer.
      this.cancel()
      this.#sink.reportError(err)
      return
    }
    this.#state = FAILED
    // Whoever waits for the end (the Session, a client session's run) learns of it now.
    this.#resolveFinished?.()
    this.#resolveFinished = undefined
    this.#finished = new StreamFailure(err)
  }

  /** What its stream source threw, while the Session has yet to answer it. @internal */
  get streamFailure(): StreamFailure | undefined {
    return this.#state === FAILED ? (this.#finished as StreamFailure) : undefined
  }

  /**
   * The Session took its streamed head back before any byte of it left: the response is fresh
   * again, so that the error is answered in its place. Only a FAILED response is retracted: its
   * source is done, so nothing else writes to it. @internal
   */
  retract(): void {
    this.#state = FRESH
    this.#chunked = false
    this.#closeDelimited = false
    this.#declaredLength = -1
    this.#bodyBytes = 0
    this.#encoding?.destroy()
    this.#encoding = undefined
    this.#finished = undefined
  }

  /**
   * Aborts the response in flight. The connection is closed: the client cannot tell where an
   * interrupted response ends.
   */
  cancel(): void {
    if (this.#state >= FAILED) return
    this.#state = ENDED
    this.#keepAlive = false
    this.#resolveFinished?.()
    this.#ended(true)
    this.#sink.abort()
  }

  /**
   * Writes pre-serialized response bytes as they are (see `ResponseBuilder`), in one write.
   * @param bytes - a whole HTTP response, as one buffer or several
   * @param options - `close: true` closes the connection after; otherwise keep-alive rules apply
   */
  sendRaw(bytes: Buffer | readonly Buffer[], options?: { readonly close?: boolean }): void {
    if (this.#state !== FRESH) throw new ResponseAlreadySentError('sendRaw()')
    for (const chunk of Buffer.isBuffer(bytes) ? [bytes] : bytes) {
      this.#sink.queueBytes(chunk)
      this.#bodyBytes += chunk.length
    }
    this.#keepAlive = options?.close !== true && !this.#sink.mustClose()
    this.#finish()
  }

  /**
   * Switches protocols: sends `101 Switching Protocols` (with `Connection: Upgrade` and the
   * request's `Upgrade` value unless given), then hands the transport and any bytes received
   * after the request to `handler`. The Session ends without touching them again.
   * @param handler - takes over the connection
   * @param headers - extra response headers (e.g. `Sec-WebSocket-Accept`)
   * @returns what `handler` returns, once it settles
   * @throws UpgradeNotRequestedError when the request did not ask for an upgrade
   */
  async upgrade<T>(
    handler: (connection: DetachedConnection) => T | Promise<T>,
    headers?: Readonly<Record<string, string | number | readonly string[]>>,
  ): Promise<T> {
    if (this.#state !== FRESH) throw new ResponseAlreadySentError('upgrade()')
    if (!this.#request.upgrade) throw new UpgradeNotRequestedError(this.#request.target)
    if (this.#hooks !== undefined) this.#beforeHead()
    this.#status = 101
    this.#headers.set('Connection', 'Upgrade')
    this.#headers.set('Upgrade', this.#request.header('upgrade') ?? '')
    if (headers !== undefined) for (const name of Object.keys(headers)) this.#headers.set(name, headers[name]!)
    this.#queueHead(buildHead(101, this.#headers, '', false, Framing.None, 0, false, 1))
    this.#finish()
    this.#keepAlive = false
    return handler(await this.#sink.detach())
  }

  /** Resolves when the response has ended (whole, streamed to its end, or aborted). @internal */
  finished(): Promise<void> {
    if (this.#state >= FAILED) return Promise.resolve()
    return (this.#finished ??= new Promise<void>((resolve) => (this.#resolveFinished = resolve))) as Promise<void>
  }

  /**
   * Marks the response as cut by the server (timed out, aborted, handed over): a stream's later
   * pieces are dropped (`write()` and `end()` resolve `false`), whole sends throw. @internal
   * @returns the hooks the response had when `replaced` (an answer sent in its place reports
   *   through them, so a request is reported once); otherwise they are told it was cut
   */
  seize(replaced = false): ResponseHooks<Response> | undefined {
    if (this.#state >= ENDED) return undefined
    this.#state = CUT
    this.#resolveFinished?.()
    if (!replaced) {
      this.#ended(true)
      return undefined
    }
    const hooks = this.#hooks
    this.#hooks = undefined
    return hooks
  }

  /** A whole text body, offered to the App's content coding first. */
  #sendEncoded(body: string, defaultType: string): void {
    if (!this.#headers.has(HeaderFlag.ContentType)) this.#headers.setDefaultType(defaultType)
    const given = Buffer.from(body, 'utf8')
    const bytes = this.#encoder!.whole(this, given) ?? given
    this.#queueHead(this.#buildHead(this.#wholeBodyFraming(bytes.length), bytes.length))
    if (this.#sendsBody()) {
      this.#sink.queueBytes(bytes)
      this.#bodyBytes = bytes.length
    }
    this.#finish()
  }

  #sendString(action: string, body: string, defaultType: string): void {
    if (this.#state !== FRESH) throw new ResponseAlreadySentError(action)
    if (this.#hooks !== undefined) this.#beforeHead()
    if (this.#encoder !== undefined && body !== '') return this.#sendEncoded(body, defaultType)
    const bodyBytes = Buffer.byteLength(body, 'utf8')
    if (this.#sendsPlainOk(body, bodyBytes, defaultType)) return
    if (!this.#headers.has(HeaderFlag.ContentType)) this.#headers.setDefaultType(defaultType)
    const head = this.#buildHead(this.#wholeBodyFraming(bodyBytes), bodyBytes)
    const sink = this.#sink
    if (!this.#sendsBody() || bodyBytes === 0) {
      this.#queueHead(head)
    } else if (this.#headers.isAscii && head.length + bodyBytes <= sink.smallWriteBytes) {
      // Small path: head and body become one string, encoded once into one buffer.
      sink.queueText(head + body, head.length + bodyBytes)
    } else {
      sink.queueBytes(Buffer.from(head, 'latin1'))
      sink.queueBytes(Buffer.from(body, 'utf8'))
    }
    if (this.#sendsBody()) this.#bodyBytes = bodyBytes
    this.#finish()
  }

  /**
   * The common response: 200, no field set by the handler, kept alive over HTTP/1.1, small. Its
   * head is the cached head (see `okHead`) around the length.
   * @returns whether it was sent; otherwise nothing was done
   */
  #sendsPlainOk(body: string, bodyBytes: number, contentType: string): boolean {
    const sink = this.#sink
    if (this.#status !== 200 || !this.#headers.isEmpty || this.#isHead || this.#versionMinor !== 1 || this.#wantsClose)
      return false
    if (bodyBytes === 0 || sink.mustClose()) return false
    // ASCII throughout, so its length is its byte count.
    const ok = okHead(sink.serverLine, contentType)
    const head = `${ok.prefix}${bodyBytes}${ok.suffix}`
    if (head.length + bodyBytes > sink.smallWriteBytes) return false
    this.#headers.setDefaultType(contentType)
    sink.queueText(head + body, head.length + bodyBytes)
    this.#bodyBytes = bodyBytes
    this.#finish()
    return true
  }

  /**
   * The framing of a whole body (none for 1xx, 204 and 304, else its length), after checking a
   * Content-Length the handler set: HEAD may declare GET's length; otherwise it must be the truth.
   */
  #wholeBodyFraming(bytes: number): number {
    const headers = this.#headers
    checkFramingFields(this.#status, headers, false)
    const hasLength = headers.has(HeaderFlag.ContentLength)
    const framing = framingFor(this.#status, false, this.#versionMinor, hasLength)
    if (framing === Framing.Length && hasLength && !this.#isHead) {
      const declared = Number(headers.get('content-length'))
      if (declared !== bytes) throw new ContentLengthMismatchError(declared, bytes)
    }
    return framing
  }

  /**
   * The body broke its declared length: what was sent goes out, then the connection closes, so
   * the client sees a short body rather than a response it could take as whole.
   */
  #lengthBroken(): ContentLengthMismatchError {
    this.#state = ENDED
    this.#keepAlive = false
    this.#sink.closeAfterFlush()
    this.#resolveFinished?.()
    this.#ended(true)
    return new ContentLengthMismatchError(this.#declaredLength, this.#bodyBytes)
  }

  #queueHead(head: string): void {
    // Field values may hold obs-text (0x80–0xFF), which must go out as single bytes, not UTF-8.
    if (this.#headers.isAscii) this.#sink.queueText(head, head.length)
    else this.#sink.queueBytes(Buffer.from(head, 'latin1'))
  }

  #sendsBody(): boolean {
    return !this.#isHead && !isBodyless(this.#status)
  }

  #finish(): void {
    this.#state = ENDED
    this.#resolveFinished?.()
    // The finish hooks learn of the response once its last byte is written, not when it is queued.
    if (this.#hooks !== undefined) this.#sink.whenWritten(this)
  }

  /** Its bytes have been written, or the connection ended first. @internal */
  writeSettled(aborted: boolean): void {
    this.#ended(aborted)
  }

  /** Runs the attached `beforeHead` hook; what it throws is reported, and the response goes on. */
  #beforeHead(): void {
    try {
      this.#hooks!.beforeHead(this)
    } catch (err) {
      this.#sink.reportError(err)
    }
  }

  /** Tells the attached hooks, once, that the response is over. */
  #ended(aborted: boolean): void {
    const hooks = this.#hooks
    if (hooks === undefined) return
    this.#hooks = undefined
    try {
      hooks.finished(this, aborted)
    } catch (err) {
      this.#sink.reportError(err)
    }
  }

  /**
   * @param framing - one of `Framing`
   * @param length - the body's length, for `Framing.Length` when the handler declared none
   */
  #buildHead(framing: number, length: number): string {
    const close = this.#wantsClose || this.#closeDelimited || this.#sink.mustClose()
    this.#keepAlive = !close
    return buildHead(
      this.#status,
      this.#headers,
      this.#sink.serverLine,
      true,
      framing,
      length,
      close,
      this.#versionMinor,
    )
  }
}
