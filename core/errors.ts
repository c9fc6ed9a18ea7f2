import { STATUS_CODES } from 'node:http'

/**
 * The brand every error of the project carries, whichever folder defines it: `router/`, `waf/`,
 * `certs/` and `transports/` import nothing from `core/`, so they cannot extend one class, but each
 * root class sets this registered symbol. It is found across copies of the package too.
 */
export const GATEHOUSE_ERROR = Symbol.for('gatehouse.error')

/**
 * The protocol errors: request bytes the Session refuses before any handler runs. Each row gives
 * the parser's result number, the stable code, the status and the message of the fixed response
 * (built from it once, at load), and the classes below take their code and status from it, so
 * the parser, the fixed responses and the classes cannot disagree. Frozen, rows and all: the fixed
 * responses are built from it once, so a row changed later would part the classes from the bytes.
 */
export const PROTOCOL_ERRORS = frozenRows({
  Malformed: { result: -2, code: 'ERR_MALFORMED_REQUEST', status: 400, message: 'Malformed HTTP request' },
  HeadTooLarge: { result: -3, code: 'ERR_HEAD_TOO_LARGE', status: 431, message: 'Request header fields too large' },
  TooManyHeaders: { result: -4, code: 'ERR_TOO_MANY_HEADERS', status: 431, message: 'Too many header fields' },
  TargetTooLong: { result: -5, code: 'ERR_TARGET_TOO_LONG', status: 414, message: 'URI too long' },
  VersionNotSupported: { result: -6, code: 'ERR_HTTP_VERSION', status: 505, message: 'HTTP version not supported' },
  ExpectationFailed: { result: -7, code: 'ERR_EXPECTATION_FAILED', status: 417, message: 'Expectation failed' },
  NotImplemented: { result: -8, code: 'ERR_NOT_IMPLEMENTED', status: 501, message: 'Transfer coding not implemented' },
  BodyTooLarge: { result: -9, code: 'ERR_BODY_TOO_LARGE', status: 413, message: 'Payload too large' },
  RequestTimeout: { result: -10, code: 'ERR_REQUEST_TIMEOUT', status: 408, message: 'Request timeout' },
  // The server, not the client, was too slow: 503, which a client does not take as its own fault.
  HandlerTimeout: { result: -11, code: 'ERR_HANDLER_TIMEOUT', status: 503, message: 'Handler timeout' },
} as const)

/** @returns the table, frozen with each of its rows */
function frozenRows<T extends Readonly<Record<string, object>>>(table: T): T {
  for (const row of Object.values(table)) Object.freeze(row)
  return Object.freeze(table)
}

/** One row of {@link PROTOCOL_ERRORS}. */
export type ProtocolError = (typeof PROTOCOL_ERRORS)[keyof typeof PROTOCOL_ERRORS]

/** The code of a protocol error: the fixed responses' codes, some of which also name a class. */
export type ProtocolErrorCode = ProtocolError['code']

/**
 * Every error code the core can raise or answer with. Codes never change once released, so a
 * `switch (err.code)` over this union can be exhaustive.
 */
