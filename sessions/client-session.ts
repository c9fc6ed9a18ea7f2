import { currentSessions } from './current-session.js'
import { SessionInvalidOptionError } from './errors.js'
import type { JsonValue } from './json-value.js'
import type { RunQueue } from './run-queue.js'

/** Why a session ended: timed out, destroyed on purpose, or evicted to make room. */
export type DestroyReason = 'timeout' | 'destroyed' | 'evicted'

/** A callback run once when a session ends. */
export type DestroyCallback = (session: ClientSession, reason: DestroyReason) => void | Promise<void>

/**
 * Where the changes of a session reach a client that holds a live view of it: a WebSocket bound
 * to the session. `send` takes the JSON text of a JSON Patch.
 */
export interface SessionSocket {
  /** Sends one text message. */
  send(text: string): void
  /** Closes the socket when its session ends (WebSocket close code 1000). */
  close?(code: number, reason: string): void
}

/** What a ClientSession asks of the registry that holds it. @internal */
export interface SessionHost {
  destroy(session: ClientSession, reason: DestroyReason): Promise<void>
  push(session: ClientSession): Promise<number>
  uriOf(id: string): string
  hasDestroyCallback(name: string): boolean
}

/** A session's state, kept in one object that the registry's files reach by `stateOf`. @internal */
export interface SessionState {
  id: string
  readonly createdMs: number
  lastActiveMs: number
  timeoutMinutes: number
  data: JsonValue | undefined
  // The data as last committed, and its version: a run's change is found by comparing texts.
  json: string | undefined
  version: number
  alive: boolean
  // Learnt when a process loads a record by its cookie: the record itself does not say.
  useCookie: boolean
  callbacks: DestroyCallback[] | null
  // Replaced, never changed in place: a session without names shares one empty array.
  callbackNames: readonly string[]
  // The names changed since the last save, so the next commit writes even if data did not.
  isRecordDirty: boolean
  queue: RunQueue | null
  // What the resource's HTTP client last saw (JSON text), and each bound socket's last view.
  resourceView: string | undefined
  sockets: Map<SessionSocket, string | undefined> | null
  readonly host: SessionHost
}

let stateOfSession: (session: ClientSession) => SessionState

/** The state behind a session, for the registry's files only. @internal */
export function stateOf(session: ClientSession): SessionState {
  return stateOfSession(session)
}

/**
 * A client session: state that outlives connections (a cart, a login, a page's view model),
 * found for each request by cookie, header, URI or WebSocket. Named so that it cannot be
 * confused with `Session`, the loop of one connection: a ClientSession spans many connections,
 * and one connection may serve several ClientSessions.
 *
 * Sessions are made by `app.sessions.create()`, never for every visitor. Handlers of requests
 * that carry one, and tasks scheduled on it, run one at a time, in arrival order.
 *
 * @example
 * ```ts
 * app.post('/login', async (req) => {
 *   req.session = app.sessions.create({ data: { user: 'ada', cart: [] }, useCookie: true })
 *   return { ok: true }
 * })
 * app.post('/cart', (req) => {
 *   const cart = (req.session!.data as { cart: string[] }).cart
 *   cart.push(req.json<{ item: string }>().item)
 *   return { items: cart.length }
 * })
 * ```
 */
export class ClientSession {
  #state: SessionState

  static {
    stateOfSession = (session) => session.#state
  }

  /** @internal made by the registry only */
  constructor(state: SessionState) {
    this.#state = state
  }

  /**
   * The session whose handler or task is running now (from `AsyncLocalStorage`), or
   * `undefined` outside one.
   */
  static get current(): ClientSession | undefined {
    return currentSessions.getStore() as ClientSession | undefined
  }

  /** The session's id: 128 random bits, URL-safe. Changes with `app.sessions.regenerate()`. */
  get id(): string {
    return this.#state.id
  }

  /** When the session was created (UTC). */
  get created(): Date {
    return new Date(this.#state.createdMs)
  }

  /** Its last activity (UTC): a request or response on it, a task, a WebSocket message. */
  get lastActive(): Date {
    return new Date(this.#state.lastActiveMs)
  }

  /** Whether the id travels in a cookie (else in `Location` and the resource URI). */
  get useCookie(): boolean {
    return this.#state.useCookie
  }

  /** The URI of the session's data as a JSON resource, e.g. `/__session/<id>`. */
  get uri(): string {
    return this.#state.host.uriOf(this.#state.id)
  }

  /** Idle minutes after which the session times out. */
  get timeoutMinutes(): number {
    return this.#state.timeoutMinutes
  }

  set timeoutMinutes(minutes: number) {
    if (!(Number.isFinite(minutes) && minutes > 0))
      throw new SessionInvalidOptionError('timeoutMinutes', minutes, 'a number of minutes > 0')
    this.#state.timeoutMinutes = minutes
    this.#state.isRecordDirty = true
  }

  /**
   * The session's data: any JSON value, changed in place or replaced. Changes are saved when the
   * handler or task that made them finishes. Assigning makes this session current.
   */
  get data(): JsonValue | undefined {
    return this.#state.data
  }

  set data(value: JsonValue | undefined) {
    this.#state.data = value
    currentSessions.enterWith(this)
  }

  /** @returns false once the session was destroyed or timed out */
  isAlive(): boolean {
    return this.#state.alive
  }

  /**
   * Ends the session now: its destroy callbacks run once each, its record leaves the store.
   * Destroying a session that already ended does nothing.
   */
  destroy(): Promise<void> {
    return this.#state.host.destroy(this, 'destroyed')
  }

  /**
   * Registers what to do when the session ends. A function runs in this process; a name runs the
   * callback registered under it with `app.sessions.onDestroy(name, fn)`, and is kept with the
   * session's record, so that with a shared store the process that ends it runs it.
   * Each runs once; one that throws is reported and does not stop the others.
   */
  onDestroy(callback: DestroyCallback | string): this {
    const state = this.#state
    if (!state.alive) return this
    if (typeof callback === 'string') {
      if (!state.host.hasDestroyCallback(callback))
        throw new SessionInvalidOptionError(
          'onDestroy',
          callback,
          'the name of a callback registered with sessions.onDestroy(name, fn)',
        )
      if (!state.callbackNames.includes(callback)) {
        state.callbackNames = [...state.callbackNames, callback]
        state.isRecordDirty = true
      }
    } else (state.callbacks ??= []).push(callback)
    return this
  }

  /**
   * Sends each WebSocket bound to the session the JSON Patch from what it last saw to the data
   * now. A task's changes are pushed when it ends; call this to push sooner.
   * @returns how many sockets were sent a patch
   */
  push(): Promise<number> {
    return this.#state.host.push(this)
  }
}
