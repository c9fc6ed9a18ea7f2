import type { Transport, TlsDetails } from '../transports/transport.js'
import type { WafVerdict } from '../waf/verdict.js'
import type { RouteMatch } from '../router/route-match.js'
import type { Config } from './config.js'
import type { SessionHost } from './session-host.js'
import type { ResponseSink } from './response-sink.js'
import type { RouteEntry } from './route-entry.js'
import type { RequestConnection } from './request.js'
import { Request } from './request.js'
import { Response } from './response.js'
import { RequestHead } from './request-head.js'
import { InputBuffer } from './input-buffer.js'
import { OutputQueue } from './output-queue.js'
import { StageTimer } from './stage-timer.js'
import { ParseResult } from './parse-result.js'
import { parseHead, scanHead, skipLeadingEmptyLines } from './head-parser.js'
import { readBody } from './body-reader.js'
import { writeAll } from './write-all.js'
import { CONTINUE_RESPONSE, parseErrorResponse, timeoutResponse } from './error-responses.js'
import { holdDateCache, releaseDateCache } from './date-cache.js'
import { sendReturnValue } from './return-value.js'

/** What the connection is waiting for; decides which timeout is armed and what expiry does. */
export const Stage = { Head: 0, Idle: 1, Body: 2, Handler: 3, Write: 4, Closed: 5 } as const

const EMPTY_PARAMS: Record<string, string> = Object.freeze(Object.create(null) as Record<string, string>)
const RESOLVED_TRUE = Promise.resolve(true)
const RESOLVED_FALSE = Promise.resolve(false)
/** Responses to pipelined requests accumulate up to this many bytes before a write. */
const CORK_BYTES = 64 * 1024

/**
 * One connection's whole life as one async loop: read a head, check it, read the body, dispatch,
 * answer, and go round again while keep-alive allows; then close. It runs over any Transport.
 *
 * The loop never awaits what has already arrived: pipelined requests in the buffer are parsed and
 * answered back to back, and their responses leave together before the next read.
 */
export class Session implements ResponseSink, RequestConnection {
  readonly #host: SessionHost
  readonly #config: Config
  readonly #transport: Transport
  readonly #input = new InputBuffer()
  readonly #out: OutputQueue
  readonly #timer: StageTimer
  /** `Server: …\r\n` or `''`. */
  readonly serverLine: string
  /** Responses up to this many bytes are copied into one buffer with their head. */
  readonly smallWriteBytes: number
  #stage: number = Stage.Head
  #head: RequestHead | undefined
  #requestCount = 0
  #closing = false
  #broken = false
  #timedOut = -1
  #flushing: Promise<boolean> | undefined
  #abort: AbortController | undefined
  #aborted: Promise<void> | undefined
  #wake: (() => void) | undefined
  #abortFired = false

  /**
   * @param host - the App that routes and handles requests
   * @param transport - the connection's bytes
   */
  constructor(host: SessionHost, transport: Transport) {
    this.#host = host
    this.#config = host.config
    this.#transport = transport
    this.#out = new OutputQueue(host.config.smallWriteBytes)
    this.smallWriteBytes = host.config.smallWriteBytes
    const server = host.config.serverHeader
    this.serverLine = server === false ? '' : `Server: ${server}\r\n`
    this.#timer = new StageTimer(() => this.#expire())
  }

  /** The transport's remote address. */
  get remoteAddress(): string | undefined {
    return this.#transport.remoteAddress
  }

  /** TLS details when the transport carries TLS. */
  get tls(): TlsDetails | undefined {
    return this.#transport.tls
  }

