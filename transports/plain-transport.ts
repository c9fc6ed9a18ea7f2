import type { Socket } from 'node:net'
import { SocketTransport, type SocketTransportOptions } from './socket-transport.js'

/**
 * Options of a `PlainTransport`.
 *
 * @example
 * ```ts
 * const options: PlainTransportOptions = { maxQueuedBytes: 32 * 1024 }
 * ```
 */
export type PlainTransportOptions = SocketTransportOptions

/**
 * A Transport over a plain TCP (or IPC) `net.Socket`.
 *
 * - `read()` returns each 'data' Buffer as is, or `null` once the peer ends, resets or the
 *   network fails; the socket is paused while more than `maxQueuedBytes` (default 64 KiB) wait
 *   unread, and resumed as reads drain the queue.
 * - `write()` resolves at once when the socket buffer took the bytes, otherwise after 'drain';
 *   it resolves 0 once the connection is gone.
 * - `close()` sends FIN and destroys the socket if the peer has not finished after
 *   `closeGraceMs` (default 1000 ms).
 *
 * @example
 * ```ts
 * net.createServer((socket) => {
 *   void app.serve(new PlainTransport(socket))
 * }).listen(8080)
 * ```
 */
export class PlainTransport extends SocketTransport {
  /**
   * @param socket - a connected socket; the transport sets `noDelay` and takes over its events
   * @param options - queue limit and close grace period
   */
  constructor(socket: Socket, options?: PlainTransportOptions) {
    super(socket, options)
  }
}
