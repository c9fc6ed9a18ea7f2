import type { TlsDetails } from '../../transports/transport.js'
import { InvalidJsonBodyError } from '../errors.js'
import { resolveForwarded, type ForwardedView } from './forwarded.js'
import type { ProxyTrust } from '../config/trust-proxy.js'
import type { RequestHead } from '../wire/request-head.js'
import type { Connection } from './connection.js'
import { BodyStream } from './body-stream.js'
import { parseCookie } from 'cookie'
import type { CookieSigner } from './cookie-signer.js'
import { readForm, type FormBody, type FormOptions } from './form-body.js'
import type { ClientSession } from '../../sessions/client-session.js'
import { currentSessions } from '../../sessions/current-session.js'
import { NOT_KEPT, takeParsedJson } from '../../waf/parsed-json.js'

/** Told when a handler assigns `req.session`, so the response can carry the session's cookie or URI. */
export interface RequestSessionSink {
  assigned(
    req: Request,
    response: unknown,
    session: ClientSession | undefined,
    previous: ClientSession | undefined,
  ): void
}

let setSession: (req: Request, session: ClientSession | undefined, sink: RequestSessionSink, response: unknown) => void

/**
 * Gives a request the session it arrived with, without telling the sink (nothing to send for it),
 * and the sink to tell when a handler assigns another. @internal
 */
export function attachSession(
  req: Request,
  session: ClientSession | undefined,
  sink: RequestSessionSink,
  response: unknown,
): void {
  setSession(req, session, sink, response)
}

const EMPTY_BODY = Buffer.alloc(0)

/** What a Request needs to know about its connection. */
export interface RequestConnection {
  readonly remoteAddress: string | undefined
  readonly tls: TlsDetails | undefined
  /** Aborted when the connection ends or a timeout fires. */
  readonly signal: AbortSignal
  /** The connection, shared by every request on it. */
  readonly connection: Connection
  /** The App's compiled `trustProxy`; undefined when no peer is trusted. */
  readonly trustProxy?: ProxyTrust | undefined
}

/**
 * One request, as a handler sees it. Header maps, the query object and state are built on first
 * use, so a handler that never reads them never pays for them.
 *
 * @typeParam P - the route's params, inferred from its path (or its `schema.params`)
 * @typeParam D - the validated body in `req.data`, from the route's `schema.body`
 * @typeParam Q - the query's type, from the route's `schema.query`
 * @example
 * ```ts
 * app.post('/users/:id', async (req, res) => {
 *   const patch = req.json() as { name: string }
 *   res.json({ id: req.params.id, name: patch.name, agent: req.header('user-agent') })
 * })
 * ```
 */
export class Request<
  P extends object = Record<string, string>,
  D = unknown,
  Q extends object = Record<string, string>,