  /** Aborted when the connection ends or a timeout fires. */
  get signal(): AbortSignal {
    return (this.#abort ??= new AbortController()).signal
  }

  /** Requests read so far. */
  get requestCount(): number {
    return this.#requestCount
  }

  /** Whether the connection waits for a next request with nothing of it received. */
  get isIdle(): boolean {
    return this.#stage === Stage.Idle && this.#input.available === 0
  }

  /**
   * Runs the connection to its end. Never rejects: failures go to the App's error hook.
   * @returns a promise that resolves once the transport is closed and every timer cancelled
   */
  async run(): Promise<void> {
    holdDateCache()
    this.#timer.arm(this.#config.timeouts.headerTimeoutMs)
    try {
      await this.#loop()
    } catch (err) {
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
    if (this.#stage === Stage.Idle || (this.#stage === Stage.Head && this.#input.available === 0)) this.#close()
  }

  /** Closes the transport now; the loop ends at its next step. */
  destroy(): void {
    this.#close()
  }

  async #loop(): Promise<void> {
    const host = this.#host
    const limits = this.#config.limits
    for (;;) {
      const head = await this.#readHead()
      if (head === null) return
      this.#head = head
      this.#requestCount++
      const match = host.route(head.method, head.path)
      const entry = match.status === 200 ? match.store : undefined
      const bodyLimit = entry?.bodyLimit ?? limits.maxBodyBytes
      // Refused before a single body byte is read.
      if (head.contentLength > bodyLimit) {
        await this.#fail(ParseResult.BodyTooLarge)
        return
      }
      let verdict = host.waf.checkHead(head, entry?.wafMode)
      let body: Buffer | undefined
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
        const result = await readBody(this.#input, head, bodyLimit, limits.maxHeaderBytes, this.#waitForBody)
        if (typeof result === 'number') {
          if (result !== ParseResult.Incomplete) await this.#fail(result)
          return
        }
        body = result
        if (verdict === null) verdict = host.waf.checkBody(head, body, head.header('content-type'), entry?.wafMode)
      }
      if (!(await this.#respond(head, match, verdict, body))) return
      if (this.#out.bytes >= CORK_BYTES && !(await this.flush())) return
    }
  }

  /** Answers one request. @returns whether the connection stays open */
  async #respond(head: RequestHead, match: RouteMatch<RouteEntry>, verdict: WafVerdict | null, body: Buffer | undefined): Promise<boolean> {
    const res = new Response(this, head.method === 'HEAD', head.versionMinor)
    if (verdict !== null && verdict.blocked) {
      res.status(400).json({ message: 'Request blocked', rule: verdict.ruleId })
    } else {
      const req = new Request(head, body, match.status === 200 ? match.params : EMPTY_PARAMS, this)
      await this.#dispatch(req, res, match)
    }
    return res.keepAlive && !this.#broken && this.#stage !== Stage.Closed
  }

  async #dispatch(req: Request, res: Response, match: RouteMatch<RouteEntry>): Promise<void> {
    try {
      let result = this.#host.handle(req, res, match)
      if (isThenable(result)) {
        this.#setStage(Stage.Handler, this.#config.timeouts.handlerTimeoutMs)
        result = await this.#untilAborted(result)
        if (this.#timedOut === Stage.Handler) return this.#handlerTimedOut(res)
        if (this.#stage === Stage.Closed) return res.seize()
      }
      if (!res.headersSent) sendReturnValue(res, result, req.target)
      else if (!res.isEnded) {
        this.#setStage(Stage.Handler, this.#config.timeouts.handlerTimeoutMs)
        await this.#untilAborted(res.finished())
        if (this.#timedOut === Stage.Handler) return this.#handlerTimedOut(res)
      }
    } catch (err) {
      await this.#handlerFailed(err, req, res)
    }
  }

  async #handlerFailed(err: unknown, req: Request, res: Response): Promise<void> {
    if (res.headersSent) {
      // Part of the response is out; the client could not tell where it ends. Close.
      if (!res.isEnded) this.abort()
      this.#host.reportError(err)
      return
    }
    try {
      const handled = this.#host.handleError(err, req, res)
      if (isThenable(handled)) await this.#untilAborted(handled)
    } catch (hookError) {
      this.#host.reportError(hookError)
    }
    if (!res.headersSent) res.status(500).json({ message: 'Internal Server Error' })
    else if (!res.isEnded) this.abort()
  }

  #handlerTimedOut(res: Response): void {
    if (!res.headersSent) {
      res.seize()
      this.#out.pushBytes(timeoutResponse(this.serverLine))
      this.#closing = true
    } else {
      res.seize()
      this.abort()
    }
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
        if (input.available > limits.maxHeaderBytes) return this.#fail(ParseResult.HeadTooLarge)
        if (input.available > limits.maxTargetBytes + 1024 && input.buf.indexOf(10, input.pos) === -1) {
          return this.#fail(ParseResult.TargetTooLong)
        }
        scanFrom = input.end
      }
      const waiting = input.available > 0 || this.#requestCount === 0 ? Stage.Head : Stage.Idle
      const timeout = waiting === Stage.Head ? this.#config.timeouts.headerTimeoutMs : this.#config.timeouts.idleTimeoutMs
      if (this.#closing && waiting === Stage.Idle) return null
      const moved = await this.#fill(waiting, timeout)
      if (moved < 0) return null
      scanFrom -= moved
    }
  }

  /** Waits for a chunk (after flushing what is queued). @returns how far offsets moved, or -1 at end */
  async #fill(stage: number, timeoutMs: number): Promise<number> {
    if ((this.#flushing !== undefined || !this.#out.isEmpty) && !(await this.flush())) return -1
    if (this.#stage !== stage) this.#setStage(stage, timeoutMs)
    const chunk = await this.#transport.read()
    if (chunk === null || this.#stage === Stage.Closed) return -1
    return this.#input.append(chunk)
  }

  readonly #waitForBody = (): Promise<number> => this.#fill(Stage.Body, this.#config.timeouts.bodyTimeoutMs)

  #setStage(stage: number, timeoutMs: number): void {
    this.#stage = stage
    this.#timer.arm(timeoutMs)
  }

  /** Answers a protocol error with its fixed response and ends the connection. */
  async #fail(result: number): Promise<null> {
    this.#out.pushBytes(parseErrorResponse(result, this.serverLine))
    await this.flush()
    this.#close()
    return null
  }

  async #send(bytes: Buffer): Promise<boolean> {
    this.#out.pushBytes(bytes)
    return this.flush()
  }

  #expire(): void {
    const stage = this.#stage
    this.#timedOut = stage
    this.#signalAbort()
    if (stage === Stage.Handler) return
    const started = this.#input.available > 0 || stage === Stage.Body
    if ((stage === Stage.Head || stage === Stage.Body) && started && this.#out.isEmpty && this.#flushing === undefined) {
      // Nothing of a response is out yet: say why before closing.
      this.#stage = Stage.Write
      void writeAll(this.#transport, [timeoutResponse(this.serverLine)]).then(this.#closeNow, this.#closeNow)
      return
    }
    this.#close()
  }

  readonly #closeNow = (): void => this.#close()

  #close(): void {
    this.#stage = Stage.Closed
    this.#signalAbort()
    this.#transport.close()
  }

  #signalAbort(): void {
    this.#abortFired = true
    this.#abort?.abort()
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }

  /** Waits for `promise`, or less: a timeout or a close stops the wait (the promise runs on, ignored). */
  #untilAborted<T>(promise: PromiseLike<T>): Promise<T | undefined> {
    this.#aborted ??= this.#abortFired ? Promise.resolve() : new Promise<void>((resolve) => (this.#wake = resolve))
    return Promise.race([promise, this.#aborted.then(() => undefined)])
  }

  async #finish(): Promise<void> {
    this.#timer.dispose()
    if (!this.#broken && this.#stage !== Stage.Closed && (!this.#out.isEmpty || this.#flushing !== undefined)) await this.flush()
    this.#close()
    releaseDateCache()
  }

  // ResponseSink ------------------------------------------------------------------------------

  /** @internal */
  mustClose(): boolean {
    const max = this.#config.limits.maxRequestsPerConnection
    return this.#closing || this.#head?.keepAlive === false || (max > 0 && this.#requestCount >= max)
  }

  /** @internal */
  queueText(text: string, byteLength: number): void {
    this.#out.pushText(text, byteLength)
  }

  /** @internal */
  queueBytes(bytes: Buffer): void {
    this.#out.pushBytes(bytes)
  }

  /** Writes everything queued, waiting for the transport. @internal */
  flush(): Promise<boolean> {
    if (this.#flushing !== undefined) return this.#flushing
    if (this.#out.isEmpty) return this.#broken ? RESOLVED_FALSE : RESOLVED_TRUE
    const flushing = this.#drain()
    this.#flushing = flushing
    return flushing
  }

  /** @internal */
  abort(): void {
    this.#broken = true
    this.#close()
  }

  async #drain(): Promise<boolean> {
    const resumeStage = this.#stage
    try {
      while (!this.#out.isEmpty) {
        if (this.#broken || this.#stage === Stage.Closed) return false
        this.#setStage(Stage.Write, this.#config.timeouts.writeTimeoutMs)
        if (!(await writeAll(this.#transport, this.#out.take()))) {
          this.#broken = true
          this.#close()
          return false
        }
      }
      return true
    } catch (err) {
      this.#host.reportError(err)
      this.#broken = true
      this.#close()
      return false
    } finally {
      this.#flushing = undefined
      // A streaming handler gets its own timeout back for producing the next piece; the loop's own
      // flushes are followed by a read that arms the idle or head timeout.
      if (this.#stage === Stage.Write && resumeStage === Stage.Handler) this.#setStage(Stage.Handler, this.#config.timeouts.handlerTimeoutMs)
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function'
}
