import { expect } from 'chai'
import sinon from 'sinon'
import { MemoryTransport, type MemoryTransportOptions } from '../../../transports/memory-transport.js'
import { ConcurrentReadError } from '../../../transports/errors.js'
import type { Transport } from '../../../transports/transport.js'
import type { UserConfig } from '../../../core/config/config.js'
import type { CloseReason } from '../../../core/request/connection.js'
import type { App } from '../../../core/app/app.js'
import { Session } from '../../../core/session/session.js'
import { testApp } from '../../helpers/test-app.js'
import { maskDates } from '../../helpers/mask-dates.js'
import { jsonResponse, textResponse } from '../../helpers/expected-response.js'
import { turnEnded } from '../../helpers/turn-end.js'

const GET = 'GET /hello HTTP/1.1\r\nHost: a\r\n\r\n'
const HELLO = textResponse('hello')
// Every stage has a timeout of its own, so a test can tell which one fired.
const TIMEOUTS: UserConfig['timeouts'] = {
  headerTimeoutMs: 100,
  bodyTimeoutMs: 200,
  handlerTimeoutMs: 300,
  idleTimeoutMs: 400,
  writeTimeoutMs: 500,
}

/**
 * A Transport with only the members every Transport must have: no `tryRead`/`notifyReadable`, so
 * the Session cannot park and waits on `read()`; no `tryWrite`/`writev`, so every write is a promise.
 */
class MinimalTransport implements Transport {
  constructor(readonly memory: MemoryTransport) {}

  get isOpen(): boolean {
    return this.memory.isOpen
  }

  read(): Promise<Buffer | null> {
    return this.memory.read()
  }

  write(bytes: Buffer): Promise<number> {
    return this.memory.write(bytes)
  }

  close(): void {
    this.memory.close()
  }
}

/** How a Session is run over a MemoryTransport: through the minimal wrapper, or directly. */
interface TransportKind {
  readonly name: string
  wrap(memory: MemoryTransport): Transport
  /** Checks, from outside, how the Session waits for bytes while the connection is idle. */
  expectIdleWait(memory: MemoryTransport): Promise<void>
}

const KINDS: readonly TransportKind[] = [
  {
    name: 'a transport with only read/write/isOpen/close',
    wrap: (memory) => new MinimalTransport(memory),
    // A read() is pending.
    expectIdleWait: async (memory) => {
      expect(() => memory.tryRead()).to.throw(ConcurrentReadError)
    },
  },
  {
    name: 'a MemoryTransport, which parks between requests',
    wrap: (memory) => memory,
    // No read is pending (tryRead answers) and a listener is registered (read() is refused).
    expectIdleWait: async (memory) => {
      expect(memory.tryRead()).to.equal(undefined)
      const refused = await memory.read().then(
        () => null,
        (err: unknown) => err,
      )
      expect(refused).to.be.instanceOf(ConcurrentReadError)
    },
  },
]

function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1
}

