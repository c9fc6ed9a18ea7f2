import type { ReadableListener, Transport, TlsDetails } from '../../transports/transport.js'
import type { WafVerdict } from '../../waf/verdict.js'
import type { RouteMatch } from '../../router/route-match.js'
import { EMPTY_PARAMS } from '../../router/params-object.js'
import type { Config } from '../config/config.js'
import type { SessionHost } from './session-host.js'
import type { RouteEntry } from '../route/route-entry.js'
import type { RequestConnection } from '../request/request.js'
import { Request } from '../request/request.js'
import { Response } from '../response/response.js'
import type { RequestHead } from '../wire/request-head.js'
import { SessionOutput, type OutputEvents } from './session-output.js'
import { takeBufferedSafeHead } from './buffered-head.js'
import { StageTimer, type TimerOwner } from './stage-timer.js'
import { ParseResult } from '../wire/parse-result.js'
import { HeadReader } from '../wire/head-reader.js'
import { readBody } from '../request/body-reader.js'
import { BodyStream } from '../request/body-stream.js'
import { writeAll } from '../../transports/write-all.js'
import { CONTINUE_RESPONSE, parseErrorResponse, timeoutResponse } from '../wire/error-responses.js'
import { holdDateCache, releaseDateCache } from '../wire/date-cache.js'
import { sendReturnValue } from '../response/return-value.js'
import { Connection, type CloseReason, type ConnectionSource, type DetachedConnection } from '../request/connection.js'
import { isOrdinaryDisconnect } from './ordinary-disconnect.js'
import { AlreadyDetachedError, DetachWhileReadingError } from '../errors.js'
import { sendConstant } from '../response/constant-response.js'
import { ResponseSlot, type SlotOwner } from './response-slot.js'
import { loopNow } from './loop-clock.js'

/**
 * What the connection is waiting for; decides which timeout is armed and what expiry does.
 * `Serving` marks a request being answered without waiting: no timer of its own, but the wait
 * that follows arms its own again (the idle timeout counts from the last response).
 */
const Stage = { Head: 0, Idle: 1, Body: 2, Handler: 3, Write: 4, Closed: 5, Serving: 6 } as const

/**
 * The Session's booleans, kept as bits of one field: every field of a Session is paid for by
 * each idle connection.
 */
const Flag = {
  HandlerPending: 1,
  Closing: 2,
  Detached: 4,
  Woken: 8,
  CanPark: 16,
  Parked: 32,
  Started: 64,
  Ended: 128,
  Reading: 256,
} as const

/** Responses to pipelined requests accumulate up to this many bytes before a write. */
const CORK_BYTES = 64 * 1024

/**
 * What the loop waits for when it cannot go on at once: a flush or a response (whether the
 * connection stays open), or a chunk from `read()` (`null` at the end).
 */
type LoopWait = Promise<boolean> | Promise<Buffer | null>

/**
 * One connection's whole life as one async loop: read a head, check it, read the body, dispatch,
 * answer, and go round again while keep-alive allows; then close. It runs over any Transport.
 *
 * The loop never awaits what has already arrived: pipelined requests in the buffer are parsed and
 * answered back to back, and their responses leave together at the end of the event loop's turn.
 */
export class Session implements SlotOwner, RequestConnection, ConnectionSource, OutputEvents, TimerOwner, ReadableListener {
  readonly #host: SessionHost
  /** The connection's bytes. */
  readonly transport: Transport
  /** The received bytes, and the reader of the heads in them. */
  readonly #input: HeadReader
  readonly #output: SessionOutput
  readonly #timer: StageTimer
  #stage: number = Stage.Head
  #head: RequestHead | undefined
  #response: Response | undefined
  #requestCount = 0
  #headNumber = 0
  /** When the connection was accepted. */
  readonly createdAt = Date.now()
  /** When the last request arrived, to the turn of the event loop (see `loopNow`). */
  lastActiveAt = this.createdAt
  #timedOut = -1
  #closeReason: CloseReason | undefined
  #abort: AbortController | undefined
  #aborted: Promise<void> | undefined
  #wake: (() => void) | undefined
  #connection: Connection | undefined
  /** The Session's booleans, as bits of `Flag`. */
  #flags = 0
  #done: Promise<void> | undefined
  #resolveDone: (() => void) | undefined
  readonly #registry: Set<Session> | undefined