> {
  readonly #head: RequestHead
  readonly #connection: RequestConnection
  #forwardedView: ForwardedView | undefined
  #headers: Record<string, string> | undefined
  #query: Q | undefined
  #data: D | undefined
  #cookies: Record<string, string> | undefined
  #state: Record<string, unknown> | undefined
  /** The body, read whole before the handler runs (empty when there was none, or when streamed). */
  readonly body: Buffer
  readonly #stream: BodyStream | undefined
  /** Route params, percent-decoded. */
  readonly params: P
  #session: ClientSession | undefined
  #sessionSink: RequestSessionSink | undefined
  // The response the sink adds the session's cookie or Location to: the layer above knows its type.
  #sessionResponse: unknown

  static {
    setSession = (req, session, sink, response) => {
      req.#session = session
      req.#sessionSink = sink
      req.#sessionResponse = response
    }
  }

  /**
   * Makes the Request of a parsed head. Users get theirs as a handler's argument.
   * @param head - the parsed head
   * @param body - the body bytes
   * @param params - route params
   * @param connection - the connection it arrived on
   * @internal
   */
  static open<P extends object = Record<string, string>>(
    head: RequestHead,
    body: Buffer | BodyStream | undefined,
    params: P,
    connection: RequestConnection,
  ): Request<P> {
    return new Request(head, body, params, connection)
  }

  private constructor(
    head: RequestHead,
    body: Buffer | BodyStream | undefined,
    params: P,
    connection: RequestConnection,
  ) {
    this.#head = head
    this.body = body === undefined || body instanceof BodyStream ? EMPTY_BODY : body
    this.#stream = body instanceof BodyStream ? body : undefined
    this.params = params
    this.#connection = connection
  }

  /** The method, e.g. `GET`. */
  get method(): string {
    return this.#head.method
  }

  /** The request-target exactly as received, e.g. `/search?q=x`. */
  get target(): string {
    return this.#head.target
  }

  /** The path without the query string, not decoded. */
  get path(): string {
    return this.#head.path
  }

  /**
   * The host the request is for, as `host[:port]` (RFC 3986 `uri-host [":" port]`), validated by
   * the parser: the target's authority when the target is in absolute or authority form (RFC 9112
   * §3.2.2: it wins over Host), else the Host field; `''` for a request that names none (HTTP/1.0
   * without Host, or an empty Host). A request whose Host is invalid never reaches a handler (400).
   */
  get host(): string {
    return this.#connection.trustProxy === undefined ? this.#head.authority : this.#forwarded().host
  }

  /**
   * The client's address: the socket's peer, or with `trustProxy` the address trusted proxies
   * forwarded (`Forwarded: for=`, `X-Forwarded-For`), never taken from an untrusted peer.
   */
  get ip(): string | undefined {
    return this.#connection.trustProxy === undefined ? this.#connection.remoteAddress : this.#forwarded().ip
  }

  /** `https` or `http`: the socket's, or with `trustProxy` what the client used in front of trusted proxies. */
  get protocol(): 'http' | 'https' {
    if (this.#connection.trustProxy === undefined) return this.#connection.tls !== undefined ? 'https' : 'http'
    return this.#forwarded().protocol
  }

  #forwarded(): ForwardedView {
    return (this.#forwardedView ??= resolveForwarded(
      this.#connection.remoteAddress,
      this.#connection.tls !== undefined,
      this.#head.authority,
      (name) => this.headers[name],
      this.#connection.trustProxy!,
    ))
  }

  /** `"1.1"` or `"1.0"`. */
  get httpVersion(): string {
    return this.#head.versionMinor === 1 ? '1.1' : '1.0'
  }

  /**
   * Query parameters, decoded; with repeated names the last one wins (see {@link searchParams}).
   * On a route with `schema.query`, the validated value.
   */
  get query(): Q {
    if (this.#query === undefined) {
      const query = Object.create(null) as Record<string, string>
      if (this.#head.query !== '')
        for (const [name, value] of new URLSearchParams(this.#head.query)) query[name] = value
      this.#query = query as Q
    }
    return this.#query
  }

  /**
   * Cookies from the `Cookie` field(s), by name, percent-decoded (with the `cookie` package),
   * parsed on first use. The first of a repeated name wins (RFC 6265 §5.4: the most specific).
   */
  get cookies(): Readonly<Record<string, string>> {
    if (this.#cookies === undefined) {
      const cookies = Object.create(null) as Record<string, string>
      const raw = this.#head.headers
      for (let i = 0; i < raw.length; i += 2) {
        if (raw[i]!.length !== 6 || raw[i]!.toLowerCase() !== 'cookie') continue
        const parsed = parseCookie(raw[i + 1]!)
        for (const name in parsed) if (!(name in cookies) && parsed[name] !== undefined) cookies[name] = parsed[name]
      }
      this.#cookies = cookies
    }
    return this.#cookies
  }

  /**
   * A cookie set with `res.cookie(name, value, { signer })`, verified.
   * @param name - the cookie's name
   * @param signer - the keys it was signed with
   * @returns its value, or `undefined` when it is missing or its signature does not verify
   */
  signedCookie(name: string, signer: CookieSigner): string | undefined {
    const value = this.cookies[name]
    return value === undefined ? undefined : signer.unsign(value)
  }

  /** The body as the route's `schema.body` validated it; `undefined` on routes without one. */
  get data(): D {
    return this.#data as D
  }

  /**
   * Puts a validated value in place of what was received. @internal
   * @param part - which part the route's schema validated
   * @param value - the validator's output
   */
  setValidated(part: 'body' | 'query' | 'params', value: unknown): void {
    if (part === 'body') this.#data = value as D
    else if (part === 'query') this.#query = value as Q
    else (this as { params: unknown }).params = value
  }

  /** The query as `URLSearchParams`, for repeated names. */
  get searchParams(): URLSearchParams {
    return new URLSearchParams(this.#head.query)
  }

  /**
   * @param name - a header name, any case
   * @returns the first field of that name, or `undefined`
   */
  header(name: string): string | undefined {
    return this.#head.header(name.toLowerCase())
  }

  /** Headers by lower-cased name; repeated fields are joined with `, ` (`Set-Cookie`-style ones too). */
  get headers(): Readonly<Record<string, string>> {
    if (this.#headers === undefined) {
      const headers = Object.create(null) as Record<string, string>
      const raw = this.#head.headers
      for (let i = 0; i < raw.length; i += 2) {
        const name = raw[i]!.toLowerCase()
        const existing = headers[name]
        headers[name] = existing === undefined ? raw[i + 1]! : `${existing}, ${raw[i + 1]}`
      }
      this.#headers = headers
    }
    return this.#headers
  }

  /** Every field as received: `[name, value]` pairs in order, names in their original case. */
  get rawHeaders(): [string, string][] {
    const raw = this.#head.headers
    const pairs: [string, string][] = []
    for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!])
    return pairs
  }

  /**
   * The body as it arrives, on routes registered with `streamBody: true`; on other routes the
   * whole body in one piece. Iterate it once.
   * @returns an async iterable of body pieces
   */
  stream(): AsyncIterable<Buffer> {
    if (this.#stream !== undefined) return this.#stream
    const body = this.body
    return (async function* () {
      if (body.length > 0) yield body
    })()
  }

  /** Trailer fields of a chunked body, by lower-cased name (empty until a streamed body has ended). */
  get trailers(): Readonly<Record<string, string>> {
    const trailers = Object.create(null) as Record<string, string>
    const raw = this.#head.trailers ?? []
    for (let i = 0; i < raw.length; i += 2) trailers[raw[i]!.toLowerCase()] = raw[i + 1]!
    return trailers
  }

  /** Whether the client asked to switch protocols (`Connection: upgrade` with an `Upgrade` field). */
  get isUpgrade(): boolean {
    return this.#head.upgrade
  }

  /** The connection it arrived on: data shared across its requests, counters, `abort()`, `detach()`. */
  get connection(): Connection {
    return this.#connection.connection
  }

  /** The body decoded as UTF-8. */
  text(): string {
    return this.body.toString('utf8')
  }

  /**
   * The body parsed as JSON.
   * @throws InvalidJsonBodyError (answered 400 when not caught) for an empty or invalid body
   */
  json<T = unknown>(): T {
    const text = this.body.toString('utf8')
    // The WAF parsed this very text when it checked the body: its value, handed over once.
    const kept = takeParsedJson(text)
    if (kept !== NOT_KEPT) return kept as T
    try {
      return JSON.parse(text) as T
    } catch (err) {
      throw new InvalidJsonBodyError((err as Error).message)
    }
  }

  /**
   * The body read as a form (`application/x-www-form-urlencoded` or `multipart/form-data`, with
   * busboy), every limit enforced as bytes arrive. On a `streamBody` route with `onFile`, files
   * stream to the handler without being buffered.
   * @param options - limits, and `onFile` to receive files as streams
   * @returns fields and files
   * @throws UnsupportedMediaTypeError (415), InvalidFormError (400), FormTooLargeError (413);
   *   uncaught, each is answered with its status
   * @example
   * ```ts
   * const { fields, files } = await req.form({ maxFileBytes: 1024 * 1024 })
   * ```
   */
  form(options?: FormOptions): Promise<FormBody> {
    return readForm(this.header('content-type'), this.stream(), options)
  }

  /** Per-request storage for middleware to pass values to handlers. */
  get state(): Record<string, unknown> {
    return (this.#state ??= Object.create(null) as Record<string, unknown>)
  }

  /** The peer's address, when the transport knows it. */
  get remoteAddress(): string | undefined {
    return this.#connection.remoteAddress
  }

  /** Whether the request arrived over TLS: the socket's, or with `trustProxy` the client's (`protocol` is `https`). */
  get secure(): boolean {
    return this.#connection.trustProxy === undefined
      ? this.#connection.tls !== undefined
      : this.#forwarded().protocol === 'https'
  }

  /** TLS details (protocol, cipher, servername, ALPN, peer certificate), or `undefined` over plain TCP. */
  get tls(): TlsDetails | undefined {
    return this.#connection.tls
  }

  /**
   * The client session this request carries (by WebSocket, Referer, cookie, X-Referer or a route's
   * session param), or `undefined`. Assigning one (`req.session = app.sessions.create(…)`) makes it
   * current and sends its cookie, or its URI in `Location`, with this response.
   */
  get session(): ClientSession | undefined {
    return this.#session
  }

  set session(session: ClientSession | undefined) {
    const previous = this.#session
    this.#session = session
    if (session !== undefined) currentSessions.enterWith(session)
    this.#sessionSink?.assigned(this as unknown as Request, this.#sessionResponse, session, previous)
  }

  /** Aborted when the connection ends or a timeout fires: pass it to work that should stop then. */
  get signal(): AbortSignal {
    return this.#connection.signal
  }
}