export type CoreErrorCode =
  | ProtocolErrorCode
  | 'ERR_HTTP'
  | 'ERR_CONFIG_INVALID'
  | 'ERR_CONFIG_UNKNOWN_KEY'
  | 'ERR_BODY_INVALID_JSON'
  | 'ERR_RESPONSE_ALREADY_SENT'
  | 'ERR_INVALID_STATUS'
  | 'ERR_INVALID_HEADER'
  | 'ERR_CONTENT_LENGTH_MISMATCH'
  | 'ERR_SERVER_NOT_LISTENING'
  | 'ERR_NO_RESPONSE'
  | 'ERR_REQUEST_ABORTED'
  | 'ERR_UPGRADE_NOT_REQUESTED'
  | 'ERR_ALREADY_DETACHED'
  | 'ERR_DETACH_WHILE_READING'
  // The application layer's (core/app/errors.ts, core/request/form-errors.ts).
  | 'ERR_ROUTE_OPTION_INVALID'
  | 'ERR_ROUTE_OPTION_UNKNOWN'
  | 'ERR_OPTION_INVALID'
  | 'ERR_ADDRESS_IN_USE'
  | 'ERR_VALIDATION_FAILED'
  | 'ERR_FORM_INVALID'
  | 'ERR_FORM_TOO_LARGE'
  | 'ERR_UNSUPPORTED_MEDIA_TYPE'
  | 'ERR_COOKIE_INVALID'
  | 'ERR_REUSE_PORT_UNSUPPORTED'
  | 'ERR_WORKER_EXITED'
  | 'ERR_WORKER_CRASH_LOOP'
  | 'ERR_CLUSTER_NOT_PRIMARY'
  | 'ERR_FILE_NOT_FOUND'
  | 'ERR_FILE_PATH_INVALID'
  | 'ERR_FILE_OUTSIDE_ROOT'
  | 'ERR_MALFORMED_RESPONSE'

/**
 * The base of every error the core throws: a stable `code`, the HTTP `status` it maps to, and
 * the project's brand. The errors of `router/`, `waf/`, `certs/`, `transports/` and `sessions/`
 * extend their own folder's base, not this one, so recognise a project error with
 * {@link isGatehouseError} (it reads the brand), not `instanceof GatehouseError`.
 *
 * @example
 * ```ts
 * try { res.text('again') } catch (err) {
 *   if (isGatehouseError(err) && err.code === 'ERR_RESPONSE_ALREADY_SENT') { … }
 * }
 * ```
 */
export abstract class GatehouseError extends Error {
  /** The project's brand. */
  readonly [GATEHOUSE_ERROR] = true
  /** Stable machine-readable code. */
  abstract readonly code: CoreErrorCode
  /** The HTTP status this error answers with when it reaches a client. */
  abstract readonly status: number
}

/**
 * Whether a value is an error of this project, from any folder (core, router, WAF, certificates,
 * transports, sessions) and any copy of the package: they all carry {@link GATEHOUSE_ERROR}. The
 * way to tell the project's errors from others; `instanceof GatehouseError` sees the core's only.
 * @param value - anything thrown
 * @example
 * ```ts
 * app.onError((err, _req, res) => {
 *   if (isGatehouseError(err)) log.warn({ code: err.code, status: err.status }, err.message)
 * })
 * ```
 */
export function isGatehouseError(value: unknown): value is Error & { readonly code: string; readonly status: number } {
  return (
    typeof value === 'object' && value !== null && (value as { [GATEHOUSE_ERROR]?: unknown })[GATEHOUSE_ERROR] === true
  )
}

/**
 * The status a thrown value answers with: its `status` when that is an integer from 400 to 599,
 * else its `statusCode` when that is (as `http-errors`, fastify and Express read them); 500
 * otherwise.
 * @param value - anything thrown
 */
export function statusOfThrown(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 500
  const { status, statusCode } = value as { status?: unknown; statusCode?: unknown }
  if (isErrorStatus(status)) return status
  return isErrorStatus(statusCode) ? statusCode : 500
}

function isErrorStatus(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 599
}

/**
 * The message a client may see for a thrown value: its own for a 4xx (or when it says
 * `expose: true`), the status's reason phrase for a 5xx (or when it says `expose: false`), so an
 * internal failure never leaks its details.
 * @param value - anything thrown
 * @param status - its status, from {@link statusOfThrown}
 */
export function exposedMessage(value: unknown, status: number): string {
  const reason = STATUS_CODES[status] ?? 'Error'
  if (typeof value !== 'object' || value === null) return reason
  const { expose, message } = value as { expose?: unknown; message?: unknown }
  const shown = typeof expose === 'boolean' ? expose : status < 500
  return shown && typeof message === 'string' && message !== '' ? message : reason
}

