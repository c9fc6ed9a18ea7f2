import type { Transport, TlsDetails } from '../../transports/transport.js'
import type { RouteMatch } from '../../router/route-match.js'
import type { WafVerdict } from '../../waf/verdict.js'
import type { ProxyTrust } from '../config/trust-proxy.js'
import type { RouteEntry } from '../route/route-entry.js'
import type { RequestHead } from '../wire/request-head.js'
import type { BodyStream } from '../request/body-stream.js'
import type { Response } from '../response/response.js'
import type { WriteListener } from '../response/response-sink.js'
import type { ResponseHooks } from '../response/response-hooks.js'
import type { SessionHost } from './session-host.js'
import { HeadReader } from '../wire/head-reader.js'
import { Connection, type CloseReason, type DetachedConnection } from '../request/connection.js'
import { SessionOutput } from './session-output.js'
import { StageTimer } from './stage-timer.js'
import { isOrdinaryDisconnect } from './ordinary-disconnect.js'
import { loopNow } from './loop-clock.js'
import { Flag } from './session-core.js'
import { Stage } from './stages.js'
import { closesAfter } from './connection-fate.js'
import { destroyConnection } from './session-teardown.js'
import { expireStage } from './stage-expiry.js'
import { writeEnded, writeFailed, writeProgressed, writeStarted } from './write-timeout.js'
import { detachSession } from './session-detach.js'
import { hookedAnswer, rejectRequest } from './own-answers.js'
import { UnwrittenResponses } from './unwritten-responses.js'
import { answerRequest } from './request-serving.js'

/**
 * A connection's state as its Session keeps it, and what users may read and ask of it: its
 * address, TLS, counts and close reason; `shutdown()` and `destroy()`. The loop itself is
 * {@link Session}, which is the one kind of SessionState.
 *
 * Besides, this holds the one-line members by which responses (`ResponseSink`), the output
 * (`OutputListener`), the stage timer (`TimerListener`) and the loop's parts (`SessionCore`) reach
 * the connection, each handing over to the file of its concept. They are members of the Session
 * object itself, not of helper objects, because every object a connection holds is paid for by
 * each idle one.
 */
export abstract class SessionState {
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
  /** Requests read so far; the loop counts them. @internal */
  requestsRead = 0
  /** When the connection was accepted (ms since the epoch). */
  readonly createdAt = Date.now()
  /** When the last request arrived; the loop sets it. @internal */
  activeAt = this.createdAt
  /** When the current request's body was first waited for (0: not yet): its deadline counts from there. @internal */
  bodyFrom = 0
  #closeReason: CloseReason | undefined
  #abort: AbortController | undefined
  #aborted: Promise<void> | undefined
  #wake: (() => void) | undefined
  #connection: Connection | undefined
  /** The Session's booleans, as bits of `Flag`. */
  #flags = 0
  #unwritten: UnwrittenResponses | undefined

  /** @internal */
  protected constructor(host: SessionHost, transport: Transport) {
    this.host = host
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
    return (this.#connection ??= Connection.open(this))
  }

  /** When the last request arrived (ms since the epoch, to the turn of the event loop). */
  get lastActiveAt(): number {
    return this.activeAt
  }

  /** Requests read so far. */
  get requestCount(): number {
    return this.requestsRead
  }

  /** Why the connection ended, once it has. */
  get closeReason(): CloseReason | undefined {
    return this.#closeReason
  }

  /**
   * Asks the connection to end gracefully: at once when idle, otherwise after the response in
   * progress, which is sent with `Connection: close`.
   */
  shutdown(): void {
    // The reason is the shutdown's whether the connection is idle now or closes after the response
    // in progress: what ends it is the same.
    this.endWith('shutdown')
    this.raise(Flag.Closing)
    if (this.stage === Stage.Idle || (this.stage === Stage.Head && this.input.available === 0))
      this.destroyWithReason('shutdown')
  }

  /** Closes the transport now, with `shutdown` as the reason; the loop ends at its next step. */
  destroy(): void {
    this.destroyWithReason('shutdown')
  }

  // The loop's own steps, which its parts call (SessionCore) -----------------------------------

  /** @internal */
  abstract fill(stage: number): Promise<number>
  /** @internal */
  abstract readable(): void
  /** @internal */
  abstract ended(): void

  // The loop's state as its parts share it (SessionCore) ---------------------------------------

  /** @internal */
  countRequest(): number {
    return ++this.requestsRead
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
  wakeLoop(): void {
    this.raise(Flag.Woken)
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }

  /** Waits for `promise`, or less: a timeout, a close or a detach stops the wait. @internal */
  untilWoken<T>(promise: PromiseLike<T>): Promise<T | undefined> {
    this.#aborted ??= this.has(Flag.Woken) ? Promise.resolve() : new Promise<void>((resolve) => (this.#wake = resolve))
    return Promise.race([promise, this.#aborted.then(() => undefined)])
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

  /** @internal */
  mustClose(): boolean {
    return (this.#flags & (Flag.LastRequest | Flag.Closing)) !== 0
  }

  /** @internal */
  mustCloseFor(head: RequestHead, requestNumber: number): boolean {
    return closesAfter(head, requestNumber, this.host.config.limits.maxRequestsPerConnection, this.has(Flag.Closing))
  }

  /** Answers one request. @returns whether the connection stays open, or a promise of it @internal */
  respond(
    head: RequestHead,
    match: RouteMatch<RouteEntry>,
    verdict: WafVerdict | null,
    body: Buffer | BodyStream | undefined,
  ): boolean | Promise<boolean> {
    return answerRequest(this, head, match, verdict, body)
  }

  /** Queues the fixed response to a protocol error; the loop then ends, flushing it before closing. @internal */
  reject(result: number, head?: RequestHead): null {
    return rejectRequest(this, result, head)
  }

  /** A fixed answer of the Session's own, as the App's response hooks leave it. @internal */
  fixedAnswer(bytes: Buffer, head: RequestHead | undefined, isHead: boolean, hooks?: ResponseHooks<Response>): Buffer {
    return hookedAnswer(this, bytes, head, isHead, hooks)
  }

  /** Closes the transport now. @internal */
  destroyWithReason(reason: CloseReason): void {
    destroyConnection(this, reason)
  }

  /** Ends the Session and hands the transport over with its unread bytes. @internal */
  detach(): Promise<DetachedConnection> {
    return detachSession(this)
  }

  // What requests and responses call (RequestConnection, ResponseSink) -------------------------

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

  /** Tells `listener` when what is queued now has been written (or never will be). @internal */
  whenWritten(listener: WriteListener): void {
    const output = this.output
    if (output.isBroken) return listener.writeSettled(true)
    if (output.isIdle) return listener.writeSettled(false)
    ;(this.#unwritten ??= new UnwrittenResponses()).add(listener)
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

  // What the output and the timer call (OutputListener, TimerListener) -------------------------

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

  /** The connection is cut: responses still waiting for their last byte never get it. @internal */
  abandonWrites(): void {
    this.#unwritten?.settle(true)
  }

  /** The armed stage's deadline passed. @internal */
  expire(): void {
    expireStage(this)
  }

  /** Reports an error that belongs to no request. @internal */
  reportError(err: unknown): void {
    if (!isOrdinaryDisconnect(err)) this.host.reportError(err)
  }
}
