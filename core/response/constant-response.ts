import { HeaderList } from '../wire/header-list.js'
import { statusLine, isBodyless } from '../wire/status-lines.js'
import { dateFieldLine } from '../wire/date-cache.js'
import type { RequestHead } from '../wire/request-head.js'
import type { ResponseSink } from './response-sink.js'

/** A fixed response for `app.constant()`: serialized once, sent with only `Date` refreshed. */
export interface ConstantResponseInit {
  /** Default 200. */
  readonly status?: number
  /** Header fields; `Content-Length` is computed. */
  readonly headers?: Readonly<Record<string, string | number | readonly string[]>>
  /** The body: text (UTF-8) or bytes. */
  readonly body?: string | Buffer
}

/** A response serialized at registration (what `app.constant()` keeps). */
export interface ConstantResponse {
  /** Status line. */
  readonly start: string
  /** Header fields (with Content-Length) without the final CRLF. */
  readonly fields: string
  /** The body, UTF-8 text when possible. */
  readonly body: string | Buffer
  /** Body length in bytes. */
  readonly bodyBytes: number
  /** Whether the head is pure ASCII (it may then be encoded together with a text body). */
  readonly ascii: boolean
}

/**
 * Serializes a fixed response once, at registration.
 * @param init - status, headers and body
 * @returns the pre-serialized parts
 * @throws InvalidHeaderError for a bad header name or value
 */
export function buildConstant(init: ConstantResponseInit): ConstantResponse {
  const status = init.status ?? 200
  const headers = new HeaderList()
  for (const [name, value] of Object.entries(init.headers ?? {})) headers.set(name, value)
  const body = init.body ?? ''
  const bodyBytes = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length
  const length = isBodyless(status) ? '' : `Content-Length: ${bodyBytes}\r\n`
  return { start: statusLine(status), fields: headers.serialize() + length, body, bodyBytes, ascii: headers.isAscii }
}

/**
 * Queues a constant response: the pre-serialized head with the current `Date` and the
 * `Connection` field this request needs, then the body (dropped for HEAD).
 *
 * This is the hot path of benchmark-style routes: no Request or Response object is made.
 *
 * @returns whether the connection stays open
 */
export function sendConstant(sink: ResponseSink, constant: ConstantResponse, request: RequestHead): boolean {
  const close = sink.mustClose()
  const connection = close ? 'Connection: close\r\n' : request.versionMinor === 0 ? 'Connection: keep-alive\r\n' : ''
  const head = `${constant.start}${sink.serverLine}${dateFieldLine()}${constant.fields}${connection}\r\n`
  const withBody = request.method !== 'HEAD' && constant.bodyBytes > 0
  if (!withBody) queueHead(sink, head, constant.ascii)
  else if (typeof constant.body === 'string' && constant.ascii) sink.queueText(head + constant.body, head.length + constant.bodyBytes)
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
