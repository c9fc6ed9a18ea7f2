import { expect } from 'chai'
import { Readable } from 'node:stream'
import sinon from 'sinon'
import { App } from '../../index.js'
import { SlowReader } from './slow-reader.js'

const WRITE_TIMEOUT_MS = 1000
const BIG = Buffer.alloc(1024 * 1024, 'x')

describe('Slow-read connections that stall', () => {
  let clock: sinon.SinonFakeTimers
  const app = new App({ timeouts: { writeTimeoutMs: WRITE_TIMEOUT_MS } })
  app.get('/sent', (_req, res) => res.send(BIG))
  app.get('/streamed', (_req, res) =>
    res.stream(Readable.from([BIG.subarray(0, BIG.length / 2), BIG.subarray(BIG.length / 2)])),
  )
  app.onError(() => undefined)

  beforeEach(() => {
    clock = sinon.useFakeTimers({
      now: Date.UTC(2026, 11, 1, 12, 0, 0),
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    })
  })
  afterEach(() => clock.restore())

  for (const path of ['/sent', '/streamed']) {
    it(`disconnects a client that takes nothing of ${path} for writeTimeoutMs, and no sooner`, async () => {
      const client = new SlowReader(`GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`, 0, 0)
      let ended = false
      const served = app.serve(client).then(() => (ended = true))
      await clock.tickAsync(WRITE_TIMEOUT_MS - 1)
      expect(ended, 'open before writeTimeoutMs').to.equal(false)
      await clock.tickAsync(1)
      await served
      expect(client.isOpen).to.equal(false)
    })
  }
})
