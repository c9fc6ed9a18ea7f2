import { expect } from 'chai'
import sinon from 'sinon'
import { once } from 'node:events'
import { PlainTransport } from '../../transports/plain-transport.js'
import { ConcurrentReadError, InvalidTransportOptionError } from '../../transports/errors.js'
import { readBytes } from './contract.js'
import { plainTransportPair, tcpLoopback } from './loopback.js'

type Pair = Awaited<ReturnType<typeof plainTransportPair>>

/** Large enough that neither the socket buffer nor the loopback's kernel buffers can take it. */
const BIG = 32 * 1024 * 1024

function settledFlag(promise: Promise<unknown>): { readonly isSettled: boolean } {
  const flag = { isSettled: false }
  promise.then(
    () => (flag.isSettled = true),
    () => (flag.isSettled = true),
  )
  return flag
}

function errnoError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code })
}

describe('PlainTransport', () => {
  let pair: Pair

  beforeEach(async () => {
    pair = await plainTransportPair({ maxQueuedBytes: 1024 })
  })

  afterEach(async () => {
    pair.a.close()
    pair.b.close()
    await pair.dispose()
  })

  it('turns Nagle off and remembers the peer address after the socket is gone', async () => {
    const loop = await tcpLoopback()
    const setNoDelay = sinon.spy(loop.server, 'setNoDelay')
    const t = new PlainTransport(loop.server)
    expect(setNoDelay.calledOnceWithExactly(true)).to.equal(true)
    const clientPort = loop.client.localPort
    await loop.dispose()
    expect([t.remoteAddress, t.remotePort]).to.deep.equal(['127.0.0.1', clientPort])
  })

  it('throws InvalidTransportOptionError for a negative maxQueuedBytes', () => {
    expect(() => new PlainTransport(pair.server, { maxQueuedBytes: -1 })).to.throw(
      InvalidTransportOptionError,
      'transport option maxQueuedBytes is -1; expected an integer ≥ 0',
    )
  })

  it('pauses the socket past maxQueuedBytes and resumes it as reads drain the queue', async () => {
    const paused = once(pair.server, 'pause')
    pair.client.write(Buffer.alloc(256 * 1024, 0x61))
    await paused
    expect(pair.server.isPaused()).to.equal(true)
    const resumed = once(pair.server, 'resume')
    const received = await readBytes(pair.b, 256 * 1024)
    await resumed
    expect(received.length).to.equal(256 * 1024)
    expect(pair.server.isPaused()).to.equal(false)
  })

  it('rejects a second read while the first is pending with ConcurrentReadError', async () => {
    const first = pair.b.read()
    const err = await pair.b.read().then(
      () => null,
      (e: unknown) => e,
    )
    expect(err).to.be.instanceOf(ConcurrentReadError)
    expect((err as Error).message).to.equal('PlainTransport.read() called while another read is pending')
    pair.client.write('x')
    expect((await first)?.toString()).to.equal('x')
  })

  // In these tests the peer transport `a` is not read, so it pauses its own socket.
  it('resolves a write late, with its full length, once the peer drains a full buffer', async () => {
    const writing = pair.b.write(Buffer.alloc(BIG))
    const flag = settledFlag(writing)
    await new Promise(setImmediate)
    expect(flag.isSettled).to.equal(false)
    expect((await readBytes(pair.a, BIG)).length).to.equal(BIG)
    expect(await writing).to.equal(BIG)
  })

  it('resolves a late writev with the total once the buffer drains', async () => {
    const writing = pair.b.writev([Buffer.alloc(BIG / 2), Buffer.alloc(BIG / 2)])
    const flag = settledFlag(writing)
    await new Promise(setImmediate)
    expect(flag.isSettled).to.equal(false)
    expect((await readBytes(pair.a, BIG)).length).to.equal(BIG)
    expect(await writing).to.equal(BIG)
  })

  it('ends the stream on a reset mid-stream without keeping an error', async () => {
    const partial = 'POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\npartial'
    pair.client.write(partial)
    expect((await readBytes(pair.b, partial.length)).toString()).to.equal(partial)
    const pending = pair.b.read()
    pair.client.resetAndDestroy()
    expect(await pending).to.equal(null)
    expect(pair.b.isOpen).to.equal(false)
    expect(pair.b.lastError).to.equal(undefined)
    expect(await pair.b.write(Buffer.from('HTTP/1.1 400'))).to.equal(0)
  })

  it('resolves a write waiting for drain with 0 when the peer resets', async () => {
    const writing = pair.b.write(Buffer.alloc(BIG))
    pair.client.resetAndDestroy()
    expect(await writing).to.equal(0)
    expect(pair.b.lastError).to.equal(undefined)
  })

  it('keeps a network failure such as ETIMEDOUT as lastError and ends the stream', async () => {
    const pending = pair.b.read()
    const timeout = errnoError('read ETIMEDOUT', 'ETIMEDOUT')
    pair.server.destroy(timeout)
    expect(await pending).to.equal(null)
    expect(pair.b.lastError).to.equal(timeout)
  })

  it('rejects a write waiting for drain with an unexpected socket error', async () => {
    const writing = pair.b.write(Buffer.alloc(BIG))
    const boom = errnoError('unexpected failure', 'EPROTO')
    pair.server.destroy(boom)
    const err = await writing.then(
      () => null,
      (e: unknown) => e,
    )
    expect(err).to.equal(boom)
    expect(pair.b.lastError).to.equal(boom)
  })

  it('destroys the socket after closeGraceMs when the peer does not finish', async () => {
    const loop = await tcpLoopback()
    const t = new PlainTransport(loop.server, { closeGraceMs: 20 })
    // A half-open client does not answer the FIN with its own.
    loop.client.allowHalfOpen = true
    const closed = once(loop.server, 'close')
    t.close()
    await closed
    expect(loop.server.readableEnded).to.equal(false)
    await loop.dispose()
  })

  it('clears its grace timer when the peer finishes in time', async () => {
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const closed = once(pair.server, 'close')
      pair.b.close()
      expect(clock.countTimers()).to.equal(1)
      await closed
      expect(clock.countTimers()).to.equal(0)
    } finally {
      clock.restore()
    }
  })
})
