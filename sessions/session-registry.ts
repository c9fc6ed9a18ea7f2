import { createPatch } from 'rfc6902'
import {
  ClientSession,
  stateOf,
  type DestroyCallback,
  type DestroyReason,
  type SessionSocket,
  type SessionState,
} from './client-session.js'
import { currentSessions } from './current-session.js'
import {
  SessionDataInvalidError,
  SessionDataTooLargeError,
  SessionDestroyedError,
  SessionInvalidOptionError,
  SessionLimitError,
  SessionNotSavedError,
  SessionStoreUnavailableError,
  SessionUnknownTaskError,
  SessionRunTimeoutError,
  SessionBusyError,
} from './errors.js'
import type { JsonValue } from './json-value.js'
import { MemorySessionStore } from './memory-store.js'
import { readOnlySegments } from './patch-check.js'
import { applyClientPatch } from './session-resource.js'

/** What `receivePatch` answers for a session that is gone. */
const SESSION_GONE = Object.freeze({ status: 410, message: 'Session is gone' })
import { RunQueue } from './run-queue.js'
import { newSessionId } from './session-id.js'
import { SessionLeases, type HeldLease } from './session-lease.js'
import { DEFAULT_SESSIONS_OPTIONS, type SessionsOptions } from './sessions-options.js'
import type { SessionMessage, SessionRecord, SessionStore } from './store.js'
import type { Operation } from 'rfc6902'

/** What a new session starts with. */
export interface CreateSessionOptions {
  /** Its data, any JSON value; without data the session has no resource. */
  readonly data?: JsonValue
  /** Carry the id in a cookie; else the creating response carries `Location: <resource URI>`. */
  readonly useCookie?: boolean
  /** Its idle timeout; `sessions.defaultTimeoutMinutes` when absent. */
  readonly timeoutMinutes?: number
}

/** The keys of {@link CreateSessionOptions}: any other is a typo, refused rather than ignored. */
const CREATE_OPTION_KEYS: ReadonlySet<string> = new Set(['data', 'useCookie', 'timeoutMinutes'])

/** One run of a session's work: whether its time ran out, and the lease it holds on a shared store. */
interface RunTurn {
  abandoned: boolean
  lease: HeldLease | undefined
}

/** Something that carries a session, such as a request: `create(req, …)` sets its `session`. */
export interface SessionCarrier {
  /** The carrier's session; `create()` sets it. */
  session: ClientSession | undefined
}

/** Work scheduled on a session: gets the session, its id and the schedule's argument. */
export type SessionTask<T = unknown> = (
  session: ClientSession,
  id: string,
  argument: JsonValue | undefined,
) => T | Promise<T>

/**
 * What became of a task for one session: `queued` (not waited for), `done` with its value,
 * `failed` with its error, or `skipped` because the session is gone.
 */
export type TaskOutcome<T = unknown> =
  | { readonly id: string; readonly status: 'queued' }
  | { readonly id: string; readonly status: 'done'; readonly value: T }
  | { readonly id: string; readonly status: 'failed'; readonly error: unknown }
  | { readonly id: string; readonly status: 'skipped' }

/** How to schedule: wait for the task to finish, and the argument a named task gets. */
export interface ScheduleOptions {
  /** Resolve once the task ran, with its value or error; else once it is queued. */
  readonly wait?: boolean
  /** A JSON argument, passed to the task as its third parameter. */
  readonly argument?: JsonValue
}

/** Runs after a client's patch applied, in the session's turn; it may change `session.data`. */
export type PatchHook = (session: ClientSession, patch: readonly Operation[]) => void | Promise<void>

/** A registry's configuration: the `sessions` keys, a clock, and where failures are reported. */
export interface SessionRegistryOptions extends Partial<SessionsOptions> {
  /** The clock, ms since the epoch; `Date.now` unless a test injects its own. */
  readonly now?: () => number
  /** Receives failures nobody awaits: a throwing destroy callback, a task not waited for. */
  readonly report?: (err: unknown) => void
}

// What every session without named destroy callbacks shares (names are replaced, never pushed).
const NO_NAMES: readonly string[] = Object.freeze([])

// Expired sessions claimed per store call while sweeping.
const SWEEP_BATCH = 1000

// With a shared store and no run timeout, how long a run waits for another process's lease.
const MAX_LEASE_WAIT_MS = 60_000

// Runs in a row that one lease may serve before it is given back, so other processes get a turn.
const MAX_RUNS_PER_LEASE = 64

/**
 * Every live client session of an application (`app.sessions`): creates them, finds them, runs
 * work on them one at a time, times them out, and reaches many at once.
 *
 * @example
 * ```ts
 * const session = app.sessions.create(req, { data: { room: 'lobby', messages: [] } })
 * await app.sessions.schedule(ids, (s) => { (s.data as Room).messages.push(text) })   // pushed to each socket
 * await app.sessions.forAll((s) => void (s.data as Room).users++, { wait: true })
 * ```
 *
 * With a shared store (`store.isShared`, the Redis store) the sessions in hand are a cache of the
 * store's records: a session created in another process is loaded on first use (`load`); each
 * run takes the session's lease (one run at a time across every process, data written back with
 * the lease's fencing token); a destroy, a timeout and a push are published to every process, so
 * the one holding a session's sockets or closures acts; named destroy callbacks run once in the
 * cluster, in the process whose `delete` or sweep claimed the record.
 */
