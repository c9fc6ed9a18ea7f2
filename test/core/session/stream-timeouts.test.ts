import { expect } from 'chai'
import sinon from 'sinon'
import { MemoryTransport } from '../../../transports/memory-transport.js'
import type { CloseReason } from '../../../core/request/connection.js'
import type { Response } from '../../../core/response/response.js'
import { testApp } from '../../helpers/test-app.js'
import { maskDates } from '../../helpers/mask-dates.js'
import { errorResponse, response, textResponse } from '../../helpers/expected-response.js'
import { turnEnded } from '../../helpers/turn-end.js'
import { RawClient } from '../../helpers/raw-client.js'

const HANDLER_TIMEOUT = errorResponse('503 Service Unavailable', 'Handler timeout')
const SSE_HEAD = ['Content-Type: text/event-stream', 'Transfer-Encoding: chunked']
const GET = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`
const event = (data: string): string => {
  const text = `data: ${data}\n\n`
  return `${text.length.toString(16)}\r\n${text}\r\n`
}
// handlerTimeoutMs is 300 ms; every other stage's timeout is longer, so none of them fires first.
const TIMEOUTS = {
  headerTimeoutMs: 1000,
  bodyTimeoutMs: 1000,
  handlerTimeoutMs: 300,
  idleTimeoutMs: 5000,
  writeTimeoutMs: 1000,
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

describe('Session: the handler timeout of streamed responses and per route (issue 17)', () => {
  let clock: sinon.SinonFakeTimers

  beforeEach(() => {
    // Faked clock: the Session's timers (and loopNow's Date.now()) move only when a test ticks.
    clock = sinon.useFakeTimers({
      now: Date.UTC(2026, 11, 2, 1, 0, 0),
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    })
  })
  afterEach(() => clock.restore())

  function open(app: ReturnType<typeof testApp>, path: string): { t: MemoryTransport; served: Promise<void> } {
    const t = new MemoryTransport({ input: [GET(path)], endAfterInput: false })
    return { t, served: app.serve(t) }
  }

  describe('between pieces, not in total', () => {
    it('keeps an SSE stream writing every 200 ms alive far past a 300 ms handler timeout, and the connection after it', async () => {
      const app = testApp({ timeouts: TIMEOUTS })
      app.get('/sse', async (_req, res) => {
        res.start(200, { 'Content-Type': 'text/event-stream' })
        for (let i = 0; i < 5; i++) {
          await sleep(200)
          if (!(await res.write(`data: ${i}\n\n`))) return
        }
        await res.end()
      })
      const { t, served } = open(app, '/sse')
      await clock.tickAsync(1000)
      await turnEnded()
      expect(maskDates(t.outputText('latin1'))).to.equal(
        response('200 OK', SSE_HEAD, [0, 1, 2, 3, 4].map((i) => event(String(i))).join('') + '0\r\n\r\n'),
      )
      expect(t.isOpen).to.equal(true)
      t.push(GET('/hello'))
      await clock.tickAsync(0)
      t.end()
      await served
      expect(maskDates(t.outputText('latin1'))).to.match(/0\r\n\r\nHTTP\/1\.1 200 OK/)
    })

    it('keeps a stream a synchronous handler left running (setInterval) alive while it writes', async () => {
      const app = testApp({ timeouts: TIMEOUTS })
      app.get('/ticks', (_req, res) => {
        res.start(200, { 'Content-Type': 'text/event-stream' })
        let n = 0
        const timer = setInterval(() => {
          if (n === 4) {
            clearInterval(timer)
            void res.end()
          } else void res.write(`data: ${n++}\n\n`)
        }, 250)
      })
      const { t, served } = open(app, '/ticks')
      await clock.tickAsync(1250)
      await turnEnded()
      expect(maskDates(t.outputText('latin1'))).to.equal(
        response('200 OK', SSE_HEAD, [0, 1, 2, 3].map((i) => event(String(i))).join('') + '0\r\n\r\n'),
      )
      expect(t.isOpen).to.equal(true)
      t.end()
      await served
    })

    it('cuts a stream idle for longer than the timeout once its head is out: the connection closes, req.signal aborts, and the later write() and end() resolve false', async () => {
      const app = testApp({ timeouts: TIMEOUTS })
      const results: unknown[] = []
      const closes: CloseReason[] = []
      const errors: unknown[] = []
      let signal: AbortSignal | undefined
      app.onClose((_conn, reason) => closes.push(reason))
      app.onError((err) => void errors.push(err))
      app.get('/stall', async (req, res) => {
        signal = req.signal
        res.start(200, { 'Content-Type': 'text/event-stream' })
        results.push(await res.write('data: first\n\n'))
        await sleep(200)
        results.push(await res.write('data: second\n\n'))
        await sleep(400)
        results.push(signal.aborted, await res.write('data: late\n\n'), await res.end())
      })
      const { t, served } = open(app, '/stall')
      // The second piece at 200 ms gives the stream until 500 ms.
      await clock.tickAsync(499)
      expect([t.isOpen, signal!.aborted]).to.deep.equal([true, false])
      await clock.tickAsync(1)
      await served
      expect([t.isOpen, signal!.aborted, closes]).to.deep.equal([false, true, ['timeout']])
      expect(maskDates(t.outputText('latin1'))).to.equal(response('200 OK', SSE_HEAD, event('first') + event('second')))
      await clock.tickAsync(100)
      expect(results).to.deep.equal([true, true, true, false, false])
      expect(errors).to.deep.equal([])
    })

    it('answers 503 when nothing was sent yet; start(), write() and end() after the cut neither throw nor send', async () => {
      const app = testApp({ timeouts: TIMEOUTS })
      const results: unknown[] = []
      const errors: unknown[] = []
      app.onError((err) => void errors.push(err))
      app.get('/late-stream', async (_req, res) => {
        await sleep(400)
        res.start(200, { 'Content-Type': 'text/event-stream' })
        results.push(await res.write('data: late\n\n'), await res.end('data: last\n\n'), res.isEnded)
      })
      const { t, served } = open(app, '/late-stream')
      await clock.tickAsync(300)
      await served
      expect(maskDates(t.outputText('latin1'))).to.equal(HANDLER_TIMEOUT)
      await clock.tickAsync(100)
      expect(results).to.deep.equal([false, false, true])
      expect(errors).to.deep.equal([])
    })

    it('answers 503 when the head was only queued by start(): it is taken back, and onFinish reports the 503 as a plain timeout does', async () => {
      const app = testApp({ timeouts: TIMEOUTS })
      const finished: unknown[] = []
      const results: unknown[] = []
      app.onFinish((req, _res, info) => void finished.push([req.path, info.status, info.aborted]))
      app.get('/queued-head', async (_req, res) => {
        res.start(200, { 'Content-Type': 'text/event-stream' })
        await sleep(400)
        results.push(await res.write('data: late\n\n'), await res.end())
      })
      app.get('/plain', () => new Promise(() => undefined))
      const { t, served } = open(app, '/queued-head')
      await clock.tickAsync(300)
      await served
      expect(maskDates(t.outputText('latin1'))).to.equal(HANDLER_TIMEOUT)
      await clock.tickAsync(100)
      expect(results).to.deep.equal([false, false])
      const plain = open(app, '/plain')
      await clock.tickAsync(300)
      await plain.served
      expect(maskDates(plain.t.outputText('latin1'))).to.equal(HANDLER_TIMEOUT)
      const [streamed, peer] = finished as [unknown[], unknown[]]
      expect(streamed).to.deep.equal(['/queued-head', 503, peer[2]])
      expect(peer.slice(0, 2)).to.deep.equal(['/plain', 503])
    })

    it('still throws for a write after the handler ended the response itself', async () => {
      const app = testApp({ timeouts: TIMEOUTS })
      let failure: unknown
      app.get('/twice', async (_req, res: Response) => {
        await res.end('done')
        try {
          await res.write('more')
        } catch (err) {
          failure = err
        }
      })
      const { t, served } = open(app, '/twice')
      await clock.tickAsync(0)
      t.end()
      await served
      expect((failure as { code?: string }).code).to.equal('ERR_RESPONSE_ALREADY_SENT')
    })
  })

  describe('handlerTimeoutMs per route', () => {
    it('answers 503 after the route’s own timeout, shorter than the config’s', async () => {
      const app = testApp({ timeouts: TIMEOUTS })
      app.get('/quick', { handlerTimeoutMs: 100 }, () => new Promise(() => undefined))
      const { t, served } = open(app, '/quick')
      await clock.tickAsync(99)
      expect(t.output.length).to.equal(0)
      await clock.tickAsync(1)
      await served
      expect(maskDates(t.outputText('latin1'))).to.equal(HANDLER_TIMEOUT)
    })

    it('lets a handler run past the config’s timeout within a longer one of its route', async () => {
      const app = testApp({ timeouts: TIMEOUTS })
      app.get('/report', { handlerTimeoutMs: 1000 }, async (_req, res) => {
        await sleep(900)
        res.text('done')
      })
      const { t, served } = open(app, '/report')
      await clock.tickAsync(900)
      await turnEnded()
      expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('done'))
      t.end()
      await served
    })

    it('has no handler timeout with handlerTimeoutMs: 0', async () => {
      const app = testApp({ timeouts: TIMEOUTS })
      app.get('/unbounded', { handlerTimeoutMs: 0 }, async (_req, res) => {
        await sleep(4000)
        res.text('done')
      })
      const { t, served } = open(app, '/unbounded')
      await clock.tickAsync(4000)
      await turnEnded()
      expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('done'))
      t.end()
      await served
    })

    it('counts the route’s timeout between the pieces of its streams', async () => {
      const app = testApp({ timeouts: TIMEOUTS })
      app.get('/feed', { handlerTimeoutMs: 100 }, async (_req, res) => {
        res.start(200, { 'Content-Type': 'text/event-stream' })
        await res.write('data: 0\n\n')
        await sleep(80)
        await res.write('data: 1\n\n')
        await sleep(150)
        await res.end()
      })
      const { t, served } = open(app, '/feed')
      await clock.tickAsync(179)
      expect(t.isOpen).to.equal(true)
      await clock.tickAsync(1)
      await served
      expect(maskDates(t.outputText('latin1'))).to.equal(response('200 OK', SSE_HEAD, event('0') + event('1')))
      expect(t.isOpen).to.equal(false)
    })
  })
})

describe('Session: the handler timeout of a stream over a real socket', () => {
  it('keeps a stream that writes within its route’s timeout past the total, and cuts it when it stalls', async () => {
    const app = testApp()
    // Each piece comes 60 ms after the last, under a 150 ms timeout: 300 ms in all.
    app.get('/sse', { handlerTimeoutMs: 150 }, async (_req, res) => {
      res.start(200, { 'Content-Type': 'text/event-stream' })
      for (let i = 0; i < 5; i++) {
        await sleep(60)
        if (!(await res.write(`data: ${i}\n\n`))) return
      }
      await res.end()
    })
    let stalled: boolean[] = []
    app.get('/stall', { handlerTimeoutMs: 150 }, async (req, res) => {
      res.start(200, { 'Content-Type': 'text/event-stream' })
      await res.write('data: first\n\n')
      await new Promise((resolve) => req.signal.addEventListener('abort', resolve))
      stalled = [await res.write('data: late\n\n'), await res.end()]
    })
    const server = await app.listen({ port: 0, host: '127.0.0.1' })
    try {
      const client = await RawClient.connect(server.port)
      client.write(GET('/sse'))
      await client.waitFor((text) => text.endsWith('0\r\n\r\n'))
      expect(maskDates(client.text())).to.equal(
        response('200 OK', SSE_HEAD, [0, 1, 2, 3, 4].map((i) => event(String(i))).join('') + '0\r\n\r\n'),
      )
      client.close()
      const cut = await RawClient.connect(server.port)
      cut.write(GET('/stall'))
      const received = await cut.ended()
      expect(maskDates(received.toString('latin1'))).to.equal(response('200 OK', SSE_HEAD, event('first')))
      await turnEnded()
      expect(stalled).to.deep.equal([false, false])
    } finally {
      await server.close()
    }
  })
})
