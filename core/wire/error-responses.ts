import { PROTOCOL_ERRORS, type ProtocolError } from '../errors.js'
import { statusLine } from './status-lines.js'
import { dateFieldLine } from './date-cache.js'
import { errorBody } from './error-body.js'
import { Framing, framingLines } from './response-head.js'

interface FixedResponse {
  readonly status: number
  readonly statusLine: Buffer
  // Everything after Server and Date: type, length, Connection: close, and the JSON body.
  readonly rest: Buffer
}

function fixed(error: ProtocolError): FixedResponse {
  const body = errorBody(error.message)
  return {
    status: error.status,
    statusLine: Buffer.from(statusLine(error.status), 'latin1'),
    rest: Buffer.from(
      `Content-Type: application/json; charset=utf-8\r\n${framingLines(null, Framing.Length, Buffer.byteLength(body), true, 1)}\r\n${body}`,
      'utf8',
    ),
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
