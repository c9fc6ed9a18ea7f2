import { expect } from 'chai'
import { App } from '../../../core/app/app.js'
import { MemoryTransport } from '../../../transports/memory-transport.js'
import { maskDates } from '../../helpers/mask-dates.js'
import { servedText } from '../../helpers/serve-input.js'
import { response, textResponse } from '../../helpers/expected-response.js'
import { deferred, type Deferred } from '../../helpers/deferred.js'
import { RawClient } from '../../helpers/raw-client.js'

const GET = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`

/**
 * An app whose `GET /gate/:n` handlers log when they start and wait for gate n before answering,
 * so a test decides the order in which handlers finish.
 */
function gatedApp(maxConcurrentRequests: number, maxBufferedResponseBytes = 1024 * 1024) {
  const app = new App({ limits: { maxConcurrentRequests, maxBufferedResponseBytes } })
  const log: string[] = []
  const gates = new Map<string, Deferred<void>>()
  const started = new Map<string, Deferred<void>>()
  const gate = (n: string): Deferred<void> => gates.get(n) ?? (gates.set(n, deferred()), gates.get(n)!)
  const start = (n: string): Deferred<void> => started.get(n) ?? (started.set(n, deferred()), started.get(n)!)
  app.get('/gate/:n', async (req, res) => {
    log.push(`start ${req.params.n}`)
    start(req.params.n).resolve()
    await gate(req.params.n).promise
    log.push(`end ${req.params.n}`)
    res.text(req.params.n)
  })
  app.get('/now/:n', (req, res) => {
    log.push(`now ${req.params.n}`)
    res.text(req.params.n.repeat(100))
  })
  app.post('/post', (req, res) => {
    log.push('post')
    res.text(req.text())
  })
  return { app, log, open: (n: string) => gate(n).resolve(), started: (n: string) => start(n).promise }
}

describe('Connection API: concurrent pipelined handlers (issue 6)', () => {
  it('runs pipelined GETs concurrently and sends the responses in request order when handlers finish out of order', async () => {
    const { app, log, open, started } = gatedApp(4)
    const t = new MemoryTransport({ input: [GET('/gate/1') + GET('/gate/2') + GET('/gate/3')], endAfterInput: false })
    const served = app.serve(t)
    await started('3')
    open('3')
    open('2')
    open('1')
    const expected = textResponse('1') + textResponse('2') + textResponse('3')
    await t.waitForOutput((out) => maskDates(out.toString('latin1')) === expected)
    expect(log).to.deep.equal(['start 1', 'start 2', 'start 3', 'end 3', 'end 2', 'end 1'])
    t.end()
    await served
  })

  it('holds a later response that finished first until the earlier one has left', async () => {
    const { app, open, started } = gatedApp(4)
    const answered = deferred()
    app.get('/quick', (_req, res) => {
      res.text('quick')
      answered.resolve()
    })
    const t = new MemoryTransport({ input: [GET('/gate/1') + GET('/quick')], endAfterInput: false })
    const served = app.serve(t)
    await started('1')
    await answered.promise
    expect(t.output.length).to.equal(0)
    open('1')
    await t.waitForOutput((out) => maskDates(out.toString('latin1')) === textResponse('1') + textResponse('quick'))
    t.end()
    await served
  })

  it('sends nothing after the 503 of a handler timeout with Connection: close, though later handlers answered', async () => {
    const app = new App({
      serverHeader: false,
      limits: { maxConcurrentRequests: 4 },
      timeouts: { handlerTimeoutMs: 30 },
    })
    const answered = deferred()
    app.get('/hang', () => new Promise(() => undefined))
    app.get('/quick', (_req, res) => {
      res.text('quick')
      answered.resolve()
    })
    const t = new MemoryTransport({ input: [GET('/hang') + GET('/quick') + GET('/quick')], endAfterInput: false })
    await app.serve(t)
    await answered.promise
    expect(maskDates(t.outputText('latin1'))).to.equal(
      'HTTP/1.1 503 Service Unavailable\r\nDate: <date>\r\nContent-Type: application/json; charset=utf-8\r\n' +
        'Content-Length: 29\r\nConnection: close\r\n\r\n{"message":"Handler timeout"}',
    )
    expect(t.isOpen).to.equal(false)
  })

  it('starts no more than maxConcurrentRequests handlers at once', async () => {
    const { app, log, open, started } = gatedApp(2)
    const t = new MemoryTransport({ input: [GET('/gate/1') + GET('/gate/2') + GET('/gate/3')], endAfterInput: false })
    const served = app.serve(t)
    await started('2')
    open('2')
    open('1')
    await started('3')
    open('3')
    await t.waitForOutput(
      (out) => maskDates(out.toString('latin1')) === textResponse('1') + textResponse('2') + textResponse('3'),
    )
    expect(log).to.deep.equal(['start 1', 'start 2', 'end 2', 'end 1', 'start 3', 'end 3'])
    t.end()
    await served
  })

  it('runs handlers one at a time with the default maxConcurrentRequests of 1', async () => {
    const { app, log, open, started } = gatedApp(1)
    const t = new MemoryTransport({ input: [GET('/gate/1') + GET('/gate/2')], endAfterInput: false })
    const served = app.serve(t)
    await started('1')
    open('2')
    open('1')
    await t.waitForOutput((out) => maskDates(out.toString('latin1')) === textResponse('1') + textResponse('2'))
    expect(log).to.deep.equal(['start 1', 'end 1', 'start 2', 'end 2'])
    t.end()
    await served
  })

  it('never starts a pipelined POST before the earlier responses are done', async () => {
    const { app, log, open, started } = gatedApp(4)
    const post = 'POST /post HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok'
    const t = new MemoryTransport({ input: [GET('/gate/1') + post + GET('/now/x')], endAfterInput: false })
    const served = app.serve(t)
    await started('1')
    open('1')
    const expected = textResponse('1') + textResponse('ok') + textResponse('x'.repeat(100))
    await t.waitForOutput((out) => maskDates(out.toString('latin1')) === expected)
    expect(log).to.deep.equal(['start 1', 'end 1', 'post', 'now x'])
    t.end()
    await served
  })

  it('starts no further handler once held responses exceed maxBufferedResponseBytes', async () => {
    const { app, log, open, started } = gatedApp(8, 50)
    const input = GET('/gate/1') + GET('/now/a') + GET('/now/b')
    const t = new MemoryTransport({ input: [input], endAfterInput: false })
    const served = app.serve(t)
    await started('1')
    expect(log).to.deep.equal(['start 1', 'now a'])
    open('1')
    const expected = textResponse('1') + textResponse('a'.repeat(100)) + textResponse('b'.repeat(100))
    await t.waitForOutput((out) => maskDates(out.toString('latin1')) === expected)
    expect(log).to.deep.equal(['start 1', 'now a', 'end 1', 'now b'])
    t.end()
    await served
  })

  it('holds a streaming handler of a later request until its turn', async () => {
    const { app, open, started } = gatedApp(4)
    const writes: string[] = []
    app.get('/stream', async (_req, res) => {
      await res.write('x')
      writes.push('wrote')
      await res.end()
    })
    const t = new MemoryTransport({ input: [GET('/gate/1') + GET('/stream')], endAfterInput: false })
    const served = app.serve(t)
    await started('1')
    expect(writes).to.deep.equal([])
    open('1')
    await t.waitForOutput(
      (out) =>
        maskDates(out.toString('latin1')) ===
        textResponse('1') + response('200 OK', ['Transfer-Encoding: chunked'], '1\r\nx\r\n0\r\n\r\n'),
    )
    expect(writes).to.deep.equal(['wrote'])
    t.end()
    await served
  })

  it('answers HEAD requests pipelined behind a slow handler with heads only, in order', async () => {
    const { app, open, started } = gatedApp(4)
    app.get('/hello', (_req, res) => res.text('hello'))
    const served = servedText(app, GET('/gate/1') + 'HEAD /hello HTTP/1.1\r\nHost: a\r\n\r\n')
    await started('1')
    open('1')
    expect(await served).to.equal(
      textResponse('1') + response('200 OK', ['Content-Type: text/plain; charset=utf-8', 'Content-Length: 5']),
    )
  })

  it('keeps request order for out-of-order handlers over a real socket', async () => {
    const { app, open, started } = gatedApp(4)
    const server = await app.listen({ port: 0, host: '127.0.0.1' })
    const client = await RawClient.connect(server.port)
    client.write(GET('/gate/1') + GET('/gate/2') + GET('/gate/3'))
    await started('3')
    open('3')
    open('2')
    open('1')
    await client.waitFor((text) => maskDates(text) === textResponse('1') + textResponse('2') + textResponse('3'))
    client.close()
    await server.close()
  })
})
