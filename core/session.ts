import type { Transport, TlsDetails } from '../transports/transport.js'
import type { WafVerdict } from '../waf/verdict.js'
import type { RouteMatch } from '../router/route-match.js'
import type { Config } from './config.js'
import type { SessionHost } from './session-host.js'
import type { RouteEntry } from './route-entry.js'
import type { RequestConnection } from './request.js'
import { Request } from './request.js'
import { Response } from './response.js'
import { RequestHead } from './request-head.js'
import { InputBuffer } from './input-buffer.js'
import { SessionOutput } from './session-output.js'
import { takeBufferedSafeHead } from './buffered-head.js'
import { StageTimer } from './stage-timer.js'
import { ParseResult } from './parse-result.js'
import { isRequestLinePrefix, parseHead, scanHead, skipLeadingEmptyLines } from './head-parser.js'
import { readBody } from './body-reader.js'
import { BodyStream } from './body-stream.js'
import { writeAll } from './write-all.js'
import { CONTINUE_RESPONSE, parseErrorResponse, timeoutResponse } from './error-responses.js'
import { holdDateCache, releaseDateCache } from './date-cache.js'
import { sendReturnValue } from './return-value.js'
import { Connection, type CloseReason, type ConnectionSource, type DetachedConnection } from './connection.js'
import { isOrdinaryDisconnect } from './ordinary-disconnect.js'
import { AlreadyDetachedError } from './errors.js'
import { sendConstant } from './constant-response.js'
import { ResponseSlot, type SlotOwner } from './response-slot.js'

/** What the connection is waiting for; decides which timeout is armed and what expiry does. */
const Stage = { Head: 0, Idle: 1, Body: 2, Handler: 3, Write: 4, Closed: 5 } as const

const EMPTY_PARAMS: Record<string, string> = Object.freeze(Object.create(null) as Record<string, string>)
/** Responses to pipelined requests accumulate up to this many bytes before a write. */
const CORK_BYTES = 64 * 1024

/**
 * One connection's whole life as one async loop: read a head, check it, read the body, dispatch,
 * answer, and go round again while keep-alive allows; then close. It runs over any Transport.
 *
 * The loop never awaits what has already arrived: pipelined requests in the buffer are parsed and
 * answered back to back, and their responses leave together before the next read.
 */
export class Session implements SlotOwner, RequestConnection, ConnectionSource {
  readonly #host: SessionHost
  readonly #config: Config
  /** The connection's bytes. */
  readonly transport: Transport
  readonly #input = new InputBuffer()
  readonly #output: SessionOutput
  readonly #timer: StageTimer
  /** `Server: …\r\n` or `''`. */
  readonly serverLine: string
  /** Responses up to this many bytes are copied into one buffer with their head. */
  readonly smallWriteBytes: number
  #stage: number = Stage.Head
  #head: RequestHead | undefined
  #response: Response | undefined
  #requestCount = 0
  #headNumber = 0
  #handlerPending = false
  /** When the last request arrived. */
  lastActiveAt = Date.now()
  #closing = false
  #detached = false
  #timedOut = -1
  #closeReason: CloseReason | undefined
  #abort: AbortController | undefined
  #aborted: Promise<void> | undefined
  #wake: (() => void) | undefined
  #woken = false
  #connection: Connection | undefined

  /**
   * @param host - the App that routes and handles requests
   * @param transport - the connection's bytes
   */
  constructor(host: SessionHost, transport: Transport) {
    this.#host = host
    this.#config = host.config
    this.transport = transport
    this.#output = new SessionOutput(transport, host.config.smallWriteBytes, {
      writing: () => {
        const resumeStage = this.#stage
        this.#setStage(Stage.Write, this.#config.timeouts.writeTimeoutMs)
        return resumeStage
      },
      // A streaming handler gets its own timeout back for producing the next piece; the loop's own
      // flushes are followed by a read that arms the idle or head timeout.
      written: (resumeStage) => {
        if (this.#stage === Stage.Write && resumeStage === Stage.Handler) this.#setStage(Stage.Handler, this.#config.timeouts.handlerTimeoutMs)
      },
      failed: (err) => {
        this.#endWith(err === undefined || isOrdinaryDisconnect(err) ? 'client-closed' : 'error')
        if (err !== undefined) this.reportError(err)
        this.#close()
      },
    })
    this.smallWriteBytes = host.config.smallWriteBytes
    const server = host.config.serverHeader
    this.serverLine = server === false ? '' : `Server: ${server}\r\n`
    this.#timer = new StageTimer(() => this.#expire())
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
  async run(): Promise<void> {
    holdDateCache()
    this.#host.connectionOpened?.(this.connection)
    this.#timer.arm(this.#config.timeouts.headerTimeoutMs)
    try {
      await this.#loop()
    } catch (err) {
      this.#endWith('error')
      this.#host.reportError(err)
    } finally {
      await this.#finish()
    }
  }

