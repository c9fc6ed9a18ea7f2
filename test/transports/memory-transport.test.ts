import { expect } from 'chai'
import { MemoryTransport } from '../../transports/memory-transport.js'
import {
  ConcurrentReadError,
  InputEndedError,
  InvalidTransportOptionError,
  OutputNotReachedError,
} from '../../transports/errors.js'
import { readToEnd } from './contract.js'

const REQUEST = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'

async function readAllChunks(t: MemoryTransport): Promise<string[]> {
  const chunks: string[] = []
  for (let chunk = await t.read(); chunk !== null; chunk = await t.read()) chunks.push(chunk.toString('latin1'))
  return chunks
}

describe('MemoryTransport', () => {
  describe('input', () => {
    it('delivers the given input in the chunks given, then null', async () => {
      const t = new MemoryTransport({ input: ['GET / ', Buffer.from('HTTP/1.1\r\n'), new Uint8Array([13, 10])] })
      expect(await readAllChunks(t)).to.deep.equal(['GET / ', 'HTTP/1.1\r\n', '\r\n'])
    })

    it('accepts a single string as input', async () => {
      const t = new MemoryTransport({ input: REQUEST })
      expect(await readAllChunks(t)).to.deep.equal([REQUEST])
    })

    it('encodes string input as UTF-8', async () => {
      const t = new MemoryTransport({ input: ['é'] })
      expect(await t.read()).to.deep.equal(Buffer.from([0xc3, 0xa9]))
    })

    it('re-splits input into chunkSize pieces without joining separate chunks', async () => {
      const t = new MemoryTransport({ input: ['abcde', 'fg'], chunkSize: 2 })
      expect(await readAllChunks(t)).to.deep.equal(['ab', 'cd', 'e', 'fg'])
    })

    it('delivers one byte per read with chunkSize 1', async () => {
      const t = new MemoryTransport({ input: [REQUEST], chunkSize: 1 })
      const chunks = await readAllChunks(t)
      expect(chunks).to.have.length(REQUEST.length)
      expect(chunks.join('')).to.equal(REQUEST)
    })

    it('keeps the stream open after the input when endAfterInput is false, until end()', async () => {
      const t = new MemoryTransport({ input: ['first'], endAfterInput: false })
      expect((await t.read())?.toString()).to.equal('first')
      const pending = t.read()
      t.push('second')
      expect((await pending)?.toString()).to.equal('second')
      const last = t.read()
      t.end()
      expect(await last).to.equal(null)
    })

    it('stays open without input until end(), delivering pushed bytes', async () => {
      const t = new MemoryTransport({ chunkSize: 3 })
      t.push('hello')
      t.end()
      expect(await readAllChunks(t)).to.deep.equal(['hel', 'lo'])
    })

    it('throws InputEndedError when bytes are pushed after end()', () => {
      const t = new MemoryTransport({ input: ['x'] })
      expect(() => t.push('late')).to.throw(InputEndedError, 'push of 4 bytes after the input ended')
    })

    it('ignores bytes pushed after close()', async () => {
      const t = new MemoryTransport()
      t.close()
      t.push('ignored')
      expect(await t.read()).to.equal(null)
    })

    it('rejects a second read while the first is pending with ConcurrentReadError', async () => {
      const t = new MemoryTransport()
      const first = t.read()
      const err = await t.read().then(
        () => null,
        (e: unknown) => e,
      )
      expect(err).to.be.instanceOf(ConcurrentReadError)
      expect((err as ConcurrentReadError).code).to.equal('ERR_TRANSPORT_CONCURRENT_READ')
      t.push('a')
      expect((await first)?.toString()).to.equal('a')
    })
  })

  describe('faults', () => {
    it('accepts at most maxWriteBytes per write', async () => {
      const t = new MemoryTransport({ maxWriteBytes: 4 })
      expect(await t.write(Buffer.from('HTTP/1.1'))).to.equal(4)
      expect(await t.write(Buffer.from('/1.1'))).to.equal(4)
      expect(t.outputText()).to.equal('HTTP/1.1')
      expect(t.writes.map((w) => w.toString())).to.deep.equal(['HTTP', '/1.1'])
    })

    it('accepts 0 bytes once zeroWriteAfterBytes were written, short-writing across the mark', async () => {
      const t = new MemoryTransport({ zeroWriteAfterBytes: 6 })
      expect(await t.write(Buffer.from('abcd'))).to.equal(4)
      expect(await t.write(Buffer.from('efgh'))).to.equal(2)
      expect(await t.write(Buffer.from('gh'))).to.equal(0)
      expect(t.outputText()).to.equal('abcdef')
      expect(t.isOpen).to.equal(true)
    })

    it('rejects with an EPIPE error once failWriteAfterBytes were written, and keeps it as lastError', async () => {
      const t = new MemoryTransport({ failWriteAfterBytes: 3 })
      expect(t.lastError).to.equal(undefined)
      expect(await t.write(Buffer.from('abcd'))).to.equal(3)
      const err = await t.write(Buffer.from('d')).then(
        () => null,
        (e: unknown) => e as NodeJS.ErrnoException,
      )
      expect(err?.code).to.equal('EPIPE')
      expect(err?.message).to.equal('write EPIPE: failWriteAfterBytes 3 reached')
      expect(t.lastError).to.equal(err)
      expect(t.outputText()).to.equal('abc')
    })

    it('rejects the first write when failWriteAfterBytes is 0', async () => {
      const t = new MemoryTransport({ failWriteAfterBytes: 0 })
      const err = await t.write(Buffer.from('x')).then(
        () => null,
        (e: unknown) => e as NodeJS.ErrnoException,
      )
      expect(err?.code).to.equal('EPIPE')
    })

    it('resets after delivering resetAfterInputBytes, cutting the chunk that crosses the mark', async () => {
      const t = new MemoryTransport({
        input: ['POST / HTTP/1.1\r\n', 'Content-Length: 5\r\n\r\nhel', 'lo'],
        resetAfterInputBytes: 20,
      })
      expect((await t.read())?.toString()).to.equal('POST / HTTP/1.1\r\n')
      expect(t.isOpen).to.equal(true)
      expect((await t.read())?.toString()).to.equal('Con')
      expect(t.isOpen).to.equal(false)
      expect(await t.read()).to.equal(null)
      expect(await t.closed).to.equal('reset')
      expect(await t.write(Buffer.from('HTTP/1.1 400'))).to.equal(0)
    })

    it('resets at the first read when resetAfterInputBytes is 0', async () => {
      const t = new MemoryTransport({ input: [REQUEST], resetAfterInputBytes: 0 })
      expect(await t.read()).to.equal(null)
      expect(t.isOpen).to.equal(false)
    })

    it('resolves a pending read with null on reset()', async () => {
      const t = new MemoryTransport()
      const pending = t.read()
      t.reset()
      expect(await pending).to.equal(null)
      expect(t.isOpen).to.equal(false)
      expect(await t.closed).to.equal('reset')
    })

    it('drops unread input on reset()', async () => {
      const t = new MemoryTransport({ input: ['a', 'b'] })
      expect((await t.read())?.toString()).to.equal('a')
      t.reset()
      expect(await t.read()).to.equal(null)
    })

    const invalidOptions: ReadonlyArray<[string, Record<string, number>, string]> = [
      ['chunkSize', { chunkSize: 0 }, 'transport option chunkSize is 0; expected an integer ≥ 1'],
      ['maxWriteBytes', { maxWriteBytes: 1.5 }, 'transport option maxWriteBytes is 1.5; expected an integer ≥ 1'],
      [
        'zeroWriteAfterBytes',
        { zeroWriteAfterBytes: -1 },
        'transport option zeroWriteAfterBytes is -1; expected an integer ≥ 0',
      ],
      [
        'failWriteAfterBytes',
        { failWriteAfterBytes: NaN },
        'transport option failWriteAfterBytes is NaN; expected an integer ≥ 0',
      ],
      [
        'resetAfterInputBytes',
        { resetAfterInputBytes: -2 },
        'transport option resetAfterInputBytes is -2; expected an integer ≥ 0',
      ],
    ]
    for (const [option, options, message] of invalidOptions) {
      it(`throws InvalidTransportOptionError for an out-of-range ${option}`, () => {
        expect(() => new MemoryTransport(options)).to.throw(InvalidTransportOptionError, message)
      })
    }
  })

  describe('observation', () => {
    it('records output, text and one entry per write, copying the written bytes', async () => {
      const t = new MemoryTransport()
      const reused = Buffer.from('head')
      await t.write(reused)
      reused.write('HEAD')
      await t.write(Buffer.from(' body'))
      expect(t.output).to.deep.equal(Buffer.from('head body'))
      expect(t.outputText()).to.equal('head body')
      expect(t.writes.map((w) => w.toString())).to.deep.equal(['head', ' body'])
    })

    it('counts a writev as one write of the concatenated buffers', async () => {
      const t = new MemoryTransport()
      expect(await t.writev([Buffer.from('a'), Buffer.from('bc'), Buffer.from('def')])).to.equal(6)
      expect(t.writes.map((w) => w.toString())).to.deep.equal(['abcdef'])
    })

    it('applies maxWriteBytes to a writev as a whole', async () => {
      const t = new MemoryTransport({ maxWriteBytes: 3 })
      expect(await t.writev([Buffer.from('ab'), Buffer.from('cd')])).to.equal(3)
      expect(t.outputText()).to.equal('abc')
    })

    it('decodes outputText with the encoding asked for', async () => {
      const t = new MemoryTransport()
      await t.write(Buffer.from([0xc3, 0xa9]))
      expect(t.outputText()).to.equal('é')
      expect(t.outputText('latin1')).to.equal('Ã©')
    })

    it('resolves waitForOutput with the output once it reaches a byte count', async () => {
      const t = new MemoryTransport()
      const waiting = t.waitForOutput(5)
      await t.write(Buffer.from('abc'))
      await t.write(Buffer.from('defg'))
      expect((await waiting).toString()).to.equal('abcdefg')
    })

    it('resolves waitForOutput once a predicate holds, at once if it already does', async () => {
      const t = new MemoryTransport()
      await t.write(Buffer.from('HTTP/1.1 200 OK\r\n'))
      expect((await t.waitForOutput((out) => out.includes('200'))).length).to.equal(17)
      const waiting = t.waitForOutput((out) => out.includes('\r\n\r\n'))
      await t.write(Buffer.from('\r\n'))
      expect((await waiting).toString()).to.equal('HTTP/1.1 200 OK\r\n\r\n')
    })

    it('rejects waitForOutput with OutputNotReachedError when the transport closes first', async () => {
      const t = new MemoryTransport()
      const waiting = t.waitForOutput(10)
      await t.write(Buffer.from('abc'))
      t.close()
      const err = await waiting.then(
        () => null,
        (e: unknown) => e,
      )
      expect(err).to.be.instanceOf(OutputNotReachedError)
      expect((err as Error).message).to.equal('transport closed after 3 bytes of output while waiting for 10 bytes')
      const late = await t
        .waitForOutput((out) => out.length > 3)
        .then(
          () => null,
          (e: unknown) => e,
        )
      expect((late as Error).message).to.equal(
        'transport closed after 3 bytes of output while waiting for a matching predicate',
      )
    })

    it('resolves closed with "close" on close(), which is idempotent', async () => {
      const t = new MemoryTransport()
      t.close()
      t.close()
      t.reset()
      expect(await t.closed).to.equal('close')
      expect(t.isOpen).to.equal(false)
    })

    it('reports remoteAddress 127.0.0.1 and no port unless told otherwise', () => {
      const plain = new MemoryTransport()
      expect([plain.remoteAddress, plain.remotePort]).to.deep.equal(['127.0.0.1', undefined])
      const custom = new MemoryTransport({ remoteAddress: '203.0.113.7', remotePort: 40000 })
      expect([custom.remoteAddress, custom.remotePort]).to.deep.equal(['203.0.113.7', 40000])
    })
  })

  describe('pair()', () => {
    it("carries bytes each way, re-split by the reader's chunkSize", async () => {
      const [client, server] = MemoryTransport.pair({}, { chunkSize: 2 })
      await client.write(Buffer.from('hello'))
      expect((await server.read())?.toString()).to.equal('he')
      await server.write(Buffer.from('world'))
      expect((await client.read())?.toString()).to.equal('world')
      expect(client.outputText()).to.equal('hello')
      expect(server.outputText()).to.equal('world')
    })

    it("ends the peer's input on close() and answers later writes to the closed side with 0", async () => {
      const [client, server] = MemoryTransport.pair()
      await client.write(Buffer.from('bye'))
      client.close()
      expect((await readToEnd(server)).toString()).to.equal('bye')
      expect(server.isOpen).to.equal(true)
      expect(await server.write(Buffer.from('late'))).to.equal(0)
    })

    it('resets both sides when one resets', async () => {
      const [client, server] = MemoryTransport.pair()
      const pending = server.read()
      client.reset()
      expect(await pending).to.equal(null)
      expect(await server.closed).to.equal('reset')
      expect(await client.closed).to.equal('reset')
    })

    it("applies each side's write faults to what its peer receives", async () => {
      const [client, server] = MemoryTransport.pair({ maxWriteBytes: 2 })
      expect(await client.write(Buffer.from('abc'))).to.equal(2)
      expect((await server.read())?.toString()).to.equal('ab')
    })

    it('delivers input given to a side before bytes from its peer', async () => {
      const [client, server] = MemoryTransport.pair({}, { input: ['pre'] })
      await client.write(Buffer.from('-peer'))
      expect((await server.read())?.toString()).to.equal('pre')
      expect((await server.read())?.toString()).to.equal('-peer')
    })
  })
})
