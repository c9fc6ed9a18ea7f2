import { ParseResult } from './parse-result.js'
import { statusLine } from './status-lines.js'
import { dateFieldLine } from './date-cache.js'

interface FixedResponse {
  readonly status: number
  readonly statusLine: Buffer
  // Everything after Server and Date: type, length, Connection: close, and the JSON body.
  readonly rest: Buffer
}

function fixed(status: number, message: string): FixedResponse {
  const body = JSON.stringify({ message })
  return {
    status,
    statusLine: Buffer.from(statusLine(status), 'latin1'),
    rest: Buffer.from(
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      'utf8',
    ),
  }
}

// Built once at load: these answer malformed or hostile input, and end the connection.
const BY_RESULT: Readonly<Record<number, FixedResponse>> = {
  [ParseResult.Malformed]: fixed(400, 'Malformed HTTP request'),
  [ParseResult.HeadTooLarge]: fixed(431, 'Request header fields too large'),
  [ParseResult.TooManyHeaders]: fixed(431, 'Too many header fields'),
  [ParseResult.TargetTooLong]: fixed(414, 'URI too long'),
  [ParseResult.VersionNotSupported]: fixed(505, 'HTTP version not supported'),
  [ParseResult.ExpectationFailed]: fixed(417, 'Expectation failed'),
  [ParseResult.NotImplemented]: fixed(501, 'Transfer coding not implemented'),
  [ParseResult.BodyTooLarge]: fixed(413, 'Payload too large'),
}

const TIMEOUT = fixed(408, 'Request timeout')
// The server, not the client, was too slow: 503, which a client does not take as its own fault.
const HANDLER_TIMEOUT = fixed(503, 'Handler timeout')

/** `HTTP/1.1 100 Continue`, sent before reading a body the client is holding back. */
export const CONTINUE_RESPONSE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1')

function assemble(response: FixedResponse, serverLine: string): Buffer {
  return Buffer.concat([response.statusLine, Buffer.from(serverLine + dateFieldLine(), 'latin1'), response.rest])
}

/**
 * @param result - a negative {@link ParseResult}
 * @param serverLine - the `Server` field line or `''`
 * @returns the complete error response that closes the connection
 */
export function parseErrorResponse(result: number, serverLine: string): Buffer {
  return assemble(BY_RESULT[result] ?? BY_RESULT[ParseResult.Malformed]!, serverLine)
}

/** @returns the complete 408 response that closes the connection */
export function timeoutResponse(serverLine: string): Buffer {
  return assemble(TIMEOUT, serverLine)
}

/** @returns the complete 503 response to a handler that did not answer in time; it closes the connection */
export function handlerTimeoutResponse(serverLine: string): Buffer {
  return assemble(HANDLER_TIMEOUT, serverLine)
}
