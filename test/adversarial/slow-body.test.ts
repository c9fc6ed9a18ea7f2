import { expect } from 'chai'
import sinon from 'sinon'
import { App, MemoryTransport } from '../../index.js'

const BODY_TIMEOUT_MS = 1000
// A byte every tenth of the body timeout: never idle for long, never done.
const DRIP_MS = BODY_TIMEOUT_MS / 10

describe('Slow-body connections', () => {
  let clock: sinon.SinonFakeTimers
  let bodyBytesRead = 0
  const app = new App({ timeouts: { bodyTimeoutMs: BODY_TIMEOUT_MS, handlerTimeoutMs: 60_000 } })
  app.post('/buffered', (req) => ({ bytes: req.body.length }))
  app.post('/streamed', { streamBody: true }, async (req) => {
    for await (const chunk of req.stream()) bodyBytesRead += chunk.length
    return { bytes: bodyBytesRead }
  })
  app.onError(() => undefined)

  beforeEach(() => {
    bodyBytesRead = 0
    clock = sinon.useFakeTimers({
      now: Date.UTC(2026, 11, 1, 12, 0, 0),
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    })
  })
  afterEach(() => clock.restore())

  for (const path of ['/buffered', '/streamed']) {
    it(`ends a ${path.slice(1)} body that drips one byte every ${DRIP_MS} ms at bodyTimeoutMs after its head: a deadline for the whole body`, async () => {
      const t = new MemoryTransport({
        input: [`POST ${path} HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n`],
        endAfterInput: false,
      })
      let ended = false
      const served = app.serve(t).then(() => (ended = true))
      let elapsed = 0
      while (!ended && elapsed < 20 * BODY_TIMEOUT_MS) {
        if (t.isOpen) t.push('x')
        await clock.tickAsync(DRIP_MS)
        elapsed += DRIP_MS
      }
      expect(ended, `still open after ${elapsed} ms`).to.equal(true)
      await served
      // One drip of slack: the deadline falls between two bytes.
      expect(elapsed).to.be.within(BODY_TIMEOUT_MS, BODY_TIMEOUT_MS + DRIP_MS)
      const output = t.outputText('latin1')
      expect(output === '' || output.startsWith('HTTP/1.1 408 Request Timeout\r\n'), output).to.equal(true)
    })
  }
})
