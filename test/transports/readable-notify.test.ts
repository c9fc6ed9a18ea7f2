import { expect } from 'chai'
import { once } from 'node:events'
import type net from 'node:net'
import { PlainTransport } from '../../transports/plain-transport.js'
import { MemoryTransport } from '../../transports/memory-transport.js'
import { ConcurrentReadError } from '../../transports/errors.js'
import type { ReadableListener } from '../../transports/transport.js'
import { tcpLoopback, type Loopback } from './loopback.js'

/** A listener that counts its calls; `called` settles on the first. */
class CountingListener implements ReadableListener {
  calls = 0
  readonly called: Promise<void>
  #resolve!: () => void

  constructor() {
    this.called = new Promise((resolve) => (this.#resolve = resolve))
  }

  readable(): void {
    this.calls++
    this.#resolve()
  }
}

function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (err: unknown) => err,
  )
}

function text(chunk: Buffer | null | undefined): string | null | undefined {
  return chunk === null || chunk === undefined ? chunk : chunk.toString('latin1')
}

describe('Transport.tryRead() and notifyReadable()', () => {
  describe('PlainTransport (loopback TCP)', () => {
    let loop: Loopback<net.Socket>
    let t: PlainTransport

    beforeEach(async () => {
      loop = await tcpLoopback()
      t = new PlainTransport(loop.server)
    })

    afterEach(async () => {
      t.close()
      await loop.dispose()
    })

    /** Registers a fresh listener and resolves once it has been told. */
    async function nextReadable(): Promise<CountingListener> {
      const listener = new CountingListener()
      t.notifyReadable(listener)
      await listener.called
      return listener
    }

    describe('tryRead()', () => {
      it('returns undefined while nothing has arrived', () => {
        expect(t.tryRead()).to.equal(undefined)
        expect(t.tryRead()).to.equal(undefined)
      })

      it('returns the chunk exactly as it arrived, then undefined again', async () => {
        loop.client.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n')
        await nextReadable()
        expect(t.tryRead()).to.deep.equal(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n'))
        expect(t.tryRead()).to.equal(undefined)
      })

      it('returns the chunks of separate arrivals one per call, in order', async () => {
        loop.client.write('first')
        await nextReadable()
        loop.client.write('second')
        // No listener can observe a chunk that queues behind another: wait for the socket itself.
        await once(loop.server, 'data')
        expect([t.tryRead(), t.tryRead(), t.tryRead()].map(text)).to.deep.equal(['first', 'second', undefined])
      })

      it("returns null after the peer's end", async () => {
        loop.client.end()
        await nextReadable()
        expect(t.tryRead()).to.equal(null)
        expect(t.tryRead()).to.equal(null)
      })

      it("hands out a chunk that arrived with the peer's end before the null", async () => {
        loop.client.end('last')
        await nextReadable()
        expect(text(t.tryRead())).to.equal('last')
        // The end may have come with the same read as the chunk, or after it.
        let after = t.tryRead()
        if (after === undefined) {
          await nextReadable()
          after = t.tryRead()
        }
        expect(after).to.equal(null)
      })

      it('returns null after close(), dropping what was queued', async () => {
        loop.client.write('unread')
        await nextReadable()
        t.close()
        expect(t.tryRead()).to.equal(null)
      })

      it('returns null after a reset by the peer, keeping no error', async () => {
        loop.client.resetAndDestroy()
        await nextReadable()
        expect(t.tryRead()).to.equal(null)
        expect(t.isOpen).to.equal(false)
        expect(t.lastError).to.equal(undefined)
      })

      it('throws ConcurrentReadError while a read() is pending, and the read still gets the next chunk', async () => {
        const pending = t.read()
        let err: unknown
        try {
          t.tryRead()
        } catch (thrown) {
          err = thrown
        }
        expect(err).to.be.instanceOf(ConcurrentReadError)
        expect((err as ConcurrentReadError).code).to.equal('ERR_TRANSPORT_CONCURRENT_READ')
        expect((err as ConcurrentReadError).message).to.equal(
          'PlainTransport.read() called while another read is pending',
        )
        loop.client.write('x')
        expect(text(await pending)).to.equal('x')
      })
    })

    describe('notifyReadable()', () => {
      const events: ReadonlyArray<[string, (loop: Loopback<net.Socket>, t: PlainTransport) => void, string | null]> = [
        ['data from the peer', (l) => void l.client.write('data'), 'data'],
        ["the peer's end", (l) => void l.client.end(), null],
        // The client reads, so that it answers the FIN of close() and the socket closes.
        ['close()', (l, transport) => (l.client.resume(), transport.close()), null],
        ['a reset by the peer', (l) => void l.client.resetAndDestroy(), null],
        [
          'a network error',
          (l) => void l.server.destroy(Object.assign(new Error('read ETIMEDOUT'), { code: 'ETIMEDOUT' })),
          null,
        ],
      ]
      for (const [event, trigger, expected] of events) {
        it(`calls readable() exactly once on ${event}, after which tryRead() returns ${expected === null ? 'null' : 'the chunk'}`, async () => {
          const listener = new CountingListener()
          t.notifyReadable(listener)
          trigger(loop, t)
          await listener.called
          expect(listener.calls).to.equal(1)
          expect(text(t.tryRead())).to.equal(expected)
          // Whatever follows (more data, the socket closing) is not told to a spent registration.
          if (expected === null) {
            if (!loop.server.closed) await once(loop.server, 'close')
          } else {
            loop.client.write('more')
            await nextReadable()
          }
          expect(listener.calls).to.equal(1)
        })
      }

      it('keeps the error of a network failure as lastError', async () => {
        const timeout = Object.assign(new Error('read ETIMEDOUT'), { code: 'ETIMEDOUT' })
        const listener = new CountingListener()
        t.notifyReadable(listener)
        loop.server.destroy(timeout)
        await listener.called
        expect(t.tryRead()).to.equal(null)
        expect(t.lastError).to.equal(timeout)
      })

      it('tells only the later of two registrations', async () => {
        const earlier = new CountingListener()
        const later = new CountingListener()
        t.notifyReadable(earlier)
        t.notifyReadable(later)
        loop.client.write('x')
        await later.called
        t.close()
        expect([earlier.calls, later.calls]).to.deep.equal([0, 1])
      })

      it('tells a listener registered again after a call, on the next event', async () => {
        loop.client.write('one')
        const first = await nextReadable()
        expect(text(t.tryRead())).to.equal('one')
        loop.client.write('two')
        const second = await nextReadable()
        expect(text(t.tryRead())).to.equal('two')
        expect([first.calls, second.calls]).to.deep.equal([1, 1])
      })

      it('makes read() reject with ConcurrentReadError while a listener is registered', async () => {
        t.notifyReadable(new CountingListener())
        const err = await rejection(t.read())
        expect(err).to.be.instanceOf(ConcurrentReadError)
        expect((err as ConcurrentReadError).code).to.equal('ERR_TRANSPORT_CONCURRENT_READ')
        expect((err as ConcurrentReadError).message).to.equal(
          'PlainTransport.read() called while a readable listener is registered',
        )
      })

      it('withdraws the listener with null: the next chunk tells nobody and read() takes it', async () => {
        const listener = new CountingListener()
        t.notifyReadable(listener)
        t.notifyReadable(null)
        loop.client.write('mine')
        expect(text(await t.read())).to.equal('mine')
        expect(listener.calls).to.equal(0)
      })

      it('tells a listener registered while a chunk is already queued, in a microtask', async () => {
        loop.client.write('early')
        await nextReadable()
        const listener = new CountingListener()
        t.notifyReadable(listener)
        expect(listener.calls).to.equal(0)
        await listener.called
        expect(text(t.tryRead())).to.equal('early')
        expect(listener.calls).to.equal(1)
      })

      it('tells a listener registered after the end, in a microtask', async () => {
        t.close()
        const listener = new CountingListener()
        t.notifyReadable(listener)
        expect(listener.calls).to.equal(0)
        await listener.called
        expect(t.tryRead()).to.equal(null)
      })

      it('lets read() work again once the listener was told', async () => {
        loop.client.write('a')
        await nextReadable()
        expect(text(await t.read())).to.equal('a')
      })
    })
  })

  describe('MemoryTransport', () => {
    describe('tryRead()', () => {
      it('returns undefined while nothing has been pushed', () => {
        const t = new MemoryTransport()
        expect(t.tryRead()).to.equal(undefined)
      })

      it('returns the pushed chunks with their exact bytes, in chunkSize pieces, then undefined', () => {
        const t = new MemoryTransport({ chunkSize: 4 })
        t.push(Buffer.from([0x47, 0x45, 0x54, 0x20, 0xff, 0x00]))
        expect(t.tryRead()).to.deep.equal(Buffer.from([0x47, 0x45, 0x54, 0x20]))
        expect(t.tryRead()).to.deep.equal(Buffer.from([0xff, 0x00]))
        expect(t.tryRead()).to.equal(undefined)
      })

      it('returns the queued chunks, then null after end()', () => {
        const t = new MemoryTransport({ input: ['a', 'b'] })
        expect([t.tryRead(), t.tryRead(), t.tryRead(), t.tryRead()].map(text)).to.deep.equal(['a', 'b', null, null])
      })

      it('returns null after close(), dropping what was queued', () => {
        const t = new MemoryTransport({ input: ['unread'], endAfterInput: false })
        t.close()
        expect(t.tryRead()).to.equal(null)
      })

      it('returns null after reset()', () => {
        const t = new MemoryTransport({ input: ['unread'], endAfterInput: false })
        t.reset()
        expect(t.tryRead()).to.equal(null)
      })

      it('returns null at the cut of resetAfterInputBytes, after the bytes before it', async () => {
        const t = new MemoryTransport({ input: ['abcdef'], endAfterInput: false, resetAfterInputBytes: 4 })
        expect(text(t.tryRead())).to.equal('abcd')
        expect(t.isOpen).to.equal(false)
        expect(t.tryRead()).to.equal(null)
        expect(await t.closed).to.equal('reset')
      })

      it('returns null at once when resetAfterInputBytes is 0', () => {
        const t = new MemoryTransport({ input: ['abc'], resetAfterInputBytes: 0 })
        expect(t.tryRead()).to.equal(null)
        expect(t.isOpen).to.equal(false)
      })

      it('cuts at resetAfterInputBytes across chunks pushed while a listener waits', async () => {
        const t = new MemoryTransport({ resetAfterInputBytes: 4 })
        t.push('ab')
        expect(text(t.tryRead())).to.equal('ab')
        expect(t.tryRead()).to.equal(undefined)
        const listener = new CountingListener()
        t.notifyReadable(listener)
        t.push('cdef')
        await listener.called
        expect([t.tryRead(), t.tryRead()].map(text)).to.deep.equal(['cd', null])
        expect(listener.calls).to.equal(1)
      })

      it('throws ConcurrentReadError while a read() is pending, and the read still gets the next chunk', async () => {
        const t = new MemoryTransport()
        const pending = t.read()
        expect(() => t.tryRead()).to.throw(
          ConcurrentReadError,
          'MemoryTransport.read() called while another read is pending',
        )
        t.push('x')
        expect(text(await pending)).to.equal('x')
      })
    })

    describe('notifyReadable()', () => {
      const events: ReadonlyArray<[string, (t: MemoryTransport) => void, string | null]> = [
        ['push()', (t) => t.push('data'), 'data'],
        ['end()', (t) => t.end(), null],
        ['close()', (t) => t.close(), null],
        ['reset()', (t) => t.reset(), null],
      ]
      for (const [event, trigger, expected] of events) {
        it(`calls readable() exactly once after ${event}, in a microtask and not inside it`, async () => {
          const t = new MemoryTransport()
          const listener = new CountingListener()
          t.notifyReadable(listener)
          trigger(t)
          expect(listener.calls).to.equal(0)
          await listener.called
          expect(listener.calls).to.equal(1)
          expect(text(t.tryRead())).to.equal(expected)
          t.close()
          await null
          expect(listener.calls).to.equal(1)
        })
      }

      it('is not told by a push() that chunkSize splits into several chunks more than once', async () => {
        const t = new MemoryTransport({ chunkSize: 1 })
        const listener = new CountingListener()
        t.notifyReadable(listener)
        t.push('abc')
        await listener.called
        t.end()
        await null
        expect(listener.calls).to.equal(1)
        expect([t.tryRead(), t.tryRead(), t.tryRead(), t.tryRead()].map(text)).to.deep.equal(['a', 'b', 'c', null])
      })

      it('lets the code that pushed run to its end before the listener runs', async () => {
        const t = new MemoryTransport()
        const seen: (string | null | undefined)[] = []
        t.notifyReadable({ readable: () => seen.push(text(t.tryRead())) })
        t.push('x')
        seen.push('after push')
        await null
        expect(seen).to.deep.equal(['after push', 'x'])
      })

      it('tells only the later of two registrations', async () => {
        const t = new MemoryTransport()
        const earlier = new CountingListener()
        const later = new CountingListener()
        t.notifyReadable(earlier)
        t.notifyReadable(later)
        t.push('x')
        await later.called
        t.close()
        await null
        expect([earlier.calls, later.calls]).to.deep.equal([0, 1])
      })

      it('is told when the paired peer writes, or closes', async () => {
        const [a, b] = MemoryTransport.pair()
        const onData = new CountingListener()
        b.notifyReadable(onData)
        expect(a.tryWrite(Buffer.from('ping'))).to.equal(true)
        await onData.called
        expect(text(b.tryRead())).to.equal('ping')
        const onEnd = new CountingListener()
        b.notifyReadable(onEnd)
        a.close()
        await onEnd.called
        expect(b.tryRead()).to.equal(null)
      })

      it('makes read() reject with ConcurrentReadError while a listener is registered', async () => {
        const t = new MemoryTransport()
        t.notifyReadable(new CountingListener())
        const err = await rejection(t.read())
        expect(err).to.be.instanceOf(ConcurrentReadError)
        expect((err as ConcurrentReadError).code).to.equal('ERR_TRANSPORT_CONCURRENT_READ')
        expect((err as ConcurrentReadError).message).to.equal(
          'MemoryTransport.read() called while a readable listener is registered',
        )
      })

      it('withdraws the listener with null: the next push tells nobody and read() takes it', async () => {
        const t = new MemoryTransport()
        const listener = new CountingListener()
        t.notifyReadable(listener)
        t.notifyReadable(null)
        t.push('mine')
        expect(text(await t.read())).to.equal('mine')
        await Promise.resolve()
        expect(listener.calls).to.equal(0)
      })

      for (const [state, make] of [
        ['a chunk is already queued', () => new MemoryTransport({ input: ['x'], endAfterInput: false })],
        ['the input has ended', () => new MemoryTransport({ input: [] })],
        [
          'the transport is closed',
          () => {
            const t = new MemoryTransport()
            t.close()
            return t
          },
        ],
      ] as const) {
        it(`tells a listener registered when ${state}, in a microtask`, async () => {
          const t = make()
          const listener = new CountingListener()
          t.notifyReadable(listener)
          expect(listener.calls).to.equal(0)
          await listener.called
          expect(listener.calls).to.equal(1)
          expect(t.tryRead()).to.not.equal(undefined)
        })
      }

      it('lets read() work again once the listener was told', async () => {
        const t = new MemoryTransport()
        const listener = new CountingListener()
        t.notifyReadable(listener)
        t.push('a')
        await listener.called
        expect(text(await t.read())).to.equal('a')
      })
    })

    describe('tryWrite()', () => {
      it('accepts a whole write without a promise: one entry in writes, the exact bytes in output', () => {
        const t = new MemoryTransport()
        expect(t.tryWrite(Buffer.from('HTTP/1.1 200 OK\r\n'))).to.equal(true)
        expect(t.tryWrite(Buffer.from([0x00, 0xff]))).to.equal(true)
        expect(t.writes).to.deep.equal([Buffer.from('HTTP/1.1 200 OK\r\n'), Buffer.from([0x00, 0xff])])
        expect(t.output).to.deep.equal(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\n'), Buffer.from([0x00, 0xff])]))
      })

      it('copies the bytes, so the writer may reuse its buffer', () => {
        const t = new MemoryTransport()
        const reused = Buffer.from('head')
        t.tryWrite(reused)
        reused.write('HEAD')
        expect(t.outputText()).to.equal('head')
      })

      it('returns false and writes nothing when maxWriteBytes would make the write short', async () => {
        const t = new MemoryTransport({ maxWriteBytes: 4 })
        expect(t.tryWrite(Buffer.from('hello'))).to.equal(false)
        expect(t.writes).to.deep.equal([])
        expect(t.tryWrite(Buffer.from('hell'))).to.equal(true)
        expect(t.writes).to.deep.equal([Buffer.from('hell')])
        expect(await t.write(Buffer.from('o!!!!'))).to.equal(4)
        expect(t.outputText()).to.equal('hello!!!')
      })

      it('returns false and writes nothing when zeroWriteAfterBytes would cut the write', () => {
        const t = new MemoryTransport({ zeroWriteAfterBytes: 5 })
        expect(t.tryWrite(Buffer.from('abc'))).to.equal(true)
        expect(t.tryWrite(Buffer.from('def'))).to.equal(false)
        expect(t.tryWrite(Buffer.from('de'))).to.equal(true)
        expect(t.tryWrite(Buffer.from('f'))).to.equal(false)
        expect(t.writes).to.deep.equal([Buffer.from('abc'), Buffer.from('de')])
        expect(t.outputText()).to.equal('abcde')
      })

      it('returns false and writes nothing, without an error, when failWriteAfterBytes would cut or fail the write', async () => {
        const t = new MemoryTransport({ failWriteAfterBytes: 3 })
        expect(t.tryWrite(Buffer.from('abcd'))).to.equal(false)
        expect(t.tryWrite(Buffer.from('abc'))).to.equal(true)
        expect(t.tryWrite(Buffer.from('d'))).to.equal(false)
        expect(t.lastError).to.equal(undefined)
        expect(t.outputText()).to.equal('abc')
        // The fault itself is met through write().
        const err = (await rejection(t.write(Buffer.from('d')))) as NodeJS.ErrnoException
        expect(err.code).to.equal('EPIPE')
      })

      it('returns false when failWriteAfterBytes is 0', () => {
        const t = new MemoryTransport({ failWriteAfterBytes: 0 })
        expect(t.tryWrite(Buffer.from('x'))).to.equal(false)
        expect(t.writes).to.deep.equal([])
      })

      it('returns false and writes nothing after close() or reset()', () => {
        const closed = new MemoryTransport()
        closed.close()
        const reset = new MemoryTransport()
        reset.reset()
        expect([closed.tryWrite(Buffer.from('x')), reset.tryWrite(Buffer.from('x'))]).to.deep.equal([false, false])
        expect([closed.writes, reset.writes]).to.deep.equal([[], []])
      })

      it('returns false once the paired peer has closed', () => {
        const [a, b] = MemoryTransport.pair()
        b.close()
        expect(a.tryWrite(Buffer.from('x'))).to.equal(false)
        expect(a.writes).to.deep.equal([])
      })
    })
  })
})
