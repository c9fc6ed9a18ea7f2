/**
 * Every error code the core can raise. Codes never change once released, so a
 * `switch (err.code)` over this union can be exhaustive.
 */
export type CoreErrorCode =
  | 'ERR_CONFIG_INVALID'
  | 'ERR_CONFIG_UNKNOWN_KEY'
  | 'ERR_MALFORMED_REQUEST'
  | 'ERR_HEAD_TOO_LARGE'
  | 'ERR_TOO_MANY_HEADERS'
  | 'ERR_TARGET_TOO_LONG'
  | 'ERR_BODY_TOO_LARGE'
  | 'ERR_HTTP_VERSION'
  | 'ERR_EXPECTATION_FAILED'
  | 'ERR_REQUEST_TIMEOUT'
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

/**
 * The base of every error the core throws: a stable `code` and the HTTP `status` it maps to.
 *
 * @example
 * ```ts
 * try { res.text('again') } catch (err) {
 *   if (err instanceof GatehouseError && err.code === 'ERR_RESPONSE_ALREADY_SENT') { … }
 * }
 * ```
 */
export abstract class GatehouseError extends Error {
  /** Stable machine-readable code. */
  abstract readonly code: CoreErrorCode
  /** The HTTP status this error answers with when it reaches a client. */
  abstract readonly status: number
}

/** A configuration value is of the wrong type or out of range. The message names the key. */
export class InvalidConfigError extends GatehouseError {
  readonly code = 'ERR_CONFIG_INVALID'
  readonly status = 500
  /**
   * @param key - dotted path of the bad key, e.g. `limits.maxBodyBytes`
   * @param reason - what is wrong with the value, in plain words
   */
  constructor(readonly key: string, reason: string) {
    super(`config ${key}: ${reason}`)
    this.name = 'InvalidConfigError'
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
  readonly code = 'ERR_MALFORMED_REQUEST'
  readonly status = 400
  /** @param detail - which rule the bytes broke */
  constructor(readonly detail: string) {
    super(`malformed request: ${detail}`)
    this.name = 'MalformedRequestError'
  }
}

/** The header block grew past `limits.maxHeaderBytes`. */
export class HeadTooLargeError extends GatehouseError {
  readonly code = 'ERR_HEAD_TOO_LARGE'
  readonly status = 431
  /** @param limit - the configured maximum in bytes */
  constructor(readonly limit: number) {
    super(`header block exceeds maxHeaderBytes (${limit})`)
    this.name = 'HeadTooLargeError'
  }
}

/** The header block has more fields than `limits.maxHeaderCount`. */
export class TooManyHeadersError extends GatehouseError {
  readonly code = 'ERR_TOO_MANY_HEADERS'
  readonly status = 431
  /** @param limit - the configured maximum number of fields */
  constructor(readonly limit: number) {
    super(`header block has more than maxHeaderCount (${limit}) fields`)
    this.name = 'TooManyHeadersError'
  }
}

/** The request-target is longer than `limits.maxTargetBytes`. */
export class TargetTooLongError extends GatehouseError {
  readonly code = 'ERR_TARGET_TOO_LONG'
  readonly status = 414
  /** @param limit - the configured maximum in bytes */
  constructor(readonly limit: number) {
    super(`request-target exceeds maxTargetBytes (${limit})`)
    this.name = 'TargetTooLongError'
  }
}

/** The body is, or declares itself, larger than the body limit in force. */
export class BodyTooLargeError extends GatehouseError {
  readonly code = 'ERR_BODY_TOO_LARGE'
  readonly status = 413
  /** @param limit - the limit in bytes that applied to this request */
  constructor(readonly limit: number) {
    super(`request body exceeds maxBodyBytes (${limit})`)
    this.name = 'BodyTooLargeError'
  }
}

/** The request names an HTTP version other than 1.0 or 1.1. */
export class VersionNotSupportedError extends GatehouseError {
  readonly code = 'ERR_HTTP_VERSION'
  readonly status = 505
  /** @param version - the version text as received */
  constructor(readonly version: string) {
    super(`HTTP version not supported: ${JSON.stringify(version)}`)
    this.name = 'VersionNotSupportedError'
  }
}

/** The request carries an `Expect` other than `100-continue`. */
export class ExpectationFailedError extends GatehouseError {
  readonly code = 'ERR_EXPECTATION_FAILED'
  readonly status = 417
  /** @param expectation - the `Expect` value as received */
  constructor(readonly expectation: string) {
    super(`unsupported expectation: ${JSON.stringify(expectation)}`)
    this.name = 'ExpectationFailedError'
  }
}

/** A stage of the request (head, body, handler) or an idle connection ran out of time. */
export class RequestTimeoutError extends GatehouseError {
  readonly code = 'ERR_REQUEST_TIMEOUT'
  readonly status = 408
  /**
   * @param stage - which timeout fired: `head`, `body`, `handler` or `idle`
   * @param timeoutMs - its configured duration
   */
  constructor(readonly stage: string, readonly timeoutMs: number) {
    super(`${stage} timeout after ${timeoutMs} ms`)
    this.name = 'RequestTimeoutError'
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

/** A handler set a status code outside 100–999 or a non-integer one. */
export class InvalidStatusError extends GatehouseError {
  readonly code = 'ERR_INVALID_STATUS'
  readonly status = 500
  /** @param value - the rejected status */
  constructor(readonly value: unknown) {
    super(`invalid status code: ${String(value)}`)
    this.name = 'InvalidStatusError'
  }
}

/** A handler set a header whose name is not a token or whose value holds CR, LF or NUL. */
export class InvalidHeaderError extends GatehouseError {
  readonly code = 'ERR_INVALID_HEADER'
  readonly status = 500
  /**
   * @param name - the header name
   * @param reason - what is wrong with it
   */
  constructor(readonly headerName: string, reason: string) {
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
  constructor(readonly declared: number, readonly actual: number) {
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
    super('the connection cannot be detached while its Session waits in read() on a transport without tryRead/notifyReadable')
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
  constructor(readonly nodeVersion: string, readonly platform: string) {
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
  constructor(readonly slot: number, readonly exits: number, readonly windowMs: number) {
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