/**
 * An error a handler throws to answer with a status: `throw new HttpError(403)`. The App answers
 * `{"message": …}` with that status; the message is shown for 4xx and hidden for 5xx (the reason
 * phrase is sent instead) unless `expose` says otherwise.
 *
 * @example
 * ```ts
 * app.get('/admin', (req) => {
 *   if (req.header('authorization') === undefined) throw new HttpError(401, 'Sign in first')
 *   return 'welcome'
 * })
 * ```
 */
export class HttpError extends GatehouseError {
  readonly code = 'ERR_HTTP'
  readonly status: number
  /** Whether the message is shown to the client. */
  readonly expose: boolean

  /**
   * @param status - an integer from 400 to 599
   * @param message - what went wrong; the status's reason phrase by default
   * @param options - `expose` overrides the 4xx-shown, 5xx-hidden default; `cause` is kept
   * @throws InvalidStatusError for a status outside 400–599
   */
  constructor(status: number, message?: string, options?: { readonly expose?: boolean; readonly cause?: unknown }) {
    if (!Number.isInteger(status) || status < 400 || status > 599)
      throw new InvalidStatusError(status, 'an HttpError needs a status from 400 to 599')
    super(
      message ?? STATUS_CODES[status] ?? 'Error',
      options?.cause === undefined ? undefined : { cause: options.cause },
    )
    this.status = status
    this.expose = options?.expose ?? status < 500
    this.name = 'HttpError'
  }
}

/**
 * The server does not implement what the request asks for (501): a method or a feature. The App
 * throws it for `CONNECT` (no tunnel is served), so `onError` and `onFinish` see it as they see a
 * handler's; a handler may throw it too. It is not a failure of the server, so the App does not
 * print it when no `onError` hook is set. The message is hidden (the reason phrase is sent) unless
 * `expose` says otherwise, as for any 5xx. The Session answers an unknown transfer coding with the
 * fixed response built from the same row of {@link PROTOCOL_ERRORS}, before any route or handler,
 * as it answers every other protocol error.
 *
 * @example
 * ```ts
 * app.all('/dav/*', (req) => { throw new NotImplementedError(`method ${req.method}`) })
 * ```
 */
export class NotImplementedError extends GatehouseError {
  readonly code = PROTOCOL_ERRORS.NotImplemented.code
  readonly status = PROTOCOL_ERRORS.NotImplemented.status
  /** Whether the message is shown to the client. */
  readonly expose: boolean
  /**
   * @param what - what is not implemented, e.g. `method BREW`
   * @param options - `expose: true` shows the message to the client (default false)
   */
  constructor(
    readonly what: string,
    options?: { readonly expose?: boolean },
  ) {
    super(`${what} is not implemented`)
    this.expose = options?.expose ?? false
    this.name = 'NotImplementedError'
  }
}

/** A configuration value is of the wrong type or out of range. The message names the key. */
export class InvalidConfigError extends GatehouseError {
  readonly code = 'ERR_CONFIG_INVALID'
  readonly status = 500
  /**
   * @param key - dotted path of the bad key, e.g. `limits.maxBodyBytes`
   * @param reason - what is wrong with the value, in plain words
   */
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`config ${key}: ${reason}`)
    this.name = 'InvalidConfigError'
  }
}

/**
 * An option or argument of a public API is wrong: a built-in middleware's or helper's (`cors`,
 * `app.static`, `compression` …), a `CookieSigner`'s keys, a route's or `app.connect()`'s handlers.
 * It lives in the bottom layer so that every layer can throw it.
 */
export class InvalidOptionError extends GatehouseError {
  readonly code = 'ERR_OPTION_INVALID'
  readonly status = 500
  /**
   * @param key - dotted name of the option, e.g. `cors.origin`
   * @param reason - what is wrong with its value
   */
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`${key}: ${reason}`)
    this.name = 'InvalidOptionError'
  }
}

