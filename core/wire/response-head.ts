import { ContentLengthMismatchError, InvalidHeaderError, InvalidStatusError } from '../errors.js'
import { HeaderFlag, type HeaderList } from './header-list.js'
import { statusLine, statusLineWithReason, isBodyless } from './status-lines.js'
import { dateFieldLine } from './date-cache.js'

/**
 * How a response's body is delimited (RFC 9112 §6.3), as every path that writes a head decides it
 * through {@link framingFor}: numbers, so the decision allocates nothing.
 */
export const Framing = {
  /** No content at all: 1xx, 204 and 304 (RFC 9110 §6.4.1). */
  None: 0,
  /** `Content-Length`: a whole body, or a streamed one whose length the handler declared. */
  Length: 1,
  /** `Transfer-Encoding: chunked`: a streamed body of unknown length to an HTTP/1.1 client. */
  Chunked: 2,
  /** The body ends when the connection does: a streamed body of unknown length to HTTP/1.0. */
  CloseDelimited: 3,
} as const

/**
 * The one set of framing rules (RFC 9112 §6, RFC 9110 §8.6, §15.3.5). HEAD is framed as GET
 * would be (RFC 9110 §9.3.2); the caller then leaves the body out.
 * @param status - the response's status
 * @param isStreamed - whether the body's length is unknown when the head is built
 * @param versionMinor - the request's HTTP minor version (0 cannot read chunked)
 * @param hasDeclaredLength - whether the handler set a Content-Length
 * @returns one of {@link Framing}
 */
export function framingFor(
  status: number,
  isStreamed: boolean,
  versionMinor: number,
  hasDeclaredLength: boolean,
): number {
  if (isBodyless(status)) return Framing.None
  if (!isStreamed || hasDeclaredLength) return Framing.Length
  return versionMinor === 0 ? Framing.CloseDelimited : Framing.Chunked
}

/**
 * Checks the framing fields a handler set against the status and the body (RFC 9110 §8.6,
 * RFC 9112 §6.1–6.2): a Content-Length is refused on 1xx and 204, which have no content to
 * measure; a `Transfer-Encoding: chunked` (the only one `HeaderList` lets through) is honoured on a
 * streamed body only, and never together with a Content-Length.
 * @param status - the response's status
 * @param headers - the handler's fields
 * @param isStreamed - whether the body is streamed (`start()`), not sent whole
 * @throws InvalidHeaderError naming the field
 */
export function checkFramingFields(status: number, headers: HeaderList, isStreamed: boolean): void {
  const hasLength = headers.has(HeaderFlag.ContentLength)
  if (hasLength && (status < 200 || status === 204)) {
    throw new InvalidHeaderError('Content-Length', `a ${status} response has no content to measure`)
  }
  if (!headers.has(HeaderFlag.TransferEncoding)) return
  if (!isStreamed)
    throw new InvalidHeaderError(
      'Transfer-Encoding',
      'a whole body is sent with its Content-Length; stream it with res.start() to chunk it',
    )
  if (hasLength)
    throw new InvalidHeaderError(
      'Transfer-Encoding',
      'a response cannot carry both Transfer-Encoding and Content-Length',
    )
  if (isBodyless(status))
    throw new InvalidHeaderError('Transfer-Encoding', `a ${status} response has no content to chunk`)
}

/**
 * The framing of a response whose whole body is known when it is built (`app.constant()`,
 * `ResponseBuilder`), checked under the rules every head obeys.
 * @param status - the status code
 * @param headers - the fields the user set
 * @param bodyBytes - the body's length in bytes
 * @returns how the body is delimited
 * @throws InvalidStatusError for a body with a status that has none (the client would read it as
 *   the next response, RFC 9110 §15.3.5, §15.4.5); InvalidHeaderError for a framing field the
 *   status or a whole body forbids; ContentLengthMismatchError for a Content-Length other than the body's
 */
export function framingForWholeBody(status: number, headers: HeaderList, bodyBytes: number): number {
  if (isBodyless(status) && bodyBytes > 0)
    throw new InvalidStatusError(status, `a ${status} response has no content, but a body was given`)
  checkFramingFields(status, headers, false)
  const hasLength = headers.has(HeaderFlag.ContentLength)
  const framing = framingFor(status, false, 1, hasLength)
  if (framing === Framing.Length && hasLength && Number(headers.get('content-length')) !== bodyBytes) {
    throw new ContentLengthMismatchError(Number(headers.get('content-length')), bodyBytes)
  }
  return framing
}

