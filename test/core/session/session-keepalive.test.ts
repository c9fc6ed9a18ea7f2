import { expect } from 'chai'
import { MemoryTransport } from '../../../transports/memory-transport.js'
import { testApp } from '../../helpers/test-app.js'
import { serveInput } from '../../helpers/serve-input.js'
import { maskDates } from '../../helpers/mask-dates.js'
import { textResponse } from '../../helpers/expected-response.js'

const GET = 'GET /hello HTTP/1.1\r\nHost: a\r\n\r\n'

describe('Session: keep-alive', () => {
  const app = testApp()
  app.get('/bye', (_req, res) => res.close().text('bye'))
  app.get('/bye-header', (_req, res) => res.header('Connection', 'close').text('bye'))

  it('keeps an HTTP/1.1 connection open after a response, with no Connection field', async () => {
    const t = new MemoryTransport({ input: [GET], endAfterInput: false })
    const served = app.serve(t)
    await t.waitForOutput((out) => out.includes('hello'))
    expect(t.isOpen).to.equal(true)
    t.push(GET)
    await t.waitForOutput((out) => out.lastIndexOf('hello') > out.indexOf('hello'))
    t.end()
    await served
    expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('hello') + textResponse('hello'))
  })

  it('closes an HTTP/1.1 connection after a request with Connection: close', async () => {
    const t = await serveInput(app, {
      input: ['GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', GET],
      endAfterInput: false,
    })
    expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('hello', 'Connection: close'))
    expect(t.isOpen).to.equal(false)
  })

  it('reads the close token among others in Connection, in any case', async () => {
    const t = await serveInput(app, {
      input: ['GET /hello HTTP/1.1\r\nHost: a\r\nConnection: X-Foo, CLOSE\r\n\r\n', GET],
      endAfterInput: false,
    })
    expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('hello', 'Connection: close'))
  })

  it('closes an HTTP/1.0 connection after its response unless asked otherwise', async () => {
    const t = await serveInput(app, {
      input: ['GET /hello HTTP/1.0\r\n\r\n', 'GET /hello HTTP/1.0\r\n\r\n'],
      endAfterInput: false,
    })
    expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('hello', 'Connection: close'))
    expect(t.isOpen).to.equal(false)
  })

  it('keeps an HTTP/1.0 connection open with Connection: keep-alive, saying so', async () => {
    const keep = 'GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n'
    const t = await serveInput(app, { input: [keep, 'GET /hello HTTP/1.0\r\n\r\n'] })
    expect(maskDates(t.outputText('latin1'))).to.equal(
      textResponse('hello', 'Connection: keep-alive') + textResponse('hello', 'Connection: close'),
    )
  })

  it('closes after a response whose handler called res.close()', async () => {
    const t = await serveInput(app, { input: ['GET /bye HTTP/1.1\r\nHost: a\r\n\r\n', GET], endAfterInput: false })
    expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('bye', 'Connection: close'))
    expect(t.isOpen).to.equal(false)
  })

  it('closes after a response whose handler set Connection: close, sending that field once', async () => {
    const t = await serveInput(app, {
      input: ['GET /bye-header HTTP/1.1\r\nHost: a\r\n\r\n', GET],
      endAfterInput: false,
    })
    const expected =
      'HTTP/1.1 200 OK\r\nServer: gatehouse\r\nDate: <date>\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 3\r\n\r\nbye'
    expect(maskDates(t.outputText('latin1'))).to.equal(expected)
    expect(t.isOpen).to.equal(false)
  })

  describe('limits.maxRequestsPerConnection', () => {
    it('serves that many requests, the last with Connection: close, then closes', async () => {
      const limited = testApp({ limits: { maxRequestsPerConnection: 2 } })
      const t = await serveInput(limited, { input: [GET + GET + GET], endAfterInput: false })
      expect(maskDates(t.outputText('latin1'))).to.equal(
        textResponse('hello') + textResponse('hello', 'Connection: close'),
      )
      expect(t.isOpen).to.equal(false)
    })

    it('sets no maximum by default (0)', async () => {
      const t = await serveInput(app, { input: [GET.repeat(5)] })
      expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('hello').repeat(5))
    })
  })

  it('ends quietly when the client closes between requests (EOF)', async () => {
    const errors: unknown[] = []
    const quiet = testApp().onError((err) => void errors.push(err))
    const t = await serveInput(quiet, { input: [GET] })
    expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('hello'))
    expect(t.isOpen).to.equal(false)
    expect(errors).to.deep.equal([])
  })
})