/** A configuration object has a key Gatehouse does not know (usually a typo). */
export class UnknownConfigKeyError extends GatehouseError {
  readonly code = 'ERR_CONFIG_UNKNOWN_KEY'
  readonly status = 500
  /** @param key - dotted path of the unknown key */
  constructor(readonly key: string) {
    super(`config ${key}: unknown key`)
    this.name = 'UnknownConfigKeyError'
  }
}

/** The request bytes break RFC 9112; the connection is closed after the 400. */
export class MalformedRequestError extends GatehouseError {
  readonly code = PROTOCOL_ERRORS.Malformed.code
  readonly status = PROTOCOL_ERRORS.Malformed.status
  /** @param detail - which rule the bytes broke */
  constructor(readonly detail: string) {
    super(`malformed request: ${detail}`)
    this.name = 'MalformedRequestError'
  }
}

/** The header block grew past `limits.maxHeaderBytes`. */
export class HeadTooLargeError extends GatehouseError {
  readonly code = PROTOCOL_ERRORS.HeadTooLarge.code
  readonly status = PROTOCOL_ERRORS.HeadTooLarge.status
  /** @param limit - the configured maximum in bytes */
  constructor(readonly limit: number) {
    super(`header block exceeds maxHeaderBytes (${limit})`)
    this.name = 'HeadTooLargeError'
  }
}

/** The body is, or declares itself, larger than the body limit in force. */
export class BodyTooLargeError extends GatehouseError {
  readonly code = PROTOCOL_ERRORS.BodyTooLarge.code
  readonly status = PROTOCOL_ERRORS.BodyTooLarge.status
  /** @param limit - the limit in bytes that applied to this request */
  constructor(readonly limit: number) {
    super(`request body exceeds maxBodyBytes (${limit})`)
    this.name = 'BodyTooLargeError'
  }
}

/** `req.json()` met a body that is not valid JSON. */
export class InvalidJsonBodyError extends GatehouseError {
  readonly code = 'ERR_BODY_INVALID_JSON'
  readonly status = 400
  /** @param reason - the JSON parser's message */
  constructor(reason: string) {
    super(`request body is not valid JSON: ${reason}`)
    this.name = 'InvalidJsonBodyError'
  }
}

/** A handler tried to send a response, or change its head, after it was sent. */
export class ResponseAlreadySentError extends GatehouseError {
  readonly code = 'ERR_RESPONSE_ALREADY_SENT'
  readonly status = 500
  /** @param action - what the handler tried, e.g. `text()` */
  constructor(readonly action: string) {
    super(`cannot ${action}: the response was already sent`)
    this.name = 'ResponseAlreadySentError'
  }
}

/** A status code outside 100–999, a non-integer one, or one that cannot be used where it was given. */
export class InvalidStatusError extends GatehouseError {
  readonly code = 'ERR_INVALID_STATUS'
  readonly status = 500
  /**
   * @param value - the rejected status
   * @param reason - why it cannot be used there, when it is a valid code
   */
  constructor(
    readonly value: unknown,
    reason?: string,
  ) {
    super(`invalid status code: ${String(value)}${reason === undefined ? '' : ` (${reason})`}`)
    this.name = 'InvalidStatusError'
  }
}

/** A handler set a header whose name is not a token or whose value holds CR, LF or NUL. */
export class InvalidHeaderError extends GatehouseError {
  readonly code = 'ERR_INVALID_HEADER'
  readonly status = 500
  /**
   * @param headerName - the header name
   * @param reason - what is wrong with it
   */
  constructor(
    readonly headerName: string,
    reason: string,
  ) {
    super(`invalid header ${JSON.stringify(headerName)}: ${reason}`)
    this.name = 'InvalidHeaderError'
  }
}

/** A response wrote more or fewer bytes than the Content-Length it declared. */
export class ContentLengthMismatchError extends GatehouseError {
  readonly code = 'ERR_CONTENT_LENGTH_MISMATCH'
  readonly status = 500
  /**
   * @param declared - the declared Content-Length
   * @param actual - how many body bytes were written
   */
  constructor(
    readonly declared: number,
    readonly actual: number,
  ) {
    super(`response declared Content-Length ${declared} but wrote ${actual} bytes`)
    this.name = 'ContentLengthMismatchError'
  }
}

