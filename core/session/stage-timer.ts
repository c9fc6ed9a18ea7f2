import { DeadlineList, type DeadlineEntry, type TimerOwner } from './deadline-list.js'

export type { TimerOwner } from './deadline-list.js'

/**
 * The deadline lists of one App, one per duration: a stage's timeout is one of a handful of
 * configured durations, so every connection armed for it shares one list and one Node timer.
 */
export class TimerLists {
  readonly #lists = new Map<number, DeadlineList>()
  // The list asked for last: a keep-alive connection arms the idle timeout after every request.
  #last: DeadlineList | undefined

  /**
   * @param durationMs - a positive duration
   * @returns the list of that duration, created on first use
   */
  forDuration(durationMs: number): DeadlineList {
    const last = this.#last
    if (last !== undefined && last.durationMs === durationMs) return last
    let list = this.#lists.get(durationMs)
    if (list === undefined) {
      list = new DeadlineList(durationMs)
      this.#lists.set(durationMs, list)
    }
    this.#last = list
    return list
  }
}

/**
 * One timer per Session, re-armed for each stage (header block, body, handler, write, idle).
 *
 * It is an entry of the App's list for the stage's duration, not a Node timer: arming unlinks it
 * from one list and appends it to another, so a keep-alive request costs a few pointer stores (its
 * time is the loop's, see `loopNow`), and an idle connection holds no `Timeout`.
 */
export class StageTimer implements DeadlineEntry {
  /** Told when an armed deadline passes. */
  readonly owner: TimerOwner
  /** When it expires (ms, the loop's time); kept by the list it is armed in. */
  deadline = 0
  /** The list it is armed in, or `null`. */
  list: DeadlineList | null = null
  /** Its neighbour towards the list's head. */
  previous: DeadlineEntry | null = null
  /** Its neighbour towards the list's tail. */
  next: DeadlineEntry | null = null

  /** @param owner - told once when an armed deadline passes */
  constructor(owner: TimerOwner) {
    this.owner = owner
  }

  /**
   * Sets the deadline to `ms` from now, replacing any earlier one.
   * @param ms - duration; 0 disarms
   * @param lists - the App's deadline lists (passed in, not kept: a field more per connection)
   * @param now - the current time, when the caller has just read it (`Date.now()` is a native call)
   * @param from - when the duration started, if before `now` (see `DeadlineList.add`)
   */
  arm(ms: number, lists: TimerLists, now: number = Date.now(), from: number = now): void {
    if (ms <= 0) this.disarm()
    else lists.forDuration(ms).add(this, now, from)
  }

  /** Cancels the deadline. */
  disarm(): void {
    this.list?.remove(this)
  }
}
