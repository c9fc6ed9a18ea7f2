import { SessionRunTimeoutError } from './errors.js'

/**
 * Runs one session's work one at a time, in arrival order, each to completion (async work
 * included) or until its time runs out. An idle queue starts work at once, in the caller's turn;
 * a busy one chains it behind the last. A run that times out rejects with
 * `SessionRunTimeoutError` and lets the next one start: a stuck handler cannot hold a session
 * forever (the registry then drops what it changed and what it still changes later).
 */
export class RunQueue {
  #tail: Promise<unknown> | null = null
  #pending = 0

  /** Work started or waiting. */
  get pending(): number {
    return this.#pending
  }

  /**
   * @param work - what to run; its value or rejection becomes the result
   * @param timeoutMs - how long it may run once started; 0 for no limit
   * @param onTimeout - called when it runs out of time, before the next run may start; an error it
   *   returns is the rejection instead of `SessionRunTimeoutError`
   * @returns what `work` returned
   */
  run<T>(work: () => T | Promise<T>, timeoutMs: number, onTimeout?: () => Error | undefined): Promise<T> {
    this.#pending++
    const result =
      this.#tail === null
        ? this.#start(work, timeoutMs, onTimeout)
        : this.#tail.then(() => this.#start(work, timeoutMs, onTimeout))
    this.#tail = result.then(this.#settle, this.#settle)
    return result
  }

  // One settled run: the last one out leaves the queue idle, so the next starts at once.
  readonly #settle = (): void => {
    if (--this.#pending === 0) this.#tail = null
  }

  #start<T>(
    work: () => T | Promise<T>,
    timeoutMs: number,
    onTimeout: (() => Error | undefined) | undefined,
  ): Promise<T> {
    let ran: Promise<T>
    try {
      ran = Promise.resolve(work())
    } catch (err) {
      return Promise.reject(err)
    }
    if (timeoutMs <= 0) return ran
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(onTimeout?.() ?? new SessionRunTimeoutError(timeoutMs))
      }, timeoutMs)
      // The server keeps the process alive, not a session's pending work.
      timer.unref()
      ran.then(
        (value) => {
          clearTimeout(timer)
          resolve(value)
        },
        (err: unknown) => {
          clearTimeout(timer)
          reject(err)
        },
      )
    })
  }
}
