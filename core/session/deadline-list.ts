/** What a DeadlineList tells when an entry's deadline passes. */
export interface TimerOwner {
  /** The armed deadline passed. */
  expire(): void
}

/**
 * One entry of a DeadlineList: the StageTimer itself, so a connection's timer costs no Node
 * `Timeout` of its own.
 */
export interface DeadlineEntry {
  readonly owner: TimerOwner
  deadline: number
  list: DeadlineList | null
  previous: DeadlineEntry | null
  next: DeadlineEntry | null
}

function fireList(list: DeadlineList): void {
  list.fire()
}

/**
 * The armed timers of one duration, in one doubly linked list behind one Node timer (the way Node
 * keeps its own timer lists). Entries of one duration armed in time order expire in that order,
 * so arming appends at the tail, disarming unlinks, and the timer only ever waits for the head:
 * both are O(1), and ten thousand idle connections cost one `Timeout`, not ten thousand.
 */
export class DeadlineList {
  /** The duration every entry of this list is armed for. */
  readonly durationMs: number
  #head: DeadlineEntry | null = null
  #tail: DeadlineEntry | null = null
  #timer: NodeJS.Timeout | undefined
  // When the timer is due: it fires early when the head it waited for was removed, and re-arms.
  #firesAt = 0

  /** @param durationMs - the duration every entry of this list is armed for */
  constructor(durationMs: number) {
    this.durationMs = durationMs
  }

  /**
   * Arms `entry` for this list's duration from `from`, moving it from any list it was in.
   * @param entry - the timer
   * @param now - `Date.now()`, read once by the caller
   * @param from - when the duration started: now, or earlier for a deadline that counts from a
   *   stage's first wait
   */
  add(entry: DeadlineEntry, now: number, from: number = now): void {
    // Re-arming in the same list (the next request of a keep-alive connection) only moves the
    // entry to the tail: the list does not empty, so its timer stays as it is.
    if (entry.list === this) this.#unlink(entry)
    else if (entry.list !== null) entry.list.remove(entry)
    const deadline = from + this.durationMs
    entry.deadline = deadline
    entry.list = this
    // Armed from an earlier start (a body's deadline counts from its first byte): it goes before
    // the entries due after it, so the list stays in deadline order.
    let previous = this.#tail
    while (previous !== null && previous.deadline > deadline) previous = previous.previous
    const next = previous === null ? this.#head : previous.next
    entry.previous = previous
    entry.next = next
    if (previous === null) this.#head = entry
    else previous.next = entry
    if (next === null) this.#tail = entry
    else next.previous = entry
    if (previous === null && this.#firesAt > deadline) {
      // A new head due before the timer: wait for it instead.
      clearTimeout(this.#timer)
      this.#firesAt = 0
    }
    if (this.#firesAt === 0) this.#schedule(this.#head!.deadline, now)
  }

  /** Disarms `entry`, which must be in this list. The last entry out takes the Node timer with it. */
  remove(entry: DeadlineEntry): void {
    this.#unlink(entry)
    entry.list = null
    if (this.#head === null && this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
      this.#firesAt = 0
    }
  }

  #unlink(entry: DeadlineEntry): void {
    const { previous, next } = entry
    if (previous === null) this.#head = next
    else previous.next = next
    if (next === null) this.#tail = previous
    else next.previous = previous
    entry.previous = null
    entry.next = null
  }

  /** The timer fired: expires every entry that is due, then waits for the next. @internal */
  fire(): void {
    this.#timer = undefined
    this.#firesAt = 0
    const now = Date.now()
    let failure: { err: unknown } | undefined
    for (let entry = this.#head; entry !== null && entry.deadline <= now; entry = this.#head) {
      this.remove(entry)
      try {
        entry.owner.expire()
      } catch (err) {
        // One owner's failure must not strand the entries behind it; it surfaces after them.
        failure ??= { err }
      }
    }
    // An owner may have armed into this list while it fired, scheduling for its own deadline:
    // an entry waiting ahead of it is due first.
    const head = this.#head
    if (head !== null && (this.#firesAt === 0 || head.deadline < this.#firesAt)) {
      if (this.#timer !== undefined) clearTimeout(this.#timer)
      this.#schedule(head.deadline, now)
    }
    if (failure !== undefined) throw failure.err
  }

  #schedule(at: number, now: number): void {
    this.#firesAt = at
    this.#timer = setTimeout(fireList, Math.max(1, at - now), this)
    // The server keeps the process alive, not a connection's timer.
    this.#timer.unref()
  }
}
