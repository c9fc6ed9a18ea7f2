import type { ReadableListener, TextEncoding, Transport } from './transport.js'
import { ConcurrentReadError, InputEndedError, OutputNotReachedError, integerOption } from './errors.js'

/** Bytes for a `MemoryTransport`: strings are encoded as UTF-8; pass a Buffer for raw bytes. */
export type MemoryInput = string | Uint8Array

/** Why a `MemoryTransport` stopped: `close()` was called, or the stream was reset. */
export type MemoryCloseReason = 'close' | 'reset'

/**
 * Options of a `MemoryTransport`: its input, how that input is chunked, and faults to inject.
 *
 * @example
 * ```ts
 * const options: MemoryTransportOptions = { input: ['GET / HTTP/1.1\r\n\r\n'], chunkSize: 1, maxWriteBytes: 7 }
 * ```
 */
export interface MemoryTransportOptions {
  /** Bytes the peer "sent" before anything else, delivered in these chunks. */
  readonly input?: MemoryInput | readonly MemoryInput[]
  /** Re-split every input chunk into pieces of at most this many bytes (1 = byte at a time). */
  readonly chunkSize?: number
  /** End the input after `input` (default: true when `input` is given, false otherwise). */
  readonly endAfterInput?: boolean
  /** Accept at most this many bytes per write, so every larger write is short. */
  readonly maxWriteBytes?: number
  /** Accept 0 bytes once this many bytes were written (a write straddling the mark is short). */
  readonly zeroWriteAfterBytes?: number
  /** Reject writes with an `EPIPE` error once this many bytes were written; sets `lastError`. */
  readonly failWriteAfterBytes?: number
  /** Reset the stream as soon as this many input bytes were delivered by `read()`. */
  readonly resetAfterInputBytes?: number
  /** What `remoteAddress` reports (default `'127.0.0.1'`, so address-based code sees an IP). */
  readonly remoteAddress?: string
  /** What `remotePort` reports (default `undefined`). */
  readonly remotePort?: number
}

type ReadResolver = (chunk: Buffer | null) => void
type OutputTest = (output: Buffer) => boolean
interface OutputWaiter {
  readonly test: OutputTest
  readonly expected: string
  readonly resolve: (output: Buffer) => void
  readonly reject: (err: Error) => void
}

const NOTHING_ACCEPTED: Promise<number> = Promise.resolve(0)

/**
 * A scriptable in-process Transport for tests: feed a request in any chunking, cut the stream,
 * make writes short or failing, and observe every byte the server wrote.
 *
 * @example
 * ```ts
 * const t = new MemoryTransport({ input: ['GET / HTTP/1.1\r\nHost: x\r\n\r\n'], chunkSize: 1 })
 * void app.serve(t)
 * await t.waitForOutput((out) => out.includes('\r\n\r\n'))
 * expect(t.outputText()).to.match(/^HTTP\/1\.1 200 OK\r\n/)
 * expect(t.writes).to.have.length(1) // head and body left in one write
 * ```
 * @example
 * ```ts
 * const [client, server] = MemoryTransport.pair()
 * void app.serve(server)
 * await client.write(Buffer.from('GET /chat HTTP/1.1\r\nUpgrade: websocket\r\n…\r\n\r\n'))
 * const reply = await client.read()
 * ```
 */
export class MemoryTransport implements Transport {
  /** The address given in the options, default `'127.0.0.1'`. */
  readonly remoteAddress: string
  /** The port given in the options, default `undefined`. */
  readonly remotePort: number | undefined
  /** Resolves with the reason once `close()` is called or the stream resets. */
  readonly closed: Promise<MemoryCloseReason>

  readonly #chunkSize: number | undefined
  readonly #maxWriteBytes: number | undefined
  readonly #zeroWriteAfterBytes: number | undefined
  readonly #failWriteAfterBytes: number | undefined
  readonly #resetAfterInputBytes: number | undefined
  #input: Buffer[] = []
  #head = 0
  #isInputEnded = false
  #state: 'open' | MemoryCloseReason = 'open'
  #pendingRead: ReadResolver | null = null
  #listener: ReadableListener | null = null
  #inputBytesDelivered = 0
  readonly #writes: Buffer[] = []
  #outputBytes = 0
  #output: Buffer | null = null
  #waiters: OutputWaiter[] = []
  #peer: MemoryTransport | undefined
  #lastError: Error | undefined
  #resolveClosed!: (reason: MemoryCloseReason) => void

