/**
 * What an App attaches to a response it answers when it has lifecycle hooks (`app.onResponse`,
 * `app.onFinish`): told before the head is built, and once when the response is over. A response
 * without them pays one field check. Generic over the response (always `Response`), so that this
 * file need not import `response.ts`, which imports it.
 */
export interface ResponseHooks<R> {
  /** The head is about to be built: status and headers may still change. */
  beforeHead(res: R): void
  /**
   * The response is over, once: its last byte written to the transport, or cut short.
   * @param aborted - whether it was cut short (cancelled, timed out, the client left, broken framing)
   */
  finished(res: R, aborted: boolean): void
}
