import type { InputBuffer } from '../wire/input-buffer.js'
import type { RequestHead } from '../wire/request-head.js'
import { BodyCollector } from '../wire/body-collector.js'
import { ChunkedDecoder } from '../wire/chunked-decoder.js'
import { ParseResult } from '../wire/parse-result.js'

/**
 * Reads a request body within its limit: Content-Length bodies up to the declared length (the
 * limit was checked before the first byte), chunked bodies until the last chunk, refused the
 * moment they cross the limit. A body already in the buffer is returned as a view, not a copy;
 * one that arrives in pieces (reads or chunks) is copied into one growing buffer, so it costs
 * memory in proportion to its bytes, however small the pieces, and never more than it has sent.
 *
 * @param input - the Session's receive buffer
 * @param head - the parsed head (framing)
 * @param limit - the body limit in bytes for this route
 * @param maxTrailerBytes - limit for a chunked body's trailer section
 * @param waitForMore - waits for another chunk; resolves with how far offsets moved, or -1 at end
 * @returns the body, or a negative {@link ParseResult} (`Incomplete` when the client went away)
 */
export async function readBody(
  input: InputBuffer,
  head: RequestHead,
  limit: number,
  maxTrailerBytes: number,
  waitForMore: () => Promise<number>,
): Promise<Buffer | number> {
  if (!head.chunked) {
    const length = head.contentLength
    if (input.available >= length) return input.take(length)
    const body = new BodyCollector()
    while (body.length < length) {
      if (input.available === 0 && (await waitForMore()) < 0) return ParseResult.Incomplete
      const count = Math.min(length - body.length, input.available)
      body.add(input.buf, input.pos, input.pos + count)
      input.pos += count
    }
    return body.take()
  }
  const decoder = new ChunkedDecoder(limit, maxTrailerBytes)
  const body = new BodyCollector()
  for (;;) {
    const next = decoder.decode(input.buf, input.pos, input.end, body)
    if (next < 0) return next
    input.pos = next
    if (decoder.done) break
    if ((await waitForMore()) < 0) return ParseResult.Incomplete
  }
  head.trailers = decoder.trailers
  return body.take()
}
