/** How a cluster's primary restarts workers that die, and when it stops. */
export interface RestartOptions {
  /** Delay before the first restart of a worker after an unexpected exit. Default 100. */
  minDelayMs: number
  /** Longest delay: each exit within the window doubles the previous one up to this. Default 10000. */
  maxDelayMs: number
  /** This many unexpected exits of one worker within `crashLoopWindowMs` is a crash loop. Default 5. */
  crashLoopExits: number
  /** The window for counting exits. Default 60000. */
  crashLoopWindowMs: number
}

/** The defaults of {@link RestartOptions}. */
export const DEFAULT_RESTART: Readonly<RestartOptions> = Object.freeze({
  minDelayMs: 100,
  maxDelayMs: 10_000,
  crashLoopExits: 5,
  crashLoopWindowMs: 60_000,
})

/** What to do after an unexpected exit: restart after `delayMs`, or stop (a crash loop). */
export type RestartDecision =
  { readonly restart: true; readonly delayMs: number } | { readonly restart: false; readonly exits: number }

/**
 * The back-off of one worker slot: exponential in the exits seen within the window, so a worker
 * that ran fine for a window starts again from the shortest delay.
 *
 * @example
 * ```ts
 * const policy = new RestartPolicy({ ...DEFAULT_RESTART })
 * policy.exited(Date.now()) // { restart: true, delayMs: 100 }
 * ```
 */
export class RestartPolicy {
  readonly #options: RestartOptions
  #exits: number[] = []

  /** @param options - delays and the crash-loop threshold */
  constructor(options: RestartOptions) {
    this.#options = options
  }

  /**
   * Records an unexpected exit.
   * @param now - the time of the exit, in ms
   * @returns when to restart, or that the slot is in a crash loop
   */
  exited(now: number): RestartDecision {
    const { minDelayMs, maxDelayMs, crashLoopExits, crashLoopWindowMs } = this.#options
    this.#exits = this.#exits.filter((at) => now - at < crashLoopWindowMs)
    this.#exits.push(now)
    const exits = this.#exits.length
    if (exits >= crashLoopExits) return { restart: false, exits }
    return { restart: true, delayMs: Math.min(maxDelayMs, minDelayMs * 2 ** (exits - 1)) }
  }

  /** Forgets past exits, for a slot started again on purpose (a rolling restart). */
  reset(): void {
    this.#exits = []
  }
}
