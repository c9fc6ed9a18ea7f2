import { bodyBytes } from './body-bytes.js'
import { finished, type Readable } from 'node:stream'
import type { StreamedResponse } from './streamed-response.js'

/** Anything `res.stream()` can send: a Node `Readable` or any async iterable of bytes or text. */
export type StreamSource = Readable | AsyncIterable<Uint8Array | string>

/**
 * The smallest piece pulled when the connection's buffer is full: that write waits for the buffer
 * to drain, so it may go past the high-water mark by this much, no more.
 */
const MIN_PIECE_BYTES = 1024

/**
 * Sends every piece of `source` through `res.write()`, then ends the response. Nothing is pulled
 * from the source before the connection has taken the previous piece and its buffer is below its
 * high-water mark, and each piece is at most the room left there: a client that stops reading
 * costs one socket buffer, whatever the source keeps ready. A `Readable` is read `read(n)` at a
 * time rather than through its async iterator, which hands out everything buffered, concatenated
 * into one copy; any other iterable's pieces are written a room-sized slice at a time.
 *
 * When the client goes away the source is stopped (a Readable destroyed, an iterator returned).
 * When the source fails the response cannot be completed: the failure goes to `onError`, which
 * decides what becomes of the response (`res.stream()` makes it the handler's error), never
 * thrown at a caller who did not await.
 *
 * @param res - a response whose head is already started
 * @param source - the pieces to send
 * @param onError - told what a failing source threw
 * @returns whether the whole source was sent
 */
export async function pipeSource(
  res: StreamedResponse,
  source: StreamSource,
  onError: (err: unknown) => void,
): Promise<boolean> {
  try {
    const sent = isReadable(source) ? await pipeReadable(res, source) : await pipeIterable(res, source)
    if (!sent) return false
  } catch (err) {
    onError(err)
    return false
  }
  return res.end()
}

function isReadable(source: StreamSource): source is Readable {
  const candidate = source as Partial<Readable>
  return typeof candidate.read === 'function' && typeof candidate.on === 'function' && 'readableLength' in source
}

/** Bytes the next piece may have: the connection's room, or the minimum when it has none. */
function pieceBytes(res: StreamedResponse): number {
  return Math.max(res.writableRoom(), MIN_PIECE_BYTES)
}

async function pipeIterable(res: StreamedResponse, source: AsyncIterable<Uint8Array | string>): Promise<boolean> {
  for await (const chunk of source) if (!(await writeInPieces(res, chunk))) return false
  return true
}

/**
 * Reads a Readable in paused mode, a room-sized `read(n)` at a time: a piece that large lies
 * within the source's first buffer is a view of it, and pieces across several small buffers are
 * joined only up to the room. Object-mode streams give one object per read, written in slices.
 */
async function pipeReadable(res: StreamedResponse, readable: Readable): Promise<boolean> {
  // undefined while the stream runs; null once it ended; the error once it failed or closed early.
  let outcome: Error | null | undefined
  let wake: (() => void) | undefined
  const woken = (): void => {
    const resolve = wake
    wake = undefined
    resolve?.()
  }
  readable.on('readable', woken)
  const stopWatching = finished(readable, { writable: false }, (err) => {
    outcome = err ?? null
    woken()
  })
  try {
    for (;;) {
      if (outcome instanceof Error) throw outcome
      const available = readable.readableLength
      if (available > 0) {
        // The piece is not kept here while its write waits: the connection holds it, and only once.
        const sent = sendPiece(res, readable, available)
        if (sent !== null) {
          if (!(await sent)) return false
          continue
        }
      }
      if (outcome === null) return true
      if (outcome !== undefined) throw outcome
      const next = new Promise<void>((resolve) => (wake = resolve))
      // Asks the source for more; 'readable' (or the end) follows once it has some.
      readable.read(0)
      await next
    }
  } finally {
    readable.off('readable', woken)
    // As the stream's own iterator does on every exit: stopped, whether it ended, failed or not.
    if (!readable.destroyed) readable.destroy()
    stopWatching()
  }
}

/**
 * Reads one piece and starts its write. A byte stream's piece that is a view of a larger buffer
 * (the head of a large chunk) is copied: once the source let the rest go, the view would keep all
 * of that buffer alive for as long as the client does not read.
 * @returns the write, or `null` when the stream had nothing to give after all
 */
function sendPiece(res: StreamedResponse, readable: Readable, available: number): Promise<boolean> | null {
  if (readable.readableObjectMode) {
    const item = readable.read() as Uint8Array | string | null
    return item === null ? null : writeInPieces(res, item)
  }
  const piece = readable.read(Math.min(available, pieceBytes(res))) as Buffer | string | null
  if (piece === null) return null
  if (typeof piece !== 'string' && piece.buffer.byteLength > piece.length) return res.write(Buffer.from(piece))
  return writeInPieces(res, piece)
}

/** Writes one piece of a source, in slices no larger than the connection's room. */
async function writeInPieces(res: StreamedResponse, chunk: Uint8Array | string): Promise<boolean> {
  const bytes = bodyBytes(chunk)
  let size = pieceBytes(res)
  if (bytes.length <= size) return res.write(bytes)
  for (let offset = 0; offset < bytes.length; offset += size, size = pieceBytes(res)) {
    if (!(await res.write(bytes.subarray(offset, offset + size)))) return false
  }
  return true
}
