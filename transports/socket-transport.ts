import type { Socket } from 'node:net'
import type { ReadableListener, TextEncoding, Transport } from './transport.js'
import { ConcurrentReadError, integerOption } from './errors.js'
import { ORDINARY_DISCONNECT_CODES } from './disconnect-codes.js'

/**
 * Options shared by the socket transports.
 *
 * @example
 * ```ts
 * new PlainTransport(socket, { maxQueuedBytes: 16 * 1024, closeGraceMs: 500 })
 * ```
 */
export interface SocketTransportOptions {
  /** Unread bytes queued before the socket is paused (default 64 KiB). */
  readonly maxQueuedBytes?: number
  /** How long `close()` waits for the peer to finish before destroying the socket (default 1000 ms). */
  readonly closeGraceMs?: number
}

const DEFAULT_MAX_QUEUED_BYTES = 64 * 1024
const DEFAULT_CLOSE_GRACE_MS = 1000

/** The network failed: these end the stream too, but are kept in `lastError` for operators. */
const NETWORK_FAILURE_CODES: ReadonlySet<string> = new Set([
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENETRESET',
])

const NO_MORE_BYTES: Promise<null> = Promise.resolve(null)
const NOTHING_ACCEPTED: Promise<number> = Promise.resolve(0)

type ReadResolver = (chunk: Buffer | null) => void
interface LateWrite {
  readonly byteCount: number
  readonly resolve: (accepted: number) => void
  readonly reject: (err: Error) => void
}

/**
 * The behaviour `PlainTransport` and `TlsTransport` share: a queue of received chunks with
 * pause/resume backpressure, writes that resolve late under a full socket buffer, and a graceful
 * close. Internal; users construct one of the subclasses.
 *
 * This is the hot path of every connection: `read()` hands out the socket's own Buffers without
 * copying, and neither a waiting read nor a late write allocates a closure.
 *
 * @example
 * ```ts
 * class UnixTransport extends SocketTransport {}
 * const t = new UnixTransport(socket)
 * ```
 */
export abstract class SocketTransport implements Transport {
  readonly #socket: Socket
  readonly #maxQueuedBytes: number
  readonly #closeGraceMs: number
  // The oldest unread chunk, or undefined when none is queued: a request-response connection never
  // has more than one, so the common case touches no array.
  #first: Buffer | undefined
  // The chunks after #first, as a queue with a moving head (shift() on a long array is O(n)).
  #chunks: (Buffer | undefined)[] = []
  #head = 0
  #queuedBytes = 0
  #isPaused = false
  #isInputEnded = false
  #isClosed = false
  #pendingRead: ReadResolver | null = null
  #listener: ReadableListener | null = null
  // Created on the first write that has to wait for 'drain': most connections never need it.
  #lateWrites: LateWrite[] | null = null
  #graceTimer: NodeJS.Timeout | undefined
  #lastError: Error | undefined

