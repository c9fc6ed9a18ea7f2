import { once } from 'node:events'
import type { Socket } from 'node:net'

/** Every byte a client socket receives, as latin1 text, with ways to wait for it. */
export interface SocketText<S extends Socket = Socket> {
  readonly socket: S
  /** Everything received so far. */
  received(): string
  /** Resolves with everything received once `test` holds; rejects if the socket closes first. */
  until(test: (text: string) => boolean): Promise<string>
  /** Resolves with everything received once the connection has closed. */
  readonly closed: Promise<string>
}

/**
 * Starts recording what a connected socket receives (plain or TLS).
 * @param socket - a connected client socket
 * @returns the recorder
 */
export function socketText<S extends Socket>(socket: S): SocketText<S> {
  let text = ''
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')))
  const closed = once(socket, 'close').then(() => text)
  return {
    socket,
    received: () => text,
    closed,
    until: (test) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (!test(text)) return
          socket.off('data', check)
          resolve(text)
        }
        socket.on('data', check)
        void closed.then(() => reject(new Error(`closed before the expected bytes; received ${JSON.stringify(text)}`)))
        check()
      }),
  }
}
