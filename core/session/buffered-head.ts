import type { InputBuffer } from '../wire/input-buffer.js'
import type { HeadLimits } from '../wire/head-parser.js'
import { parseHead, scanHead, skipLeadingEmptyLines } from '../wire/head-parser.js'
import { RequestHead } from '../wire/request-head.js'
import { ParseResult } from '../wire/parse-result.js'

/**
 * Consumes the next request head when it is wholly buffered and safe to start while an earlier
 * request is still being handled: GET or HEAD, no body, no upgrade, no expectation. Anything else
 * (an incomplete head, a malformed one, an unsafe method) is left for the Session's normal path,
 * which answers it in order.
 *
 * @param input - the receive buffer
 * @param limits - head limits
 * @returns the head, or `null` with nothing consumed
 */
export function takeBufferedSafeHead(input: InputBuffer, limits: HeadLimits): RequestHead | null {
  const start = skipLeadingEmptyLines(input.buf, input.pos, input.end)
  if (start >= input.end) return null
  const end = scanHead(input.buf, start, input.end, start)
  if (end <= 0 || end - start > limits.maxHeaderBytes) return null
  const head = new RequestHead()
  if (parseHead(input.buf, start, end, limits, head) !== ParseResult.Ok) return null
  // Unsafe methods must not run ahead of an earlier response (RFC 9112 §9.3.2).
  if ((head.method !== 'GET' && head.method !== 'HEAD') || head.hasBody || head.upgrade || head.expectContinue)
    return null
  input.pos = end
  return head
}
