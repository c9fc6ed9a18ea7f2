import { Request, type RequestConnection } from '../request/request.js'
import { Response } from '../response/response.js'
import type { ResponseSink, WriteListener } from '../response/response-sink.js'
import type { DetachedConnection } from '../request/connection.js'
import { RequestHead } from '../wire/request-head.js'
import { AlreadyDetachedError } from '../errors.js'
import type { ResponseHooks } from '../response/response-hooks.js'
import type {} from '../wire/buffer-slices.js'

const EMPTY_PARAMS = Object.freeze(Object.create(null) as Record<string, string>)

/** Collects the bytes of one response in memory; it always closes the connection. */
class CapturingSink implements ResponseSink {
  readonly chunks: Buffer[] = []
  readonly #report: (err: unknown) => void

  constructor(
    readonly serverLine: string,
    readonly smallWriteBytes: number,
    report: (err: unknown) => void,
  ) {
    this.#report = report
  }

  mustClose(): boolean {
    return true
  }
  queueText(text: string): void {
    this.chunks.push(Buffer.from(text, 'utf8'))
  }
  queueBytes(bytes: Buffer): void {
    this.chunks.push(bytes)
  }
  writableRoom(): number {
    return this.smallWriteBytes
  }
  flush(): Promise<boolean> {
    return Promise.resolve(true)
  }
  abort(): void {}
  closeAfterFlush(): void {}
  reportError(err: unknown): void {
    this.#report(err)
  }
  detach(): Promise<DetachedConnection> {
    return Promise.reject(new AlreadyDetachedError())
  }
  // The bytes are captured, not written: the Session writes them as its own answer.
  whenWritten(listener: WriteListener): void {
    listener.writeSettled(false)
  }
}

/** What rebuilding a fixed answer needs from the App. */
export interface FixedAnswerHost {
  readonly serverLine: string
  readonly smallWriteBytes: number
  /** Attaches the App's response hooks to a response. */
  attach(req: Request, res: Response): void
  report(err: unknown): void
}

/**
 * Rebuilds one of the Session's fixed answers (a JSON error that closes the connection) as a
 * Response with the App's hooks attached, so `onResponse` can add its headers and `onFinish` sees
 * it. Only apps with such hooks pay for it, and only on these error paths.
 *
 * @param host - the App's side
 * @param bytes - the fixed answer as the Session built it
 * @param head - the request's head, or `undefined` when it could not be parsed (the hooks then
 *   see a request with an empty method and no fields)
 * @param connection - the connection it came on
 * @param hooks - the hooks of a response this answer replaces (a handler's that timed out): they
 *   report this answer, so the request is reported once, timed from its start
 * @returns the bytes to send instead
 */
export function rebuildFixedAnswer(
  host: FixedAnswerHost,
  bytes: Buffer,
  head: RequestHead | undefined,
  connection: RequestConnection,
  hooks?: ResponseHooks<Response>,
): Buffer {
  const headEnd = bytes.indexOf('\r\n\r\n')
  const status = Number(bytes.latin1Slice(9, 12))
  if (headEnd < 0 || !Number.isInteger(status)) return bytes
  const body = bytes.subarray(headEnd + 4)
  const requestHead = head ?? new RequestHead()
  const sink = new CapturingSink(host.serverLine, host.smallWriteBytes, host.report)
  const res = Response.open(sink, requestHead)
  if (hooks !== undefined) res.attachHooks(hooks)
  else host.attach(Request.open(requestHead, undefined, EMPTY_PARAMS, connection), res)
  // The body is the Session's own JSON: sent through json(), it gets the same bytes and its
  // Content-Type after the fields the hooks add, as every JSON response does.
  res.status(status).json(JSON.parse(body.toString('utf8')))
  return Buffer.concat(sink.chunks)
}
