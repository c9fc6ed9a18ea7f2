const EMPTY = Buffer.alloc(0)
const MIN_CAPACITY = 4096

/**
 * The bytes received and not yet consumed: `buf[pos..end)`. A chunk that arrives when nothing is
 * pending is adopted as is (no copy); a chunk that continues a partial head is appended into a
 * buffer that grows by doubling, so a head sent one byte at a time costs linear time. Bytes below
 * `end` are never overwritten: views handed out (body parts) stay valid.
 */
export class InputBuffer {
  /** The current buffer. */
  buf: Buffer = EMPTY
  /** First unconsumed byte. */
  pos = 0
  /** End of the received bytes. */
  end = 0
  // The buffer allocated here, whose spare tail may be filled; an adopted chunk has no spare tail.
  #grown: Buffer | undefined

  /** Bytes received and not consumed. */
  get available(): number {
    return this.end - this.pos
  }

  /**
   * Adds a received chunk.
   * @returns how far existing offsets moved (subtract it from saved indices), 0 when none did
   */
  append(chunk: Buffer): number {
    const pending = this.end - this.pos
    if (pending === 0) {
      const moved = this.pos
      this.buf = chunk
      this.pos = 0
      this.end = chunk.length
      return moved
    }
    if (this.buf === this.#grown && this.end + chunk.length <= this.buf.length) {
      chunk.copy(this.buf, this.end)
      this.end += chunk.length
      return 0
    }
    const grown = Buffer.allocUnsafe(Math.max(MIN_CAPACITY, 2 * (pending + chunk.length)))
    this.buf.copy(grown, 0, this.pos, this.end)
    chunk.copy(grown, pending)
    const moved = this.pos
    this.buf = grown
    this.#grown = grown
    this.pos = 0
    this.end = pending + chunk.length
    return moved
  }

  /**
   * Drops the fully consumed buffer, so an idle connection holds no request bytes. The offsets
   * stay, so the next `append` reports the same shift as it would have.
   */
  release(): void {
    this.buf = EMPTY
  }

  /**
   * Consumes up to `n` bytes.
   * @returns a view of them (not a copy)
   */
  take(n: number): Buffer {
    const count = Math.min(n, this.end - this.pos)
    const view = this.buf.subarray(this.pos, this.pos + count)
    this.pos += count
    return view
  }

  /** Consumes and returns everything pending, as a copy the caller owns. */
  drain(): Buffer {
    const rest = Buffer.from(this.buf.subarray(this.pos, this.end))
    this.pos = this.end
    return rest
  }
}
