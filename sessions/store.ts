/**
 * What a client-session registry needs from the place its sessions live. The registry keeps the
 * sessions it has in hand as objects; a store keeps their records, so that a session outlives a
 * process (a Redis store) or, with the default in-memory store, only this one.
 *
 * Every method is async so that a remote store can implement it. Every time is milliseconds since
 * the epoch (UTC) and is passed in by the caller: a store never reads a clock of its own for a
 * deadline, so time can be injected in tests, and a cluster's workers agree on what "now" was for
 * each change.
 *
 * Three promises that span processes live here, so that one store implementation gives all of
 * them to every worker:
 * - **Exactly-once destroy.** `delete` and `claimExpired` hand a removed record to one caller
 *   only, whichever worker asked; that caller runs the record's destroy callbacks (named in
 *   `destroyCallbacks`, registered under those names in every worker).
 * - **One at a time per session.** `acquireLease` grants a session to one holder at a time, with a
 *   fencing token that only grows; a `save` carrying an older token than the latest granted is
 *   refused, so a holder whose lease ran out cannot overwrite its successor's data.
 * - **Work for a session, wherever it is held.** `publish` delivers a {@link SessionMessage} (a
 *   named task with a JSON argument, a push, a destroy) to every subscriber, this process's too.
 */
import type { JsonValue } from './json-value.js'

/** A session as a store keeps it: plain data, so it serializes into any store. */
export interface SessionRecord {
  /** The session's id: ≥128 random bits, URL-safe. */
  readonly id: string
  /** When the session was created (ms since the epoch, UTC). */
  readonly createdMs: number
  /** Its last activity (ms since the epoch, UTC): a request, a task or a WebSocket message on it. */
  readonly lastActiveMs: number
  /** Idle minutes after `lastActiveMs` at which the session times out; its deadline. */
  readonly timeoutMinutes: number
  /**
   * The session's data as JSON text, or `undefined` for a session without data. Text rather than
   * a live object: a store never shares a value that a handler may still be changing.
   */
  readonly data: string | undefined
  /** Grows by one with every saved change of `data`; the resource's ETag is made from it. */
  readonly version: number
  /** Names of the destroy callbacks (registered by name in each process) to run once at its end. */
  readonly destroyCallbacks: readonly string[]
}

/** What `save` writes: the new state of a session whose version the caller last read. */
export interface SessionUpdate {
  /** The session's id. */
  readonly id: string
  /** The version the caller's change was made from; the save is refused if the record moved on. */
  readonly expectedVersion: number
  /** The new data as JSON text (`undefined` removes it). */
  readonly data: string | undefined
  /** The activity that came with the change. */
  readonly lastActiveMs: number
  /** The session's timeout, which may have changed with the data. */
  readonly timeoutMinutes: number
  /** The destroy callbacks' names, which may have grown. */
  readonly destroyCallbacks: readonly string[]
  /** The fencing token of the caller's lease, for a store that enforces leases; see {@link SessionLease}. */
  readonly fencingToken?: number
}

/**
 * What a `save` did: `saved` with the record's new version; `stale` when the record moved past
 * `expectedVersion` (its `version` is the current one); `missing` when the session is gone;
 * `fenced` when a newer lease than the caller's was granted.
 */
export type SaveOutcome =
  | { readonly status: 'saved'; readonly version: number }
  | { readonly status: 'stale'; readonly version: number }
  | { readonly status: 'missing' }
  | { readonly status: 'fenced' }

/**
 * The right to run one session's work, held by one holder at a time until released or until its
 * time runs out (so a dead process's lease frees itself).
 */
export interface SessionLease {
  /** The session leased. */
  readonly id: string
  /**
   * Grows with every lease granted on this session; a store refuses a `save` whose token is older
   * than the newest granted (Kleppmann's fencing token).
   */
  readonly fencingToken: number
  /** When the lease runs out unless renewed (ms since the epoch). */
  readonly expiresMs: number
}

/** How long to hold a lease and how long to wait for one. */
export interface LeaseOptions {
  /** Current time (ms since the epoch), from the caller's clock. */
  readonly nowMs: number
  /** How long the lease lasts without a renewal. */
  readonly ttlMs: number
  /** How long to wait while another holder has it; 0 answers at once. */
  readonly waitMs: number
}

/**
 * A message between the processes that share a store; each subscriber receives every message,
 * the publisher's own subscribers included.
 * - `task`: run the task registered under `name` with `argument` on each session of `ids` (`'all'`
 *   for every live session), each under its lease, once per session on the process that claims it.
 * - `push`: send the session's changes to the WebSocket(s) that a process holds for it.
 * - `destroyed`: the session ended (the claimer ran its named callbacks); a process holding the
 *   session in hand drops it and runs the callbacks that were registered there as closures.
 */
