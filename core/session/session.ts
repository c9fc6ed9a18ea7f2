import type { Transport } from '../../transports/transport.js'
import type { SessionHost } from './session-host.js'
import type { RequestHead } from '../wire/request-head.js'
import { holdDateCache, releaseDateCache } from '../wire/date-cache.js'
import { loopNow } from './loop-clock.js'
import { Flag } from './session-core.js'
import { SessionState } from './session-state.js'
import { Stage, readTimeoutMs } from './stages.js'
import { serveRequest } from './request-serving.js'
import { tearDown } from './session-teardown.js'

/** Responses to pipelined requests accumulate up to this many bytes before a write. */
const CORK_BYTES = 64 * 1024

/**
 * What the loop waits for when it cannot go on at once: a flush or a response (whether the
 * connection stays open), or a chunk from `read()` (`null` at the end).
 */
type LoopWait = Promise<boolean> | Promise<Buffer | null>

/**
 * One connection's whole life as one async loop: read a head, admit it, read the body, run the
 * handler, answer, and go round again while keep-alive allows; then close. It runs over any
 * Transport. `app.open(transport)` makes one for a server of your own; `app.serve(transport)` and
 * `app.listen()` make and run theirs.
 *
 * The loop never awaits what has already arrived: pipelined requests in the buffer are parsed and
 * answered back to back, and their responses leave together at the end of the event loop's turn.
 * Its parts live beside it: stage timeouts (`stages.ts`, `stage-expiry.ts`), admission
 * (`admission.ts`), the connection's fate (`connection-fate.ts`), body reading (`body-reading.ts`),
 * handler running (`handler-run.ts`), concurrent pipelining (`pipelining.ts`), its output
 * (`session-output.ts`, `write-timeout.ts`), its own answers (`own-answers.ts`), handing over
 * (`session-detach.ts`) and closing (`session-teardown.ts`). The connection's state, and the
 * one-line members by which responses, the output, the timer and the transport reach those parts,
 * are its base, {@link SessionState} (`session-state.ts`). What stays here is the loop.
 */
export class Session extends SessionState {
  #done: Promise<void> | undefined
  #resolveDone: (() => void) | undefined
  readonly #registry: Set<Session> | undefined

  /**
   * Makes the Session of a connection, not started yet. Users get theirs from `app.open()`, which
   * knows the App the Session runs for (`app.serve()` and `app.listen()` make and run theirs).
   * @param host - the App that routes and handles requests
   * @param transport - the connection's bytes
   * @param registry - a set of live sessions the Session joins while it runs (a server's registry)
   * @internal
   */
  static open(host: SessionHost, transport: Transport, registry?: Set<Session>): Session {
    return new Session(host, transport, registry)
  }

  private constructor(host: SessionHost, transport: Transport, registry: Set<Session> | undefined) {
    super(host, transport)
    this.#registry = registry
  }

  /**
   * Runs the connection to its end. Never rejects: failures go to the App's error hook.
   * @returns a promise that resolves once the transport is closed and every timer cancelled
   */
  run(): Promise<void> {
    this.start()
    return this.done
  }

  /** Resolves when the connection has ended; at once when it was never started. */
  get done(): Promise<void> {
    if (!this.has(Flag.Started) || this.has(Flag.Ended)) return Promise.resolve()
    return (this.#done ??= new Promise<void>((resolve) => (this.#resolveDone = resolve)))
  }

  /** Like `run()`, without creating the promise of its end (see `done`). @internal */
  start(): void {
    if (this.has(Flag.Started)) return
    this.raise(Flag.Started)
    holdDateCache()
    this.#registry?.add(this)
    if (this.host.connectionOpened !== undefined) {
      try {
        this.host.connectionOpened(this.connection)
      } catch (err) {
        // A hook that throws ends its own connection, never the process: it is reported, and the
        // connection ends as any other does (onClose, the registry, the date cache).
        this.endWith('error')
        this.host.reportError(err)
        this.#end()
        return
      }
    }
    this.timer.arm(this.host.config.timeouts.headerTimeoutMs, this.host.timers)
    this.#run()
  }

  /**
   * Runs the loop as far as it goes without waiting; a wait continues in `#resume`. With a
   * transport that can notify, the loop returns to wait for a head (parks) and the transport's
   * event starts it again: an idle connection is then no frame and no promise, and a keep-alive
   * request that finds everything at hand runs without an async function or a promise.
   */
  #run(): void {
    let wait: LoopWait | undefined
    try {
      wait = this.#turn()
    } catch (err) {
      this.endWith('error')
      this.host.reportError(err)
    }
    if (wait !== undefined) void this.#resume(wait)
    else if (!this.has(Flag.Parked)) this.#end()
  }

