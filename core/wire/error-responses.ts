import { PROTOCOL_ERRORS, type ProtocolError } from '../errors.js'
import { errorBody } from './error-body.js'
import { HeaderList } from './header-list.js'
import { Framing, finishHead, prebuildHead, type PrebuiltHead } from './response-head.js'

interface FixedResponse {
  // Everything but Server and Date: status, type and length; Connection: close is added as the
  // answer is sent. A HEAD request gets the answer without the body (the Session cuts it, see
  // `headOnly`).
  readonly head: PrebuiltHead
  readonly body: Buffer
}

function fixed(error: ProtocolError): FixedResponse {
  const body = Buffer.from(errorBody(error.message), 'utf8')
  const fields = new HeaderList()
  fields.set('Content-Type', 'application/json; charset=utf-8')
  return { head: prebuildHead(error.status, fields, Framing.Length, body.length), body }
}

// Built once at load, one per row of the table: these answer malformed or hostile input, and end
// the connection.
const BY_RESULT: Readonly<Record<number, FixedResponse>> = Object.fromEntries(
  Object.values(PROTOCOL_ERRORS).map((error) => [error.result, fixed(error)]),
)

/** `HTTP/1.1 100 Continue`, sent before reading a body the client is holding back. */
export const CONTINUE_RESPONSE = Buffer.from(
  finishHead(prebuildHead(100, null, Framing.None, 0), '', false, false, 1),
  'latin1',
)

/**
 * `HTTP/1.1 200 Connection Established`, the answer that opens a CONNECT tunnel: a 2xx with no
 * content and no framing fields (RFC 9110 §9.3.6, RFC 9112 §6.3), with the reason phrase proxies send.
 */
export const CONNECTION_ESTABLISHED = Buffer.from(
  finishHead(prebuildHead(200, null, Framing.None, 0, 'Connection Established'), '', false, false, 1),
  'latin1',
)

function assemble(response: FixedResponse, serverLine: string): Buffer {
  return Buffer.concat([Buffer.from(finishHead(response.head, serverLine, true, true, 1), 'latin1'), response.body])
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