describe('Session over a transport with only the required members', () => {
  let reasons: CloseReason[] = []

  beforeEach(() => {
    reasons = []
  })

  /**
   * The App of one group of specs, recording close reasons in `reasons`. Each group has its own,
   * so its deadline lists never hold a real-clock timer into a group that fakes the clock.
   */
  function makeApp(): App {
    const app = testApp({ timeouts: TIMEOUTS })
    app.get('/after/:ms', async (req, res) => {
      await new Promise((resolve) => setTimeout(resolve, Number(req.params.ms)))
      res.text('done')
    })
    app.onClose((_connection, reason) => reasons.push(reason))
    return app
  }

  it('offers the Session none of the optional members', () => {
    const t = new MinimalTransport(new MemoryTransport())
    expect(['tryRead', 'notifyReadable', 'tryWrite', 'writev'].filter((name) => name in t)).to.deep.equal([])
  })

  describe('keep-alive and pipelining', () => {
    const app = makeApp()

    /** Serves `options`' input through the minimal wrapper. */
    function open(options: MemoryTransportOptions): { memory: MemoryTransport; served: Promise<void> } {
      const memory = new MemoryTransport(options)
      return { memory, served: app.serve(new MinimalTransport(memory)) }
    }

    it('answers 3 keep-alive requests arriving one at a time, each in one write', async () => {
      const { memory, served } = open({ endAfterInput: false })
      for (let i = 1; i <= 3; i++) {
        memory.push(GET)
        await memory.waitForOutput((out) => occurrences(out.toString('latin1'), 'hello') === i)
      }
      expect(memory.isOpen).to.equal(true)
      memory.end()
      await served
      expect(maskDates(memory.outputText('latin1'))).to.equal(HELLO.repeat(3))
      expect(memory.writes.map((w) => maskDates(w.toString('latin1')))).to.deep.equal([HELLO, HELLO, HELLO])
      expect(reasons).to.deep.equal(['client-closed'])
    })

    it('answers 3 pipelined requests sent in one chunk in order, in one write', async () => {
      const { memory, served } = open({ input: [GET + 'GET /json HTTP/1.1\r\nHost: a\r\n\r\n' + GET] })
      await served
      const expected = HELLO + jsonResponse('200 OK', { ok: true }) + HELLO
      expect(maskDates(memory.outputText('latin1'))).to.equal(expected)
      expect(memory.writes).to.have.length(1)
      expect(reasons).to.deep.equal(['client-closed'])
    })

    it('answers pipelined requests with bodies in order, in one write', async () => {
      const post = (body: string): string =>
        `POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\n\r\n${body}`
      const { memory, served } = open({ input: [post('one') + GET + post('three')] })
      await served
      expect(maskDates(memory.outputText('latin1'))).to.equal(textResponse('one') + HELLO + textResponse('three'))
      expect(memory.writes).to.have.length(1)
    })

    it('reads a Content-Length body sent one byte at a time, then the next request', async () => {
      const { memory, served } = open({
        input: ['POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world' + GET],
        chunkSize: 1,
      })
      await served
      expect(maskDates(memory.outputText('latin1'))).to.equal(textResponse('hello world') + HELLO)
      expect(memory.writes).to.have.length(2)
      expect(reasons).to.deep.equal(['client-closed'])
    })

    it('reads a chunked body sent one byte at a time', async () => {
      const { memory, served } = open({
        input: [
          'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
        ],
        chunkSize: 1,
      })
      await served
      expect(maskDates(memory.outputText('latin1'))).to.equal(textResponse('hello world'))
    })

    it('writes a response in several promise writes when each is short', async () => {
      const { memory, served } = open({ input: [GET], maxWriteBytes: 16 })
      await served
      expect(maskDates(memory.outputText('latin1'))).to.equal(HELLO)
      expect(memory.writes.every((w) => w.length <= 16)).to.equal(true)
      expect(memory.writes.length).to.equal(Math.ceil(memory.output.length / 16))
    })
  })

  describe('idle timeout, shutdown and client close', () => {
    const app = makeApp()
    let clock: sinon.SinonFakeTimers
    let start: sinon.SinonSpy

    beforeEach(() => {
      // Faked clock: the Session's timers and Date.now() move only when a test ticks.
      clock = sinon.useFakeTimers({
        now: Date.UTC(2026, 10, 24, 12, 0, 0),
        toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
      })
      // The Session that app.serve() starts, for shutdown().
      start = sinon.spy(Session.prototype, 'start')
    })
    afterEach(() => {
      start.restore()
      clock.restore()
    })

    for (const kind of KINDS) {
      describe(`over ${kind.name}`, () => {
        function serve(input: string[]): { memory: MemoryTransport; served: Promise<void>; session: Session } {
          const memory = new MemoryTransport({ input, endAfterInput: false })
          const served = app.serve(kind.wrap(memory))
          return { memory, served, session: start.lastCall.thisValue as Session }
        }

        it('waits for the next request as expected of this transport', async () => {
          const { memory, served } = serve([GET])
          await clock.tickAsync(0)
          await turnEnded()
          expect(maskDates(memory.outputText('latin1'))).to.equal(HELLO)
          await kind.expectIdleWait(memory)
          memory.push(GET)
          await clock.tickAsync(0)
          await turnEnded()
          expect(maskDates(memory.outputText('latin1'))).to.equal(HELLO + HELLO)
          memory.end()
          await served
        })

        it('closes an idle keep-alive connection silently after idleTimeoutMs, with reason timeout', async () => {
          const { memory, served } = serve([GET])
          await clock.tickAsync(399)
          expect(memory.isOpen).to.equal(true)
          await clock.tickAsync(1)
          await served
          expect(maskDates(memory.outputText('latin1'))).to.equal(HELLO)
          expect(memory.isOpen).to.equal(false)
          expect(await memory.closed).to.equal('close')
          expect(reasons).to.deep.equal(['timeout'])
          expect(clock.countTimers()).to.equal(0)
        })

        it('counts idleTimeoutMs from the last response, not from its request', async () => {
          const { memory, served } = serve(['GET /after/250 HTTP/1.1\r\nHost: a\r\n\r\n'])
          await clock.tickAsync(250)
          await turnEnded()
          expect(maskDates(memory.outputText('latin1'))).to.equal(textResponse('done'))
          await clock.tickAsync(399)
          expect(memory.isOpen).to.equal(true)
          await clock.tickAsync(1)
          await served
          expect(memory.isOpen).to.equal(false)
          expect(reasons).to.deep.equal(['timeout'])
        })

        it('keeps open a connection with a request every 300 ms, then closes it 400 ms after the last response', async () => {
          const { memory, served } = serve([GET])
          for (let i = 0; i < 3; i++) {
            await clock.tickAsync(300)
            memory.push(GET)
          }
          await clock.tickAsync(399)
          expect(memory.isOpen).to.equal(true)
          await clock.tickAsync(1)
          await served
          expect(maskDates(memory.outputText('latin1'))).to.equal(HELLO.repeat(4))
          expect(memory.isOpen).to.equal(false)
          expect(reasons).to.deep.equal(['timeout'])
        })

        it('ends with reason shutdown when shutdown() is called on an idle connection', async () => {
          const { memory, served, session } = serve([GET])
          await clock.tickAsync(50)
          expect(maskDates(memory.outputText('latin1'))).to.equal(HELLO)
          session.shutdown()
          await served
          expect(memory.isOpen).to.equal(false)
          expect(await memory.closed).to.equal('close')
          expect(session.closeReason).to.equal('shutdown')
          expect(reasons).to.deep.equal(['shutdown'])
          expect(maskDates(memory.outputText('latin1'))).to.equal(HELLO)
          expect(clock.countTimers()).to.equal(0)
        })

        it('ends with reason shutdown when shutdown() is called before the first request', async () => {
          const { memory, served, session } = serve([])
          await clock.tickAsync(50)
          session.shutdown()
          await served
          expect(memory.isOpen).to.equal(false)
          expect(memory.output.length).to.equal(0)
          expect(reasons).to.deep.equal(['shutdown'])
        })

        it('ends with reason client-closed when the client ends the connection while idle', async () => {
          const { memory, served, session } = serve([GET])
          await clock.tickAsync(50)
          memory.end()
          await served
          expect(maskDates(memory.outputText('latin1'))).to.equal(HELLO)
          expect(memory.isOpen).to.equal(false)
          expect(session.closeReason).to.equal('client-closed')
          expect(reasons).to.deep.equal(['client-closed'])
          expect(clock.countTimers()).to.equal(0)
        })

        it('ends with reason client-closed when the client resets the connection while idle', async () => {
          const { memory, served } = serve([GET])
          await clock.tickAsync(50)
          memory.reset()
          await served
          expect(maskDates(memory.outputText('latin1'))).to.equal(HELLO)
          expect(await memory.closed).to.equal('reset')
          expect(reasons).to.deep.equal(['client-closed'])
          expect(clock.countTimers()).to.equal(0)
        })
      })
    }
  })
})

describe('Session over a transport whose notifyReadable throws', () => {
  it('ends the connection, reports the error and closes the transport instead of waiting forever', async () => {
    // testApp() already answers GET /hello with 'hello'.
    const app = testApp()
    const errors: unknown[] = []
    const reasons: CloseReason[] = []
    app.onError((err) => {
      errors.push(err)
    })
    app.onClose((_connection, reason) => reasons.push(reason))
    const memory = new MemoryTransport({ input: [GET], endAfterInput: false })
    const broken = new Error('no listener slot')
    const t: Transport = {
      read: () => memory.read(),
      write: (bytes) => memory.write(bytes),
      close: () => memory.close(),
      tryRead: () => memory.tryRead(),
      notifyReadable: () => {
        throw broken
      },
      get isOpen() {
        return memory.isOpen
      },
    }
    await app.serve(t)
    expect(maskDates(memory.outputText('latin1'))).to.equal(HELLO)
    expect(memory.isOpen).to.equal(false)
    expect(errors).to.deep.equal([broken])
    expect(reasons).to.deep.equal(['error'])
  })
})