  /**
   * @param socket - a connected socket; the transport takes over its 'data' flow and errors
   * @param options - queue limit and close grace period
   */
  constructor(socket: Socket, options: SocketTransportOptions = {}) {
    this.#socket = socket
    this.#maxQueuedBytes = integerOption('maxQueuedBytes', options.maxQueuedBytes, 0, DEFAULT_MAX_QUEUED_BYTES)
    this.#closeGraceMs = integerOption('closeGraceMs', options.closeGraceMs, 0, DEFAULT_CLOSE_GRACE_MS)
    // Asking once makes the socket keep its peer's address and port, even after it is destroyed.
    void socket.remoteAddress
    if (socket.destroyed) {
      this.#isClosed = true
      this.#isInputEnded = true
    } else if (socket.readableEnded) {
      this.#isInputEnded = true
    }
    // Responses are written whole; Nagle would only delay the last segment of each.
    socket.setNoDelay(true)
    // The listeners are shared functions that find this transport on the socket: no closures per
    // connection, which is most of what an idle connection would otherwise hold.
    ;(socket as OwnedSocket)[OWNER] = this
    socket.on('data', SocketTransport.#onData)
    socket.on('end', SocketTransport.#onEnd)
    socket.on('error', SocketTransport.#onError)
    socket.on('close', SocketTransport.#onClose)
    socket.resume()
  }

  /** The peer's address, as the socket saw it when the transport was made. */
  get remoteAddress(): string | undefined {
    return this.#socket.remoteAddress
  }

  /** The peer's port, as the socket saw it when the transport was made. */
  get remotePort(): number | undefined {
    return this.#socket.remotePort
  }

  /** Whether bytes can still move: not closed by either side, not reset. */
  get isOpen(): boolean {
    return !this.#isClosed && !this.#socket.destroyed
  }

  /** Bytes a write can add before the socket's buffer reaches its high-water mark; 0 once closed. */
  get writableRoom(): number {
    const socket = this.#socket
    if (this.#isClosed || !socket.writable) return 0
    return Math.max(0, socket.writableHighWaterMark - socket.writableLength)
  }

  /** The last non-ordinary error (e.g. `ETIMEDOUT`); resets and broken pipes are not kept. */
  get lastError(): Error | undefined {
    return this.#lastError
  }

  /**
   * Reads the next chunk the peer sent, exactly as the socket delivered it.
   * @returns the chunk, or `null` after end of stream, reset, a network failure or `close()`
   * @throws ConcurrentReadError (as a rejection) when another read is still pending
   */
  read(): Promise<Buffer | null> {
    if (this.#pendingRead !== null) return Promise.reject(new ConcurrentReadError(this.constructor.name))
    if (this.#listener !== null)
      return Promise.reject(new ConcurrentReadError(this.constructor.name, 'a readable listener'))
    if (this.#first !== undefined) return Promise.resolve(this.#dequeue())
    if (this.#isInputEnded || this.#isClosed) return NO_MORE_BYTES
    const promise = new Promise<Buffer | null>(captureResolver)
    this.#pendingRead = capturedResolver
    capturedResolver = null
    return promise
  }

  /**
   * The next chunk if one has arrived, without waiting.
   * @returns the chunk; `null` after end of stream, reset, a network failure or `close()`;
   *   `undefined` when nothing has arrived yet
   * @throws ConcurrentReadError when a `read()` is pending
   */
  tryRead(): Buffer | null | undefined {
    if (this.#pendingRead !== null) throw new ConcurrentReadError(this.constructor.name)
    if (this.#first !== undefined) return this.#dequeue()
    if (this.#isInputEnded || this.#isClosed) return null
    return undefined
  }

  /**
   * Calls `listener.readable()` once, from the socket's next 'data', 'end', 'error' or 'close'
   * (or from `close()`), after which `tryRead()` has a chunk or `null` to give; in a microtask when
   * there is something to read already.
   * @param listener - told once; replaces a listener registered before; `null` withdraws it
   */
  notifyReadable(listener: ReadableListener | null): void {
    this.#listener = listener
    if (listener === null) return
    // Registered with something already to read: told in a microtask, as promised, not never.
    if (this.#first !== undefined || this.#isInputEnded || this.#isClosed) queueMicrotask(() => this.#notify())
  }

  /**
   * Hands bytes to the socket. Resolves at once when the socket buffer took them, otherwise
   * after 'drain', so a caller that awaits each write never buffers without bound.
   * @param bytes - the bytes to send
   * @returns `bytes.length`, or 0 when the socket is closed or the peer went away
   * @throws the socket's error (as a rejection) for anything other than a disconnect
   */
  write(bytes: Buffer): Promise<number> {
    const socket = this.#socket
    if (this.#isClosed || !socket.writable) return NOTHING_ACCEPTED
    if (socket.write(bytes)) return Promise.resolve(bytes.length)
    return this.#afterDrain(bytes.length)
  }

  /**
   * Hands bytes to the socket without a promise when the socket buffer has room. Bytes taken past
   * the high-water mark still go out; the next write then waits for 'drain'.
   * @param bytes - the bytes to send
   * @returns `true` when they were taken, `false` (nothing written) when the caller must `write()`
   */
  tryWrite(bytes: Buffer): boolean {
    if (!this.#hasRoom()) return false
    this.#socket.write(bytes)
    return true
  }

  /**
   * Like `tryWrite`, for text: the socket encodes it straight into its write, with no Buffer made
   * in JavaScript first.
   * @param text - the text to send
   * @param encoding - `utf8` or `latin1`
   * @returns `true` when it was taken, `false` (nothing written) when the caller must `write()`
   */
  tryWriteText(text: string, encoding: TextEncoding): boolean {
    if (!this.#hasRoom()) return false
    this.#socket.write(text, encoding)
    return true
  }

  /**
   * Writes several buffers with one syscall (cork, write each, uncork).
   * @param chunks - buffers to send, in order
   * @returns the total byte count, or 0 when the socket is closed or the peer went away
   * @throws the socket's error (as a rejection) for anything other than a disconnect
   */
  writev(chunks: readonly Buffer[]): Promise<number> {
    const socket = this.#socket
    if (this.#isClosed || !socket.writable) return NOTHING_ACCEPTED
    let total = 0
    let hasRoom = true
    socket.cork()
    for (const chunk of chunks) {
      hasRoom = socket.write(chunk)
      total += chunk.length
    }
    socket.uncork()
    return hasRoom ? Promise.resolve(total) : this.#afterDrain(total)
  }

  /**
   * Ends the connection gracefully: sends FIN, then destroys the socket if the peer has not
   * finished within `closeGraceMs`. Pending and later reads resolve `null`, pending writes 0.
   * Idempotent; never throws.
   */
  close(): void {
    if (this.#isClosed) return
    this.#isClosed = true
    this.#dropInput()
    this.#settleLateWrites('gone')
    const socket = this.#socket
    if (socket.destroyed) return
    // Keep reading (and discarding) so the peer's FIN can arrive and finish the socket.
    if (this.#isPaused) socket.resume()
    socket.end()
    this.#graceTimer = setTimeout(destroySocket, this.#closeGraceMs, socket)
    this.#graceTimer.unref()
  }

  /** Whether a write can be handed to the socket now: open, and its buffer not past the mark. */
  #hasRoom(): boolean {
    const socket = this.#socket
    return !this.#isClosed && socket.writable && !socket.writableNeedDrain
  }

  /** The slow path: the kernel is behind, so one closure per waiting write costs nothing that matters. */
  #afterDrain(byteCount: number): Promise<number> {
    const lateWrites = (this.#lateWrites ??= [])
    if (lateWrites.length === 0) this.#socket.once('drain', SocketTransport.#onDrain)
    return new Promise((resolve, reject) => {
      lateWrites.push({ byteCount, resolve, reject })
    })
  }

  #dequeue(): Buffer {
    const chunk = this.#first as Buffer
    if (this.#head === this.#chunks.length) {
      this.#first = undefined
    } else {
      this.#first = this.#chunks[this.#head]
      this.#chunks[this.#head++] = undefined
      if (this.#head === this.#chunks.length) {
        this.#chunks.length = 0
        this.#head = 0
      }
    }
    this.#queuedBytes -= chunk.length
    if (this.#isPaused && this.#queuedBytes <= this.#maxQueuedBytes) {
      this.#isPaused = false
      this.#socket.resume()
    }
    return chunk
  }

  #dropInput(): void {
    this.#first = undefined
    this.#chunks = []
    this.#head = 0
    this.#queuedBytes = 0
    this.#isInputEnded = true
    this.#endRead()
  }

  /** The stream ended: a pending read resolves `null`, a waiting listener is told. */
  #endRead(): void {
    const resolve = this.#pendingRead
    if (resolve !== null) {
      this.#pendingRead = null
      resolve(null)
    }
    this.#notify()
  }

  #notify(): void {
    const listener = this.#listener
    if (listener === null) return
    this.#listener = null
    listener.readable()
  }

  /** Settles every write waiting for 'drain': with its byte count, with 0, or with a rejection. */
  #settleLateWrites(outcome: 'drained' | 'gone' | Error): void {
    const waiting = this.#lateWrites
    if (waiting === null || waiting.length === 0) return
    this.#lateWrites = null
    for (const write of waiting) {
      if (outcome === 'drained') write.resolve(write.byteCount)
      else if (outcome === 'gone') write.resolve(0)
      else write.reject(outcome)
    }
  }

  static #onData(this: Socket, chunk: Buffer): void {
    ;(this as OwnedSocket)[OWNER].#receive(chunk)
  }

  static #onEnd(this: Socket): void {
    const transport = (this as OwnedSocket)[OWNER]
    transport.#isInputEnded = true
    transport.#endRead()
  }

  static #onError(this: Socket, err: Error): void {
    ;(this as OwnedSocket)[OWNER].#fail(err)
  }

  static #onClose(this: Socket): void {
    ;(this as OwnedSocket)[OWNER].#closed()
  }

  static #onDrain(this: Socket): void {
    ;(this as OwnedSocket)[OWNER].#settleLateWrites('drained')
  }

  #receive(chunk: Buffer): void {
    // Bytes arriving after close() are read only so that the peer's FIN can follow; drop them.
    if (this.#isClosed) return
    const resolve = this.#pendingRead
    if (resolve !== null) {
      this.#pendingRead = null
      resolve(chunk)
      return
    }
    if (this.#first === undefined) this.#first = chunk
    else this.#chunks.push(chunk)
    this.#queuedBytes += chunk.length
    if (!this.#isPaused && this.#queuedBytes > this.#maxQueuedBytes) {
      this.#isPaused = true
      this.#socket.pause()
    }
    this.#notify()
  }

  #fail(err: Error): void {
    const code = (err as NodeJS.ErrnoException).code
    const isOrdinary = code !== undefined && ORDINARY_DISCONNECT_CODES.has(code)
    if (!isOrdinary) this.#lastError = err
    this.#isClosed = true
    this.#dropInput()
    // A failing network is still a disconnect for the writer; only the unexpected rejects.
    const isDisconnect = isOrdinary || (code !== undefined && NETWORK_FAILURE_CODES.has(code))
    this.#settleLateWrites(isDisconnect ? 'gone' : err)
  }

  #closed(): void {
    clearTimeout(this.#graceTimer)
    this.#graceTimer = undefined
    this.#isClosed = true
    // After a graceful end, chunks already queued stay readable; the stream then ends.
    this.#isInputEnded = true
    this.#endRead()
    this.#settleLateWrites('gone')
  }
}

// A shared executor for read(): it parks the resolver here for read() to take, so a waiting read
// allocates the Promise only, with no closure per transport.
let capturedResolver: ReadResolver | null = null
function captureResolver(resolve: ReadResolver): void {
  capturedResolver = resolve
}

/** The socket a transport owns, carrying a reference back to it for the shared listeners. */
type OwnedSocket = Socket & { [OWNER]: SocketTransport }
const OWNER = Symbol('gatehouse.transport')

function destroySocket(socket: Socket): void {
  socket.destroy()
}
