import { PROTOCOL_ERRORS, type ProtocolError } from '../errors.js'
import { statusLine } from './status-lines.js'
import { dateFieldLine } from './date-cache.js'
import { errorBody } from './error-body.js'
import { Framing, framingLines } from './response-head.js'

interface FixedResponse {
  readonly status: number
  readonly statusLine: Buffer
  // Everything after Server and Date: type, length, Connection: close, and the JSON body. A HEAD
  // request gets it without the body (the Session cuts it, see `headOnly`).
  readonly rest: Buffer
}

function fixed(error: ProtocolError): FixedResponse {
  const body = errorBody(error.message)
  const head = `Content-Type: application/json; charset=utf-8\r\n${framingLines(null, Framing.Length, Buffer.byteLength(body), true, 1)}\r\n`
  return {
    status: error.status,
    statusLine: Buffer.from(statusLine(error.status), 'latin1'),
    rest: Buffer.from(`${head}${body}`, 'utf8'),
  }
}

// Built once at load, one per row of the table: these answer malformed or hostile input, and end
// the connection.
const BY_RESULT: Readonly<Record<number, FixedResponse>> = Object.fromEntries(
  Object.values(PROTOCOL_ERRORS).map((error) => [error.result, fixed(error)]),
)

/** `HTTP/1.1 100 Continue`, sent before reading a body the client is holding back. */
export const CONTINUE_RESPONSE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1')

function assemble(response: FixedResponse, serverLine: string): Buffer {
  return Buffer.concat([response.statusLine, Buffer.from(serverLine + dateFieldLine(), 'latin1'), response.rest])
}

/**
 * @param answer - a complete response
 * @returns its head alone, as a HEAD request gets it (RFC 9110 §9.3.2): the length still says
 *   what GET gets. A view, not a copy.
 */
export function headOnly(answer: Buffer): Buffer {
  const headEnd = answer.indexOf('\r\n\r\n')
  return headEnd < 0 ? answer : answer.subarray(0, headEnd + 4)
}

const HEAD_METHOD = Buffer.from('HEAD ', 'latin1')

/**
 * Whether the bytes of a request that could not be parsed begin with a HEAD request-line, after
 * the empty lines RFC 9112 §2.2 lets a client send first: its fixed answer then has no body.
 * @param buf - the input
 * @param pos - where the request begins
 * @param end - where the received bytes end
 */
export function isHeadRequestLine(buf: Buffer, pos: number, end: number): boolean {
  let i = pos
  while (i < end && (buf[i] === 0x0d || buf[i] === 0x0a)) i++
  return (
    end - i >= HEAD_METHOD.length && buf.compare(HEAD_METHOD, 0, HEAD_METHOD.length, i, i + HEAD_METHOD.length) === 0
  )
}

/**
 * @param result - a negative `ParseResult`
 * @param serverLine - the `Server` field line or `''`
 * @returns the complete error response that closes the connection
 */
export function parseErrorResponse(result: number, serverLine: string): Buffer {
  return assemble(BY_RESULT[result] ?? BY_RESULT[PROTOCOL_ERRORS.Malformed.result]!, serverLine)
}

/** @returns the complete 408 response that closes the connection */
export function timeoutResponse(serverLine: string): Buffer {
  return assemble(BY_RESULT[PROTOCOL_ERRORS.RequestTimeout.result]!, serverLine)
}

/** @returns the complete 503 response to a handler that did not answer in time; it closes the connection */
export function handlerTimeoutResponse(serverLine: string): Buffer {
  return assemble(BY_RESULT[PROTOCOL_ERRORS.HandlerTimeout.result]!, serverLine)
}
