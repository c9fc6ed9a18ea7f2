import type { Transport, TlsDetails } from '../../transports/transport.js'
import type { WafVerdict } from '../../waf/verdict.js'
import type { RouteMatch } from '../../router/route-match.js'
import { EMPTY_PARAMS } from '../../router/params-object.js'
import type { ProxyTrust } from '../config/trust-proxy.js'
import type { SessionHost } from './session-host.js'
import type { RouteEntry } from '../route/route-entry.js'
import { Request } from '../request/request.js'
import { Response } from '../response/response.js'
import type { RequestHead } from '../wire/request-head.js'
import type { BodyStream } from '../request/body-stream.js'
import { SessionOutput } from './session-output.js'
import { StageTimer } from './stage-timer.js'
import { HeadReader } from '../wire/head-reader.js'
import { REQUEST_BLOCKED } from '../wire/error-body.js'
import { holdDateCache, releaseDateCache } from '../wire/date-cache.js'
import { Connection, type CloseReason, type DetachedConnection } from '../request/connection.js'
import { isOrdinaryDisconnect } from './ordinary-disconnect.js'
import { sendConstant } from '../response/constant-response.js'
import { loopNow } from './loop-clock.js'
import { Flag } from './session-core.js'
import { Stage, readTimeoutMs } from './stages.js'
import { admit, bodyLimitFor } from './admission.js'
import { closesAfter } from './connection-fate.js'
import { runHandler } from './handler-run.js'
import { serveWithBody } from './body-reading.js'
import { overlap } from './pipelining.js'
import { destroyConnection, tearDown } from './session-teardown.js'
import { expireStage } from './stage-expiry.js'
import { writeEnded, writeFailed, writeProgressed, writeStarted } from './write-timeout.js'
import { detachSession } from './session-detach.js'
import { hookedAnswer, rejectRequest } from './own-answers.js'
import { UnwrittenResponses } from './unwritten-responses.js'
import type { WriteListener } from '../response/response-sink.js'
import type { ResponseHooks } from '../response/response-hooks.js'

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
 * Transport. `app.serve(transport)` and `app.listen()` make and run them.
 *
 * The loop never awaits what has already arrived: pipelined requests in the buffer are parsed and
 * answered back to back, and their responses leave together at the end of the event loop's turn.
 * Its parts live beside it: stage timeouts (`stages.ts`, `stage-expiry.ts`), admission
 * (`admission.ts`), the connection's fate (`connection-fate.ts`), body reading (`body-reading.ts`),
 * handler running (`handler-run.ts`), concurrent pipelining (`pipelining.ts`), its output
 * (`session-output.ts`, `write-timeout.ts`), its own answers (`own-answers.ts`), handing over
 * (`session-detach.ts`) and closing (`session-teardown.ts`). What stays here is the loop, and the
 * one-line members by which responses, the output, the timer and the transport reach those parts.
 */
export class Session {
  /** The App that routes and handles requests. @internal */
  readonly host: SessionHost
  /** The connection's bytes. */
  readonly transport: Transport
  /** The received bytes, and the reader of the heads in them. @internal */
  readonly input: HeadReader
  /** The response bytes on their way out. @internal */
  readonly output: SessionOutput
  /** @internal */
  readonly timer: StageTimer
  /** @internal */
  stage: number = Stage.Head
  /** @internal */
  response: Response | undefined = undefined
  /** @internal */
  timedOutStage = -1
  /** @internal */
  handlerTimeoutMs = 0
  /** @internal */
  streamHeadBytes = 0
  #requestCount = 0
  /** When the connection was accepted (ms since the epoch). */
  readonly createdAt = Date.now()
  #lastActiveAt = this.createdAt
  // When the current request's body was first waited for (0: not yet): its deadline counts from there.
  #bodyFrom = 0
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
  #unwritten: UnwrittenResponses | undefined

  /**
   * Makes the Session of a connection, not started yet. Users get theirs from `app.serve()` and
   * `app.listen()`, which know the App the Session runs for.
   * @param host - the App that routes and handles requests
   * @param transport - the connection's bytes
   * @param registry - a set of live sessions the Session joins while it runs (a server's registry)
   * @internal
   */
  static open(host: SessionHost, transport: Transport, registry?: Set<Session>): Session {
    return new Session(host, transport, registry)
  }

