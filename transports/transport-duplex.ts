import { Duplex } from 'node:stream'
import type { Transport } from './transport.js'
import { writeAll } from './write-all.js'

/**
 * A Node `Duplex` over a Transport, for libraries that expect a socket after a protocol upgrade
 * (for example `ws`'s `handleUpgrade`). Reads pull from `transport.read()`; writes go out whole,
 * continuing after short writes; ending or destroying the stream closes the transport.
 *
 * @param transport - an open transport, typically from `detach()` or an upgrade
 * @returns the stream; `setTimeout`, `setNoDelay` and `setKeepAlive` exist and do nothing
 * @example
 * ```ts
 * app.upgrade('/chat', (req, { transport, buffered }) => {
 *   wss.handleUpgrade(req as never, transportDuplex(transport) as never, buffered, (ws) =>
 *     ws.on('message', (m) => ws.send(m)),
 *   )
 * })
 * ```
 */
export function transportDuplex(
  transport: Transport,
): Duplex & { setTimeout(): void; setNoDelay(): void; setKeepAlive(): void; remoteAddress: string | undefined } {
  const stream = new Duplex({
    read(): void {
      transport.read().then(
        (chunk) => this.push(chunk),
        (err: Error) => this.destroy(err),
      )
    },
    write(chunk: Buffer, _encoding, callback): void {
      writeAll(transport, [chunk]).then(
        (ok) =>
          callback(ok ? null : Object.assign(new Error('the transport accepted no more bytes'), { code: 'EPIPE' })),
        (err: Error) => callback(err),
      )
    },
    final(callback): void {
      transport.close()
      callback()
    },
    destroy(err, callback): void {
      transport.close()
      callback(err)
    },
  })
  return Object.assign(stream, {
    setTimeout: noop,
    setNoDelay: noop,
    setKeepAlive: noop,
    remoteAddress: transport.remoteAddress,
  })
}

function noop(): void {}