export type SessionMessage =
  | {
      readonly kind: 'task'
      readonly name: string
      readonly argument: JsonValue
      readonly ids: readonly string[] | 'all'
    }
  | { readonly kind: 'push'; readonly id: string }
  | { readonly kind: 'destroyed'; readonly id: string; readonly reason: 'timeout' | 'destroyed' | 'evicted' }

/**
 * The records of live client sessions, their idle deadlines, their leases and the messages
 * between processes. {@link MemorySessionStore} is the default; a Redis store implements the
 * same interface for sessions shared between processes.
 *
 * A record's deadline is `lastActiveMs + timeoutMinutes * 60000`; a store keeps its records
 * ordered by deadline so that `claimExpired` costs the records that expired, not all of them.
 *
 * @example
 * ```ts
 * const store = new MemorySessionStore()
 * await store.create({
 *   id, createdMs: now, lastActiveMs: now, timeoutMinutes: 20, data: '{}', version: 1, destroyCallbacks: [],
 * })
 * const record = await store.get(id)
 * await store.save({
 *   id, expectedVersion: record.version, data: '{"n":1}', lastActiveMs: now, timeoutMinutes: 20, destroyCallbacks: [],
 * })
 * await store.touch(id, now + 1000)          // activity without a change: no data written
 * for (const gone of await store.claimExpired(now + 21 * 60000, 100)) runDestroyCallbacks(gone)
 * ```
 */
export interface SessionStore {
  /**
   * True when other processes may use the same records (a Redis store): the registry then reads
   * a session from the store on each use and leases it for its work; false when only this process
   * does (the memory store), so the registry may trust the sessions it holds in hand.
   */
  readonly isShared: boolean

  /**
   * Stores a new session. Rejects with `SessionExistsError` (`ERR_SESSION_EXISTS`) when the id is
   * taken, which with 128 random bits means a broken random source, never a collision.
   */
  create(record: SessionRecord): Promise<void>

  /** @returns the live session's record, or `undefined` if there is none (never was, or ended) */
  get(id: string): Promise<SessionRecord | undefined>

  /**
   * Writes a changed session if its version is still `expectedVersion` (compare-and-set), and
   * makes its version `expectedVersion + 1`.
   */
  save(update: SessionUpdate): Promise<SaveOutcome>

  /**
   * Records activity on a session that did not change: its deadline moves, its data and version
   * are not written. A shared store may coarsen this (refresh a TTL at most every few seconds).
   * @returns false if the session is gone
   */
  touch(id: string, lastActiveMs: number): Promise<boolean>

  /**
   * Ends a session now. Of all callers, in all processes, only one gets the record back: the one
   * that removed it, which then runs its destroy callbacks.
   * @returns the removed record, or `undefined` if it was already gone
   */
  delete(id: string): Promise<SessionRecord | undefined>

  /**
   * Moves a session to a new id (after a login, against session fixation), keeping everything
   * else; its lease does not carry over. Rejects with `SessionExistsError` if `newId` is taken.
   * @returns false if the session is gone
   */
  rename(id: string, newId: string): Promise<boolean>

  /**
   * Removes and returns the sessions whose deadline is at or before `nowMs`, at most `max` of
   * them, oldest deadline first. Each expired record is returned to one caller only, across all
   * processes; a caller that dies before running its callbacks loses them, so a shared store
   * claims and removes in one atomic step only once the caller has the record.
   */
  claimExpired(nowMs: number, max: number): Promise<SessionRecord[]>

  /** @returns the number of live sessions */
  count(): Promise<number>

  /** @returns the id of the least recently active live session (for eviction), or `undefined` */
  leastRecentlyActive(): Promise<string | undefined>

  /** Every live session's id, each once, in no promised order; ids created meanwhile may be missed. */
  ids(): AsyncIterable<string>

  /**
   * Grants `id` to the caller, waiting up to `waitMs` while another holder has it.
   * @returns the lease, or `undefined` if it was not free in time or the session is gone
   */
  acquireLease(id: string, options: LeaseOptions): Promise<SessionLease | undefined>

  /**
   * Extends a lease the caller holds.
   * @returns the extended lease, or `undefined` if it ran out and was granted to another
   */
  renewLease(lease: SessionLease, nowMs: number, ttlMs: number): Promise<SessionLease | undefined>

  /** Gives a lease back; a lease that already ran out is ignored. */
  releaseLease(lease: SessionLease): Promise<void>

  /** Sends a message to every subscriber of every process that shares this store. */
  publish(message: SessionMessage): Promise<void>

  /**
   * Receives every published message, this process's own included, until the returned function
   * is called.
   */
  subscribe(listener: (message: SessionMessage) => void): () => void

  /** Lets go of connections and timers; the records of a shared store stay. */
  close(): Promise<void>

  /**
   * Where a shared store reports that it lost its server (once per outage, not per retry); the
   * registry passes its own reporter. Calls that meet the outage reject with
   * `SessionStoreUnavailableError` (`ERR_SESSION_STORE_UNAVAILABLE`) meanwhile.
   */
  onError?(listener: (err: unknown) => void): void
}
