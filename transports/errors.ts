/**
 * Every error code the transports can raise. Codes never change once released, so a
 * `switch (err.code)` over this union can be exhaustive.
 *
 * Disconnects are not errors here: a transport ends its stream (`read()` resolves `null`,
 * `write()` resolves 0) instead of throwing. These classes report programmer mistakes.
 */
export type TransportErrorCode =
  | 'ERR_TRANSPORT_OPTION_INVALID'
  | 'ERR_TRANSPORT_CONCURRENT_READ'
  | 'ERR_TRANSPORT_INPUT_ENDED'
  | 'ERR_TRANSPORT_OUTPUT_NOT_REACHED'

/**
 * The brand every error of the project carries (core's `GATEHOUSE_ERROR`): this folder imports
 * nothing else of the project, so it registers the same symbol rather than importing it.
 */
const GATEHOUSE_ERROR = Symbol.for('gatehouse.error')

/**
 * The base of every error a transport throws: a stable `code` and the HTTP `status` it maps to.
 *
 * @example
 * ```ts
 * try { new MemoryTransport({ chunkSize: 0 }) } catch (err) {
 *   if (err instanceof TransportError) console.log(err.code) // 'ERR_TRANSPORT_OPTION_INVALID'
 * }
 * ```
 */
export abstract class TransportError extends Error {
  /** The project's brand. */
  readonly [GATEHOUSE_ERROR] = true
  /** Stable machine-readable code. */
  abstract readonly code: TransportErrorCode
  /** The HTTP status this error maps to; these are all programmer errors, so 500. */
  abstract readonly status: number
}

/**
 * A transport option is of the wrong type or out of range.
 *
 * @example
 * ```ts
 * new PlainTransport(socket, { maxQueuedBytes: -1 }) // throws InvalidTransportOptionError
 * ```
 */
export class InvalidTransportOptionError extends TransportError {
  readonly code = 'ERR_TRANSPORT_OPTION_INVALID'
  readonly status = 500
  /**
   * @param option - name of the option, e.g. `chunkSize`
   * @param value - the value that was given
   * @param expected - what the option accepts, in plain words
   */
  constructor(
    readonly option: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`transport option ${option} is ${String(value)}; expected ${expected}`)
    this.name = 'InvalidTransportOptionError'
  }
}

/** How ConcurrentReadError's message names what already waits for input. */
const ALREADY_WAITING = {
  'read()': 'another read is pending',
  'a readable listener': 'a readable listener is registered',
} as const

/**
 * `read()` was called while an earlier `read()` was still pending. A transport serves one
 * reader at a time, so the chunk order stays unambiguous.
 *
 * @example
 * ```ts
 * const first = t.read()
 * await t.read() // rejects with ConcurrentReadError
 * ```
 */
export class ConcurrentReadError extends TransportError {
  readonly code = 'ERR_TRANSPORT_CONCURRENT_READ'
  readonly status = 500
  /**
   * @param transport - class name of the transport, e.g. `PlainTransport`
   * @param waiting - what is already waiting for input
   */
  constructor(
    readonly transport: string,
    waiting: 'read()' | 'a readable listener' = 'read()',
  ) {
    super(`${transport}.read() called while ${ALREADY_WAITING[waiting]}`)
    this.name = 'ConcurrentReadError'
  }
}

/**
 * Bytes were pushed into a `MemoryTransport` whose input had already ended.
 *
 * @example
 * ```ts
 * t.end()
 * t.push('late') // throws InputEndedError
 * ```
 */
export class InputEndedError extends TransportError {
  readonly code = 'ERR_TRANSPORT_INPUT_ENDED'
  readonly status = 500
  /** @param byteLength - length of the rejected push */
  constructor(readonly byteLength: number) {
    super(`push of ${byteLength} bytes after the input ended`)
    this.name = 'InputEndedError'
  }
}

/**
 * A `MemoryTransport` closed before its output satisfied a `waitForOutput()` condition.
 *
 * @example
 * ```ts
 * await t.waitForOutput(1000) // rejects if the transport closes with only 12 bytes written
 * ```
 */
export class OutputNotReachedError extends TransportError {
  readonly code = 'ERR_TRANSPORT_OUTPUT_NOT_REACHED'
  readonly status = 500
  /**
   * @param expected - what was awaited, e.g. `1000 bytes` or `a matching predicate`
   * @param received - bytes written when the transport closed
   */
  constructor(
    readonly expected: string,
    readonly received: number,
  ) {
    super(`transport closed after ${received} bytes of output while waiting for ${expected}`)
    this.name = 'OutputNotReachedError'
  }
}

/**
 * Checks that an integer option lies in range; used by every transport's constructor.
 *
 * @param option - name of the option, for the error message
 * @param value - the value given (`undefined` means the option was left out)
 * @param min - the smallest value accepted
 * @returns `value`, or `fallback` when it was left out
 * @throws InvalidTransportOptionError when the value is not a safe integer ≥ `min`
 * @example
 * ```ts
 * const max = integerOption('maxQueuedBytes', options.maxQueuedBytes, 0, 65536)
 * ```
 */
export function integerOption<T extends number | undefined>(
  option: string,
  value: number | undefined,
  min: number,
  fallback: T,
): number | T {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidTransportOptionError(option, value, `an integer ≥ ${min}`)
  }
  return value
}