  /**
   * @param host - the App that routes and handles requests
   * @param transport - the connection's bytes
   * @param registry - a set of live sessions the Session joins while it runs (a server's registry)
   */
  constructor(host: SessionHost, transport: Transport, registry?: Set<Session>) {
    this.#host = host
    this.#registry = registry
    this.transport = transport
    this.#input = new HeadReader(host.config.limits)
    this.#output = new SessionOutput(transport, host.config.smallWriteBytes, this)
    this.#timer = new StageTimer(this)
    // Between requests the loop returns instead of awaiting a read, when the transport can tell it
    // that bytes arrived (`tryRead` + `notifyReadable`): an idle connection then holds no frame.
    if (transport.tryRead !== undefined && transport.notifyReadable !== undefined) this.#raise(Flag.CanPark)
  }

  /** `Server: …\r\n` or `''`. */
  get serverLine(): string {
    return this.#host.serverLine
  }

  /** Responses up to this many bytes are copied into one buffer with their head. */
  get smallWriteBytes(): number {
    return this.#host.config.smallWriteBytes
  }

  #has(flag: number): boolean {
    return (this.#flags & flag) !== 0
  }

  #raise(flag: number): void {
    this.#flags |= flag
  }

  #lower(flag: number): void {
    this.#flags &= ~flag
  }

  // Read through the host: every field of a Session is paid for by each idle connection.
  get #config(): Config {
    return this.#host.config
  }

  /** The transport's remote address. */
  get remoteAddress(): string | undefined {
    return this.transport.remoteAddress
  }

  /** TLS details when the transport carries TLS. */
  get tls(): TlsDetails | undefined {
    return this.transport.tls
  }

  /** Aborted when the connection ends or a timeout fires. */
  get signal(): AbortSignal {
    const controller = (this.#abort ??= new AbortController())
    if (this.#stage === Stage.Closed && !controller.signal.aborted) controller.abort()
    return controller.signal
  }

  /** The connection as handlers see it (`req.connection`). */
  get connection(): Connection {
    return (this.#connection ??= new Connection(this))
  }

  /** Requests read so far. */
  get requestCount(): number {
    return this.#requestCount
  }

  /** Why the connection ended, once it has. */
  get closeReason(): CloseReason | undefined {
    return this.#closeReason
  }

  /**
   * Runs the connection to its end. Never rejects: failures go to the App's error hook.
   * @returns a promise that resolves once the transport is closed and every timer cancelled
   */
  run(): Promise<void> {
    this.start()
    return this.done
  }

  /** Like `run()`, without creating the promise of its end (see `done`). @internal */
  start(): void {
    if (this.#has(Flag.Started)) return
    this.#raise(Flag.Started)
    holdDateCache()
    this.#registry?.add(this)
    if (this.#host.connectionOpened !== undefined) this.#host.connectionOpened(this.connection)
    this.#timer.arm(this.#config.timeouts.headerTimeoutMs, this.#host.timers)
    this.#run()
  }

  /** Resolves when the connection has ended; at once when it was never started. */
  get done(): Promise<void> {
    if (!this.#has(Flag.Started) || this.#has(Flag.Ended)) return Promise.resolve()
    return (this.#done ??= new Promise<void>((resolve) => (this.#resolveDone = resolve)))
  }

  /** The transport has bytes (or the end) for a parked loop. @internal */
  readable(): void {
    if (!this.#has(Flag.Parked)) return
    this.#lower(Flag.Parked)
    this.#run()
  }

  /**
   * Asks the connection to end gracefully: at once when idle, otherwise after the response in
   * progress, which is sent with `Connection: close`.
   */
  shutdown(): void {
    this.#raise(Flag.Closing)
    if (this.#stage === Stage.Idle || (this.#stage === Stage.Head && this.#input.available === 0)) this.destroyWithReason('shutdown')
  }

  /** Closes the transport now, with `shutdown` as the reason; the loop ends at its next step. */
  destroy(): void {
    this.destroyWithReason('shutdown')
  }

  /** Closes the transport now. @internal */
  destroyWithReason(reason: CloseReason): void {
    this.#endWith(reason)
    // Whole responses answered in this turn wait for its end: they leave before the close.
    this.#output.flushDeferred()
    this.#output.breakOff()
    this.#response?.seize()
    this.#close()
  }

  /** Ends the Session and hands the transport over with its unread bytes. @internal */
  detach(): Promise<DetachedConnection> {
    if (this.#has(Flag.Detached)) return Promise.reject(new AlreadyDetachedError())
    // A pending read() cannot be taken back: the next chunk would go to this Session, not the new owner.
    if (this.#has(Flag.Reading)) return Promise.reject(new DetachWhileReadingError())
    this.#raise(Flag.Detached)
    this.#endWith('detached')
    this.#response?.seize()
    this.#wakeLoop()
    if (this.#has(Flag.Parked)) {
      // Idle: take the listener back from the transport and wake the loop, which ends the Session.
      this.transport.notifyReadable!(null)
      this.readable()
    }
    return this.flush().then(() => {
      this.#timer.disarm()
      return { transport: this.transport, buffered: this.#input.drain() }
    })
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
      this.#endWith('error')
      this.#host.reportError(err)
    }
    if (wait !== undefined) void this.#resume(wait)
    else if (!this.#has(Flag.Parked)) this.#end()
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
          if (result === null || this.#stage === Stage.Closed) {
            this.#endWith('client-closed')
            break
          }
          this.#receive(result)
        }
        wait = this.#turn()
      }
    } catch (err) {
      this.#endWith('error')
      this.#host.reportError(err)
    }
    if (!this.#has(Flag.Parked)) this.#end()
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
      if (this.#output.bytes >= CORK_BYTES) {
        const flushed = this.#output.flushNow()
        if (flushed !== true) return flushed === false ? undefined : flushed
      }
      let head = this.#tryHead()
      while (head === undefined) {
        // Answered: the turn's first responses leave now, later ones at its end with other connections' (turn-end.ts).
        if (!this.#output.isIdle && !this.#output.flushAtTurnEnd()) {
          const flushed = this.#output.flushNow()
          if (flushed !== true) return flushed === false ? undefined : flushed
        }
        const stage = this.#input.available > 0 || this.#requestCount === 0 ? Stage.Head : Stage.Idle
        if (!this.#readyToRead(stage)) return undefined
        if (!this.#has(Flag.CanPark)) return this.#read()
        const chunk = this.transport.tryRead!()
        if (chunk === undefined) {
          // Registered first: a transport that throws here ends the Session instead of stranding it.
          this.transport.notifyReadable!(this)
          this.#raise(Flag.Parked)
          return undefined
        }
        if (chunk === null || this.#stage === Stage.Closed) {
          this.#endWith('client-closed')
          return undefined
        }
        this.#receive(chunk)
        head = this.#tryHead()
      }
      if (head === null) return undefined
      const open = this.#serve(head)
      this.#head = undefined
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
    this.#output.flushDeferred()
    this.#input.append(chunk)
  }

  /** The loop is over: close, with any failure of the closing reported rather than lost. */
  #end(): void {
    this.#finish().catch((err: unknown) => this.#host.reportError(err))
  }

  /**
   * Routes, checks and answers one parsed request. Synchronous when everything it needs is buffered
   * and its handler is synchronous: the common case costs no promise and no microtask.
   * @returns whether the connection stays open, or a promise of it
   */
  #serve(head: RequestHead): boolean | Promise<boolean> {
    this.#head = head
    this.#headNumber = ++this.#requestCount
    this.#stage = Stage.Serving
    this.lastActiveAt = loopNow()
    const host = this.#host
    const match = host.route(head.method, head.path)
    const entry = match.status === 200 ? match.store : undefined
    const bodyLimit = entry?.bodyLimit ?? this.#config.limits.maxBodyBytes
    // Refused before a single body byte is read.
    if (head.contentLength > bodyLimit) {
      this.#reject(ParseResult.BodyTooLarge)
      return false
    }
    const verdict = host.waf.checkHead(head, entry?.wafMode)
    if (!head.hasBody) return this.#respond(head, match, verdict, undefined)
    const input = this.#input
    if (!head.chunked && input.available >= head.contentLength && entry?.streamBody !== true && verdict?.blocked !== true) {
      const body = input.take(head.contentLength)
      return this.#respond(head, match, host.waf.checkBody(head, body, head.header('content-type'), entry?.wafMode) ?? verdict, body)
    }
    return this.#serveWithBody(head, match, verdict, bodyLimit)
  }

  /** The body is still on its way (or streamed to the handler): read it, check it, answer. */
  async #serveWithBody(head: RequestHead, match: RouteMatch<RouteEntry>, verdict: WafVerdict | null, bodyLimit: number): Promise<boolean> {
    const limits = this.#config.limits
    const entry = match.status === 200 ? match.store : undefined
    if (head.expectContinue && this.#input.available === 0) {
      // RFC 9110 §10.1.1: answer a request that will be refused without inviting its body,
      // then close, since the client may or may not send the body anyway.
      if (match.status !== 200 || verdict?.blocked === true) {
        this.#raise(Flag.Closing)
        await this.#respond(head, match, verdict, undefined)
        return false
      }
      this.#output.pushBytes(CONTINUE_RESPONSE)
      if (!(await this.flush())) return false
    }
    const waitForMore = (): Promise<number> => this.#fill(Stage.Body)
    const blocked = verdict?.blocked === true
    if (entry?.streamBody === true && !blocked) {
      // The handler reads this body: between its reads, its own timeout applies again.
      const waitInHandler = async (): Promise<number> => {
        const moved = await waitForMore()
        if (moved >= 0) this.#setStage(Stage.Handler, this.#config.timeouts.handlerTimeoutMs)
        return moved
      }
      const stream = new BodyStream(this.#input, head, bodyLimit, limits.maxHeaderBytes, waitInHandler, () => {
        // Whatever answers a body that broke its framing or limit closes the connection.
        this.#raise(Flag.Closing)
        this.#endWith('error')
      })
      if (!(await this.#respond(head, match, verdict, stream))) return false
      if (!stream.isDone && !(await stream.drain())) {
        this.#endWith('error')
        return false
      }
      return true
    }
    const result = await readBody(this.#input, head, bodyLimit, limits.maxHeaderBytes, waitForMore)
    if (typeof result === 'number') {
      if (result === ParseResult.Incomplete) this.#endWith('client-closed')
      else this.#reject(result)
      return false
    }
    // In monitor mode a finding in the head does not stop the body from being checked too.
    if (!blocked) verdict = this.#host.waf.checkBody(head, result, head.header('content-type'), entry?.wafMode) ?? verdict
    return this.#respond(head, match, verdict, result)
  }

  /** Answers one request. @returns whether the connection stays open, or a promise of it */
  #respond(
    head: RequestHead,
    match: RouteMatch<RouteEntry>,
    verdict: WafVerdict | null,
    body: Buffer | BodyStream | undefined,
  ): boolean | Promise<boolean> {
    const constant = match.status === 200 ? match.store.constant : undefined
    if (constant !== undefined && verdict?.blocked !== true) {
      return sendConstant(this, constant, head) && !this.#output.isBroken
    }
    const res = new Response(this, head)
    this.#response = res
    if (verdict !== null && verdict.blocked) {
      res.status(400).json({ message: 'Request blocked', rule: verdict.ruleId })
    } else {
      const req = new Request(head, body, match.status === 200 ? match.params : EMPTY_PARAMS, this)
      const done = this.#dispatch(req, res, match)
      if (done !== undefined) return this.#respondLater(done, res)
    }
    return this.#responded(res, true)
  }

  async #respondLater(done: Promise<void>, res: Response): Promise<boolean> {
    const overlap = this.#has(Flag.HandlerPending) && this.#config.limits.maxConcurrentRequests > 1
    const keepAlive = overlap ? await this.#overlap(done, res) : (await done, true)
    return this.#responded(res, keepAlive)
  }

  #responded(res: Response, keepAlive: boolean): boolean {
    this.#response = undefined
    const open = keepAlive && res.keepAlive
    if (!open && this.#stage !== Stage.Closed) this.#endWith('completed')
    return open && !this.#output.isBroken && this.#stage !== Stage.Closed && !this.#has(Flag.Detached)
  }

  /**
   * While the handler of `first` is pending, starts the pipelined GET/HEAD requests already
   * buffered behind it (up to `maxConcurrentRequests` in flight), each answering into a slot that
   * holds its response until every earlier one has left.
   * @returns whether the connection stays open after the last of them
   */
  async #overlap(first: Promise<void>, firstResponse: Response): Promise<boolean> {
    const limits = this.#config.limits
    const started: { slot: ResponseSlot; res: Response; done: Promise<void> | undefined; keepAlive: boolean }[] = []
    let held = 0
    while (started.length + 1 < limits.maxConcurrentRequests && held <= limits.maxBufferedResponseBytes && !this.#has(Flag.Closing)) {
      if (limits.maxRequestsPerConnection > 0 && this.#requestCount >= limits.maxRequestsPerConnection) break
      const head = takeBufferedSafeHead(this.#input, limits)
      if (head === null) break
      const slot = new ResponseSlot(this, head, ++this.#requestCount)
      const res = new Response(slot, head)
      const match = this.#host.route(head.method, head.path)
      const entry = match.status === 200 ? match.store : undefined
      const verdict = this.#host.waf.checkHead(head, entry?.wafMode)
      let done: Promise<void> | undefined
      let keepAlive = true
      if (verdict !== null && verdict.blocked) res.status(400).json({ message: 'Request blocked', rule: verdict.ruleId })
      else if (entry?.constant !== undefined) keepAlive = sendConstant(slot, entry.constant, head)
      else done = this.#dispatch(new Request(head, undefined, match.status === 200 ? match.params : EMPTY_PARAMS, this), res, match)
      started.push({ slot, res, done, keepAlive })
      held = 0
      for (const s of started) held += s.slot.heldBytes
    }
    await first
    let open = firstResponse.keepAlive
    for (const next of started) {
      if (!open || this.#stage === Stage.Closed || this.#has(Flag.Detached)) {
        // An earlier response closed the connection: later ones must not follow it.
        next.res.seize()
        continue
      }
      next.slot.activate()
      if (next.done !== undefined) await next.done
      open = next.keepAlive && next.res.keepAlive
    }
    return open
  }

  /**
   * Runs the handler chain. Returns nothing when it finished synchronously (the hot path), or a
   * promise when it has to be waited for.
   */
  #dispatch(req: Request, res: Response, match: RouteMatch<RouteEntry>): Promise<void> | undefined {
    try {
      const result = this.#host.handle(req, res, match)
      if (isThenable(result)) return this.#awaitHandler(result, req, res)
      if (this.#has(Flag.Detached)) return undefined
      if (!res.headersSent) sendReturnValue(res, result, req.target)
      else if (!res.isEnded) return this.#awaitStream(res)
      return undefined
    } catch (err) {
      return this.#handlerFailed(err, req, res)
    }
  }

  async #awaitHandler(pending: PromiseLike<unknown>, req: Request, res: Response): Promise<void> {
    this.#setStage(Stage.Handler, this.#config.timeouts.handlerTimeoutMs)
    this.#raise(Flag.HandlerPending)
    try {
      const result = await this.#untilWoken(pending)
      this.#lower(Flag.HandlerPending)
      if (this.#has(Flag.Woken)) return this.#interrupted(res, pending)
      if (this.#has(Flag.Detached)) return
      if (!res.headersSent) sendReturnValue(res, result, req.target)
      else if (!res.isEnded) await this.#awaitStream(res)
    } catch (err) {
      this.#lower(Flag.HandlerPending)
      await this.#handlerFailed(err, req, res)
    }
  }

  /** The head is out and the handler returned: wait for the streamed body to end. */
  async #awaitStream(res: Response): Promise<void> {
    this.#setStage(Stage.Handler, this.#config.timeouts.handlerTimeoutMs)
    await this.#untilWoken(res.finished())
    if (this.#has(Flag.Woken)) this.#interrupted(res, undefined)
  }

  /** The wait for a handler was cut short by a timeout, an abort, a shutdown or a detach. */
  #interrupted(res: Response, pending: PromiseLike<unknown> | undefined): void {
    // The handler runs on; a failure it meets later still deserves a report.
    pending?.then(undefined, (err: unknown) => {
      if (!isOrdinaryDisconnect(err)) this.#host.reportError(err)
    })
    if (this.#has(Flag.Detached)) return
    if (this.#timedOut === Stage.Handler && !res.headersSent) {
      res.seize()
      this.#output.pushBytes(timeoutResponse(this.serverLine))
      this.#raise(Flag.Closing)
      return
    }
    res.seize()
    if (this.#stage !== Stage.Closed) this.abort()
  }

  async #handlerFailed(err: unknown, req: Request, res: Response): Promise<void> {
    if (this.#has(Flag.Detached) || this.#stage === Stage.Closed) {
      if (!isOrdinaryDisconnect(err)) this.#host.reportError(err)
      return
    }
    if (res.headersSent) {
      // Part of the response is out; the client could not tell where it ends. Close.
      if (!res.isEnded) this.abort()
      if (!isOrdinaryDisconnect(err)) this.#host.reportError(err)
      return
    }
    try {
      const handled = this.#host.handleError(err, req, res)
      if (isThenable(handled)) {
        // The error hook answers for the handler, within the handler's time.
        if (this.#stage !== Stage.Handler) this.#setStage(Stage.Handler, this.#config.timeouts.handlerTimeoutMs)
        await this.#untilWoken(handled)
        if (this.#has(Flag.Woken)) return this.#interrupted(res, handled)
      }
    } catch (hookError) {
      this.#host.reportError(hookError)
    }
    if (!res.headersSent) res.status(500).json({ message: 'Internal Server Error' })
    else if (!res.isEnded) this.abort()
  }

  /**
   * @returns the next wholly buffered head; `undefined` when more bytes are needed; `null` when
   *   the bytes were refused (the error response is queued and the connection will close)
   */
  #tryHead(): RequestHead | null | undefined {
    const head = this.#input.next()
    return typeof head === 'number' ? this.#reject(head) : head
  }

  /** Before waiting for bytes: stop when the connection is over, else arm the stage's timeout. */
  #readyToRead(stage: number): boolean {
    if (this.#stage === Stage.Closed || this.#has(Flag.Detached)) return false
    // A shutdown asked for while the last response was being written.
    if (this.#has(Flag.Closing) && stage === Stage.Idle) {
      this.#endWith('shutdown')
      return false
    }
    if (this.#stage !== stage) this.#setStage(stage, this.#readTimeoutMs(stage))
    // An idle connection holds no bytes of the requests it has served.
    if (this.#input.available === 0) this.#input.release()
    return true
  }

  /** The timeout of a wait for bytes: for the next request, the rest of a head, or a body. */
  #readTimeoutMs(stage: number): number {
    const timeouts = this.#config.timeouts
    return stage === Stage.Idle ? timeouts.idleTimeoutMs : stage === Stage.Head ? timeouts.headerTimeoutMs : timeouts.bodyTimeoutMs
  }

  /** Waits for a chunk of a body (after flushing what is queued). @returns how far offsets moved, or -1 at end */
  async #fill(stage: number): Promise<number> {
    if (!this.#output.isIdle && !(await this.flush())) return -1
    if (!this.#readyToRead(stage)) return -1
    const chunk = await this.#read()
    if (chunk === null || this.#stage === Stage.Closed) {
      this.#endWith('client-closed')
      return -1
    }
    return this.#input.append(chunk)
  }

  /** Waits for the transport's next chunk, marked as a wait that `detach()` cannot take back. */
  async #read(): Promise<Buffer | null> {
    this.#raise(Flag.Reading)
    try {
      return await this.transport.read()
    } finally {
      this.#lower(Flag.Reading)
    }
  }

  /** Every stage's deadline is measured from the loop's time, read once per turn for all of them. */
  #setStage(stage: number, timeoutMs: number): void {
    this.#stage = stage
    this.#timer.arm(timeoutMs, this.#host.timers, loopNow())
  }

  /** Queues the fixed response to a protocol error; the loop then ends, flushing it before closing. */
  #reject(result: number): null {
    this.#endWith('error')
    this.#raise(Flag.Closing)
    this.#output.pushBytes(parseErrorResponse(result, this.serverLine))
    return null
  }

  /** The armed stage's deadline passed. @internal */
  expire(): void {
    const stage = this.#stage
    this.#timedOut = stage
    this.#endWith('timeout')
    if (stage === Stage.Handler) {
      this.#wakeLoop()
      return
    }
    const started = this.#input.available > 0 || stage === Stage.Body
    if ((stage === Stage.Head || stage === Stage.Body) && started && this.#output.isIdle) {
      // Part of a request came and nothing of a response left: say why before closing.
      this.#stage = Stage.Write
      const close = (): void => this.#close()
      void writeAll(this.transport, [timeoutResponse(this.serverLine)]).then(close, close)
      return
    }
    this.#close()
  }

  #endWith(reason: CloseReason): void {
    this.#closeReason ??= reason
  }

  #close(): void {
    this.#stage = Stage.Closed
    this.#abort?.abort()
    this.#wakeLoop()
    if (this.#has(Flag.Detached)) return
    this.#output.breakOff()
    this.transport.close()
  }

  #wakeLoop(): void {
    this.#raise(Flag.Woken)
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }

  /** Waits for `promise`, or less: a timeout, a close or a detach stops the wait. */
  #untilWoken<T>(promise: PromiseLike<T>): Promise<T | undefined> {
    this.#aborted ??= this.#has(Flag.Woken) ? Promise.resolve() : new Promise<void>((resolve) => (this.#wake = resolve))
    return Promise.race([promise, this.#aborted.then(() => undefined)])
  }

  async #finish(): Promise<void> {
    this.#timer.disarm()
    if (!this.#has(Flag.Detached)) {
      if (!this.#output.isBroken && this.#stage !== Stage.Closed && !this.#output.isIdle) await this.flush()
      this.#endWith('completed')
      this.#close()
    }
    releaseDateCache()
    this.#registry?.delete(this)
    try {
      if (this.#host.connectionClosed !== undefined) this.#host.connectionClosed(this.connection, this.#closeReason ?? 'completed')
    } catch (err) {
      this.#host.reportError(err)
    }
    this.#raise(Flag.Ended)
    this.#resolveDone?.()
  }

  // OutputEvents ------------------------------------------------------------------------------

  /** A flush is starting: arm the write timeout. @internal */
  writing(): number {
    const resumeStage = this.#stage
    this.#setStage(Stage.Write, this.#config.timeouts.writeTimeoutMs)
    return resumeStage
  }

  /** A flush ended. @internal */
  written(resumeStage: number): void {
    if (this.#stage !== Stage.Write) return
    // A streaming handler gets its own timeout back for producing the next piece; the loop's own
    // flushes are followed by a read that arms the idle or head timeout.
    if (resumeStage === Stage.Handler) this.#setStage(Stage.Handler, this.#config.timeouts.handlerTimeoutMs)
    // A flush put off to the turn's end had to wait while the loop waited for the next request.
    else if (resumeStage === Stage.Idle || resumeStage === Stage.Head) {
      this.#setStage(resumeStage, this.#readTimeoutMs(resumeStage))
      // A shutdown asked for meanwhile found the connection writing: it is waiting again now.
      if (this.#has(Flag.Closing)) this.shutdown()
    }
  }

  /** A write accepted nothing or failed. @internal */
  failed(err: unknown): void {
    this.#endWith(err === undefined || isOrdinaryDisconnect(err) ? 'client-closed' : 'error')
    if (err !== undefined) this.reportError(err)
    this.#close()
  }

  // ResponseSink ------------------------------------------------------------------------------

  /** @internal */
  mustClose(): boolean {
    return this.#head === undefined ? this.#has(Flag.Closing) : this.mustCloseFor(this.#head, this.#headNumber)
  }

  /** @internal */
  mustCloseFor(head: RequestHead, requestNumber: number): boolean {
    const max = this.#config.limits.maxRequestsPerConnection
    return this.#has(Flag.Closing) || !head.keepAlive || (max > 0 && requestNumber >= max)
  }

  /** @internal */
  queueText(text: string, byteLength: number): void {
    this.#output.pushText(text, byteLength)
  }

  /** @internal */
  queueBytes(bytes: Buffer): void {
    this.#output.pushBytes(bytes)
  }

  /** Writes everything queued, waiting for the transport. @internal */
  flush(): Promise<boolean> {
    return this.#output.flush()
  }

  /** Closes the connection at once: the response in progress cannot be completed. @internal */
  abort(): void {
    this.destroyWithReason('aborted')
  }

  /** @internal */
  closeAfterFlush(): void {
    this.#endWith('aborted')
    this.#raise(Flag.Closing)
  }

  /** Reports an error that belongs to no request. @internal */
  reportError(err: unknown): void {
    if (!isOrdinaryDisconnect(err)) this.#host.reportError(err)
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function'
}
