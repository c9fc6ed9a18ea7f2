import { expect } from 'chai'
import sinon from 'sinon'
import { MemoryTransport } from '../../../transports/memory-transport.js'
import type { TextEncoding } from '../../../transports/transport.js'
import type { CloseReason } from '../../../core/request/connection.js'
import { Session } from '../../../core/session/session.js'
import { testApp } from '../../helpers/test-app.js'
import { maskDates } from '../../helpers/mask-dates.js'
import { textResponse } from '../../helpers/expected-response.js'
import { turnEnded } from '../../helpers/turn-end.js'
import { claimTurnStart } from '../../../core/session/turn-end.js'

const GET_HELLO = 'GET /hello HTTP/1.1\r\nHost: a\r\n\r\n'

describe('Session: responses leave at the end of the turn', () => {
  it('writes the first response of a turn at once, the others after all of them were answered, one write each', async () => {
    // A turn of its own, whose start no other connection has claimed.
    await turnEnded()
    const log: string[] = []
    const app = testApp()
    app.get('/n/:id', (req, res) => {
      log.push(`answer ${req.params.id}`)
      res.text(req.params.id!)
    })
    class Logged extends MemoryTransport {
      constructor(readonly id: number) {
        super({ input: [`GET /n/${id} HTTP/1.1\r\nHost: a\r\n\r\n`], endAfterInput: false })
      }
      override tryWriteText(text: string, encoding: TextEncoding): boolean {
        log.push(`write ${this.id}`)
        return super.tryWriteText(text, encoding)
      }
    }
    const transports = [1, 2, 3].map((id) => new Logged(id))
    const served = transports.map((t) => app.serve(t))
    expect(log).to.deep.equal(['answer 1', 'write 1', 'answer 2', 'answer 3'])
    expect(transports.map((t) => t.writes.length)).to.deep.equal([1, 0, 0])
    await turnEnded()
    expect(log).to.deep.equal(['answer 1', 'write 1', 'answer 2', 'answer 3', 'write 2', 'write 3'])
    for (const t of transports) {
      expect(t.writes).to.have.length(1)
      expect(maskDates(t.outputText('latin1'))).to.equal(textResponse(String(t.id)))
      t.end()
    }
    await Promise.all(served)
  })

  it('writes what earlier requests answered before serving a request from a later chunk of the turn', async () => {
    // Another connection wrote at once in this turn: this one's responses wait for its end.
    claimTurnStart()
    const app = testApp()
    app.get('/cut', (req, res) => {
      res.start(200, { 'Content-Type': 'text/plain' })
      req.connection.abort()
    })
    const t = new MemoryTransport({ input: [GET_HELLO, 'GET /cut HTTP/1.1\r\nHost: a\r\n\r\n'] })
    await app.serve(t)
    // The first response whole, in a write of its own; nothing of the one cut off.
    expect(t.writes).to.have.length(1)
    expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('hello'))
    expect(t.isOpen).to.equal(false)
  })

  it('writes a whole response answered before connection.abort() in the same turn, then closes', async () => {
    // Another connection wrote at once in this turn: this one's responses wait for its end.
    claimTurnStart()
    const app = testApp()
    app.get('/bye', (req, res) => {
      res.text('bye')
      // Runs before the turn's end, where the response would be written.
      setImmediate(() => req.connection.abort())
    })
    const t = new MemoryTransport({ input: ['GET /bye HTTP/1.1\r\nHost: a\r\n\r\n'], endAfterInput: false })
    await app.serve(t)
    expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('bye'))
    expect(t.isOpen).to.equal(false)
  })

  it('closes a connection shut down while its turn-end write waited, as soon as the write is done', async () => {
    // Another connection wrote at once in this turn: this one's responses wait for its end.
    claimTurnStart()
    // Every write waits until the test lets it through.
    class HeldWrites extends MemoryTransport {
      readonly held: (() => void)[] = []
      override tryWrite(): boolean {
        return false
      }
      override tryWriteText(): boolean {
        return false
      }
      override write(bytes: Buffer): Promise<number> {
        return new Promise((resolve) => this.held.push(() => resolve(super.write(bytes))))
      }
    }
    const t = new HeldWrites({ input: [GET_HELLO], endAfterInput: false })
    const start = sinon.spy(Session.prototype, 'start')
    const served = testApp().serve(t)
    const session = start.lastCall.thisValue as Session
    start.restore()
    await turnEnded()
    expect(t.held).to.have.length(1)
    session.shutdown()
    expect(t.isOpen).to.equal(true)
    t.held[0]!()
    await served
    expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('hello'))
    expect(session.closeReason).to.equal('shutdown')
  })

  describe('a turn-end write that has to wait', () => {
    let clock: sinon.SinonFakeTimers
    const reasons: CloseReason[] = []
    // idleTimeoutMs shorter than writeTimeoutMs, so a test can tell which one closed the connection.
    const app = testApp({ timeouts: { idleTimeoutMs: 400, writeTimeoutMs: 500 } })
    app.onClose((_connection, reason) => reasons.push(reason))

    beforeEach(() => {
      reasons.length = 0
      clock = sinon.useFakeTimers({
        now: Date.UTC(2026, 10, 24, 12, 0, 0),
        toFake: ['setTimeout', 'clearTimeout', 'Date'],
      })
    })
    afterEach(() => clock.restore())

    it('is done in short writes, after which the idle timeout counts again', async () => {
      // 16 bytes per write: the response cannot leave in one synchronous write.
      const t = new MemoryTransport({ input: [GET_HELLO], endAfterInput: false, maxWriteBytes: 16 })
      claimTurnStart()
      const served = app.serve(t)
      await turnEnded()
      await clock.tickAsync(0)
      expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('hello'))
      expect(t.writes.length).to.be.greaterThan(1)
      await clock.tickAsync(399)
      expect(t.isOpen).to.equal(true)
      await clock.tickAsync(1)
      await served
      expect(t.isOpen).to.equal(false)
      expect(reasons).to.deep.equal(['timeout'])
      expect(clock.countTimers()).to.equal(0)
    })
  })
})
