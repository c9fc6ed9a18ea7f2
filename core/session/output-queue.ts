/**
 * Response bytes waiting to be written, in order. Small pieces (heads, small bodies, the responses
 * to pipelined requests) are merged into one buffer at flush time; a large body buffer passes
 * through as is, so the large-write path never copies it.
 */
export class OutputQueue {
  // Text queued before any bytes, held as one string with no array: the common case, whole small
  // responses, allocates nothing here. While `#items` is null, `#bytes` is this text's length.
  #text: string | undefined
  // Each piece followed by its byte length (strings are UTF-8, their lengths known when queued).
  // Created by the first Buffer pushed after a take, and then holding everything queued.
  #items: (string | Buffer | number)[] | null = null
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
    if (this.#items === null) {
      // Consecutive texts (pipelined responses) join into one string, encoded once at flush.
      this.#text = this.#text === undefined ? text : this.#text + text
      this.#bytes += byteLength
      return
    }
    const items = this.#items
    const last = items.length - 2
    if (last >= 0 && typeof items[last] === 'string') {
      items[last] += text
      items[last + 1] = (items[last + 1] as number) + byteLength
    } else {
      items.push(text, byteLength)
    }
    this.#bytes += byteLength
  }

  /** Queues bytes as they are. */
  pushBytes(bytes: Buffer): void {
    if (bytes.length === 0) return
    if (this.#items === null) {
      this.#items = this.#text === undefined ? [] : [this.#text, this.#bytes]
      this.#text = undefined
    }
    this.#items.push(bytes, bytes.length)
    this.#bytes += bytes.length
  }

  /** The queue's only piece when that is text (a whole small response), else `undefined`. */
  get onlyText(): string | undefined {
    const items = this.#items
    if (items === null) return this.#text
    return items.length === 2 && typeof items[0] === 'string' ? items[0] : undefined
  }

  /**
   * Whether the queued bytes are as many as the queued text's characters: then, for text alone,
   * every character is ASCII, which encodes the same (and more cheaply) as latin1.
   */
  get isAscii(): boolean {
    const text = this.onlyText
    return text !== undefined && text.length === this.#bytes
  }

  /** Drops everything queued: it has been written some other way. */
  clear(): void {
    this.#text = undefined
    this.#items = null
    this.#bytes = 0
  }

  /**
   * Empties the queue into the fewest buffers: runs of small pieces merged, large buffers alone.
   * @returns the buffers to write, in order
   */
  take(): Buffer[] {
    const text = this.#text
    const items = this.#items ?? (text === undefined ? [] : [text, this.#bytes])
    this.#text = undefined
    this.#items = null
    this.#bytes = 0
    if (items.length === 2) {
      const only = items[0] as string | Buffer
      return [typeof only === 'string' ? Buffer.from(only, 'utf8') : only]
    }
    const out: Buffer[] = []
    let run: (string | Buffer)[] = []
    let runBytes = 0
    for (let i = 0; i < items.length; i += 2) {
      const piece = items[i] as string | Buffer
      if (typeof piece !== 'string' && piece.length > this.#copyLimit) {
        if (run.length > 0) out.push(merge(run, runBytes))
        run = []
        runBytes = 0
        out.push(piece)
        continue
      }
      run.push(piece)
      runBytes += items[i + 1] as number
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
