import type { RequestHead } from '../wire/request-head.js'

/**
 * Whether the connection closes after the response to a request (RFC 9112 §9.3, §9.6): the
 * request asked for it (`Connection: close`, HTTP/1.0 without keep-alive), it is the last one
 * `maxRequestsPerConnection` allows, or the server is closing. Decided from the head and the
 * request's number alone, so the answer is the same however the request arrived and however its
 * handler returns.
 *
 * @param head - the request
 * @param requestNumber - its position on the connection (1-based)
 * @param maxRequests - `limits.maxRequestsPerConnection`; 0 means no maximum
 * @param closing - whether the server asked the connection to end
 */
export function closesAfter(head: RequestHead, requestNumber: number, maxRequests: number, closing: boolean): boolean {
  return closing || !head.keepAlive || (maxRequests > 0 && requestNumber >= maxRequests)
}