/**
 * Builds a response head: status line, Server and Date unless the handler set them, the
 * handler's fields, then the framing and Connection fields the rules call for. With
 * {@link prebuildHead} / {@link finishHead} (heads whose fields are fixed at load or registration)
 * and {@link headAroundLength} (the cached head of the common 200), the one place a head is
 * assembled: `Response`, `app.constant()`, `ResponseBuilder`, the fixed answers all get theirs here.
 *
 * @param status - the status code
 * @param headers - the handler's fields, or `null` for none
 * @param serverLine - `Server: …\r\n` or `''`
 * @param withDate - whether to add the current `Date` (unless the handler set one)
 * @param framing - one of {@link Framing}
 * @param length - the Content-Length for {@link Framing.Length} when the handler set none
 * @param close - whether the connection closes after this response
 * @param versionMinor - the request's minor version: an HTTP/1.0 client kept open is told so
 * @returns the head, ending with the empty line
 */
export function buildHead(
  status: number,
  headers: HeaderList | null,
  serverLine: string,
  withDate: boolean,
  framing: number,
  length: number,
  close: boolean,
  versionMinor: number,
): string {
  let head = statusLine(status)
  if (headers === null) {
    head += serverLine
    if (withDate) head += dateFieldLine()
  } else {
    if (!headers.has(HeaderFlag.Server)) head += serverLine
    if (withDate && !headers.has(HeaderFlag.Date)) head += dateFieldLine()
    head += headers.serialize(omittedFields(headers, framing, close))
  }
  return head + framingLines(headers, framing, length, close, versionMinor) + '\r\n'
}

/** The framing and Connection field lines of a head. */
function framingLines(
  headers: HeaderList | null,
  framing: number,
  length: number,
  close: boolean,
  versionMinor: number,
): string {
  return lengthLine(headers, framing, length) + connectionLine(headers, close, versionMinor)
}

/** The Content-Length or Transfer-Encoding line the framing calls for, unless the handler set it. */
function lengthLine(headers: HeaderList | null, framing: number, length: number): string {
  if (framing === Framing.Length)
    return headers !== null && headers.has(HeaderFlag.ContentLength) ? '' : `Content-Length: ${length}\r\n`
  if (framing !== Framing.Chunked) return ''
  return headers !== null && headers.has(HeaderFlag.TransferEncoding) ? '' : 'Transfer-Encoding: chunked\r\n'
}

/** The handler's fields the framing and the connection's fate leave out of the head. */
function omittedFields(headers: HeaderList, framing: number, close: boolean): number {
  // The handler's chunked coding cannot reach an HTTP/1.0 client: its body ends with the connection.
  const omit =
    framing === Framing.CloseDelimited && headers.has(HeaderFlag.TransferEncoding) ? HeaderFlag.TransferEncoding : 0
  return handlerConnectionStands(headers, close) ? omit : omit | HeaderFlag.Connection
}

/**
 * Whether a handler's own Connection field is sent as it is: always, except on a connection that
 * closes after this response when the field does not say so. The connection's fate wins there
 * (RFC 9112 §9.6): a client told `keep-alive` would send its next request into a closed socket.
 */
function handlerConnectionStands(headers: HeaderList, close: boolean): boolean {
  return !close || !headers.has(HeaderFlag.Connection) || headers.saysClose()
}

/**
 * The Connection line: none when the handler set a Connection that stands (its own `close` closes
 * the connection too), else `close` for a closing response and `keep-alive` for an HTTP/1.0 client
 * kept open.
 */
function connectionLine(headers: HeaderList | null, close: boolean, versionMinor: number): string {
  if (headers !== null && headers.has(HeaderFlag.Connection) && handlerConnectionStands(headers, close)) return ''
  if (close) return 'Connection: close\r\n'
  return versionMinor === 0 ? 'Connection: keep-alive\r\n' : ''
}

/**
 * A head whose status line, fields and length are fixed when it is built, once, at load or at
 * registration (`app.constant()`, the fixed answers): what {@link buildHead} would make of them,
 * serialized ahead, so that only the Server, Date and Connection lines are settled per response.
 */
