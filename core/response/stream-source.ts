import type { Readable } from 'node:stream'
import type { StreamedResponse } from './streamed-response.js'

/** Anything `res.stream()` can send: a Node `Readable` or any async iterable of bytes or text. */
export type StreamSource = Readable | AsyncIterable<Uint8Array | string>

/**
 * Sends every piece of `source` through `res.write()`, waiting for the connection to accept each
 * one (backpressure), then ends the response. When the client goes away the source is stopped
 * (the iterator's `return()` destroys a Readable). When the source fails half-way the response
 * cannot be completed: the connection is closed and the error reported, never thrown at a caller
 * who did not await.
 *
 * @param res - a response whose head is already started
 * @param source - the pieces to send
 * @param onError - where a failing source is reported
 * @returns whether the whole source was sent
 */
export async function pipeSource(
  res: StreamedResponse,
  source: StreamSource,
  onError: (err: unknown) => void,
): Promise<boolean> {
  try {
    for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
      if (!(await res.write(chunk))) return false
    }
  } catch (err) {
    res.cancel()
    onError(err)
    return false
  }
  return res.end()
}