/** `server.port` or `server.url` was read before the server was listening. */
export class ServerNotListeningError extends GatehouseError {
  readonly code = 'ERR_SERVER_NOT_LISTENING'
  readonly status = 500
  constructor() {
    super('the server is not listening')
    this.name = 'ServerNotListeningError'
  }
}

/** A handler finished without sending a response or returning a value to send. */
export class NoResponseError extends GatehouseError {
  readonly code = 'ERR_NO_RESPONSE'
  readonly status = 500
  /** @param target - the request-target whose handler sent nothing */
  constructor(readonly target: string) {
    super(`the handler for ${target} finished without sending a response`)
    this.name = 'NoResponseError'
  }
}

/** The client closed the connection before the body it announced had arrived. */
export class RequestAbortedError extends GatehouseError {
  readonly code = 'ERR_REQUEST_ABORTED'
  readonly status = 400
  /** @param received - body bytes received before the connection ended */
  constructor(readonly received: number) {
    super(`the client closed the connection after ${received} body bytes, before the body ended`)
    this.name = 'RequestAbortedError'
  }
}

/** `res.upgrade()` was called for a request that did not ask for an upgrade. */
export class UpgradeNotRequestedError extends GatehouseError {
  readonly code = 'ERR_UPGRADE_NOT_REQUESTED'
  readonly status = 426
  /** @param target - the request-target */
  constructor(readonly target: string) {
    super(`the request for ${target} did not ask for an upgrade (Connection: upgrade and Upgrade)`)
    this.name = 'UpgradeNotRequestedError'
  }
}

/**
 * `detach()` was called while the Session waited in `read()` on a transport that cannot take a
 * read back (one without `tryRead`/`notifyReadable`): the next chunk would be lost to the new owner.
 * Detach from a handler, or give the transport `tryRead` and `notifyReadable`.
 */
export class DetachWhileReadingError extends GatehouseError {
  readonly code = 'ERR_DETACH_WHILE_READING'
  readonly status = 500
  constructor() {
    super(
      'the connection cannot be detached while its Session waits in read() on a transport ' +
        'without tryRead/notifyReadable',
    )
    this.name = 'DetachWhileReadingError'
  }
}

/** `detach()` was called twice on one connection. */
export class AlreadyDetachedError extends GatehouseError {
  readonly code = 'ERR_ALREADY_DETACHED'
  readonly status = 500
  constructor() {
    super('the connection was already detached from its Session')
    this.name = 'AlreadyDetachedError'
  }
}

/** `reusePort` was asked for where Node cannot give it (Node 22.12+ / 23.1+ on Linux can). */
export class ReusePortUnsupportedError extends GatehouseError {
  readonly code = 'ERR_REUSE_PORT_UNSUPPORTED'
  readonly status = 500
  /**
   * @param nodeVersion - the running Node version, e.g. `v20.19.0`
   * @param platform - `process.platform`
   */
  constructor(
    readonly nodeVersion: string,
    readonly platform: string,
  ) {
    super(`reusePort needs Node 22.12+ or 23.1+ on Linux; this is Node ${nodeVersion} on ${platform}`)
    this.name = 'ReusePortUnsupportedError'
  }
}

/**
 * A cluster worker exited without being asked to. Reported to the App's error hooks in the
 * primary; `restartInMs` says when its replacement starts (undefined when none will).
 */
