/**
 * Errors raised by `sessions/`. Each has a stable `code` and the HTTP `status` it maps to when it
 * reaches a client; programmer errors map to 500.
 */

/** Every stable error code raised by `sessions/`, for exhaustive `switch (err.code)`. */
export type SessionErrorCode = 'ERR_SESSION_EXISTS'

/** The base of every error `sessions/` throws. */
export abstract class SessionError extends Error {
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
