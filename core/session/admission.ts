import type { Limits } from '../config/config.js'
import type { RouteEntry } from '../route/route-entry.js'
import type { RequestHead } from '../wire/request-head.js'
import { ParseResult } from '../wire/parse-result.js'
import type { Waf } from '../../waf/waf.js'
import type { WafVerdict } from '../../waf/verdict.js'

/**
 * @param entry - the matched route, if any
 * @param limits - the configured limits
 * @returns the body limit of the route, or the configured one
 */
export function bodyLimitFor(entry: RouteEntry | undefined, limits: Limits): number {
  return entry?.bodyLimit ?? limits.maxBodyBytes
}

/**
 * Whether a request may go on to its body and handler, from its head, its route and the limits,
 * before a single body byte is read.
 *
 * @param head - the request head
 * @param entry - the matched route, if any
 * @param limits - the configured limits
 * @param waf - the WAF, which checks the head in the route's mode
 * @returns a negative {@link ParseResult} refusing it (its fixed answer then closes the
 *   connection), or the WAF's verdict on the head (`null`: nothing found)
 */
export function admit(
  head: RequestHead,
  entry: RouteEntry | undefined,
  limits: Limits,
  waf: Waf,
): WafVerdict | null | number {
  if (head.contentLength > bodyLimitFor(entry, limits)) return ParseResult.BodyTooLarge
  return waf.checkHead(head, entry?.wafMode)
}
