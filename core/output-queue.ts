/**
 * Response bytes waiting to be written, in order. Small pieces (heads, small bodies, the responses
 * to pipelined requests) are merged into one buffer at flush time; a large body buffer passes
 * through as is, so the large-write path never copies it.
 */
export class OutputQueue {
  #pieces: (string | Buffer)[] = []
  // Byte length of each piece: strings are UTF-8, and their lengths are known when they are queued.
  #lengths: number[] = []
  #bytes = 0
  readonly #copyLimit: number

  /** @param copyLimit - buffers larger than this are written as they are, not copied */
  constructor(copyLimit: number) {
    this.#copyLimit = copyLimit
  }

  /** Bytes queued. */
  get bytes(): number {
    return this.#bytes
  }

  /** Whether nothing is queued. */
  get isEmpty(): boolean {
    return this.#bytes === 0
  }

  /**
   * Queues text to be encoded as UTF-8 (ASCII heads encode the same in UTF-8 and latin1).
   * @param text - the text
   * @param byteLength - its UTF-8 length, already known to the caller
   */
  pushText(text: string, byteLength: number): void {
    const last = this.#pieces.length - 1
    // Consecutive texts (pipelined responses) join into one string, encoded once at flush.
    if (last >= 0 && typeof this.#pieces[last] === 'string') {
      this.#pieces[last] += text
      this.#lengths[last] = this.#lengths[last]! + byteLength
    } else {
      this.#pieces.push(text)
      this.#lengths.push(byteLength)
    }
    this.#bytes += byteLength
  }

  /** Queues bytes as they are. */
  pushBytes(bytes: Buffer): void {
    if (bytes.length === 0) return
    this.#pieces.push(bytes)
    this.#lengths.push(bytes.length)
    this.#bytes += bytes.length
  }

  /**
   * Empties the queue into the fewest buffers: runs of small pieces merged, large buffers alone.
   * @returns the buffers to write, in order
   */
  take(): Buffer[] {
    const pieces = this.#pieces
    const lengths = this.#lengths
    this.#pieces = []
    this.#lengths = []
    this.#bytes = 0
    if (pieces.length === 1) {
      const only = pieces[0]!
      return [typeof only === 'string' ? Buffer.from(only, 'utf8') : only]
    }
    const out: Buffer[] = []
    let run: (string | Buffer)[] = []
    let runBytes = 0
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!
      if (typeof piece !== 'string' && piece.length > this.#copyLimit) {
        if (run.length > 0) out.push(merge(run, runBytes))
        run = []
        runBytes = 0
        out.push(piece)
        continue
      }
      run.push(piece)
      runBytes += lengths[i]!
    }
    if (run.length > 0) out.push(merge(run, runBytes))
    return out
  }
}

function merge(run: (string | Buffer)[], bytes: number): Buffer {
  if (run.length === 1 && typeof run[0] !== 'string') return run[0]!
  const target = Buffer.allocUnsafe(bytes)
  let offset = 0
  for (const piece of run) {
    if (typeof piece === 'string') offset += target.write(piece, offset, 'utf8')
    else offset += piece.copy(target, offset)
  }
  return target
}
