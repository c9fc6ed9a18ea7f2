import { expect } from 'chai'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { App } from '../../../core/app/app.js'
import { REQUEST_START_CHANNEL, RESPONSE_FINISH_CHANNEL } from '../../../core/app/diagnostics.js'
import { MemoryTransport } from '../../../transports/memory-transport.js'

/** A logger that keeps its lines. */
function memoryLogger(): {
  lines: [string, Record<string, unknown>, string | undefined][]
  info: (f: object, m?: string) => void
  error: (f: object, m?: string) => void
} {
  const lines: [string, Record<string, unknown>, string | undefined][] = []
  return {
    lines,
    info: (fields, message) => void lines.push(['info', fields as Record<string, unknown>, message]),
    error: (fields, message) => void lines.push(['error', fields as Record<string, unknown>, message]),
  }
}

describe('app.logger() and diagnostics channels', () => {
  it('logs one line per request with method, path, status, bytes, duration and the kept request id', async () => {
    const log = memoryLogger()
    const app = new App().logger(log)
    app.get('/todos/:id', (req, res) => res.json({ id: req.params.id, requestId: req.state.requestId }))
    const res = await app.inject({ path: '/todos/1?x=2', headers: { 'X-Request-Id': 'abc-123' } })
    expect(res.headers['x-request-id']).to.equal('abc-123')
    expect(res.json()).to.deep.equal({ id: '1', requestId: 'abc-123' })
    expect(log.lines).to.have.length(1)
    const [level, fields, message] = log.lines[0]!
    expect([level, message]).to.deep.equal(['info', 'request'])
    expect({ ...fields, durationMs: 0 }).to.deep.equal({
      method: 'GET',
      path: '/todos/1',
      status: 200,
      bytes: 32,
      durationMs: 0,
      requestId: 'abc-123',
    })
  })

  it('generates an id for a missing or unsafe X-Request-Id', async () => {
    const log = memoryLogger()
    const app = new App().logger(log).get('/', (_req, res) => res.send())
    const res = await app.inject({ path: '/', headers: { 'X-Request-Id': 'bad id\twith space' } })
    expect(res.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/)
    expect(log.lines[0]![1].requestId).to.equal(res.headers['x-request-id'])
  })

  it('logs a failed request at error with the error, and a Session answer (413) too', async () => {
    const log = memoryLogger()
    const app = new App().logger(log)
    app.onError(() => undefined)
    const boom = new Error('boom')
    app.get('/boom', () => {
      throw boom
    })
    app.post('/small', { bodyLimit: 2 }, (_req, res) => res.send())
    await app.inject({ path: '/boom' })
    await app.serve(new MemoryTransport({ input: ['POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n'] }))
    expect(log.lines.map(([level, f]) => [level, f.status, f.err])).to.deep.equal([
      ['error', 500, boom],
      ['info', 413, undefined],
    ])
  })

  it('publishes request start and response finish on diagnostics_channel only to subscribers', async () => {
    const seen: string[] = []
    const onStart = (message: unknown): void =>
      void seen.push(`start ${(message as { req: { path: string } }).req.path}`)
    const onFinish = (message: unknown): void =>
      void seen.push(`finish ${(message as { info: { status: number } }).info.status}`)
    const app = new App().get('/x', (_req, res) => res.text('x'))
    await app.inject({ path: '/x' })
    subscribe(REQUEST_START_CHANNEL, onStart)
    subscribe(RESPONSE_FINISH_CHANNEL, onFinish)
    try {
      await app.inject({ path: '/x' })
    } finally {
      unsubscribe(REQUEST_START_CHANNEL, onStart)
      unsubscribe(RESPONSE_FINISH_CHANNEL, onFinish)
    }
    expect(seen).to.deep.equal(['start /x', 'finish 200'])
  })

  it('refuses a logger without info() and error()', () => {
    expect(() => new App().logger({} as never))
      .to.throw()
      .with.property('code', 'ERR_OPTION_INVALID')
  })
})
