import { expect } from 'chai'
import sinon from 'sinon'
import { MemoryTransport } from '../../../transports/memory-transport.js'
import type { Transport } from '../../../transports/transport.js'
import type { UserConfig } from '../../../core/config/config.js'
import { testApp } from '../../helpers/test-app.js'
import { maskDates } from '../../helpers/mask-dates.js'
import { RecordingTransport } from '../../helpers/recording-transport.js'
import { errorResponse, response, textResponse } from '../../helpers/expected-response.js'
import { turnEnded } from '../../helpers/turn-end.js'

/** A peer that reads 64 KiB per 100 ms: each write resolves once its bytes would have been read. */
class SlowReaderTransport implements Transport {
  constructor(readonly memory: MemoryTransport) {}
  get isOpen(): boolean {
    return this.memory.isOpen
  }
  read(): Promise<Buffer | null> {
    return this.memory.read()
  }
  write(bytes: Buffer): Promise<number> {
    return new Promise((resolve) =>
      setTimeout(() => resolve(this.memory.write(bytes)), Math.ceil(bytes.length / 65536) * 100),
    )
  }
  close(): void {
    this.memory.close()
  }
}

const REQUEST_TIMEOUT = errorResponse('408 Request Timeout', 'Request timeout')
const HANDLER_TIMEOUT = errorResponse('503 Service Unavailable', 'Handler timeout')
const GET = 'GET /hello HTTP/1.1\r\nHost: a\r\n\r\n'
// Every stage has a timeout of its own, so a test can tell which one fired.
const TIMEOUTS: UserConfig['timeouts'] = {
  headerTimeoutMs: 100,
  bodyTimeoutMs: 200,
  handlerTimeoutMs: 300,
  idleTimeoutMs: 400,
  writeTimeoutMs: 500,
}

