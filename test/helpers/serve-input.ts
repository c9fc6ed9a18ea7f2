import type { App } from '../../core/app/app.js'
import { MemoryTransport, type MemoryTransportOptions } from '../../transports/memory-transport.js'
import { maskDates } from './mask-dates.js'

/**
 * Runs one real Session of `app` over a `MemoryTransport` until the connection ends.
 *
 * @param app - the application under test
 * @param options - the transport's input, chunking and faults
 * @returns the transport, closed, holding every byte the Session wrote
 * @example
 * ```ts
 * const t = await serveInput(app, { input: 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', maxWriteBytes: 3 })
 * t.writes.length
 * ```
 */
export async function serveInput(app: App, options: MemoryTransportOptions): Promise<MemoryTransport> {
  const transport = new MemoryTransport(options)
  await app.serve(transport)
  return transport
}

/**
 * Like {@link serveInput}, for comparing whole responses.
 *
 * @param app - the application under test
 * @param input - the request bytes (strings are UTF-8), or full transport options
 * @returns everything the Session wrote, decoded as latin1, with `Date` lines masked
 * @example
 * ```ts
 * expect(await servedText(app, 'GET /hello HTTP/1.1\r\nHost: a\r\n\r\n')).to.equal(textResponse('hello'))
 * ```
 */
export async function servedText(app: App, input: string | Buffer | MemoryTransportOptions): Promise<string> {
  const options = typeof input === 'string' || Buffer.isBuffer(input) ? { input: [input] } : input
  const transport = await serveInput(app, options)
  return maskDates(transport.outputText('latin1'))
}
