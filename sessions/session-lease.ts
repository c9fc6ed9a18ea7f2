import { SessionBusyError, SessionDestroyedError, SessionStoreUnavailableError } from './errors.js'
import type { SessionLease, SessionRecord, SessionStore } from './store.js'

/** What a run on a shared store holds: the lease, and the record when it had to be read again. */
export interface HeldLease {
  /** The lease; its fencing token goes with every save of the run. */
  lease: SessionLease
  /** Set once the store granted the session to another holder: nothing of this run may be saved. */
  isLost: boolean
  /** The record as the store holds it, when another holder may have changed it since this process's last run. */
  readonly record: SessionRecord | undefined
  /** Stops renewing and gives the lease back (without waiting for the store's answer). */
  release(): void
}

/** How a {@link SessionLeases} takes and keeps leases. */
export interface SessionLeasesOptions {
  readonly store: SessionStore
  readonly now: () => number
  readonly ttlMs: number
  /** How long to wait while another process holds the lease. */
  readonly waitMs: number
  readonly report: (err: unknown) => void
}

/**
 * The leases of one registry on a shared store: one per run, renewed every third of its time
 * while the run lasts, so one session's work runs in one process at a time and a dead process's
 * lease runs out by itself.
 *
 * It also remembers the last fencing token each session had here. A lease whose token is the next
 * one was granted to nobody else in between, so nobody else wrote the session (every write holds
 * a lease): the data in hand is current and the record is not read again. That saves a round trip
 * per request for a session that keeps landing on the same process.
 */
export class SessionLeases {
  readonly #options: SessionLeasesOptions
  readonly #lastToken = new Map<string, number>()

  /** @param options - the store, clock, lease time and wait, and where renewal failures go */
  constructor(options: SessionLeasesOptions) {
    this.#options = options
  }

  /** A session made here: its first lease is token 1, and nobody else can have written it. */
  created(id: string): void {
    this.#lastToken.set(id, 0)
  }

  /** The session left this process (destroyed, dropped from hand): its next lease reads it again. */
  forget(id: string): void {
    this.#lastToken.delete(id)
  }

  /** The session's id changed (`regenerate`); its fencing tokens carry over with the record. */
  renamed(id: string, newId: string): void {
    const last = this.#lastToken.get(id)
    this.#lastToken.delete(id)
    if (last !== undefined) this.#lastToken.set(newId, last)
  }

  /**
   * Takes the session's lease, waiting while another process has it.
   * @throws SessionDestroyedError when the session is gone; SessionBusyError when the wait ran
   *   out; SessionStoreUnavailableError when the store does not answer
   */
  async acquire(id: string): Promise<HeldLease> {
    const { store, now, ttlMs, waitMs, report } = this.#options
    const lease = await store.acquireLease(id, { nowMs: now(), ttlMs, waitMs })
    if (lease === undefined) {
      if ((await store.get(id)) === undefined) throw new SessionDestroyedError(id)
      throw new SessionBusyError(id, waitMs)
    }
    const last = this.#lastToken.get(id)
    this.#lastToken.set(id, lease.fencingToken)
    let record: SessionRecord | undefined
    if (last === undefined || lease.fencingToken !== last + 1) {
      record = await store.get(id).catch((err: unknown) => {
        void store.releaseLease(lease).catch(() => undefined)
        throw err
      })
      if (record === undefined) throw new SessionDestroyedError(id)
    }
    const held: HeldLease = {
      lease,
      isLost: false,
      record,
      release: () => {
        clearInterval(timer)
        // Sent on the connection that carried the run's save, so Redis applies it after the save.
        store.releaseLease(held.lease).catch(() => undefined)
      },
    }
    const timer = setInterval(
      () => {
        store.renewLease(held.lease, now(), ttlMs).then(
          (renewed) => {
            if (renewed !== undefined) held.lease = renewed
            else {
              held.isLost = true
              clearInterval(timer)
            }
          },
          // The store reports its own outage, once; the save at the run's end says what it cost.
          (err: unknown) => err instanceof SessionStoreUnavailableError || report(err),
        )
      },
      Math.max(10, Math.floor(ttlMs / 3)),
    )
    // The server keeps the process alive, not a lease.
    timer.unref()
    return held
  }
}
