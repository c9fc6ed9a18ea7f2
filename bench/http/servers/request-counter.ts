/**
 * Counts the requests in a connection's bytes without parsing them: each ends with `\r\n\r\n`
 * (the bare servers are only sent GETs with no body). A terminator may straddle two chunks, so the
 * length of the partial terminator at the end of one chunk is carried into the next.
 */
const TERMINATOR = Buffer.from('\r\n\r\n', 'latin1')
const CR = 0x0d
const LF = 0x0a

/** Length (0–3) of the longest tail of `chunk[from..]` that is a proper prefix of the terminator. */
function partialTail(chunk: Buffer, from: number): number {
  const end = chunk.length
  if (end - from >= 3 && chunk[end - 3] === CR && chunk[end - 2] === LF && chunk[end - 1] === CR) return 3
  if (end - from >= 2 && chunk[end - 2] === CR && chunk[end - 1] === LF) return 2
  return end - from >= 1 && chunk[end - 1] === CR ? 1 : 0
}

/** The request count of one connection's byte stream, chunk by chunk. */
export class RequestCounter {
  #carried = 0

  /**
   * @param chunk - the next bytes received
   * @returns how many requests they complete
   * @example
   * ```ts
   * const counter = new RequestCounter()
   * counter.count(Buffer.from('GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r')) // 1
   * counter.count(Buffer.from('\n')) // 1
   * ```
   */
  count(chunk: Buffer): number {
    let count = 0
    let pos = 0
    // 1. Finish a terminator begun in the previous chunk; a mismatching byte is left for step 2.
    if (this.#carried > 0) {
      let carried = this.#carried
      while (pos < chunk.length && carried < 4 && chunk[pos] === TERMINATOR[carried]) {
        carried++
        pos++
      }
      // The whole chunk continued the partial terminator without completing it: keep carrying.
      if (carried < 4 && pos === chunk.length) {
        this.#carried = carried
        return 0
      }
      if (carried === 4) count++
    }
    // 2. Whole terminators inside this chunk.
    for (let at = chunk.indexOf(TERMINATOR, pos); at !== -1; at = chunk.indexOf(TERMINATOR, pos)) {
      count++
      pos = at + 4
    }
    // 3. A terminator cut off at the end of the chunk.
    this.#carried = partialTail(chunk, pos)
    return count
  }
}
