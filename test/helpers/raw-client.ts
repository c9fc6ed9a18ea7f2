import net from 'node:net'
import { once } from 'node:events'

interface Waiter {
  readonly test: (received: Buffer) => boolean
  readonly resolve: (received: Buffer) => void
  readonly reject: (err: Error) => void
}

/**
 * A TCP client for real-socket specifications: it sends raw bytes and collects every byte the
 * server sends, so a test can compare whole responses as it does over a `MemoryTransport`.
 *
 * @example
 * ```ts
 * const client = await RawClient.connect(server.port)
 * client.write('GET /hello HTTP/1.1\r\nHost: a\r\n\r\n')
 * await client.waitFor((out) => out.includes('hello'))
 * client.close()
 * ```
 */
export class RawClient {
  /** The client's socket. */
  readonly socket: net.Socket
  readonly #chunks: Buffer[] = []
  #waiters: Waiter[] = []
  #isEnded = false
  readonly #ended: Promise<Buffer>

  /** @param socket - a connected socket */
  private constructor(socket: net.Socket) {
    this.socket = socket
    socket.on('data', (chunk: Buffer) => {
      this.#chunks.push(chunk)
      this.#notify()
    })
    this.#ended = new Promise((resolve) => {
      socket.on('close', () => {
        this.#isEnded = true
        for (const waiter of this.#waiters)
          waiter.reject(new Error(`connection closed after ${this.received.length} bytes`))
        this.#waiters = []
        resolve(this.received)
      })
    })
    socket.on('error', () => socket.destroy())
  }

  /**
   * Connects to a local port.
   * @param port - the server's port on 127.0.0.1
   * @returns the connected client
   * @example
   * ```ts
   * const client = await RawClient.connect(8080)
   * ```
   */
  static async connect(port: number): Promise<RawClient> {
    const socket = net.connect(port, '127.0.0.1')
    await once(socket, 'connect')
    return new RawClient(socket)
  }

  /** Every byte received so far. */
  get received(): Buffer {
    return Buffer.concat(this.#chunks)
  }

  /**
   * @returns every byte received so far, decoded as latin1
   */
  text(): string {
    return this.received.toString('latin1')
  }

  /**
   * Sends bytes.
   * @param bytes - text (latin1) or bytes
   */
  write(bytes: string | Buffer): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes)
  }

  /**
   * Resolves once the received bytes satisfy a condition, checked on every chunk.
   * @param target - a byte count to reach, or a predicate over the latin1 text received
   * @returns the bytes received at that moment
   */
  waitFor(target: number | ((text: string) => boolean)): Promise<Buffer> {
    const test =
      typeof target === 'number'
        ? (out: Buffer) => out.length >= target
        : (out: Buffer) => target(out.toString('latin1'))
    if (test(this.received)) return Promise.resolve(this.received)
    if (this.#isEnded) return Promise.reject(new Error(`connection closed after ${this.received.length} bytes`))
    return new Promise((resolve, reject) => this.#waiters.push({ test, resolve, reject }))
  }

  /**
   * @returns every byte received, once the connection has closed
   */
  ended(): Promise<Buffer> {
    return this.#ended
  }

  /** Destroys the socket. */
  close(): void {
    this.socket.destroy()
  }

  #notify(): void {
    const received = this.received
    this.#waiters = this.#waiters.filter((waiter) => {
      if (!waiter.test(received)) return true
      waiter.resolve(received)
      return false
    })
  }
}
