import type { RouteMatch } from '../../router/route-match.js'
import type { WafVerdict } from '../../waf/verdict.js'
import type { CloseReason } from '../request/connection.js'
import type { RequestConnection } from '../request/request.js'
import type { BodyStream } from '../request/body-stream.js'
import type { RouteEntry } from '../route/route-entry.js'
import type { HeadReader } from '../wire/head-reader.js'
import type { RequestHead } from '../wire/request-head.js'
import type { SessionHost } from './session-host.js'
import type { SessionOutput } from './session-output.js'
import type { SlotOwner } from './response-slot.js'
import type { Transport } from '../../transports/transport.js'
import type { Response } from '../response/response.js'
import type { StageTimer } from './stage-timer.js'
import type { ResponseHooks } from '../response/response-hooks.js'

/**
 * The Session's booleans, kept as bits of one field: every field of a Session is paid for by
 * each idle connection.
 */
export const Flag = {
  HandlerPending: 1,
  Closing: 2,
  Detached: 4,
  Woken: 8,
  CanPark: 16,
  Parked: 32,
  Started: 64,
  Ended: 128,
  Reading: 256,
  /** The request being answered is the connection's last (see `connection-fate.ts`). */
  LastRequest: 512,
  /** The request whose body is awaited is a HEAD: a body-stage 408 is then sent without its body. */
  HeadAwaitingBody: 1024,
  /** The Session is the transport's readable listener while a handler runs (`watchForClose`). */
  Watching: 2048,
} as const

/**
 * What the parts of the connection loop (body reading, handler running, pipelining) use of the
 * Session that runs them: its state and its few shared steps. The Session is the one
 * implementation; these are its internal members, stripped from the published Session (no entry
 * of the package exports this interface itself).
 */
export interface SessionCore extends SlotOwner, RequestConnection {
  readonly host: SessionHost
  /** The connection's bytes. */
  readonly transport: Transport
  /** The received bytes, and the reader of the heads in them. */
  readonly input: HeadReader
  /** The response bytes on their way out. */
  readonly output: SessionOutput
  /** The Session's one timer, armed for the current stage. */
  readonly timer: StageTimer
  /** The current {@link Stage}. */
  stage: number
  /** The stage whose deadline passed, or -1. */
  timedOutStage: number
  /** The handler timeout of the request whose handler is awaited (the route's, or the config's). */
  handlerTimeoutMs: number
  /** The bytes of a streamed head queued by `start()` and not flushed since (0: none). */
  streamHeadBytes: number
  /** The response being answered by the loop itself (not a pipelined one), if any. */
  response: Response | undefined
  /** Requests read so far. */
  readonly requestCount: number
  /** When the last request arrived (ms since the epoch, to the turn of the event loop). */
  activeAt: number
  /** When the current request's body was first waited for (0: not yet): its deadline counts from there. */
  bodyFrom: number
  /** Counts one more request read. @returns its number on the connection (1-based) */
  countRequest(): number
  has(flag: number): boolean
  raise(flag: number): void
  lower(flag: number): void
  /** Enters a stage and arms its deadline from the loop's time. */
  enterStage(stage: number, timeoutMs: number): void
  /** Records why the connection ends, unless a reason was recorded first. */
  endWith(reason: CloseReason): void
  /** Aborts `req.signal` of the requests in flight (the connection's signal). */
  abortRequests(): void
  /** Waits for `promise`, or less: a timeout, a close or a detach stops the wait. */
  untilWoken<T>(promise: PromiseLike<T>): Promise<T | undefined>
  /** Ends every `untilWoken` wait, now and later. */
  wakeLoop(): void
  /** While a handler runs the loop reads nothing: asks the transport to tell it of a close. */
  watchForClose(): void
  /** Takes the listener of `watchForClose` back, before a read or a hand-over. */
  unwatch(): void
  /** Ends the connection once it is idle (`server.close()`). */
  shutdown(): void
  /** The transport has bytes for a parked loop: runs it on. */
  readable(): void
  /** The connection is over and closed: the App's close hooks, the registry, `done`. */
  ended(): void
  /** The connection is cut: responses still waiting for their last byte are told they never get it. */
  abandonWrites(): void
  /** Waits for a chunk of a body (after flushing what is queued). @returns how far offsets moved, or -1 at end */
  fill(stage: number): Promise<number>
  /** Queues the fixed response to a protocol error; the connection then closes. */
  reject(result: number, head?: RequestHead): null
  /** A fixed answer of the Session's own, as the App's response hooks leave it. */
  fixedAnswer(bytes: Buffer, head: RequestHead | undefined, isHead: boolean, hooks?: ResponseHooks<Response>): Buffer
  /** Answers one request whose body is read (or streamed). @returns whether the connection stays open */
  respond(
    head: RequestHead,
    match: RouteMatch<RouteEntry>,
    verdict: WafVerdict | null,
    body: Buffer | BodyStream | undefined,
  ): boolean | Promise<boolean>
}
