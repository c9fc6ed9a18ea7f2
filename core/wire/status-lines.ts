import { STATUS_CODES } from 'node:http'

// Status lines are built once per code and reused: the hot path concatenates, never formats.
const STATUS_LINES: string[] = []

/**
 * @param status - a status code from 100 to 999
 * @returns `HTTP/1.1 <code> <reason>\r\n`
 */
export function statusLine(status: number): string {
  return (STATUS_LINES[status] ??= statusLineWithReason(status, STATUS_CODES[status] ?? 'Unknown'))
}

/**
 * @param status - a status code from 100 to 999
 * @param reason - the reason phrase (RFC 9112 §4), for an answer customarily sent with its own
 * @returns `HTTP/1.1 <code> <reason>\r\n`
 */
export function statusLineWithReason(status: number, reason: string): string {
  return `HTTP/1.1 ${status} ${reason}\r\n`
}

/**
 * @param status - a status code
 * @returns whether a response with this status never carries content (RFC 9110 §6.4.1)
 */
export function isBodyless(status: number): boolean {
  return status < 200 || status === 204 || status === 304
}
