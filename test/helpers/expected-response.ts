import { DATE_LINE_MASK } from './mask-dates.js'

/**
 * Builds the exact bytes a Session is expected to send for one response, with the default
 * `Server` and a masked `Date` line (see `maskDates`), in the order the Session writes them.
 *
 * @param status - status code and reason, e.g. `'200 OK'`
 * @param fields - field lines after `Date`, without CRLF, e.g. `['Content-Length: 0']`
 * @param body - the body as text
 * @returns the whole response as a string
 * @example
 * ```ts
 * response('204 No Content', ['Allow: GET, HEAD'])
 * // 'HTTP/1.1 204 No Content\r\nServer: gatehouse\r\nDate: <date>\r\nAllow: GET, HEAD\r\n\r\n'
 * ```
 */
export function response(status: string, fields: readonly string[], body = ''): string {
  let text = `HTTP/1.1 ${status}\r\nServer: gatehouse\r\n${DATE_LINE_MASK}`
  for (const field of fields) text += `${field}\r\n`
  return `${text}\r\n${body}`
}

/**
 * @param body - the text a handler sent with `res.text()`
 * @param fields - extra field lines after `Content-Length`, e.g. `'Connection: close'`
 * @returns the whole 200 text response
 * @example
 * ```ts
 * textResponse('hello', 'Connection: close')
 * ```
 */
export function textResponse(body: string, ...fields: string[]): string {
  return response(
    '200 OK',
    ['Content-Type: text/plain; charset=utf-8', `Content-Length: ${Buffer.byteLength(body)}`, ...fields],
    body,
  )
}

/**
 * @param status - status code and reason, e.g. `'404 Not Found'`
 * @param value - the value sent with `res.json()`
 * @param fields - extra field lines after `Content-Length`
 * @returns the whole JSON response
 * @example
 * ```ts
 * jsonResponse('404 Not Found', { message: 'Not Found' })
 * ```
 */
export function jsonResponse(status: string, value: unknown, ...fields: string[]): string {
  const body = JSON.stringify(value)
  return response(
    status,
    ['Content-Type: application/json; charset=utf-8', `Content-Length: ${Buffer.byteLength(body)}`, ...fields],
    body,
  )
}

/**
 * The fixed response a Session sends before closing on a protocol error, a limit or a timeout.
 *
 * @param status - status code and reason, e.g. `'400 Bad Request'`
 * @param message - the JSON body's message
 * @returns the whole response, ending in `Connection: close` and `{"message":…}`
 * @example
 * ```ts
 * errorResponse('400 Bad Request', 'Malformed HTTP request')
 * ```
 */
export function errorResponse(status: string, message: string): string {
  return jsonResponse(status, { message }, 'Connection: close')
}
