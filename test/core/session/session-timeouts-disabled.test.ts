import { expect } from 'chai'
import sinon from 'sinon'
import { MemoryTransport } from '../../../transports/memory-transport.js'
import { testApp } from '../../helpers/test-app.js'
import { maskDates } from '../../helpers/mask-dates.js'
import { response } from '../../helpers/expected-response.js'
import { SlowReader } from '../../adversarial/slow-reader.js'

const TEN_MINUTES = 10 * 60 * 1000
const OFF = { headerTimeoutMs: 0, bodyTimeoutMs: 0, handlerTimeoutMs: 0, idleTimeoutMs: 0, writeTimeoutMs: 0 }

describe('Session: timeouts as documented', () => {
  let clock: sinon.SinonFakeTimers

  beforeEach(() => {
    clock = sinon.useFakeTimers({
      now: Date.UTC(2026, 11, 2, 12, 0, 0),
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    })
  })
  afterEach(() => clock.restore())

  describe('0 disables a timeout', () => {
    const app = testApp({ timeouts: OFF })
    // A held handler answers after its connection is gone: expected here, not worth printing.
    app.onError(() => undefined)
    // Held until the test lets it go, so that every connection's promise settles.
    let release!: () => void
    let released = Promise.resolve()
    beforeEach(() => {
      released = new Promise((resolve) => (release = resolve))
    })
    app.get('/held', async (_req, res) => {
      await released
      res.text('late')
    })
    app.post('/body', (req, res) => res.text(req.text()))
    app.get('/big', (_req, res) => res.send(Buffer.alloc(1024 * 1024, 'x')))

    const waits = [
      { stage: 'a new connection that sends nothing (headerTimeoutMs)', input: [] },
      { stage: 'a head that never ends (headerTimeoutMs)', input: ['GET /held HTTP/1.1\r\nHost: a\r\n'] },
      {
        stage: 'a body that never ends (bodyTimeoutMs)',
        input: ['POST /body HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc'],
      },
      { stage: 'a handler that does not answer (handlerTimeoutMs)', input: ['GET /held HTTP/1.1\r\nHost: a\r\n\r\n'] },
      {
        stage: 'a keep-alive connection idle after its response (idleTimeoutMs)',
        input: ['POST /body HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx'],
      },
    ]
    for (const { stage, input } of waits) {
      it(`leaves open ${stage} for ten minutes`, async () => {
        const t = new MemoryTransport({ input, endAfterInput: false })
        const served = app.serve(t)
        await clock.tickAsync(TEN_MINUTES)
        expect(t.isOpen).to.equal(true)
        t.close()
        release()
        await served
      })
    }

    it('leaves open a client that takes nothing of a response for ten minutes (writeTimeoutMs)', async () => {
      const client = new SlowReader('GET /big HTTP/1.1\r\nHost: a\r\n\r\n', 0, 0)
      const served = app.serve(client)
      await clock.tickAsync(TEN_MINUTES)
      expect(client.isOpen).to.equal(true)
      client.close()
      await served
    })
  })

  describe('0 everywhere, a handler that never settles, and a client that goes away', () => {
    for (const [how, leave] of [
      ['reset', (t: MemoryTransport) => t.reset()],
      ['closed', (t: MemoryTransport) => t.close()],
    ] as const) {
      it(`ends the connection once the transport is ${how}: req.signal aborted, onClose told, the Session released`, async () => {
        const app = testApp({ timeouts: OFF })
        const events: string[] = []
        app.onClose((_connection, reason) => events.push(`closed: ${reason}`))
        app.get('/never', (req) => {
          req.signal.addEventListener('abort', () => events.push('aborted'))
          return new Promise(() => undefined)
        })
        const t = new MemoryTransport({ input: ['GET /never HTTP/1.1\r\nHost: a\r\n\r\n'], endAfterInput: false })
        const served = app.serve(t)
        await clock.tickAsync(TEN_MINUTES)
        expect(events).to.deep.equal([])
        leave(t)
        await served
        expect(events).to.deep.equal(['aborted', 'closed: client-closed'])
        expect(t.output.length).to.equal(0)
      })
    }

    it('still answers a client that half-closed after its request (its FIN is no close)', async () => {
      const app = testApp({ timeouts: OFF })
      let answer!: (text: string) => void
      app.get('/later', () => new Promise<string>((resolve) => (answer = resolve)))
      const t = new MemoryTransport({ input: ['GET /later HTTP/1.1\r\nHost: a\r\n\r\n'], endAfterInput: true })
      const served = app.serve(t)
      await clock.tickAsync(TEN_MINUTES)
      answer('late')
      await served
      expect(maskDates(t.outputText('latin1'))).to.equal(
        'HTTP/1.1 200 OK\r\nServer: gatehouse\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 4\r\n\r\nlate',
      )
    })
  })

  describe('handlerTimeoutMs while a handler streams', () => {
    const HANDLER_TIMEOUT_MS = 300
    const app = testApp({ timeouts: { handlerTimeoutMs: HANDLER_TIMEOUT_MS } })
    app.get('/drip/:ms', async (req, res) => {
      await res.write('0')
      for (let i = 1; i < 5; i++) {
        await new Promise((resolve) => setTimeout(resolve, Number(req.params.ms)))
        // Aborted with the connection: nothing is written after the timeout.
        if (req.signal.aborted) return
        await res.write(String(i))
      }
      await res.end()
    })

    it('counts afresh after each piece: five pieces each just within it make a whole response', async () => {
      const t = new MemoryTransport({ input: [`GET /drip/${HANDLER_TIMEOUT_MS - 10} HTTP/1.1\r\nHost: a\r\n\r\n`] })
      const served = app.serve(t)
      await clock.tickAsync(5 * HANDLER_TIMEOUT_MS)
      await served
      expect(maskDates(t.outputText('latin1'))).to.equal(
        response(
          '200 OK',
          ['Transfer-Encoding: chunked'],
          '1\r\n0\r\n1\r\n1\r\n1\r\n2\r\n1\r\n3\r\n1\r\n4\r\n0\r\n\r\n',
        ),
      )
    })

    it('closes the connection when a piece is later than that, its head being out', async () => {
      const t = new MemoryTransport({
        input: [`GET /drip/${HANDLER_TIMEOUT_MS + 10} HTTP/1.1\r\nHost: a\r\n\r\n`],
        endAfterInput: false,
      })
      const served = app.serve(t)
      await clock.tickAsync(5 * HANDLER_TIMEOUT_MS)
      await served
      expect(t.isOpen).to.equal(false)
      expect(maskDates(t.outputText('latin1'))).to.equal(
        response('200 OK', ['Transfer-Encoding: chunked'], '1\r\n0\r\n'),
      )
    })
  })
})
