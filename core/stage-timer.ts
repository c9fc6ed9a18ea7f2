/** What a StageTimer tells when a deadline passes. */
export interface TimerOwner {
  /** The armed deadline passed. */
  expire(): void
}

function fireTimer(timer: StageTimer): void {
  timer.fire()
}

/**
 * One timer per Session, re-armed for each stage (header block, body, handler, write, idle).
 *
 * Arming only records a deadline. The underlying timer is rescheduled only when the new deadline is
 * earlier than the one it will fire at; when it fires early it re-arms for the rest. A keep-alive
 * request therefore costs two `Date.now()` calls and no timer operations.
 */
export class StageTimer {
  #timer: NodeJS.Timeout | undefined
  #deadline = 0
  #firesAt = 0
  readonly #owner: TimerOwner

  /** @param owner - told once when an armed deadline passes */
  constructor(owner: TimerOwner) {
    this.#owner = owner
  }

  /** The underlying timer fired. @internal */
  fire(): void {
    this.#timer = undefined
    this.#firesAt = 0
    if (this.#deadline === 0) return
    const left = this.#deadline - Date.now()
    if (left > 0) this.#schedule(left)
    else {
      this.#deadline = 0
      this.#owner.expire()
    }
  }

  /**
   * Sets the deadline to `ms` from now, replacing any earlier one.
   * @param ms - duration; 0 disarms
   */
  arm(ms: number): void {
    if (ms <= 0) {
      this.#deadline = 0
      return
    }
    const deadline = Date.now() + ms
    this.#deadline = deadline
    if (this.#firesAt === 0 || this.#firesAt > deadline) this.#schedule(ms)
  }

  /** Cancels the deadline; a pending timer fires once more and does nothing. */
  disarm(): void {
    this.#deadline = 0
  }

  /** Clears the underlying timer for good. */
  dispose(): void {
    this.#deadline = 0
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    this.#firesAt = 0
  }

  #schedule(ms: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#firesAt = Date.now() + ms
    // The timer is passed as an argument to a shared function: no closure per Session.
    this.#timer = setTimeout(fireTimer, ms, this)
    // The server keeps the process alive, not a connection's timer.
    this.#timer.unref()
  }
}
