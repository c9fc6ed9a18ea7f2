import { expect } from 'chai'
import { MemoryTransport } from '../../../transports/memory-transport.js'
import { testApp } from '../../helpers/test-app.js'
import { serveInput, servedText } from '../../helpers/serve-input.js'
import { maskDates } from '../../helpers/mask-dates.js'
import { jsonResponse, textResponse } from '../../helpers/expected-response.js'

const GET_HELLO = 'GET /hello HTTP/1.1\r\nHost: a\r\n\r\n'
const POST_ECHO = 'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nping'
const GET_JSON = 'GET /json HTTP/1.1\r\nHost: a\r\n\r\n'
const EXPECTED = textResponse('hello') + textResponse('ping') + jsonResponse('200 OK', { ok: true })

describe('Session: pipelining', () => {
  const app = testApp()
  app.get('/slow/:name', async (req, res) => {
    // Resolves on a later turn of the event loop, after later requests could have overtaken it.
    await new Promise((resolve) => setImmediate(resolve))
    res.text(req.params.name)
  })

  it('answers requests buffered together in order', async () => {
    expect(await servedText(app, GET_HELLO + POST_ECHO + GET_JSON)).to.equal(EXPECTED)
  })

  it('writes the responses to N pipelined small requests in one write', async () => {
    const t = await serveInput(app, { input: [GET_HELLO.repeat(8)] })
    expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('hello').repeat(8))
    expect(t.writes.length).to.equal(1)
  })

  it('writes the responses to mixed pipelined requests with bodies in one write', async () => {
    const t = await serveInput(app, { input: [GET_HELLO + POST_ECHO + GET_JSON] })
    expect(maskDates(t.outputText('latin1'))).to.equal(EXPECTED)
    expect(t.writes.length).to.equal(1)
  })

  it('serves buffered requests without waiting for the network', async () => {
    const t = new MemoryTransport({ input: [GET_HELLO + POST_ECHO + GET_JSON], endAfterInput: false })
    const served = app.serve(t)
    // The input stays open: all three answers must leave before another read could return.
    await t.waitForOutput((out) => maskDates(out.toString('latin1')) === EXPECTED)
    expect(t.isOpen).to.equal(true)
    t.end()
    await served
    expect(maskDates(t.outputText('latin1'))).to.equal(EXPECTED)
  })

  it('keeps the order when an earlier handler finishes later', async () => {
    const input =
      'GET /slow/first HTTP/1.1\r\nHost: a\r\n\r\n' + GET_HELLO + 'GET /slow/third HTTP/1.1\r\nHost: a\r\n\r\n'
    expect(await servedText(app, input)).to.equal(textResponse('first') + textResponse('hello') + textResponse('third'))
  })

  it('answers a 2-request pipelined input delivered one byte at a time with the same bytes', async () => {
    const input = POST_ECHO + GET_HELLO
    const whole = await servedText(app, { input: [input] })
    expect(whole).to.equal(textResponse('ping') + textResponse('hello'))
    expect(await servedText(app, { input: [input], chunkSize: 1 })).to.equal(whole)
  })

  it('answers a chunked request pipelined before another, delivered one byte at a time', async () => {
    const input =
      'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\npi\r\n2\r\nng\r\n0\r\n\r\n' + GET_HELLO
    expect(await servedText(app, { input: [input], chunkSize: 1 })).to.equal(
      textResponse('ping') + textResponse('hello'),
    )
  })

  it('skips empty lines between pipelined requests (RFC 9112 §2.2)', async () => {
    expect(await servedText(app, `${GET_HELLO}\r\n\r\n${GET_HELLO}`)).to.equal(
      textResponse('hello') + textResponse('hello'),
    )
  })

  it('stops at a malformed pipelined request after answering those before it', async () => {
    const t = await serveInput(app, { input: [GET_HELLO + 'GET /hello HTTP/1.1\r\nHost : a\r\n\r\n' + GET_HELLO] })
    const text = maskDates(t.outputText('latin1'))
    expect(text).to.equal(
      textResponse('hello') +
        'HTTP/1.1 400 Bad Request\r\nServer: gatehouse\r\nDate: <date>\r\nContent-Type: application/json; charset=utf-8\r\n' +
        'Content-Length: 36\r\nConnection: close\r\n\r\n{"message":"Malformed HTTP request"}',
    )
  })
})
