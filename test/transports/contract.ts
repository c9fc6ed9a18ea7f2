import { expect } from 'chai'
import type { Transport } from '../../transports/transport.js'

/** Two connected transports (bytes written to `a` are read from `b` and back) and their teardown. */
export interface TransportPair {
  readonly a: Transport
  readonly b: Transport
  dispose(): Promise<void>
}

/**
 * Reads until `byteCount` bytes arrived or the stream ended.
 * @param t - the transport to read
 * @param byteCount - how many bytes to collect
 * @returns the bytes read, concatenated
 */
export async function readBytes(t: Transport, byteCount: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  while (total < byteCount) {
    const chunk = await t.read()
    if (chunk === null) break
    chunks.push(chunk)
    total += chunk.length
  }
  return Buffer.concat(chunks)
}

/**
 * Reads until the stream ends.
 * @param t - the transport to read
 * @returns every byte read before `null`, concatenated
 */
export async function readToEnd(t: Transport): Promise<Buffer> {
  return readBytes(t, Infinity)
}

/**
 * The behaviour every Transport promises. Call it from a spec file with a factory of connected
 * pairs; each test gets a fresh pair and disposes of it.
 * @param name - the implementation's name, used in the suite title
 * @param makePair - builds a fresh connected pair
 * @example
 * ```ts
 * transportContract('MemoryTransport', async () => {
 *   const [a, b] = MemoryTransport.pair()
 *   return { a, b, dispose: async () => { a.close(); b.close() } }
 * })
 * ```
 */
export function transportContract(name: string, makePair: () => Promise<TransportPair>): void {
  describe(`${name} satisfies the Transport contract`, () => {
    let pair: TransportPair

    beforeEach(async () => {
      pair = await makePair()
    })

    afterEach(async () => {
      pair.a.close()
      pair.b.close()
      await pair.dispose()
    })

    it('is open once connected', () => {
      expect(pair.a.isOpen).to.equal(true)
      expect(pair.b.isOpen).to.equal(true)
    })

    it('delivers bytes written on one side to the other, in order', async () => {
      expect(await pair.a.write(Buffer.from('one,'))).to.equal(4)
      expect(await pair.a.write(Buffer.from('two,'))).to.equal(4)
      expect(await pair.a.write(Buffer.from('three'))).to.equal(5)
      expect((await readBytes(pair.b, 13)).toString()).to.equal('one,two,three')
    })

    it('carries bytes both ways', async () => {
      await pair.a.write(Buffer.from('ping'))
      expect((await readBytes(pair.b, 4)).toString()).to.equal('ping')
      await pair.b.write(Buffer.from('pong'))
      expect((await readBytes(pair.a, 4)).toString()).to.equal('pong')
    })

    it('resolves writev with the total and delivers the buffers in order', async () => {
      expect(pair.a.writev).to.be.a('function')
      const chunks = [Buffer.from('HTTP/1.1 200 OK\r\n'), Buffer.from('\r\n'), Buffer.from('body')]
      expect(await pair.a.writev?.(chunks)).to.equal(23)
      expect((await readBytes(pair.b, 23)).toString()).to.equal('HTTP/1.1 200 OK\r\n\r\nbody')
    })

    it('takes a whole write at once with tryWrite and tryWriteText, text in the encoding asked for', async () => {
      expect(pair.a.tryWrite?.(Buffer.from('HTTP/1.1 200 OK\r\n'))).to.equal(true)
      // Non-ASCII text: UTF-8 takes two and three bytes for these characters, latin1 one each.
      expect(pair.a.tryWriteText?.('h\u00e9\u2713|', 'utf8')).to.equal(true)
      expect(pair.a.tryWriteText?.('h\u00e9\u00ff', 'latin1')).to.equal(true)
      const expected = Buffer.concat([
        Buffer.from('HTTP/1.1 200 OK\r\n'),
        Buffer.from([0x68, 0xc3, 0xa9, 0xe2, 0x9c, 0x93, 0x7c]),
        Buffer.from([0x68, 0xe9, 0xff]),
      ])
      expect(await readBytes(pair.b, expected.length)).to.deep.equal(expected)
    })

    it('refuses tryWrite and tryWriteText after close, writing nothing', async () => {
      pair.a.close()
      expect([pair.a.tryWrite?.(Buffer.from('late')), pair.a.tryWriteText?.('late', 'latin1')]).to.deep.equal([
        false,
        false,
      ])
      expect(await readToEnd(pair.b)).to.deep.equal(Buffer.alloc(0))
    })

    it('resolves read with null after the peer closes, once the bytes sent before are read', async () => {
      await pair.a.write(Buffer.from('last words'))
      pair.a.close()
      expect((await readToEnd(pair.b)).toString()).to.equal('last words')
      expect(await pair.b.read()).to.equal(null)
    })

    it('resolves a pending read with null when the transport is closed', async () => {
      const pending = pair.b.read()
      pair.b.close()
      expect(await pending).to.equal(null)
    })

    it('keeps resolving read with null after close', async () => {
      pair.b.close()
      expect(await pair.b.read()).to.equal(null)
      expect(await pair.b.read()).to.equal(null)
    })

    it('closes idempotently without throwing and then reports isOpen false', () => {
      pair.a.close()
      expect(() => pair.a.close()).to.not.throw()
      expect(pair.a.isOpen).to.equal(false)
    })

    it('resolves write and writev after close with 0', async () => {
      pair.a.close()
      expect(await pair.a.write(Buffer.from('late'))).to.equal(0)
      expect(await pair.a.writev?.([Buffer.from('la'), Buffer.from('te')])).to.equal(0)
    })
  })
}