  private constructor(host: SessionHost, transport: Transport, registry: Set<Session> | undefined) {
    this.host = host
    this.#registry = registry
    this.transport = transport
    this.input = new HeadReader(host.config.limits)
    this.output = new SessionOutput(transport, host.config.smallWriteBytes, this)
    this.timer = new StageTimer(this)
    // Between requests the loop returns instead of awaiting a read, when the transport can tell it
    // that bytes arrived (`tryRead` + `notifyReadable`): an idle connection then holds no frame.
    if (transport.tryRead !== undefined && transport.notifyReadable !== undefined) this.raise(Flag.CanPark)
  }

  /** The transport's remote address. */
  get remoteAddress(): string | undefined {
    return this.transport.remoteAddress
  }

  /** TLS details when the transport carries TLS. */
  get tls(): TlsDetails | undefined {
    return this.transport.tls
  }

  /** The App's compiled `trustProxy`, for `req.ip`, `req.protocol` and `req.host`. @internal */
  get trustProxy(): ProxyTrust | undefined {
    return this.host.trustProxy
  }

  /** The connection as handlers see it (`req.connection`). */
  get connection(): Connection {
    return (this.#connection ??= new Connection(this))
  }

  /** When the last request arrived (ms since the epoch, to the turn of the event loop). */
  get lastActiveAt(): number {
    return this.#lastActiveAt
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

  /** Resolves when the connection has ended; at once when it was never started. */
  get done(): Promise<void> {
    if (!this.has(Flag.Started) || this.has(Flag.Ended)) return Promise.resolve()
    return (this.#done ??= new Promise<void>((resolve) => (this.#resolveDone = resolve)))
  }

  /**
   * Asks the connection to end gracefully: at once when idle, otherwise after the response in
   * progress, which is sent with `Connection: close`.
   */
  shutdown(): void {
    this.raise(Flag.Closing)
    if (this.stage === Stage.Idle || (this.stage === Stage.Head && this.input.available === 0))
      this.destroyWithReason('shutdown')
  }

  /** Closes the transport now, with `shutdown` as the reason; the loop ends at its next step. */
  destroy(): void {
    this.destroyWithReason('shutdown')
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
        const stage = this.input.available > 0 || this.#requestCount === 0 ? Stage.Head : Stage.Idle
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
      const open = this.#serve(head)
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
   * Routes, admits and answers one parsed request. Synchronous when everything it needs is
   * buffered and its handler is synchronous: the common case costs no promise and no microtask.
   * @returns whether the connection stays open, or a promise of it
   */
  #serve(head: RequestHead): boolean | Promise<boolean> {
    const host = this.host
    // The connection's fate is decided here, once, before anything of the request is read or run.
    if (closesAfter(head, ++this.#requestCount, host.config.limits.maxRequestsPerConnection, this.has(Flag.Closing)))
      this.raise(Flag.LastRequest)
    this.stage = Stage.Serving
    this.#bodyFrom = 0
    this.#lastActiveAt = loopNow()
    const match = host.route(head.method, head.path)
    const entry = match.status === 200 ? match.store : undefined
    const verdict = admit(head, entry, host.config.limits, host.waf)
    if (typeof verdict === 'number') {
      this.reject(verdict, head)
      return false
    }
    if (!head.hasBody) return this.respond(head, match, verdict, undefined)
    const input = this.input
    if (
      !head.chunked &&
      input.available >= head.contentLength &&
      entry?.streamBody !== true &&
      verdict?.blocked !== true
    ) {
      const body = input.take(head.contentLength)
      return this.respond(
        head,
        match,
        host.waf.checkBody(head, body, head.header('content-type'), entry?.wafMode) ?? verdict,
        body,
      )
    }
    return serveWithBody(this, head, match, verdict, bodyLimitFor(entry, host.config.limits))
  }

  /** Answers one request. @returns whether the connection stays open, or a promise of it @internal */
  respond(
    head: RequestHead,
    match: RouteMatch<RouteEntry>,
    verdict: WafVerdict | null,
    body: Buffer | BodyStream | undefined,
  ): boolean | Promise<boolean> {
    const constant = match.status === 200 ? match.store.constant : undefined
    if (constant !== undefined && verdict?.blocked !== true) {
      return sendConstant(this, constant, head) && !this.output.isBroken && !this.has(Flag.LastRequest)
    }
    const res = new Response(this, head)
    this.response = res
    if (verdict !== null && verdict.blocked) {
      this.host.ownAnswer?.(res, head, this)
      res.sendError(400, REQUEST_BLOCKED, { rule: verdict.ruleId })
    } else {
      const req = new Request(head, body, match.status === 200 ? match.params : EMPTY_PARAMS, this)
      const done = runHandler(this, req, res, match)
      // Pipelined requests start behind this one only once its body is wholly read: bytes of a
      // body the handler has yet to read must never be taken for the next request's head.
      if (done !== undefined) return this.#respondLater(done, res, body === undefined || Buffer.isBuffer(body))
    }
    return this.#responded(res, true)
  }

  async #respondLater(done: Promise<void>, res: Response, bodyRead: boolean): Promise<boolean> {
    const concurrent = bodyRead && this.has(Flag.HandlerPending) && this.host.config.limits.maxConcurrentRequests > 1
    const keepAlive = concurrent ? await overlap(this, done, res) : (await done, true)
    return this.#responded(res, keepAlive)
  }

  #responded(res: Response, keepAlive: boolean): boolean {
    this.response = undefined
    // Closing is raised after the fate was decided (a handler timeout's 503, a shutdown): it ends
    // the connection after this response just as the request's own fate does.
    const open = keepAlive && res.keepAlive && !this.mustClose()
    if (!open && this.stage !== Stage.Closed) this.endWith('completed')
    return open && !this.output.isBroken && this.stage !== Stage.Closed && !this.has(Flag.Detached)
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
        if (this.#bodyFrom === 0) this.#bodyFrom = now
        this.stage = stage
        this.timer.arm(timeoutMs, this.host.timers, now, this.#bodyFrom)
      }
    }
    // An idle connection holds no bytes of the requests it has served.
    if (this.input.available === 0) this.input.release()
    return true
  }

  /** Waits for a chunk of a body (after flushing what is queued). @returns how far offsets moved, or -1 at end @internal */
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

  /** Queues the fixed response to a protocol error; the loop then ends, flushing it before closing. @internal */
  reject(result: number, head?: RequestHead): null {
    return rejectRequest(this, result, head)
  }

  /** A fixed answer of the Session's own, as the App's response hooks leave it. @internal */
  fixedAnswer(bytes: Buffer, head: RequestHead | undefined, isHead: boolean, hooks?: ResponseHooks): Buffer {
    return hookedAnswer(this, bytes, head, isHead, hooks)
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
        this.host.connectionClosed(this.connection, this.#closeReason ?? 'completed')
    } catch (err) {
      this.host.reportError(err)
    }
    this.raise(Flag.Ended)
    this.#resolveDone?.()
  }

  /** @internal */
  wakeLoop(): void {
    this.raise(Flag.Woken)
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }

  // The loop's parts (SessionCore) ------------------------------------------------------------

  /** @internal */
  countRequest(): number {
    return ++this.#requestCount
  }

  /** @internal */
  has(flag: number): boolean {
    return (this.#flags & flag) !== 0
  }

  /** @internal */
  raise(flag: number): void {
    this.#flags |= flag
  }

  /** @internal */
  lower(flag: number): void {
    this.#flags &= ~flag
  }

  /** Every stage's deadline is measured from the loop's time, read once per turn for all of them. @internal */
  enterStage(stage: number, timeoutMs: number): void {
    this.stage = stage
    this.timer.arm(timeoutMs, this.host.timers, loopNow())
  }

  /** @internal */
  endWith(reason: CloseReason): void {
    this.#closeReason ??= reason
  }

  /** @internal */
  abortRequests(): void {
    this.#abort?.abort()
  }

  /** @internal */
  watchForClose(): void {
    if (!this.has(Flag.CanPark) || (this.#flags & (Flag.Reading | Flag.Parked | Flag.Detached)) !== 0) return
    this.raise(Flag.Watching)
    this.transport.notifyReadable!(this)
  }

  /** @internal */
  unwatch(): void {
    if (!this.has(Flag.Watching)) return
    this.lower(Flag.Watching)
    this.transport.notifyReadable!(null)
  }

  /** Waits for `promise`, or less: a timeout, a close or a detach stops the wait. @internal */
  untilWoken<T>(promise: PromiseLike<T>): Promise<T | undefined> {
    this.#aborted ??= this.has(Flag.Woken) ? Promise.resolve() : new Promise<void>((resolve) => (this.#wake = resolve))
    return Promise.race([promise, this.#aborted.then(() => undefined)])
  }

  // What requests, responses, the transport and the timer call ---------------------------------

  /** `Server: …\r\n` or `''`. @internal */
  get serverLine(): string {
    return this.host.serverLine
  }

  /** Responses up to this many bytes are copied into one buffer with their head. @internal */
  get smallWriteBytes(): number {
    return this.host.config.smallWriteBytes
  }

  /** Aborted when the connection ends or a timeout fires (`req.signal`). @internal */
  get signal(): AbortSignal {
    const controller = (this.#abort ??= new AbortController())
    if (this.stage === Stage.Closed && !controller.signal.aborted) controller.abort()
    return controller.signal
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

  /** Closes the transport now. @internal */
  destroyWithReason(reason: CloseReason): void {
    destroyConnection(this, reason)
  }

  /** Ends the Session and hands the transport over with its unread bytes. @internal */
  detach(): Promise<DetachedConnection> {
    return detachSession(this)
  }

  /** The armed stage's deadline passed. @internal */
  expire(): void {
    expireStage(this)
  }

  /** A flush is starting: arm the write timeout. @internal */
  writing(): number {
    return writeStarted(this)
  }

  /** A flush ended. @internal */
  written(resumeStage: number): void {
    writeEnded(this, resumeStage)
  }

  /** A piece of a flush was accepted. @internal */
  progressed(): void {
    writeProgressed(this)
  }

  /** A write accepted nothing or failed. @internal */
  failed(err: unknown): void {
    writeFailed(this, err)
  }

  /** Everything queued has been written: the responses waiting for that are told. @internal */
  drained(): void {
    this.#unwritten?.settle(false)
  }

  /** Tells `listener` when what is queued now has been written (or never will be). @internal */
  whenWritten(listener: WriteListener): void {
    const output = this.output
    if (output.isBroken) return listener.writeSettled(true)
    if (output.isIdle) return listener.writeSettled(false)
    ;(this.#unwritten ??= new UnwrittenResponses()).add(listener)
  }

  /** The connection is cut: responses still waiting for their last byte never get it. @internal */
  abandonWrites(): void {
    this.#unwritten?.settle(true)
  }

  /** @internal */
  mustClose(): boolean {
    return (this.#flags & (Flag.LastRequest | Flag.Closing)) !== 0
  }

  /** @internal */
  mustCloseFor(head: RequestHead, requestNumber: number): boolean {
    return closesAfter(head, requestNumber, this.host.config.limits.maxRequestsPerConnection, this.has(Flag.Closing))
  }

  /** @internal */
  queueText(text: string, byteLength: number): void {
    this.output.pushText(text, byteLength)
  }

  /** @internal */
  queueBytes(bytes: Buffer): void {
    this.output.pushBytes(bytes)
  }

  /** @internal */
  streamHeadQueued(byteLength: number): void {
    this.streamHeadBytes = byteLength
  }

  /** @internal */
  writableRoom(): number {
    return this.output.writableRoom
  }

  /**
   * Writes everything queued, waiting for the transport. A streamed response's piece is progress:
   * its handler has its timeout anew for the next one, so a stream is cut when it stalls, not
   * after a total. @internal
   */
  flush(): Promise<boolean> {
    this.streamHeadBytes = 0
    if (this.stage === Stage.Handler) this.enterStage(Stage.Handler, this.handlerTimeoutMs)
    return this.output.flush()
  }

  /** Closes the connection at once: the response in progress cannot be completed. @internal */
  abort(): void {
    this.destroyWithReason('aborted')
  }

  /** @internal */
  closeAfterFlush(): void {
    this.endWith('aborted')
    this.raise(Flag.Closing)
  }

  /** Reports an error that belongs to no request. @internal */
  reportError(err: unknown): void {
    if (!isOrdinaryDisconnect(err)) this.host.reportError(err)
  }
}