  readonly #awaitChunk = (resolve: ReadResolver): void => {
    this.#pendingRead = resolve
  }

  /**
   * @param options - input, chunking and faults; all optional
   * @throws InvalidTransportOptionError when a size is not an integer in range
   */
  constructor(options: MemoryTransportOptions = {}) {
    this.#chunkSize = integerOption('chunkSize', options.chunkSize, 1, undefined)
    this.#maxWriteBytes = integerOption('maxWriteBytes', options.maxWriteBytes, 1, undefined)
    this.#zeroWriteAfterBytes = integerOption('zeroWriteAfterBytes', options.zeroWriteAfterBytes, 0, undefined)
    this.#failWriteAfterBytes = integerOption('failWriteAfterBytes', options.failWriteAfterBytes, 0, undefined)
    this.#resetAfterInputBytes = integerOption('resetAfterInputBytes', options.resetAfterInputBytes, 0, undefined)
    this.remoteAddress = options.remoteAddress ?? '127.0.0.1'
    this.remotePort = integerOption('remotePort', options.remotePort, 0, undefined)
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve
    })
    const input = options.input
    if (input !== undefined) {
      for (const chunk of typeof input === 'string' || input instanceof Uint8Array ? [input] : input) {
        this.push(chunk)
      }
    }
    if (options.endAfterInput ?? input !== undefined) this.end()
  }

  /**
   * Makes two transports joined back to back: bytes written to one are read from the other,
   * `close()` on one ends the other's input, `reset()` resets both. Writes to a side whose
   * peer is gone resolve 0. `endAfterInput` defaults to false on both sides.
   * @param optionsA - options of the first transport
   * @param optionsB - options of the second transport
   * @returns the two ends, `[a, b]`
   * @example
   * ```ts
   * const [a, b] = MemoryTransport.pair()
   * await a.write(Buffer.from('ping'))
   * await b.read() // <Buffer 70 69 6e 67>
   * ```
   */
  static pair(
    optionsA: MemoryTransportOptions = {},
    optionsB: MemoryTransportOptions = {},
  ): [MemoryTransport, MemoryTransport] {
    const a = new MemoryTransport({ endAfterInput: false, ...optionsA })
    const b = new MemoryTransport({ endAfterInput: false, ...optionsB })
    a.#peer = b
    b.#peer = a
    return [a, b]
  }

  /** Whether bytes can still move: neither `close()` nor a reset has happened. */
  get isOpen(): boolean {
    return this.#state === 'open'
  }

  /** The `EPIPE` error of a `failWriteAfterBytes` fault, once it happened. */
  get lastError(): Error | undefined {
    return this.#lastError
  }

  /** Every accepted write's bytes, one entry per `write()` or `writev()` call. */
  get writes(): readonly Buffer[] {
    return this.#writes
  }

  /** Every byte accepted so far, in order. */
  get output(): Buffer {
    this.#output ??= Buffer.concat(this.#writes, this.#outputBytes)
    return this.#output
  }

  /**
   * Decodes `output`.
   * @param encoding - default `'utf8'`; `'latin1'` maps each byte to one character
   * @returns the output as a string
   */
  outputText(encoding: BufferEncoding = 'utf8'): string {
    return this.output.toString(encoding)
  }

  /**
   * Adds bytes to the input, as if the peer had sent them. Ignored once the transport closed.
   * @param bytes - the bytes, re-split by `chunkSize` when set
   * @throws InputEndedError after `end()` (or after the input of `endAfterInput`)
   */
  push(bytes: MemoryInput): void {
    const buffer =
      typeof bytes === 'string'
        ? Buffer.from(bytes, 'utf8')
        : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    if (this.#state !== 'open') return
    if (this.#isInputEnded) throw new InputEndedError(buffer.length)
    const size = this.#chunkSize ?? buffer.length
    for (let start = 0; start < buffer.length; start += size) {
      this.#input.push(buffer.subarray(start, start + size))
    }
    this.#serveRead()
  }

  /** Ends the input: once the queued chunks are read, `read()` resolves `null`. Idempotent. */
  end(): void {
    this.#isInputEnded = true
    this.#serveRead()
  }

  /**
   * Reads the next input chunk.
   * @returns the chunk, or `null` once the input ended, the stream reset or `close()` was called
   * @throws ConcurrentReadError (as a rejection) when another read is still pending
   */
  read(): Promise<Buffer | null> {
    if (this.#pendingRead !== null) return Promise.reject(new ConcurrentReadError('MemoryTransport'))
    if (this.#listener !== null)
      return Promise.reject(new ConcurrentReadError('MemoryTransport', 'a readable listener'))
    const chunk = this.#takeNow()
    return chunk === undefined ? new Promise(this.#awaitChunk) : Promise.resolve(chunk)
  }

  /**
   * The next input chunk if one is queued, without waiting.
   * @returns the chunk; `null` once the input ended, the stream reset or `close()` was called;
   *   `undefined` when nothing is queued yet
   * @throws ConcurrentReadError when a `read()` is pending
   */
  tryRead(): Buffer | null | undefined {
    if (this.#pendingRead !== null) throw new ConcurrentReadError('MemoryTransport')
    return this.#takeNow()
  }

  /**
   * Calls `listener.readable()` once, in a microtask after the next `push()`, `end()`, `close()`
   * or reset: never from inside the caller of `push()`, so a test's code runs to its end first.
   * @param listener - told once; replaces a listener registered before; `null` withdraws it
   */
  notifyReadable(listener: ReadableListener | null): void {
    this.#listener = listener
    if (listener === null) return
    if (this.#state !== 'open' || this.#head < this.#input.length || this.#isInputEnded) this.#notify()
  }

  /**
   * Accepts bytes, subject to the configured faults.
   * @param bytes - the bytes to send
   * @returns how many bytes were accepted: fewer under `maxWriteBytes`, 0 once closed, reset or
   *   past `zeroWriteAfterBytes`
   * @throws an Error with code `'EPIPE'` (as a rejection) once past `failWriteAfterBytes`
   */
  write(bytes: Buffer): Promise<number> {
    return this.#accept(bytes, false)
  }

  /**
   * Accepts bytes without a promise when the faults would let all of them through, as a socket
   * with room in its buffer does; otherwise writes nothing, so the caller goes through `write()`
   * and meets the fault there.
   * @param bytes - the bytes to send
   * @returns whether every byte was accepted
   */
  tryWrite(bytes: Buffer): boolean {
    if (bytes.length === 0 || this.#room(bytes.length) !== bytes.length) return false
    this.#store(bytes, bytes.length, false)
    return true
  }

  /**
   * Like `tryWrite`, for text in the given encoding: what a socket does with a string.
   * @param text - the text to send
   * @param encoding - `utf8` or `latin1`
   * @returns whether every byte was accepted
   */
  tryWriteText(text: string, encoding: TextEncoding): boolean {
    return this.tryWrite(Buffer.from(text, encoding))
  }

  /**
   * Accepts several buffers as one write: one entry in `writes`, the faults applied to the total.
   * @param chunks - buffers to send, in order
   * @returns how many bytes in total were accepted, counted from the first chunk
   * @throws an Error with code `'EPIPE'` (as a rejection) once past `failWriteAfterBytes`
   */
  writev(chunks: readonly Buffer[]): Promise<number> {
    return this.#accept(Buffer.concat(chunks), true)
  }

  /**
   * Resolves once the output satisfies a condition; checked on every write, never polled.
   * @param target - a byte count to reach, or a predicate over the whole output
   * @returns the output at the moment the condition held
   * @throws OutputNotReachedError (as a rejection) if the transport closes first
   */
  waitForOutput(target: number | OutputTest): Promise<Buffer> {
    const test: OutputTest = typeof target === 'number' ? (output) => output.length >= target : target
    const expected = typeof target === 'number' ? `${target} bytes` : 'a matching predicate'
    const output = this.output
    if (test(output)) return Promise.resolve(output)
    if (this.#state !== 'open') return Promise.reject(new OutputNotReachedError(expected, output.length))
    return new Promise((resolve, reject) => {
      this.#waiters.push({ test, expected, resolve, reject })
    })
  }

  /** Closes the transport; a paired peer sees its input end. Idempotent; never throws. */
  close(): void {
    if (this.#finish('close')) this.#peer?.end()
  }

  /** Resets the stream, as a TCP RST would: both sides stop at once. Idempotent. */
  reset(): void {
    if (this.#finish('reset')) this.#peer?.reset()
  }

  #takeNow(): Buffer | null | undefined {
    if (this.#state !== 'open') return null
    if (this.#inputBytesDelivered === this.#resetAfterInputBytes) {
      this.reset()
      return null
    }
    if (this.#head < this.#input.length) return this.#take()
    return this.#isInputEnded ? null : undefined
  }

  /** Hands out the head chunk, cut short where `resetAfterInputBytes` falls inside it. */
  #take(): Buffer {
    let chunk = this.#input[this.#head] as Buffer
    const limit = this.#resetAfterInputBytes
    if (limit !== undefined && this.#inputBytesDelivered + chunk.length > limit) {
      const cut = limit - this.#inputBytesDelivered
      this.#input[this.#head] = chunk.subarray(cut)
      chunk = chunk.subarray(0, cut)
    } else if (++this.#head === this.#input.length) {
      this.#input = []
      this.#head = 0
    }
    this.#inputBytesDelivered += chunk.length
    if (this.#inputBytesDelivered === limit) this.reset()
    return chunk
  }

  #serveRead(): void {
    if (this.#listener !== null && (this.#head < this.#input.length || this.#isInputEnded)) this.#notify()
    const resolve = this.#pendingRead
    if (resolve === null) return
    if (this.#head < this.#input.length) {
      this.#pendingRead = null
      resolve(this.#take())
    } else if (this.#isInputEnded) {
      this.#pendingRead = null
      resolve(null)
    }
  }

  #notify(): void {
    const listener = this.#listener as ReadableListener
    this.#listener = null
    queueMicrotask(() => listener.readable())
  }

  #accept(bytes: Buffer, isOwnCopy: boolean): Promise<number> {
    const count = this.#room(bytes.length)
    if (count === -1) {
      const err = Object.assign(new Error(`write EPIPE: failWriteAfterBytes ${this.#failWriteAfterBytes} reached`), {
        code: 'EPIPE',
        syscall: 'write',
      })
      this.#lastError = err
      return Promise.reject(err)
    }
    if (count === 0) return NOTHING_ACCEPTED
    this.#store(bytes, count, isOwnCopy)
    return Promise.resolve(count)
  }

  /** How many of `length` bytes the faults let through now; -1 when the write must fail. */
  #room(length: number): number {
    const peer = this.#peer
    if (this.#state !== 'open' || (peer !== undefined && (!peer.isOpen || peer.#isInputEnded))) return 0
    const written = this.#outputBytes
    const failAt = this.#failWriteAfterBytes
    if (failAt !== undefined && written >= failAt) return -1
    let count = Math.min(length, this.#maxWriteBytes ?? Infinity, (failAt ?? Infinity) - written)
    if (this.#zeroWriteAfterBytes !== undefined)
      count = Math.min(count, Math.max(0, this.#zeroWriteAfterBytes - written))
    return count
  }

  #store(bytes: Buffer, count: number, isOwnCopy: boolean): void {
    // Copy: the writer may reuse its buffer once the write resolves.
    const accepted = isOwnCopy && count === bytes.length ? bytes : Buffer.from(bytes.subarray(0, count))
    this.#writes.push(accepted)
    this.#outputBytes += count
    this.#output = null
    this.#peer?.push(accepted)
    if (this.#waiters.length > 0) this.#notifyWaiters()
  }

  #notifyWaiters(): void {
    const output = this.output
    const pending: OutputWaiter[] = []
    for (const waiter of this.#waiters) {
      if (waiter.test(output)) waiter.resolve(output)
      else pending.push(waiter)
    }
    this.#waiters = pending
  }

  /** Stops the transport; returns false when it had already stopped. */
  #finish(reason: MemoryCloseReason): boolean {
    if (this.#state !== 'open') return false
    this.#state = reason
    this.#input = []
    this.#head = 0
    this.#isInputEnded = true
    const resolve = this.#pendingRead
    this.#pendingRead = null
    resolve?.(null)
    if (this.#listener !== null) this.#notify()
    const received = this.#outputBytes
    for (const waiter of this.#waiters) waiter.reject(new OutputNotReachedError(waiter.expected, received))
    this.#waiters = []
    this.#resolveClosed(reason)
    return true
  }
}
