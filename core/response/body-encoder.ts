import type { Transform } from 'node:stream'

/**
 * A content coding an App applies to response bodies (`app.compression()`): asked once per
 * response, before its head, whether and how to encode. It sets the fields it needs
 * (`Content-Encoding`, `Vary`) on the response itself. Generic over the response (always
 * `Response`), so that this file need not import `response.ts`, which imports it. No entry of the
 * package exports it; it stays in the published declarations, which name it.
 */
export interface BodyEncoder<R> {
  /**
   * @param res - the response, its head not yet built
   * @param body - the whole body
   * @returns the encoded body, or `undefined` to send it as it is
   */
  whole(res: R, body: Buffer): Buffer | undefined
  /**
   * @param res - a streamed response, its head not yet built
   * @returns a zlib stream to pass the body through, or `undefined` to send it as it is
   */
  stream(res: R): Transform | undefined
}
