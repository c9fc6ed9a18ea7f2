/**
 * Errors raised by `sessions/`. Each has a stable `code` and the HTTP `status` it maps to when it
 * reaches a client; programmer errors map to 500.
 */

/** Every stable error code raised by `sessions/`, for exhaustive `switch (err.code)`. */
export type SessionErrorCode =
  | 'ERR_SESSION_EXISTS'
  | 'ERR_SESSION_LIMIT'
  | 'ERR_SESSION_RUN_TIMEOUT'
  | 'ERR_SESSION_DESTROYED'
  | 'ERR_SESSION_INVALID_OPTION'
  | 'ERR_SESSION_DATA_INVALID'
  | 'ERR_SESSION_DATA_TOO_LARGE'
  | 'ERR_SESSION_UNKNOWN_TASK'
  | 'ERR_SESSION_STORE_UNAVAILABLE'
  | 'ERR_SESSION_BUSY'
  | 'ERR_SESSION_NOT_SAVED'

/**
 * The brand every error of the project carries (core's `GATEHOUSE_ERROR`): this folder imports
 * nothing else of the project, so it registers the same symbol rather than importing it.
 */
const GATEHOUSE_ERROR = Symbol.for('gatehouse.error')

/** The base of every error `sessions/` throws, with the project's brand. */
export abstract class SessionError extends Error {
  /** The project's brand. */
  readonly [GATEHOUSE_ERROR] = true
  /** Stable machine-readable code. */
  abstract readonly code: SessionErrorCode
  /** The HTTP status this error answers with when it reaches a client. */
  abstract readonly status: number
}

/**
 * A store was asked to create (or rename to) a session id it already holds. With 128 random bits
 * this means a broken random source or a store shared by mistake, never chance.
 *
 * @example
 * ```ts
 * await store.create(record)
 * await store.create(record) // rejects with SessionExistsError
 * ```
 */
export class SessionExistsError extends SessionError {
  readonly code = 'ERR_SESSION_EXISTS'
  readonly status = 500
  /** @param id - the id that is taken */
  constructor(readonly id: string) {
    super(`session id ${id} is already in the store`)
    this.name = 'SessionExistsError'
  }
}

/**
 * `sessions.create()` when `sessions.maxSessions` live sessions exist and `sessions.whenFull` is
 * `"refuse"`. Reaching a client, it answers 503.
 */
export class SessionLimitError extends SessionError {
  readonly code = 'ERR_SESSION_LIMIT'
  readonly status = 503
  /** @param limit - the configured maximum */
  constructor(readonly limit: number) {
    super(`${limit} sessions are live; sessions.maxSessions is ${limit}`)
    this.name = 'SessionLimitError'
  }
}

/**
 * A handler or task on a session ran past `sessions.runTimeoutMs`; the session's next work was let
 * through so that one stuck run cannot hold the session forever.
 */
export class SessionRunTimeoutError extends SessionError {
  readonly code = 'ERR_SESSION_RUN_TIMEOUT'
  readonly status = 503
  /** @param timeoutMs - the limit that passed */
  constructor(readonly timeoutMs: number) {
    super(`work on the session ran longer than sessions.runTimeoutMs (${timeoutMs} ms)`)
    this.name = 'SessionRunTimeoutError'
  }
}

/** Work was asked of a session that has been destroyed (or timed out). */
export class SessionDestroyedError extends SessionError {
  readonly code = 'ERR_SESSION_DESTROYED'
  readonly status = 410
  /** @param id - the session's last id */
  constructor(readonly id: string) {
    super(`session ${id} has been destroyed`)
    this.name = 'SessionDestroyedError'
  }
}

/** A session option or sessions configuration value is out of range or of the wrong type. */
export class SessionInvalidOptionError extends SessionError {
  readonly code = 'ERR_SESSION_INVALID_OPTION'
  readonly status = 500
  /**
   * @param option - the option's name
   * @param value - the value given
   * @param expected - what it must be, in plain words
   */
  constructor(
    readonly option: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`session option ${option}: expected ${expected}, got ${String(value)}`)
    this.name = 'SessionInvalidOptionError'
  }
}