export class SessionRegistry {
  /** The resolved configuration. */
  readonly options: SessionsOptions
  /** Where the sessions' records live. */
  readonly store: SessionStore
  // The sessions in hand, least recently active first (activity moves one to the end).
  #live = new Map<string, ClientSession>()
  #now: () => number
  #report: (err: unknown) => void
  #namedCallbacks = new Map<string, DestroyCallback>()
  #tasks = new Map<string, SessionTask>()
  #patchHooks: PatchHook[] = []
  #renameListeners: ((session: ClientSession) => void)[] = []
  #readOnly: (readonly string[])[]
  #timer: NodeJS.Timeout | undefined
  #sweeping: Promise<number> | null = null
  readonly #shared: boolean
  readonly #leases: SessionLeases
  // The lease of the run under way on a session, which its saves carry.
  #held = new Map<SessionState, HeldLease>()
  // Sessions made here whose record is on its way to a shared store: their first run waits for it.
  #creating = new Map<SessionState, Promise<void>>()
  // A push asked for while the session ran (here or, by message, elsewhere): sent once the run ends.
  #pushAfterRun = new Set<SessionState>()
  // A lease kept by a run for the run queued behind it here: a busy session is leased once per burst.
  #carried = new Map<SessionState, { held: HeldLease; runs: number }>()
  #unsubscribe: (() => void) | undefined