  /**
   * Asks the connection to end gracefully: at once when idle, otherwise after the response in
   * progress, which is sent with `Connection: close`.
   */
  shutdown(): void {
    this.#closing = true
    if (this.#stage === Stage.Idle || (this.#stage === Stage.Head && this.#input.available === 0)) this.destroyWithReason('shutdown')
  }

  /** Closes the transport now, with `shutdown` as the reason; the loop ends at its next step. */
  destroy(): void {
    this.destroyWithReason('shutdown')
  }

  /** Closes the transport now. @internal */
  destroyWithReason(reason: CloseReason): void {
    this.#endWith(reason)
    this.#output.breakOff()
    this.#response?.seize()
    this.#close()
  }

  /** Ends the Session and hands the transport over with its unread bytes. @internal */
  detach(): Promise<DetachedConnection> {
    if (this.#detached) return Promise.reject(new AlreadyDetachedError())
    this.#detached = true
    this.#endWith('detached')
    this.#response?.seize()
    this.#wakeLoop()
    return this.flush().then(() => {
      this.#timer.dispose()
      return { transport: this.transport, buffered: this.#input.drain() }
    })
  }

  // Returns whatever ended it; only the fact that it returned matters.
  async #loop(): Promise<unknown> {
    const host = this.#host
    const limits = this.#config.limits
    for (;;) {
      const head = await this.#readHead()
      if (head === null) return
      this.#head = head
      this.#headNumber = ++this.#requestCount
      this.lastActiveAt = Date.now()
      const match = host.route(head.method, head.path)
      const entry = match.status === 200 ? match.store : undefined
      const bodyLimit = entry?.bodyLimit ?? limits.maxBodyBytes
      // Refused before a single body byte is read.
      if (head.contentLength > bodyLimit) return this.#fail(ParseResult.BodyTooLarge)
      let verdict = host.waf.checkHead(head, entry?.wafMode)
      let body: Buffer | BodyStream | undefined
      if (head.hasBody) {
        if (head.expectContinue && this.#input.available === 0) {
          // RFC 9110 §10.1.1: answer a request that will be refused without inviting its body,
          // then close, since the client may or may not send the body anyway.
          if (match.status !== 200 || verdict?.blocked === true) {
            this.#closing = true
            await this.#respond(head, match, verdict, undefined)
            return
          }
          if (!(await this.#send(CONTINUE_RESPONSE))) return
        }
        const blocked = verdict?.blocked === true
        if (entry?.streamBody === true && !blocked) {
          body = new BodyStream(this.#input, head, bodyLimit, limits.maxHeaderBytes, this.#waitForBody, this.#bodyBroken)
        } else {
          const result = await readBody(this.#input, head, bodyLimit, limits.maxHeaderBytes, this.#waitForBody)
          if (typeof result === 'number') return result === ParseResult.Incomplete ? this.#endWith('client-closed') : this.#fail(result)
          body = result
          // In monitor mode a finding in the head does not stop the body from being checked too.
          if (!blocked) verdict = host.waf.checkBody(head, body, head.header('content-type'), entry?.wafMode) ?? verdict
        }
      }
      const open = await this.#respond(head, match, verdict, body)
      this.#head = undefined
      if (!open) return
      if (body instanceof BodyStream && !body.isDone && !(await body.drain())) return this.#endWith('error')
      if (this.#output.queue.bytes >= CORK_BYTES && !(await this.flush())) return
    }
  }

  /** Answers one request. @returns whether the connection stays open */
  async #respond(
    head: RequestHead,
    match: RouteMatch<RouteEntry>,
    verdict: WafVerdict | null,
    body: Buffer | BodyStream | undefined,
  ): Promise<boolean> {
    const constant = match.status === 200 ? match.store.constant : undefined
    if (constant !== undefined && verdict?.blocked !== true) {
      return sendConstant(this, constant, head) && !this.#output.isBroken
    }
    const res = new Response(this, head)
    this.#response = res
    let keepAlive = true
    if (verdict !== null && verdict.blocked) {
      res.status(400).json({ message: 'Request blocked', rule: verdict.ruleId })
    } else {
      const req = new Request(head, body, match.status === 200 ? match.params : EMPTY_PARAMS, this)
      const done = this.#dispatch(req, res, match)
      if (this.#handlerPending && this.#config.limits.maxConcurrentRequests > 1) keepAlive = await this.#overlap(done, res)
      else await done
    }
    this.#response = undefined
    keepAlive &&= res.keepAlive
    if (!keepAlive && this.#stage !== Stage.Closed) this.#endWith('completed')
    return keepAlive && !this.#output.isBroken && this.#stage !== Stage.Closed && !this.#detached
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
    while (started.length + 1 < limits.maxConcurrentRequests && held <= limits.maxBufferedResponseBytes && !this.#closing) {
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
      for (const s of started) held += s.slot.heldBytes
    }
    await first
    let open = firstResponse.keepAlive
    for (const next of started) {
      if (!open || this.#stage === Stage.Closed || this.#detached) {
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

  async #dispatch(req: Request, res: Response, match: RouteMatch<RouteEntry>): Promise<void> {
    try {
      let result = this.#host.handle(req, res, match)
      if (isThenable(result)) {
        this.#setStage(Stage.Handler, this.#config.timeouts.handlerTimeoutMs)
        const pending = result
        this.#handlerPending = true
        result = await this.#untilWoken(pending)
        this.#handlerPending = false
        if (this.#woken) return this.#interrupted(res, pending)
      }
      if (this.#detached) return
      if (!res.headersSent) sendReturnValue(res, result, req.target)
      else if (!res.isEnded) {
        this.#setStage(Stage.Handler, this.#config.timeouts.handlerTimeoutMs)
        await this.#untilWoken(res.finished())
        if (this.#woken) return this.#interrupted(res, undefined)
      }
    } catch (err) {
      await this.#handlerFailed(err, req, res)
    }
  }

  /** The wait for a handler was cut short by a timeout, an abort, a shutdown or a detach. */
  #interrupted(res: Response, pending: PromiseLike<unknown> | undefined): void {
    // The handler runs on; a failure it meets later still deserves a report.
    pending?.then(undefined, (err: unknown) => {
      if (!isOrdinaryDisconnect(err)) this.#host.reportError(err)
    })
    if (this.#detached) return
    if (this.#timedOut === Stage.Handler && !res.headersSent) {
      res.seize()
      this.#output.queue.pushBytes(timeoutResponse(this.serverLine))
      this.#closing = true
      return
    }
    res.seize()
    if (this.#stage !== Stage.Closed) this.abort()
  }

  async #handlerFailed(err: unknown, req: Request, res: Response): Promise<void> {
    if (this.#detached || this.#stage === Stage.Closed) {
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
      if (isThenable(handled)) await this.#untilWoken(handled)
    } catch (hookError) {
      this.#host.reportError(hookError)
    }
    if (!res.headersSent) res.status(500).json({ message: 'Internal Server Error' })
    else if (!res.isEnded) this.abort()
  }

  /** Reads until a whole head is buffered and parses it. @returns the head, or null when the connection ends */
  async #readHead(): Promise<RequestHead | null> {
    const input = this.#input
    const limits = this.#config.limits
    input.pos = skipLeadingEmptyLines(input.buf, input.pos, input.end)
    let scanFrom = input.pos
    for (;;) {
      if (input.end > input.pos) {
        const headEnd = scanHead(input.buf, scanFrom, input.end, input.pos)
        if (headEnd > 0) {
          if (headEnd - input.pos > limits.maxHeaderBytes) return this.#fail(ParseResult.HeadTooLarge)
          const head = new RequestHead()
          const result = parseHead(input.buf, input.pos, headEnd, limits, head)
          if (result !== ParseResult.Ok) return this.#fail(result)
          input.pos = headEnd
          return head
        }
        if (headEnd !== ParseResult.Incomplete) return this.#fail(headEnd)
        // A first line that cannot become a request line is refused now, not when a CRLF CRLF
        // that may never come arrives (a TLS ClientHello sent to the plain port, for one).
        if (!isRequestLinePrefix(input.buf, input.pos, input.end)) return this.#fail(ParseResult.Malformed)
        if (input.available > limits.maxHeaderBytes) return this.#fail(ParseResult.HeadTooLarge)
        if (input.available > limits.maxTargetBytes + 1024 && input.buf.indexOf(10, input.pos) === -1) {
          return this.#fail(ParseResult.TargetTooLong)
        }
        scanFrom = input.end
      }
      const waiting = input.available > 0 || this.#requestCount === 0 ? Stage.Head : Stage.Idle
      if (this.#closing && waiting === Stage.Idle) {
        this.#endWith('shutdown')
        return null
      }
      const timeouts = this.#config.timeouts
      const moved = await this.#fill(waiting, waiting === Stage.Head ? timeouts.headerTimeoutMs : timeouts.idleTimeoutMs)
      if (moved < 0) return null
      scanFrom -= moved
    }
  }

  /** Waits for a chunk (after flushing what is queued). @returns how far offsets moved, or -1 at end */
  async #fill(stage: number, timeoutMs: number): Promise<number> {
    if (!this.#output.isIdle && !(await this.flush())) return -1
    if (this.#stage === Stage.Closed || this.#detached) return -1
    // A shutdown that arrived while the last response was being written.
    if (this.#closing && stage === Stage.Idle) {
      this.#endWith('shutdown')
      return -1
    }
    if (this.#stage !== stage) this.#setStage(stage, timeoutMs)
    // An idle connection holds no bytes of the requests it has served.
    if (this.#input.available === 0) this.#input.release()
    const chunk = await this.transport.read()
    if (chunk === null || this.#stage === Stage.Closed) {
      this.#endWith('client-closed')
      return -1
    }
    return this.#input.append(chunk)
  }

  /** A streamed body broke its framing or limit: whatever answers it closes the connection. */
  readonly #bodyBroken = (): void => {
    this.#closing = true
    this.#endWith('error')
  }

  readonly #waitForBody = (): Promise<number> => this.#fill(Stage.Body, this.#config.timeouts.bodyTimeoutMs)

  #setStage(stage: number, timeoutMs: number): void {
    this.#stage = stage
    this.#timer.arm(timeoutMs)
  }

  /** Answers a protocol error with its fixed response and ends the connection. */
  async #fail(result: number): Promise<null> {
    this.#endWith('error')
    this.#output.queue.pushBytes(parseErrorResponse(result, this.serverLine))
    await this.flush()
    this.#close()
    return null
  }

  #send(bytes: Buffer): Promise<boolean> {
    this.#output.queue.pushBytes(bytes)
    return this.flush()
  }

  #expire(): void {
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
      void writeAll(this.transport, [timeoutResponse(this.serverLine)]).then(this.#closeNow, this.#closeNow)
      return
    }
    this.#close()
  }

  readonly #closeNow = (): void => this.#close()

  #endWith(reason: CloseReason): void {
    this.#closeReason ??= reason
  }

  #close(): void {
    this.#stage = Stage.Closed
    this.#abort?.abort()
    this.#wakeLoop()
    if (this.#detached) return
    this.#output.breakOff()
    this.transport.close()
  }

  #wakeLoop(): void {
    this.#woken = true
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }

  /** Waits for `promise`, or less: a timeout, a close or a detach stops the wait. */
  #untilWoken<T>(promise: PromiseLike<T>): Promise<T | undefined> {
    this.#aborted ??= this.#woken ? Promise.resolve() : new Promise<void>((resolve) => (this.#wake = resolve))
    return Promise.race([promise, this.#aborted.then(() => undefined)])
  }

  async #finish(): Promise<void> {
    this.#timer.dispose()
    if (!this.#detached) {
      if (!this.#output.isBroken && this.#stage !== Stage.Closed && !this.#output.isIdle) await this.flush()
      this.#endWith('completed')
      this.#close()
    }
    releaseDateCache()
    try {
      this.#host.connectionClosed?.(this.connection, this.#closeReason ?? 'completed')
    } catch (err) {
      this.#host.reportError(err)
    }
  }

  // ResponseSink ------------------------------------------------------------------------------

  /** @internal */
  mustClose(): boolean {
    return this.#head === undefined ? this.#closing : this.mustCloseFor(this.#head, this.#headNumber)
  }

  /** @internal */
  mustCloseFor(head: RequestHead, requestNumber: number): boolean {
    const max = this.#config.limits.maxRequestsPerConnection
    return this.#closing || !head.keepAlive || (max > 0 && requestNumber >= max)
  }

  /** @internal */
  queueText(text: string, byteLength: number): void {
    this.#output.queue.pushText(text, byteLength)
  }

  /** @internal */
  queueBytes(bytes: Buffer): void {
    this.#output.queue.pushBytes(bytes)
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
    this.#closing = true
  }

  /** Reports an error that belongs to no request. @internal */
  reportError(err: unknown): void {
    if (!isOrdinaryDisconnect(err)) this.#host.reportError(err)
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function'
}
