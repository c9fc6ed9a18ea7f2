import { HeaderList } from '../wire/header-list.js'
import { finishHead, framingForWholeBody, prebuildHead, type PrebuiltHead } from '../wire/response-head.js'
import { InvalidStatusError } from '../errors.js'
import type { RequestHead } from '../wire/request-head.js'
import type { ResponseSink } from './response-sink.js'

/** A fixed response for `app.constant()`: serialized once, sent with only `Date` refreshed. */
export interface ConstantResponseInit {
  /** Default 200. */
  readonly status?: number
  /**
   * Header fields. `Content-Length` is computed (one set here must equal the body's length);
   * `Transfer-Encoding` is refused (the body is whole); `Connection: close` closes the connection after each answer.
   */
  readonly headers?: Readonly<Record<string, string | number | readonly string[]>>
  /** The body: text (UTF-8) or bytes. */
  readonly body?: string | Buffer
}

/** A response serialized at registration (what `app.constant()` keeps). */
export interface ConstantResponse {
  /** The head: status line, the handler's fields and the framing line, serialized once. */
  readonly head: PrebuiltHead
  /** The body, UTF-8 text when possible. */
  readonly body: string | Buffer
  /** Body length in bytes. */
  readonly bodyBytes: number
  /** Whether the head is pure ASCII (it may then be encoded together with a text body). */
  readonly ascii: boolean
  /** Whether the fields ask for the connection to close after each answer. */
  readonly close: boolean
}

/**
 * Validates a fixed response once, at registration, under the framing rules every head obeys.
 * @param init - status, headers and body
 * @returns the validated parts
 * @throws InvalidStatusError for a status outside 100–999, or a body with a status that has none;
 *   InvalidHeaderError for a bad header (or Transfer-Encoding, or Content-Length on 1xx/204);
 *   ContentLengthMismatchError for a Content-Length other than the body's
 */
export function buildConstant(init: ConstantResponseInit): ConstantResponse {
  const status = init.status ?? 200
  if (!Number.isInteger(status) || status < 100 || status > 999) throw new InvalidStatusError(status)
  const headers = new HeaderList()
  for (const [name, value] of Object.entries(init.headers ?? {})) headers.set(name, value)
  const body = init.body ?? ''
  const bodyBytes = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length
  const framing = framingForWholeBody(status, headers, bodyBytes)
  return {
    head: prebuildHead(status, headers, framing, bodyBytes),
    body,
    bodyBytes,
    ascii: headers.isAscii,
    close: headers.saysClose(),
  }
}

/**
 * Queues a constant response: its head, with the current `Date` and the `Connection` field
 * this request needs, then the body (dropped for HEAD).
 *
 * This is the hot path of benchmark-style routes: no Request or Response object is made.
 *
 * @returns whether the connection stays open
 */
export function sendConstant(sink: ResponseSink, constant: ConstantResponse, request: RequestHead): boolean {
  const close = constant.close || sink.mustClose()
  const head = finishHead(constant.head, sink.serverLine, true, close, request.versionMinor)
  const withBody = request.method !== 'HEAD' && constant.bodyBytes > 0
  if (!withBody) queueHead(sink, head, constant.ascii)
  else if (typeof constant.body === 'string' && constant.ascii)
    sink.queueText(head + constant.body, head.length + constant.bodyBytes)
  else {
    queueHead(sink, head, constant.ascii)
    sink.queueBytes(typeof constant.body === 'string' ? Buffer.from(constant.body, 'utf8') : constant.body)
  }
  return !close
}

function queueHead(sink: ResponseSink, head: string, ascii: boolean): void {
  if (ascii) sink.queueText(head, head.length)
  else sink.queueBytes(Buffer.from(head, 'latin1'))
}