export interface PrebuiltHead {
  /** The status line. */
  readonly statusLine: string
  /** The fields given, for the Connection decision. */
  readonly headers: HeaderList | null
  /** The fields and the length line, as sent when the connection stays open. */
  readonly fields: string
  /** The same, as sent when it closes (a Connection field that does not say `close` yields). */
  readonly closingFields: string
  /** Whether the fields have their own Server. */
  readonly ownServer: boolean
  /** Whether the fields have their own Date. */
  readonly ownDate: boolean
}

/**
 * Serializes the fixed parts of a head once, by the rules of {@link buildHead}.
 * @param status - the status code
 * @param headers - the fields, or `null` for none
 * @param framing - one of {@link Framing}
 * @param length - the Content-Length for {@link Framing.Length} when the fields set none
 * @param reason - a reason phrase other than the status code's usual one
 * @returns the parts {@link finishHead} completes
 */
export function prebuildHead(
  status: number,
  headers: HeaderList | null,
  framing: number,
  length: number,
  reason?: string,
): PrebuiltHead {
  const start = reason === undefined ? statusLine(status) : statusLineWithReason(status, reason)
  const lengthText = lengthLine(headers, framing, length)
  if (headers === null) {
    return {
      statusLine: start,
      headers,
      fields: lengthText,
      closingFields: lengthText,
      ownServer: false,
      ownDate: false,
    }
  }
  return {
    statusLine: start,
    headers,
    fields: headers.serialize(omittedFields(headers, framing, false)) + lengthText,
    closingFields: headers.serialize(omittedFields(headers, framing, true)) + lengthText,
    ownServer: headers.has(HeaderFlag.Server),
    ownDate: headers.has(HeaderFlag.Date),
  }
}

/**
 * A prebuilt head completed for one response: the same string {@link buildHead} makes from the
 * same arguments, at the cost of a few concatenations.
 * @param head - from {@link prebuildHead}
 * @param serverLine - `Server: …\r\n` or `''`
 * @param withDate - whether to add the current `Date` (unless the fields have one)
 * @param close - whether the connection closes after this response
 * @param versionMinor - the request's minor version
 * @returns the head, ending with the empty line
 */
export function finishHead(
  head: PrebuiltHead,
  serverLine: string,
  withDate: boolean,
  close: boolean,
  versionMinor: number,
): string {
  const server = head.ownServer ? '' : serverLine
  const date = withDate && !head.ownDate ? dateFieldLine() : ''
  const fields = close ? head.closingFields : head.fields
  return `${head.statusLine}${server}${date}${fields}${connectionLine(head.headers, close, versionMinor)}\r\n`
}

/** A {@link Framing.Length} head cut where its length's digits go. */
export interface HeadAroundLength {
  /** Everything before the digits. */
  readonly before: string
  /** Everything after them, to the empty line. */
  readonly after: string
}

/**
 * The head {@link buildHead} makes with {@link Framing.Length} and a length it computes, cut at
 * the length: `before + length + after` is that head for any length. For a path that sends many
 * heads differing only in their length (the common 200) and builds this once.
 * @param status - the status code
 * @param headers - the fields, which must not set a Content-Length
 * @param serverLine - `Server: …\r\n` or `''`
 * @param withDate - whether to add the current `Date`
 * @param close - whether the connection closes after the response
 * @param versionMinor - the request's minor version
 * @returns the two parts
 */
export function headAroundLength(
  status: number,
  headers: HeaderList,
  serverLine: string,
  withDate: boolean,
  close: boolean,
  versionMinor: number,
): HeadAroundLength {
  if (headers.has(HeaderFlag.ContentLength))
    throw new InvalidHeaderError('Content-Length', 'the length of a head cut at its length is computed')
  const head = buildHead(status, headers, serverLine, withDate, Framing.Length, 0, close, versionMinor)
  // Field values hold no CR or LF, so the last `Content-Length: 0` line is the one written here.
  const line = lengthLine(null, Framing.Length, 0)
  const digit = head.lastIndexOf(line) + line.lastIndexOf('0')
  return { before: head.slice(0, digit), after: head.slice(digit + 1) }
}