  /** Waits for what the loop is waiting for, then runs it on, until it parks or ends. */
  async #resume(first: LoopWait): Promise<void> {
    let wait: LoopWait | undefined = first
    try {
      while (wait !== undefined) {
        const result = await wait
        if (result === false) break
        if (result !== true) {
          // A chunk that `read()` waited for, or the end of the input.
          if (result === null || this.stage === Stage.Closed) {
            this.endWith('client-closed')
            break
          }
          this.#receive(result)
        }
        wait = this.#turn()
      }
    } catch (err) {
      this.endWith('error')
      this.host.reportError(err)
    }
    if (!this.has(Flag.Parked)) this.#end()
  }

  /**
   * The loop's synchronous part: answers every buffered request, then flushes and parks. The wait
   * for a head is written out here rather than in helpers, whose frames would stay suspended too.
   * @returns what it must wait for (a flush, a response, or a read); `undefined` when it parked or
   *   the connection is over
   */
  #turn(): LoopWait | undefined {
    for (;;) {
      // Responses to pipelined requests leave once they pile up, not only when input runs out.
      if (this.output.bytes >= CORK_BYTES) {
        const flushed = this.output.flushNow()
        if (flushed !== true) return flushed === false ? undefined : flushed
      }
      let head = this.#tryHead()
      while (head === undefined) {
        // Answered: the turn's first responses leave now, later ones at its end with other connections' (turn-end.ts).
        if (!this.output.isIdle && !this.output.flushAtTurnEnd()) {
          const flushed = this.output.flushNow()
          if (flushed !== true) return flushed === false ? undefined : flushed
        }
        const stage = this.input.available > 0 || this.requestsRead === 0 ? Stage.Head : Stage.Idle
        if (!this.#readyToRead(stage)) return undefined
        if (!this.has(Flag.CanPark)) return this.#read()
        const chunk = this.transport.tryRead!()
        if (chunk === undefined) {
          // Registered first: a transport that throws here ends the Session instead of stranding it.
          this.transport.notifyReadable!(this)
          this.raise(Flag.Parked)
          return undefined
        }
        if (chunk === null || this.stage === Stage.Closed) {
          this.endWith('client-closed')
          return undefined
        }
        this.#receive(chunk)
        head = this.#tryHead()
      }
      if (head === null) return undefined
      const open = serveRequest(this, head)
      if (typeof open !== 'boolean') return open
      if (!open) return undefined
    }
  }

  /**
   * Takes a chunk that arrived while the loop waited for a head. Another request may follow in this
   * turn, so what earlier ones answered leaves first: what waits for the turn's end is then only
   * ever whole responses, which a close writes before closing.
   */
  #receive(chunk: Buffer): void {
    this.output.flushDeferred()
    this.input.append(chunk)
  }

  /**
   * @returns the next wholly buffered head; `undefined` when more bytes are needed; `null` when
   *   the bytes were refused (the error response is queued and the connection will close)
   */
  #tryHead(): RequestHead | null | undefined {
    const head = this.input.next()
    return typeof head === 'number' ? this.reject(head) : head
  }

  /** Before waiting for bytes: stop when the connection is over, else arm the stage's timeout. */
  #readyToRead(stage: number): boolean {
    if (this.stage === Stage.Closed || this.has(Flag.Detached)) return false
    // A shutdown asked for while the last response was being written.
    if (this.has(Flag.Closing) && stage === Stage.Idle) {
      this.endWith('shutdown')
      return false
    }
    if (this.stage !== stage) {
      const timeoutMs = readTimeoutMs(stage, this.host.config.timeouts)
      if (stage !== Stage.Body) this.enterStage(stage, timeoutMs)
      else {
        // bodyTimeoutMs is a deadline for the whole body: the waits of a body streamed to its
        // handler, which runs between them, all count from the first.
        const now = loopNow()
        if (this.bodyFrom === 0) this.bodyFrom = now
        this.stage = stage
        this.timer.arm(timeoutMs, this.host.timers, now, this.bodyFrom)
      }
    }
    // An idle connection holds no bytes of the requests it has served.
    if (this.input.available === 0) this.input.release()
    return true
  }

  /**
   * Waits for a chunk of a body (after flushing what is queued). @returns how far offsets moved, or
   * -1 at end @internal
   */
  async fill(stage: number): Promise<number> {
    if (!this.output.isIdle && !(await this.flush())) return -1
    if (!this.#readyToRead(stage)) return -1
    const chunk = await this.#read()
    if (chunk === null || this.stage === Stage.Closed) {
      this.endWith('client-closed')
      return -1
    }
    return this.input.append(chunk)
  }

  /** Waits for the transport's next chunk, marked as a wait that `detach()` cannot take back. */
  async #read(): Promise<Buffer | null> {
    this.unwatch()
    this.raise(Flag.Reading)
    try {
      return await this.transport.read()
    } finally {
      this.lower(Flag.Reading)
    }
  }

  /** The loop is over: close, with any failure of the closing reported rather than lost. */
  #end(): void {
    try {
      tearDown(this)
    } catch (err) {
      this.host.reportError(err)
    }
  }

  /** The connection is over and closed. @internal */
  ended(): void {
    this.abandonWrites()
    releaseDateCache()
    this.#registry?.delete(this)
    try {
      if (this.host.connectionClosed !== undefined)
        this.host.connectionClosed(this.connection, this.closeReason ?? 'completed')
    } catch (err) {
      this.host.reportError(err)
    }
    this.raise(Flag.Ended)
    this.#resolveDone?.()
  }

  /** The transport has bytes (or the end) for a parked loop, or a watched one. @internal */
  readable(): void {
    if (!this.has(Flag.Parked)) {
      if (!this.has(Flag.Watching)) return
      // A listener is told once.
      this.lower(Flag.Watching)
      // Told while a handler runs (`watchForClose`): a transport closed under it ends the
      // connection now, aborting `req.signal`. Bytes or a FIN wait for the answer (RFC 9112 §9.6).
      if (this.has(Flag.HandlerPending) && !this.transport.isOpen) this.destroyWithReason('client-closed')
      return
    }
    this.lower(Flag.Parked)
    this.#run()
  }
}