/** A session's data could not be written as JSON (a BigInt, a cycle). */
export class SessionDataInvalidError extends SessionError {
  readonly code = 'ERR_SESSION_DATA_INVALID'
  readonly status = 500
  /** @param reason - why JSON.stringify refused it */
  constructor(readonly reason: string) {
    super(`session data is not JSON: ${reason}`)
    this.name = 'SessionDataInvalidError'
  }
}

/** A change made a session's data larger than `sessions.maxDataBytes`; the change was undone. */
export class SessionDataTooLargeError extends SessionError {
  readonly code = 'ERR_SESSION_DATA_TOO_LARGE'
  readonly status = 413
  /**
   * @param limit - the configured maximum
   * @param bytes - the size the change would have made it
   */
  constructor(
    readonly limit: number,
    readonly bytes: number,
  ) {
    super(`session data would be ${bytes} bytes; sessions.maxDataBytes is ${limit}`)
    this.name = 'SessionDataTooLargeError'
  }
}

/** `schedule()` named a task that no `sessions.task(name, fn)` registered. */
export class SessionUnknownTaskError extends SessionError {
  readonly code = 'ERR_SESSION_UNKNOWN_TASK'
  readonly status = 500
  /** @param task - the name given */
  constructor(readonly task: string) {
    super(`no session task is registered as ${task}`)
    this.name = 'SessionUnknownTaskError'
  }
}

/**
 * A shared store (Redis) did not answer: not connected, or no reply within its command timeout.
 * Reaching a client, it answers 503 `{"message":"Session store unavailable"}`; the store
 * reconnects by itself. `redisStore()` rejects with it too when it cannot connect within its
 * connect timeout, with a detail naming the server and the failure.
 */
export class SessionStoreUnavailableError extends SessionError {
  readonly code = 'ERR_SESSION_STORE_UNAVAILABLE'
  readonly status = 503
  /**
   * @param cause - the client's own error (a refused connection, a timeout)
   * @param detail - which server and why, for an operator (never set on an error a client is answered with)
   */
  constructor(cause?: unknown, detail?: string) {
    super(detail === undefined ? 'Session store unavailable' : `Session store unavailable: ${detail}`, { cause })
    this.name = 'SessionStoreUnavailableError'
  }
}

/**
 * Another process held the session's lease for longer than this run could wait
 * (`sessions.runTimeoutMs`). Reaching a client, it answers 503.
 */
export class SessionBusyError extends SessionError {
  readonly code = 'ERR_SESSION_BUSY'
  readonly status = 503
  /**
   * @param id - the session
   * @param waitedMs - how long the run waited for the lease
   */
  constructor(
    readonly id: string,
    readonly waitedMs: number,
  ) {
    super('Session is busy')
    this.name = 'SessionBusyError'
  }
}

/**
 * A change to a session was not written to a shared store, so it is lost: the store did not
 * answer (`unavailable`), a newer lease was granted meanwhile (`fenced`), the record moved on
 * without this process holding the lease (`stale`), or it was no longer there (`missing`). The
 * data in hand is put back to what the store holds. Reaching a client, it answers 503.
 */
export class SessionNotSavedError extends SessionError {
  readonly code = 'ERR_SESSION_NOT_SAVED'
  readonly status = 503
  /**
   * @param id - the session
   * @param reason - why the write did not happen
   * @param cause - the store's error, for `unavailable`
   */
  constructor(
    readonly id: string,
    readonly reason: 'unavailable' | 'fenced' | 'stale' | 'missing',
    cause?: unknown,
  ) {
    super(
      reason === 'unavailable'
        ? 'Session store unavailable'
        : reason === 'missing'
          ? `Session ${id} is no longer in the store; the change was not saved`
          : `Session ${id} changed elsewhere; the change was not saved`,
      {
        cause,
      },
    )
    this.name = 'SessionNotSavedError'
  }
}
