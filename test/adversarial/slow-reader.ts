import { MemoryTransport, type Transport } from '../../index.js'

/**
 * A client that reads slowly, as a Transport: the request comes from a `MemoryTransport`, and
 * each write is taken `bytesPerTick` bytes at a time, one piece every `tickMs` (a short write,
 * as a socket with a full buffer gives), or never when `bytesPerTick` is 0. Like a socket, it
 * holds the bytes of the write it has not taken yet, and only those.
 *
 * @example
 * ```ts
 * const client = new SlowReader('GET /big HTTP/1.1\r\nHost: a\r\n\r\n', 16 * 1024, 100)
 * void app.serve(client)
 * ```
 */
export class SlowReader implements Transport {
  readonly remoteAddress = '127.0.0.1'
  /** Bytes taken so far. */
  received = 0
  /** The bytes taken, when `keep` is set. */
  readonly taken: Buffer[] = []
  readonly #input: MemoryTransport
  readonly #bytesPerTick: number
  readonly #tickMs: number
  readonly #keep: boolean
  #pending: ((count: number) => void) | null = null

  /**
   * @param request - what the client sends; its input stays open afterwards
   * @param bytesPerTick - bytes taken per tick (0: none, ever)
   * @param tickMs - time between two pieces
   * @param keep - whether to keep the bytes taken, for `text()`
   */
  constructor(request: string | Buffer, bytesPerTick: number, tickMs: number, keep = false) {
    this.#input = new MemoryTransport({ input: [request], endAfterInput: false })
    this.#bytesPerTick = bytesPerTick
    this.#tickMs = tickMs
    this.#keep = keep
  }

  get isOpen(): boolean {
    return this.#input.isOpen
  }

  read(): Promise<Buffer | null> {
    return this.#input.read()
  }

  write(bytes: Buffer): Promise<number> {
    if (!this.isOpen) return Promise.resolve(0)
    return new Promise((resolve) => {
      this.#pending = resolve
      if (this.#bytesPerTick === 0) return
      setTimeout(() => {
        this.#pending = null
        if (!this.isOpen) return resolve(0)
        const count = Math.min(bytes.length, this.#bytesPerTick)
        this.received += count
        if (this.#keep) this.taken.push(Buffer.from(bytes.subarray(0, count)))
        resolve(count)
      }, this.#tickMs)
    })
  }

  close(): void {
    this.#input.close()
    const pending = this.#pending
    this.#pending = null
    pending?.(0)
  }

  /** @returns the bytes taken, as latin1 text (with `keep` only) */
  text(): string {
    return Buffer.concat(this.taken).toString('latin1')
  }
}
