import type { SessionStore } from './store.js'

/** What a full set of live sessions does with one more `create()`. */
export type WhenSessionsFull = 'evict' | 'refuse'

/** The client-sessions configuration, every key resolved (config key `sessions`). */
export interface SessionsOptions {
  /** Idle minutes after which a session times out, unless it sets its own. */
  readonly defaultTimeoutMinutes: number
  /** Most live sessions held; 0 for no maximum. */
  readonly maxSessions: number
  /** At `maxSessions`: evict the least recently active session (its destroy callbacks run), or refuse with 503. */
  readonly whenFull: WhenSessionsFull
  /** Largest session data as JSON text; a change past it is undone and answers 413. */
  readonly maxDataBytes: number
  /** Largest JSON Patch body accepted by the resource; larger answers 413. */
  readonly maxPatchBytes: number
  /**
   * How long one handler or task may hold a session before the next may run (its changes are then
   * dropped); 0 for no limit.
   */
  readonly runTimeoutMs: number
  /** Path under which each session's data is a resource: `<prefix>/<id>`. */
  readonly resourcePrefix: string
  /** JSON Pointers (and everything under them) that a client's patch may not change (403). */
  readonly readOnlyPaths: readonly string[]
  /** Name of the session cookie. */
  readonly cookieName: string
  /** `Max-Age` of the session cookie; 0 for a browser-session cookie (no `Expires`). */
  readonly cookieMaxAgeSeconds: number
  /** How often timeouts are checked, and so how late a session may time out, at most. */
  readonly resolutionMs: number
  /**
   * With a shared store: how long a process's lease on a session lasts without renewal (it is
   * renewed every third of this while a run goes on), and so how long a session stays blocked
   * after the process holding it dies.
   */
  readonly leaseMs: number
  /** Where sessions live; the in-memory store when none is given. */
  readonly store?: SessionStore
}

/** The defaults of every sessions key. */
export const DEFAULT_SESSIONS_OPTIONS: SessionsOptions = Object.freeze({
  defaultTimeoutMinutes: 20,
  maxSessions: 100_000,
  whenFull: 'evict',
  maxDataBytes: 64 * 1024,
  maxPatchBytes: 64 * 1024,
  runTimeoutMs: 30_000,
  resourcePrefix: '/__session',
  readOnlyPaths: Object.freeze([]) as readonly string[],
  cookieName: 'gatehouse.sid',
  cookieMaxAgeSeconds: 0,
  resolutionMs: 1000,
  leaseMs: 5000,
})