export class WorkerExitedError extends GatehouseError {
  readonly code = 'ERR_WORKER_EXITED'
  readonly status = 500
  /**
   * @param workerId - the cluster worker id
   * @param pid - its process id
   * @param exitCode - its exit code, or null when a signal ended it
   * @param signal - the signal that ended it, or null
   * @param restartInMs - the back-off before its replacement starts, or undefined
   */
  constructor(
    readonly workerId: number,
    readonly pid: number | undefined,
    readonly exitCode: number | null,
    readonly signal: string | null,
    readonly restartInMs: number | undefined,
  ) {
    const how = signal === null ? `with code ${exitCode}` : `on ${signal}`
    const next = restartInMs === undefined ? 'not restarted' : `restarting in ${restartInMs} ms`
    super(`worker ${workerId} (pid ${pid}) exited unexpectedly ${how}; ${next}`)
    this.name = 'WorkerExitedError'
  }
}

/** One worker slot exited too often within the window: the primary stopped restarting it. */
export class WorkerCrashLoopError extends GatehouseError {
  readonly code = 'ERR_WORKER_CRASH_LOOP'
  readonly status = 500
  /**
   * @param slot - the worker slot (0 … workers − 1)
   * @param exits - unexpected exits counted in the window
   * @param windowMs - the window, `restart.crashLoopWindowMs`
   */
  constructor(
    readonly slot: number,
    readonly exits: number,
    readonly windowMs: number,
  ) {
    super(`worker slot ${slot} exited ${exits} times within ${windowMs} ms: a crash loop; it is no longer restarted`)
    this.name = 'WorkerCrashLoopError'
  }
}

/** Something only the cluster's primary can do was asked of a worker. */
export class ClusterNotPrimaryError extends GatehouseError {
  readonly code = 'ERR_CLUSTER_NOT_PRIMARY'
  readonly status = 500
  /** @param operation - what was asked, e.g. `restartWorkers()` */
  constructor(readonly operation: string) {
    super(`${operation} can only be called in the cluster's primary process`)
    this.name = 'ClusterNotPrimaryError'
  }
}

/**
 * `res.file()` found no regular file at the path. The App answers it through its `notFound`
 * handler (404 by default); a handler may catch it to answer otherwise.
 */
export class FileNotFoundError extends GatehouseError {
  readonly code = 'ERR_FILE_NOT_FOUND'
  readonly status = 404
  /** @param path - the path as the handler gave it */
  constructor(readonly path: string) {
    super(`no file at ${JSON.stringify(path)}`)
    this.name = 'FileNotFoundError'
  }
}
/** A `res.file()` path that cannot name a file: it holds a NUL (400). */
export class InvalidFilePathError extends GatehouseError {
  readonly code = 'ERR_FILE_PATH_INVALID'
  readonly status = 400
  /**
   * @param path - the path as given
   * @param reason - what is wrong with it
   */
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`invalid file path ${JSON.stringify(path)}: ${reason}`)
    this.name = 'InvalidFilePathError'
  }
}

/**
 * A `res.file()` path that leaves its `root`: through `..`, an absolute path, or (unless
 * `followSymlinks` allows it) a symbolic link pointing outside. Answered 404, as if nothing were there.
 */
export class FileOutsideRootError extends GatehouseError {
  readonly code = 'ERR_FILE_OUTSIDE_ROOT'
  readonly status = 404
  /**
   * @param path - the path as given
   * @param root - the root it had to stay in
   */
  constructor(
    readonly path: string,
    readonly root: string,
  ) {
    super(`file path ${JSON.stringify(path)} leaves its root ${JSON.stringify(root)}`)
    this.name = 'FileOutsideRootError'
  }
}

/**
 * Bytes read back as responses (`app.inject()`, `parseResponses()`) are not a sequence of whole
 * responses: a head cut short, a bad status line, a broken chunked body, a body shorter than its
 * Content-Length, or no final response at all (the handler detached the connection, say).
 */
export class MalformedResponseError extends GatehouseError {
  readonly code = 'ERR_MALFORMED_RESPONSE'
  readonly status = 500
  /** @param reason - what is wrong, naming the byte offset or the bytes */
  constructor(reason: string) {
    super(reason)
    this.name = 'MalformedResponseError'
  }
}
