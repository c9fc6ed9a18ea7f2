const EMPTY = Buffer.alloc(0)
const MIN_CAPACITY = 1024

/**
 * The bytes of a body as they are decoded, held in memory proportional to their number, not to the
 * number of pieces they came in: the first piece is kept as a view (a body that arrives whole costs
 * no copy), every later one is copied into one buffer that grows by doubling. Keeping a view per
 * piece instead cost about 100 bytes of heap per piece, so a body sent as 1-byte chunks cost a
 * hundred times its size.
 */
export class BodyCollector {
  // The first piece while it is the only one; then the grown buffer, filled up to #length.
  #bytes: Buffer = EMPTY
  #length = 0
  #owned = false

  /** Bytes collected since the last {@link take}. */
  get length(): number {
    return this.#length
  }

  /**
   * Adds `buf[start..end)`. The bytes are viewed, not copied, until a second piece arrives, so
   * `buf` must not be overwritten below `end` while they are held (the receive buffer never is).
   */
  add(buf: Buffer, start: number, end: number): void {
    const count = end - start
    if (count === 0) return
    const length = this.#length
    if (length === 0) {
      this.#bytes = buf.subarray(start, end)
      this.#length = count
      this.#owned = false
      return
    }
    if (!this.#owned || length + count > this.#bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(MIN_CAPACITY, 2 * (length + count)))
      this.#bytes.copy(grown, 0, 0, length)
      this.#bytes = grown
      this.#owned = true
    }
    buf.copy(this.#bytes, length, start, end)
    this.#length = length + count
  }

  /** Hands out what was collected as one buffer (a view of it) and starts again empty. */
  take(): Buffer {
    const bytes = this.#length === this.#bytes.length ? this.#bytes : this.#bytes.subarray(0, this.#length)
    this.#bytes = EMPTY
    this.#length = 0
    this.#owned = false
    return bytes
  }
}