describe('Session: timeouts', () => {
  let clock: sinon.SinonFakeTimers
  const app = testApp({ timeouts: TIMEOUTS })
  app.get('/never', () => new Promise(() => undefined))
  app.get('/half', async (_req, res) => {
    await res.write('part')
    await new Promise(() => undefined)
  })
  app.get('/after/:ms', async (req, res) => {
    await new Promise((resolve) => setTimeout(resolve, Number(req.params.ms)))
    res.text('done')
  })

  beforeEach(() => {
    // Faked clock: the Session's timers and Date.now() move only when a test ticks.
    clock = sinon.useFakeTimers({
      now: Date.UTC(2026, 10, 24, 12, 0, 0),
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    })
  })
  afterEach(() => clock.restore())

  /** Starts a Session whose input stays open after `input`. */
  function open(input: string[]): { t: MemoryTransport; served: Promise<void> } {
    const t = new MemoryTransport({ input, endAfterInput: false })
    return { t, served: app.serve(t) }
  }

  describe('header timeout', () => {
    it('answers 408 and closes when the header block is not complete in headerTimeoutMs', async () => {
      const { t, served } = open(['GET /hello HTTP/1.1\r\nHo'])
      await clock.tickAsync(99)
      expect(t.isOpen).to.equal(true)
      await clock.tickAsync(1)
      await served
      expect(maskDates(t.outputText('latin1'))).to.equal(REQUEST_TIMEOUT)
      expect(t.isOpen).to.equal(false)
    })

    it('closes silently a new connection that sends nothing in headerTimeoutMs', async () => {
      const { t, served } = open([])
      await clock.tickAsync(100)
      await served
      expect(t.output.length).to.equal(0)
      expect(t.isOpen).to.equal(false)
    })

    it("times the keep-alive connection's next request from its first byte", async () => {
      const { t, served } = open([GET])
      await clock.tickAsync(300)
      t.push('GET /hello HTTP/1.1\r\n')
      await clock.tickAsync(99)
      expect(t.isOpen).to.equal(true)
      await clock.tickAsync(1)
      await served
      expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('hello') + REQUEST_TIMEOUT)
    })
  })

  describe('body timeout', () => {
    it('answers 408 and closes when the body is not complete in bodyTimeoutMs', async () => {
      const { t, served } = open(['POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc'])
      await clock.tickAsync(199)
      expect(t.isOpen).to.equal(true)
      await clock.tickAsync(1)
      await served
      expect(maskDates(t.outputText('latin1'))).to.equal(REQUEST_TIMEOUT)
      expect(t.isOpen).to.equal(false)
    })

    it('answers a HEAD whose body is late with the 408 head alone (RFC 9110 §9.3.2)', async () => {
      const { t, served } = open(['HEAD /hello HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc'])
      await clock.tickAsync(200)
      await served
      expect(maskDates(t.outputText('latin1'))).to.equal(
        REQUEST_TIMEOUT.slice(0, REQUEST_TIMEOUT.indexOf('\r\n\r\n') + 4),
      )
      expect(t.isOpen).to.equal(false)
    })

    it('is a deadline for the whole body on a streamBody route too, however often bytes trickle in', async () => {
      const streaming = testApp({ timeouts: TIMEOUTS })
      const pieces: string[] = []
      streaming.post('/upload', { streamBody: true }, async (req, res) => {
        for await (const piece of req.stream()) pieces.push(piece.toString('latin1'))
        res.text('whole')
      })
      const t = new MemoryTransport({
        input: ['POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\na'],
        endAfterInput: false,
      })
      const served = streaming.serve(t)
      await clock.tickAsync(150)
      t.push('b')
      await clock.tickAsync(49)
      expect([pieces, t.isOpen]).to.deep.equal([['a', 'b'], true])
      await clock.tickAsync(1)
      await served
      expect(maskDates(t.outputText('latin1'))).to.equal(REQUEST_TIMEOUT)
      expect(t.isOpen).to.equal(false)
    })
  })

  describe('handler timeout', () => {
    it('answers 503 (the server was slow, not the client), aborts req.signal and closes when the handler has not answered in handlerTimeoutMs', async () => {
      const signals: AbortSignal[] = []
      const slow = testApp({ timeouts: TIMEOUTS })
      slow.get('/never', (req) => {
        signals.push(req.signal)
        return new Promise(() => undefined)
      })
      const t = new MemoryTransport({ input: ['GET /never HTTP/1.1\r\nHost: a\r\n\r\n', GET], endAfterInput: false })
      const served = slow.serve(t)
      await clock.tickAsync(299)
      expect(t.output.length).to.equal(0)
      expect(signals[0]!.aborted).to.equal(false)
      await clock.tickAsync(1)
      expect(signals[0]!.aborted).to.equal(true)
      await served
      expect(maskDates(t.outputText('latin1'))).to.equal(HANDLER_TIMEOUT)
      expect(t.isOpen).to.equal(false)
    })

    it('serves nothing pipelined in the same read behind a request whose handler timed out (RFC 9112 §9.6)', async () => {
      const t = new MemoryTransport({ input: ['GET /never HTTP/1.1\r\nHost: a\r\n\r\n' + GET], endAfterInput: false })
      const served = app.serve(t)
      await clock.tickAsync(300)
      await served
      expect(maskDates(t.outputText('latin1'))).to.equal(HANDLER_TIMEOUT)
      expect(t.isOpen).to.equal(false)
    })

    it('gives an async error hook the handler timeout: 503 and close when it has not answered', async () => {
      const hooked = testApp({ timeouts: TIMEOUTS })
      hooked.get('/throws', () => {
        throw new Error('handler failed')
      })
      hooked.onError(() => new Promise<void>(() => undefined))
      const t = new MemoryTransport({ input: ['GET /throws HTTP/1.1\r\nHost: a\r\n\r\n'], endAfterInput: false })
      const served = hooked.serve(t)
      await clock.tickAsync(299)
      expect([t.output.length, t.isOpen]).to.deep.equal([0, true])
      await clock.tickAsync(1)
      await served
      expect(maskDates(t.outputText('latin1'))).to.equal(HANDLER_TIMEOUT)
      expect(t.isOpen).to.equal(false)
    })

    it('closes without a 408 when part of the response was already sent', async () => {
      const { t, served } = open(['GET /half HTTP/1.1\r\nHost: a\r\n\r\n'])
      await clock.tickAsync(300)
      await served
      expect(maskDates(t.outputText('latin1'))).to.equal(
        response('200 OK', ['Transfer-Encoding: chunked'], '4\r\npart\r\n'),
      )
      expect(t.isOpen).to.equal(false)
    })
  })

  describe('idle timeout', () => {
    it('closes an idle keep-alive connection silently after idleTimeoutMs', async () => {
      const { t, served } = open([GET])
      await clock.tickAsync(399)
      expect(t.isOpen).to.equal(true)
      await clock.tickAsync(1)
      await served
      expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('hello'))
      expect(t.isOpen).to.equal(false)
    })

    it('counts idleTimeoutMs from the last response, however long the connection has been busy', async () => {
      const { t, served } = open([GET])
      for (let i = 0; i < 3; i++) {
        await clock.tickAsync(300)
        t.push(GET)
      }
      await clock.tickAsync(399)
      expect(t.isOpen).to.equal(true)
      await clock.tickAsync(1)
      await served
      expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('hello').repeat(4))
      expect(t.isOpen).to.equal(false)
    })
  })

  describe('write timeout', () => {
    it('closes the connection when a write is not accepted in writeTimeoutMs', async () => {
      const t = new RecordingTransport({ input: [GET], endAfterInput: false, stallWrites: true })
      const served = app.serve(t)
      await clock.tickAsync(499)
      expect(t.isOpen).to.equal(true)
      await clock.tickAsync(1)
      await served
      expect(t.calls.length).to.equal(1)
      expect(t.isOpen).to.equal(false)
    })

    it('counts time without progress, not the whole transfer: a slow client still reading gets all of a large body', async () => {
      const big = testApp({ timeouts: TIMEOUTS })
      const body = Buffer.alloc(2 * 1024 * 1024, 0x61)
      big.get('/big', (_req, res) => res.send(body))
      const t = new SlowReaderTransport(
        new MemoryTransport({
          input: ['GET /big HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'],
          endAfterInput: false,
        }),
      )
      const served = big.serve(t)
      // 2 MiB at 64 KiB per 100 ms: 3.2 s in all, far past writeTimeoutMs (500 ms), never 500 ms without progress.
      await clock.tickAsync(4000)
      await served
      expect(t.memory.output.length).to.be.greaterThan(body.length)
      expect(t.memory.output.subarray(-body.length).equals(body)).to.equal(true)
    })
  })

  describe('timers are cancelled when their stage completes', () => {
    it('does not cut a connection that then stays idle past headerTimeoutMs (but within idleTimeoutMs)', async () => {
      const { t, served } = open([GET])
      await clock.tickAsync(399)
      expect(t.isOpen).to.equal(true)
      t.end()
      await served
      expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('hello'))
    })

    it('does not cut a handler running past headerTimeoutMs and bodyTimeoutMs (but within handlerTimeoutMs)', async () => {
      const { t, served } = open(['GET /after/250 HTTP/1.1\r\nHost: a\r\n\r\n'])
      await clock.tickAsync(250)
      await turnEnded()
      expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('done'))
      expect(t.isOpen).to.equal(true)
      t.end()
      await served
    })

    it('does not cut a connection idle past handlerTimeoutMs after a handler finished in time', async () => {
      const { t, served } = open(['GET /after/50 HTTP/1.1\r\nHost: a\r\n\r\n'])
      await clock.tickAsync(50 + 399)
      expect(t.isOpen).to.equal(true)
      t.push(GET)
      await clock.tickAsync(0)
      t.end()
      await served
      expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('done') + textResponse('hello'))
    })

    it('gives each keep-alive request a fresh header timeout', async () => {
      const { t, served } = open([])
      for (let i = 0; i < 5; i++) {
        await clock.tickAsync(90)
        t.push(GET)
      }
      await clock.tickAsync(0)
      t.end()
      await served
      expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('hello').repeat(5))
    })

    it('leaves no timer behind once the connection ends', async () => {
      const { t, served } = open([GET])
      t.end()
      await served
      expect(clock.countTimers()).to.equal(0)
    })
  })
})
