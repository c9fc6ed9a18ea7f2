import type { App } from '../../index.js'
import type { ReadableListener, Transport } from '../../transports/transport.js'

/**
 * A transport for the in-process hot-path benches: it hands each Session one request per
 * "readable" and takes every write at once, as a fast socket would, counting what is written and
 * keeping the last text (for a check of the answer).
 */
export class InstantTransport implements Transport {
  readonly isOpen = true
  listener: ReadableListener | null = null
  pending: Buffer | undefined
  written = 0
  last = ''
  read(): Promise<Buffer | null> {
    throw new Error('the hot path reads with tryRead()')
  }
  write(bytes: Buffer): Promise<number> {
    this.written += bytes.length
    return Promise.resolve(bytes.length)
  }
  tryWrite(bytes: Buffer): boolean {
    this.written += bytes.length
    return true
  }
  // A socket encodes the text inside its own write call; taking the string is what is left here.
  tryWriteText(text: string): boolean {
    this.written += text.length
    this.last = text
    return true
  }
  tryRead(): Buffer | undefined {
    const chunk = this.pending
    this.pending = undefined
    return chunk
  }
  notifyReadable(listener: ReadableListener | null): void {
    this.listener = listener
  }
  close(): void {}
}

/**
 * Starts `count` Sessions of `app`, each parked and waiting for a request.
 * @returns their transports
 */
export function openConnections(app: App, count: number): InstantTransport[] {
  const transports = Array.from({ length: count }, () => new InstantTransport())
  for (const transport of transports) void app.serve(transport)
  return transports
}

/** Hands the Session one request and lets it answer, as a socket's 'data' event would. */
export function serveOne(transport: InstantTransport, request: Buffer): void {
  transport.pending = request
  const listener = transport.listener
  if (listener === null) throw new Error('the Session did not park')
  transport.listener = null
  listener.readable()
}

/** Resolves once the event loop's turn has ended (where the turn's responses are written). */
export function turnEnded(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