  /** @param options - the `sessions` configuration, a clock and a failure reporter */
  constructor(options: SessionRegistryOptions = {}) {
    const { now, report, ...rest } = options
    this.options = { ...DEFAULT_SESSIONS_OPTIONS, ...rest }
    this.store = this.options.store ?? new MemorySessionStore({ resolutionMs: this.options.resolutionMs })
    this.#now = now ?? Date.now
    this.#report = report ?? ((err) => console.error(err))
    this.#readOnly = readOnlySegments(this.options.readOnlyPaths)
    this.#shared = this.store.isShared
    const runTimeoutMs = this.options.runTimeoutMs
    this.#leases = new SessionLeases({
      store: this.store,
      now: this.#now,
      ttlMs: this.options.leaseMs,
      waitMs: runTimeoutMs > 0 ? runTimeoutMs : MAX_LEASE_WAIT_MS,
      report: this.#report,
    })
    if (this.#shared) {
      this.store.onError?.(this.#report)
      this.#unsubscribe = this.store.subscribe((message) => this.#receive(message))
      // Sessions created elsewhere time out too: every process sweeps, the store's claim picks one.
      this.#startSweeping()
    }
  }

  /** Live sessions held by this process. */
  get size(): number {
    return this.#live.size
  }

  /** The JSON Pointers a client's patch may not change, as split segments. @internal */
  get readOnly(): readonly (readonly string[])[] {
    return this.#readOnly
  }

  /**
   * Creates a session, on purpose (never for every visitor). With a carrier (a request) its
   * `session` is set, which makes the session current and sends its cookie or `Location`.
   * At `maxSessions` the least recently active session is evicted, or `SessionLimitError` thrown.
   */
  create(options?: CreateSessionOptions): ClientSession
  create(carrier: SessionCarrier, options?: CreateSessionOptions): ClientSession
  create(first?: SessionCarrier | CreateSessionOptions, second?: CreateSessionOptions): ClientSession {
    const carrier = first !== undefined && 'session' in first ? first : undefined
    const options = (carrier === undefined ? (first as CreateSessionOptions | undefined) : second) ?? {}
    for (const key of Object.keys(options))
      if (!CREATE_OPTION_KEYS.has(key))
        throw new SessionInvalidOptionError(
          key,
          (options as Record<string, unknown>)[key],
          'one of the keys data, useCookie, timeoutMinutes',
        )
    const timeoutMinutes = options.timeoutMinutes ?? this.options.defaultTimeoutMinutes
    if (!(Number.isFinite(timeoutMinutes) && timeoutMinutes > 0))
      throw new SessionInvalidOptionError('timeoutMinutes', timeoutMinutes, 'a number of minutes > 0')
    const json = this.#serialize(options.data)
    this.#makeRoom()
    const now = this.#now()
    const state: SessionState = {
      id: newSessionId(),
      createdMs: now,
      lastActiveMs: now,
      timeoutMinutes,
      data: json === undefined ? undefined : (JSON.parse(json) as JsonValue),
      json,
      version: 1,
      alive: true,
      useCookie: options.useCookie === true,
      callbacks: null,
      callbackNames: NO_NAMES,
      isRecordDirty: false,
      queue: null,
      resourceView: undefined,
      sockets: null,
      host: this,
    }
    const session = new ClientSession(state)
    this.#live.set(state.id, session)
    if (this.#shared) this.#createShared(state)
    else this.store.create(this.#recordOf(state)).catch(this.#report)
    this.#startSweeping()
    if (carrier !== undefined) carrier.session = session
    return session
  }

  #createShared(state: SessionState): void {
    this.#leases.created(state.id)
    const created = this.store.create(this.#recordOf(state)).then(
      () => void this.#creating.delete(state),
      (err: unknown) => {
        // The response that made it may already be out; the loss is reported, and the session ends here.
        this.#creating.delete(state)
        this.#report(new SessionNotSavedError(state.id, 'unavailable', err))
        this.#end(state)
        this.#leases.forget(state.id)
      },
    )
    this.#creating.set(state, created)
  }

  /** @returns the live session with this id in this process, or `undefined` (never an error) */
  get(id: string): ClientSession | undefined {
    return this.#live.get(id)
  }

  /**
   * The live session with this id: the one in hand, or with a shared store the one whose record
   * the store holds, loaded into this process (its data is read again under its lease when it runs).
   * @param id - a session id
   * @param useCookie - whether the id came in the session cookie (a record does not say)
   * @returns the session, or `undefined` if there is none
   * @throws SessionStoreUnavailableError when the shared store does not answer
   */
  async load(id: string, useCookie = false): Promise<ClientSession | undefined> {
    const held = this.#live.get(id)
    if (held !== undefined && useCookie) this.carriesCookie(held)
    if (held !== undefined || !this.#shared) return held
    const record = await this.store.get(id)
    if (record === undefined) return undefined
    // Loaded meanwhile by another request.
    const again = this.#live.get(id)
    if (again !== undefined) return again
    this.#makeRoom()
    const session = this.#sessionOf(record, true, useCookie)
    this.#live.set(id, session)
    return session
  }

  /**
   * A request found this session by its cookie: a session loaded first another way (a socket's
   * session param, an X-Referer) takes its id in a cookie from now on, so a new id (`regenerate`)
   * is sent as one. @internal
   */
  carriesCookie(session: ClientSession): void {
    stateOf(session).useCookie = true
  }

  /**
   * Gives a session a new id, keeping its data and callbacks: call it after a login, so an id
   * seen before the login (session fixation) no longer reaches the session.
   */
  async regenerate(session: ClientSession): Promise<ClientSession> {
    const state = stateOf(session)
    if (!state.alive) throw new SessionDestroyedError(state.id)
    const oldId = state.id
    const newId = newSessionId()
    if (this.#shared) {
      // The store first: a rename it refuses leaves the session as it was.
      if (!(await this.store.rename(oldId, newId))) {
        this.#gone(session)
        throw new SessionDestroyedError(oldId)
      }
      this.#leases.renamed(oldId, newId)
      this.#live.delete(oldId)
      state.id = newId
      this.#live.set(newId, session)
      for (const listener of this.#renameListeners) listener(session)
      return session
    }
    this.#live.delete(oldId)
    state.id = newId
    this.#live.set(newId, session)
    await this.store.rename(oldId, newId)
    for (const listener of this.#renameListeners) listener(session)
    return session
  }

  /** Called with a session each time `regenerate` gives it a new id (the server sends it on). @internal */
  onRename(listener: (session: ClientSession) => void): void {
    this.#renameListeners.push(listener)
  }

  /** Registers a destroy callback by name, for `session.onDestroy(name)`. */
  onDestroy(name: string, callback: DestroyCallback): this {
    this.#namedCallbacks.set(name, callback)
    return this
  }

  /** @internal */
  hasDestroyCallback(name: string): boolean {
    return this.#namedCallbacks.has(name)
  }

  /**
   * Registers a task by name, so `schedule(ids, name, { argument })` can run it anywhere.
   * @throws SessionInvalidOptionError for a name already registered, or a task that is not a function
   */
  task(name: string, task: SessionTask): this {
    if (typeof task !== 'function') throw new SessionInvalidOptionError(`task ${name}`, typeof task, 'a function')
    // A second registration would silently replace the first for every scheduled run of that name.
    if (this.#tasks.has(name)) throw new SessionInvalidOptionError('task', name, 'a name not registered yet')
    this.#tasks.set(name, task)
    return this
  }

  /** Adds a hook that runs after each client patch applies; its changes are in the reply. */
  onPatch(hook: PatchHook): this {
    this.#patchHooks.push(hook)
    return this
  }

  /** The patch hooks, in order. @internal */
  get patchHooks(): readonly PatchHook[] {
    return this.#patchHooks
  }

  /** @internal */
  uriOf(id: string): string {
    return `${this.options.resourcePrefix}/${id}`
  }

  /**
   * Runs `work` on the session: after the session's earlier work, never alongside it, with the
   * session current; its changes are then saved. A run that throws leaves the data as it was,
   * and so does one that outlasts `sessions.runTimeoutMs`: it rejects with
   * `SessionRunTimeoutError`, the next run starts on the data as last saved, and nothing the
   * late work changes is saved.
   * This is what the server does around every handler of a request that carries a session.
   * @param onTimeout - called when the run's time runs out (the server takes the session off the request)
   */
  run<T>(session: ClientSession, work: () => T | Promise<T>, onTimeout?: () => void): Promise<T> {
    const state = stateOf(session)
    if (!state.alive) return Promise.reject(new SessionDestroyedError(state.id))
    const queue = (state.queue ??= new RunQueue())
    const run: RunTurn = { abandoned: false, lease: undefined }
    return queue.run(
      () =>
        currentSessions.run(session, () =>
          this.#shared ? this.#runShared(session, state, work, run) : this.#runNow(session, state, work, run),
        ),
      this.options.runTimeoutMs,
      () => {
        // Still waiting for another process's lease: the session was busy, this run never started.
        const waited = this.#shared && run.lease === undefined
        this.#abandon(state, run)
        onTimeout?.()
        return waited ? new SessionBusyError(state.id, this.options.runTimeoutMs) : undefined
      },
    )
  }

  /**
   * A run out of time: the client was answered 503, so nothing it changed may stay. The data goes
   * back to what was last saved, as a new object (the abandoned handler keeps the one it held, and
   * its later changes land there, unseen), its commit will not happen, and its lease is given back
   * so the next run can take it.
   */
  #abandon(state: SessionState, run: RunTurn): void {
    run.abandoned = true
    this.#revert(state)
    if (run.lease !== undefined) {
      if (this.#held.get(state) === run.lease) this.#held.delete(state)
      run.lease.release()
    }
  }

  /** A run on a shared store: under the session's lease, on the data as the store holds it. */
  async #runShared<T>(
    session: ClientSession,
    state: SessionState,
    work: () => T | Promise<T>,
    run: RunTurn,
  ): Promise<T> {
    // Taken before any await: the run that kept it gives it back at the next timer if nobody does.
    const carried = this.#takeCarried(state)
    let runs = 1
    let held: HeldLease
    if (carried !== undefined) {
      held = carried.held
      runs = carried.runs
    } else {
      const creating = this.#creating.get(state)
      if (creating !== undefined) await creating
      if (!state.alive) throw new SessionDestroyedError(state.id)
      try {
        held = await this.#leases.acquire(state.id)
      } catch (err) {
        if (err instanceof SessionDestroyedError) this.#gone(session)
        throw err
      }
    }
    if (!state.alive) {
      held.release()
      throw new SessionDestroyedError(state.id)
    }
    if (run.abandoned) {
      // Out of time while waiting for the lease: the next run is already under way.
      held.release()
      throw new SessionRunTimeoutError(this.options.runTimeoutMs)
    }
    this.#held.set(state, held)
    run.lease = held
    try {
      // A carried lease's record was taken in by the run that acquired it.
      if (carried === undefined && held.record !== undefined) this.#refresh(state, held.record)
      return await this.#runNow(session, state, work, run)
    } finally {
      // An abandoned run gave its lease back when its time ran out.
      if (!run.abandoned) {
        this.#held.delete(state)
        if (this.#isBusy(state) && state.queue!.pending > 1 && state.alive && !held.isLost && runs < MAX_RUNS_PER_LEASE)
          this.#carry(state, held, runs + 1)
        else held.release()
        if (this.#pushAfterRun.delete(state)) void this.push(session)
      }
    }
  }

  /** Keeps the lease for the run queued next; a timer gives it back should no run take it. */
  #carry(state: SessionState, held: HeldLease, runs: number): void {
    const entry = { held, runs }
    this.#carried.set(state, entry)
    setTimeout(() => {
      if (this.#carried.get(state) !== entry) return
      this.#carried.delete(state)
      held.release()
    }, 0).unref()
  }

  /** The carried lease, if it has a third of its time left; else it is given back. */
  #takeCarried(state: SessionState): { held: HeldLease; runs: number } | undefined {
    const entry = this.#carried.get(state)
    if (entry === undefined) return undefined
    this.#carried.delete(state)
    if (!entry.held.isLost && entry.held.lease.expiresMs - this.#now() > this.options.leaseMs / 3) return entry
    entry.held.release()
    return undefined
  }

  async #runNow<T>(session: ClientSession, state: SessionState, work: () => T | Promise<T>, run: RunTurn): Promise<T> {
    this.#activity(state, session)
    let value: T
    try {
      value = await work()
    } catch (err) {
      if (!run.abandoned) this.#revert(state)
      throw err
    }
    // Out of time: its data was reverted and another run may own the session now.
    if (run.abandoned) throw new SessionRunTimeoutError(this.options.runTimeoutMs)
    await this.commit(session)
    return value
  }

  /**
   * Saves what changed on a session since its last save (its data is compared as JSON text), or
   * records only activity when nothing did. A change past `maxDataBytes` is undone and throws.
   */
  async commit(session: ClientSession): Promise<void> {
    const state = stateOf(session)
    if (!state.alive) return
    let json: string | undefined
    try {
      json = this.#serialize(state.data)
    } catch (err) {
      this.#revert(state)
      throw err
    }
    const now = this.#now()
    this.#activity(state, session, now)
    if (this.#shared) return this.#commitShared(session, state, json, now)
    if (json === state.json && !state.isRecordDirty) {
      await this.store.touch(state.id, now)
      return
    }
    const expectedVersion = state.version
    state.json = json
    state.version += 1
    state.isRecordDirty = false
    const outcome = await this.store.save({
      id: state.id,
      expectedVersion,
      data: json,
      lastActiveMs: now,
      timeoutMinutes: state.timeoutMinutes,
      destroyCallbacks: state.callbackNames,
    })
    if (outcome.status !== 'saved') this.#report(new SessionNotSavedError(state.id, outcome.status))
  }

  /**
   * A commit to a shared store: written with the run's fencing token, and taken into the state in
   * hand only once the store has it, so a write that fails leaves hand and store alike.
   */
  async #commitShared(
    session: ClientSession,
    state: SessionState,
    json: string | undefined,
    now: number,
  ): Promise<void> {
    if (json === state.json && !state.isRecordDirty) {
      // Activity only: the deadline and TTL move, the data is not written.
      await this.store.touch(state.id, now)
      return
    }
    const held = this.#held.get(state)
    if (held?.isLost === true) {
      this.#revert(state)
      this.#leases.forget(state.id)
      throw new SessionNotSavedError(state.id, 'fenced')
    }
    let outcome: Awaited<ReturnType<SessionStore['save']>>
    try {
      outcome = await this.store.save({
        id: state.id,
        expectedVersion: state.version,
        data: json,
        lastActiveMs: now,
        timeoutMinutes: state.timeoutMinutes,
        destroyCallbacks: state.callbackNames,
        ...(held === undefined ? {} : { fencingToken: held.lease.fencingToken }),
      })
    } catch (err) {
      this.#revert(state)
      // Whether the write landed is unknown: the next run reads the record again.
      this.#leases.forget(state.id)
      throw new SessionNotSavedError(state.id, 'unavailable', err)
    }
    if (outcome.status === 'saved') {
      state.json = json
      state.version = outcome.version
      state.isRecordDirty = false
    } else if (outcome.status === 'missing') {
      // Destroyed elsewhere while this run went on: there is nothing left to write to.
      this.#gone(session)
    } else {
      this.#revert(state)
      this.#leases.forget(state.id)
      throw new SessionNotSavedError(state.id, outcome.status)
    }
  }

  /**
   * Runs `task` on each session, one session's work at a time as for requests. Sessions that are
   * gone are skipped and say so in the outcome; with `wait` the outcomes carry values and errors.
   * Each session's changes are pushed to its sockets when its task ends.
   */
  schedule<T>(
    target: string | ClientSession,
    task: SessionTask<T> | string,
    options?: ScheduleOptions,
  ): Promise<TaskOutcome<T>>
  schedule<T>(
    targets: readonly (string | ClientSession)[],
    task: SessionTask<T> | string,
    options?: ScheduleOptions,
  ): Promise<TaskOutcome<T>[]>
  async schedule<T>(
    target: string | ClientSession | readonly (string | ClientSession)[],
    task: SessionTask<T> | string,
    options: ScheduleOptions = {},
  ): Promise<TaskOutcome<T> | TaskOutcome<T>[]> {
    const fn = typeof task === 'string' ? (this.#tasks.get(task) as SessionTask<T> | undefined) : task
    if (fn === undefined) throw new SessionUnknownTaskError(task as string)
    const targets = Array.isArray(target)
      ? (target as readonly (string | ClientSession)[])
      : [target as string | ClientSession]
    const outcomes = targets.map((one) => this.#scheduleOne(one, fn, options))
    const settled =
      options.wait === true ? await Promise.all(outcomes) : outcomes.map((o) => (o instanceof Promise ? undefined : o))
    const result = settled.map((o, i) => o ?? ({ id: idOf(targets[i]!), status: 'queued' } as const))
    return Array.isArray(target) ? result : result[0]!
  }

  /**
   * Runs `task` on every live session, as `schedule` does: with a shared store, every session of
   * the store, each under its lease in this process.
   */
  forAll<T>(task: SessionTask<T> | string, options?: ScheduleOptions): Promise<TaskOutcome<T>[]> {
    if (!this.#shared) return this.schedule([...this.#live.keys()], task, options)
    return this.#storeIds().then((ids) => this.schedule(ids, task, options))
  }

  async #storeIds(): Promise<string[]> {
    const ids: string[] = []
    for await (const id of this.store.ids()) ids.push(id)
    return ids
  }

  #scheduleOne<T>(
    target: string | ClientSession,
    task: SessionTask<T>,
    options: ScheduleOptions,
  ): TaskOutcome<T> | Promise<TaskOutcome<T>> {
    const session = typeof target === 'string' ? this.#live.get(target) : target
    const id = idOf(target)
    if (session === undefined && this.#shared && typeof target === 'string')
      return this.load(target).then(
        (loaded) => (loaded === undefined ? { id, status: 'skipped' } : this.#runTask(loaded, id, task, options)),
        (error: unknown) => this.#taskFailed(id, error, options),
      )
    if (session === undefined || !session.isAlive()) return { id, status: 'skipped' }
    return this.#runTask(session, id, task, options)
  }

  #runTask<T>(
    session: ClientSession,
    id: string,
    task: SessionTask<T>,
    options: ScheduleOptions,
  ): Promise<TaskOutcome<T>> {
    const ran = this.run(session, () => task(session, id, options.argument)).then(
      async (value): Promise<TaskOutcome<T>> => {
        await this.push(session)
        return { id, status: 'done', value }
      },
      (error: unknown): TaskOutcome<T> => this.#taskFailed(id, error, options),
    )
    return ran
  }

  #taskFailed<T>(id: string, error: unknown, options: ScheduleOptions): TaskOutcome<T> {
    // With a shared store a session may end elsewhere between the schedule and its lease.
    if (this.#shared && error instanceof SessionDestroyedError) return { id, status: 'skipped' }
    if (options.wait !== true) this.#report(error)
    return { id, status: 'failed', error }
  }

  /**
   * Binds a socket to the session: it is sent the whole data at once, then the JSON Patch of each
   * change by `push()`. @returns the function that unbinds it
   */
  bind(session: ClientSession, socket: SessionSocket): () => void {
    const state = stateOf(session)
    if (!state.alive) throw new SessionDestroyedError(state.id)
    const sockets = (state.sockets ??= new Map())
    sockets.set(socket, undefined)
    this.#pushTo(state, socket, state.json)
    return () => {
      sockets.delete(socket)
      if (sockets.size === 0 && state.sockets === sockets) state.sockets = null
    }
  }

  /** Whether sockets in this process are bound to the session (they are pushed its changes). @internal */
  hasSockets(session: ClientSession): boolean {
    return stateOf(session).sockets !== null
  }

  /**
   * Applies a JSON Patch a client sent over a bound socket, in the session's turn, as the resource's
   * PATCH does; then every bound socket is sent what it has not seen, the sender only what the
   * server changed beyond its own patch (it applied that itself).
   * @returns `undefined` when it applied, or the status and message of why it did not: a session
   *   that is gone (or none) is a refusal with 410, never a rejection, since this is called from
   *   a socket's message listener where a rejection would go unhandled
   */
  async receivePatch(
    session: ClientSession | undefined,
    text: string,
    from?: SessionSocket,
  ): Promise<{ status: number; message: string } | undefined> {
    if (!(session instanceof ClientSession) || !session.isAlive()) return SESSION_GONE
    const state = stateOf(session)
    let refused: { status: number; message: string } | undefined
    try {
      refused = await this.run(session, async () => {
        const result = await applyClientPatch(this, session, text, Buffer.byteLength(text))
        if (!('ops' in result)) return { status: result.status, message: result.message }
        if (from !== undefined && state.sockets?.has(from) === true) state.sockets.set(from, result.clientJson)
        return undefined
      })
    } catch (err) {
      // Destroyed while the patch waited for its turn.
      if (err instanceof SessionDestroyedError) return SESSION_GONE
      throw err
    }
    if (refused === undefined) await this.push(session)
    return refused
  }

  /** Records activity on a session without running anything: a WebSocket message on it. */
  async touch(session: ClientSession): Promise<void> {
    const state = stateOf(session)
    if (!state.alive) return
    this.#activity(state, session)
    if (!this.#shared) {
      await this.store.touch(state.id, state.lastActiveMs)
      return
    }
    // Called for each WebSocket message, where nobody awaits it: an outage is reported by the store.
    await this.store.touch(state.id, state.lastActiveMs).catch(this.#reportUnlessOutage)
  }

  readonly #reportUnlessOutage = (err: unknown): void => {
    if (!(err instanceof SessionStoreUnavailableError)) this.#report(err)
  }

  /** @internal */
  async push(session: ClientSession): Promise<number> {
    const state = stateOf(session)
    if (!this.#shared) return this.#pushLocal(state)
    if (!state.alive) return 0
    const sent = this.#pushLocal(state)
    // Other processes read the record, so during a run the message waits for the run's save.
    if (this.#held.has(state)) this.#pushAfterRun.add(state)
    else await this.store.publish({ kind: 'push', id: state.id }).catch(this.#reportUnlessOutage)
    return sent
  }

  #pushLocal(state: SessionState): number {
    if (state.sockets === null || !state.alive) return 0
    const json = this.#serialize(state.data)
    let sent = 0
    for (const socket of state.sockets.keys()) if (this.#pushTo(state, socket, json)) sent++
    return sent
  }

  #pushTo(state: SessionState, socket: SessionSocket, json: string | undefined): boolean {
    const view = state.sockets!.get(socket)
    if (view === json && view !== undefined) return false
    const now = json === undefined ? null : JSON.parse(json)
    const patch = view === undefined ? [{ op: 'replace', path: '', value: now }] : createPatch(JSON.parse(view), now)
    state.sockets!.set(socket, json)
    if (patch.length === 0) return false
    try {
      socket.send(JSON.stringify(patch))
    } catch (err) {
      this.#report(err)
      return false
    }
    return true
  }

  /** @internal */
  async destroy(session: ClientSession, reason: DestroyReason): Promise<void> {
    const state = stateOf(session)
    if (!state.alive) return
    if (this.#shared) return this.#destroyShared(session, state, reason)
    this.#end(state)
    const record = await this.store.delete(state.id)
    // Another process removed it first (a shared store): it ran the named callbacks. Names added
    // since the last save are known here only.
    const names = record === undefined ? [] : [...new Set([...record.destroyCallbacks, ...state.callbackNames])]
    await this.#runCallbacks(session, state.callbacks, names, reason)
  }

  async #destroyShared(session: ClientSession, state: SessionState, reason: DestroyReason): Promise<void> {
    // The store first: a delete it cannot do leaves the session alive, and the caller told.
    const record = await this.store.delete(state.id)
    const wasAlive = state.alive
    this.#end(state)
    this.#leases.forget(state.id)
    if (record === undefined && !wasAlive) return
    await this.store.publish({ kind: 'destroyed', id: state.id, reason }).catch(this.#reportUnlessOutage)
    const names = record === undefined ? [] : [...new Set([...record.destroyCallbacks, ...state.callbackNames])]
    await this.#runCallbacks(session, state.callbacks, names, reason)
  }

  /**
   * Times out every session whose idle deadline passed, running their destroy callbacks. A timer
   * calls it every `resolutionMs`; a test with its own clock calls it after moving the clock.
   * @returns how many sessions timed out
   */
  sweep(): Promise<number> {
    // One sweep at a time: a slow store must not stack sweeps.
    return (this.#sweeping ??= this.#sweepNow().finally(() => (this.#sweeping = null)))
  }

  async #sweepNow(): Promise<number> {
    const now = this.#now()
    let count = 0
    for (;;) {
      const claimed = await this.store.claimExpired(now, SWEEP_BATCH)
      for (const record of claimed) {
        count++
        await this.#expire(record)
      }
      if (claimed.length < SWEEP_BATCH) return count
    }
  }

  async #expire(record: SessionRecord): Promise<void> {
    const session = this.#live.get(record.id)
    const state = session === undefined ? undefined : stateOf(session)
    if (state !== undefined) this.#end(state)
    const names =
      state === undefined ? record.destroyCallbacks : [...new Set([...record.destroyCallbacks, ...state.callbackNames])]
    if (this.#shared) {
      this.#leases.forget(record.id)
      await this.store.publish({ kind: 'destroyed', id: record.id, reason: 'timeout' }).catch(this.#reportUnlessOutage)
    }
    await this.#runCallbacks(session ?? this.#detached(record), state?.callbacks ?? null, names, 'timeout')
  }

  /** Stops the timeout timer and lets go of the store. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
    this.#unsubscribe?.()
    await this.store.close()
  }

  /** A message from a process sharing the store (this one's own included). */
  #receive(message: SessionMessage): void {
    if (message.kind === 'task') return
    const session = this.#live.get(message.id)
    if (session === undefined) return
    const state = stateOf(session)
    if (message.kind === 'destroyed') {
      // The process that claimed the record ran the named callbacks; closures registered here run here.
      this.#end(state)
      this.#leases.forget(state.id)
      void this.#runCallbacks(session, state.callbacks, NO_NAMES, message.reason)
      return
    }
    if (state.sockets === null) return
    if (this.#isBusy(state)) {
      this.#pushAfterRun.add(state)
      return
    }
    this.store.get(state.id).then((record) => {
      if (record === undefined || !state.alive) return
      if (this.#isBusy(state)) this.#pushAfterRun.add(state)
      else {
        if (record.version !== state.version) this.#refresh(state, record)
        this.#pushLocal(state)
      }
    }, this.#reportUnlessOutage)
  }

  #isBusy(state: SessionState): boolean {
    return state.queue !== null && state.queue.pending > 0
  }

  /** The session ended in the store without this process being told: it ends here too. */
  #gone(session: ClientSession): void {
    const state = stateOf(session)
    const wasAlive = state.alive
    this.#end(state)
    this.#leases.forget(state.id)
    if (wasAlive) void this.#runCallbacks(session, state.callbacks, NO_NAMES, 'destroyed')
  }

  /** Takes the record a shared store holds into the state in hand (read under the lease). */
  #refresh(state: SessionState, record: SessionRecord): void {
    state.json = record.data
    state.data = record.data === undefined ? undefined : (JSON.parse(record.data) as JsonValue)
    state.version = record.version
    state.timeoutMinutes = record.timeoutMinutes
    state.callbackNames = record.destroyCallbacks.length === 0 ? NO_NAMES : [...record.destroyCallbacks]
    state.isRecordDirty = false
    if (record.lastActiveMs > state.lastActiveMs) state.lastActiveMs = record.lastActiveMs
  }

  #end(state: SessionState): void {
    state.alive = false
    this.#live.delete(state.id)
    const sockets = state.sockets
    state.sockets = null
    if (sockets !== null) for (const socket of sockets.keys()) closeSocket(socket)
  }

  async #runCallbacks(
    session: ClientSession,
    closures: DestroyCallback[] | null,
    names: readonly string[],
    reason: DestroyReason,
  ): Promise<void> {
    const state = stateOf(session)
    state.callbacks = null
    const callbacks = [...names.flatMap((name) => this.#namedCallbacks.get(name) ?? []), ...(closures ?? [])]
    for (const callback of callbacks) {
      try {
        await callback(session, reason)
      } catch (err) {
        // Reported, and the others still run: each callback runs once, whatever the others do.
        this.#report(err)
      }
    }
  }

  // A session known only from a record (another process held it): enough to run callbacks.
  #detached(record: SessionRecord): ClientSession {
    return this.#sessionOf(record, false, false)
  }

  #sessionOf(record: SessionRecord, alive: boolean, useCookie: boolean): ClientSession {
    const session = new ClientSession({
      id: record.id,
      createdMs: record.createdMs,
      lastActiveMs: record.lastActiveMs,
      timeoutMinutes: record.timeoutMinutes,
      data: record.data === undefined ? undefined : (JSON.parse(record.data) as JsonValue),
      json: record.data,
      version: record.version,
      alive,
      useCookie,
      callbacks: null,
      callbackNames: [...record.destroyCallbacks],
      isRecordDirty: false,
      queue: null,
      resourceView: undefined,
      sockets: null,
      host: this,
    })
    return session
  }

  #makeRoom(): void {
    const max = this.options.maxSessions
    if (max === 0 || this.#live.size < max) return
    if (this.#shared) return this.#dropFromHand(max)
    if (this.options.whenFull === 'refuse') throw new SessionLimitError(max)
    for (const session of this.#live.values()) {
      this.destroy(session, 'evicted').catch(this.#report)
      break
    }
  }

  /**
   * With a shared store `maxSessions` bounds the sessions held in hand, not the store's: the least
   * recently active idle ones are let go (their records stay; a later request loads them again).
   */
  #dropFromHand(max: number): void {
    for (const [id, session] of this.#live) {
      if (this.#live.size < max) return
      const state = stateOf(session)
      if (this.#isBusy(state) || state.sockets !== null || state.callbacks !== null || this.#creating.has(state))
        continue
      this.#live.delete(id)
      this.#leases.forget(id)
    }
  }

  #activity(state: SessionState, session: ClientSession, now = this.#now()): void {
    state.lastActiveMs = now
    this.#live.delete(state.id)
    this.#live.set(state.id, session)
  }

  #revert(state: SessionState): void {
    state.data = state.json === undefined ? undefined : (JSON.parse(state.json) as JsonValue)
  }

  #serialize(data: JsonValue | undefined): string | undefined {
    if (data === undefined) return undefined
    let json: string
    try {
      json = JSON.stringify(data)
    } catch (err) {
      throw new SessionDataInvalidError((err as Error).message)
    }
    // Byte length only matters near the limit; a string's length bounds it from below by a third.
    if (json.length * 3 > this.options.maxDataBytes) {
      const bytes = Buffer.byteLength(json)
      if (bytes > this.options.maxDataBytes) throw new SessionDataTooLargeError(this.options.maxDataBytes, bytes)
    }
    return json
  }

  #recordOf(state: SessionState): SessionRecord {
    return {
      id: state.id,
      createdMs: state.createdMs,
      lastActiveMs: state.lastActiveMs,
      timeoutMinutes: state.timeoutMinutes,
      data: state.json,
      version: state.version,
      destroyCallbacks: state.callbackNames,
    }
  }

  #startSweeping(): void {
    if (this.#timer !== undefined) return
    // A shared store's outage is reported once, by the store, not by every sweep meanwhile.
    this.#timer = setInterval(() => void this.sweep().catch(this.#reportUnlessOutage), this.options.resolutionMs)
    // The server keeps the process alive, not its sessions' clock.
    this.#timer.unref()
  }
}

function idOf(target: string | ClientSession): string {
  return typeof target === 'string' ? target : target.id
}

function closeSocket(socket: SessionSocket): void {
  try {
    socket.close?.(1000, 'session ended')
  } catch {
    // A socket that is already closing has nothing more to be told.
  }
}
