import type { Transport } from '../../transports/transport.js'
import { MemoryTransport, type MemoryTransportOptions } from '../../transports/memory-transport.js'

/** Options of a {@link RecordingTransport}: a `MemoryTransport`'s, plus a stall. */
export interface RecordingTransportOptions extends MemoryTransportOptions {
  /** Writes wait until `close()` and then accept 0 bytes, as with a peer that stopped reading. */
  readonly stallWrites?: boolean
}

/**
 * A Transport over a `MemoryTransport` that records the very Buffer objects each write received,
 * so a test can tell a body written as is from a copy; it can also stall every write. Like the
 * socket transports, it settles a stalled write with 0 when it is closed.
 *
 * @example
 * ```ts
 * const t = new RecordingTransport({ input: 'GET /big HTTP/1.1\r\nHost: a\r\n\r\n' })
 * await app.serve(t)
 * t.calls // [[head, body]]: one writev with the handler's own body Buffer
 * ```
 */
export class RecordingTransport implements Transport {
  /** The underlying transport: its `output`, `writes` and `closed` are the observable result. */
  readonly memory: MemoryTransport
  /** The buffers handed to each `write()` or `writev()` call, in call order. */
  readonly calls: Buffer[][] = []
  readonly #stallWrites: boolean
  readonly #stalled: ((accepted: number) => void)[] = []

  /** @param options - the MemoryTransport's options, plus `stallWrites` */
  constructor(options: RecordingTransportOptions) {
    const { stallWrites, ...memoryOptions } = options
    this.memory = new MemoryTransport(memoryOptions)
    this.#stallWrites = stallWrites ?? false
  }

  /** Whether the underlying transport is open. */
  get isOpen(): boolean {
    return this.memory.isOpen
  }

  /** @returns the underlying transport's next chunk */
  read(): Promise<Buffer | null> {
    return this.memory.read()
  }

  /**
   * @param bytes - recorded, then passed on
   * @returns the bytes accepted; when writes stall, 0 once the transport is closed
   */
  write(bytes: Buffer): Promise<number> {
    this.calls.push([bytes])
    return this.#stallWrites ? this.#stall() : this.memory.write(bytes)
  }

  /**
   * @param chunks - recorded, then passed on
   * @returns the bytes accepted; when writes stall, 0 once the transport is closed
   */
  writev(chunks: readonly Buffer[]): Promise<number> {
    this.calls.push([...chunks])
    return this.#stallWrites ? this.#stall() : this.memory.writev(chunks)
  }

  /** Closes the underlying transport and settles stalled writes with 0. */
  close(): void {
    this.memory.close()
    for (const settle of this.#stalled.splice(0)) settle(0)
  }

  #stall(): Promise<number> {
    if (!this.memory.isOpen) return Promise.resolve(0)
    return new Promise<number>((resolve) => this.#stalled.push(resolve))
  }
}
