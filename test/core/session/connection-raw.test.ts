import { expect } from 'chai'
import sinon from 'sinon'
import { App } from '../../../core/app/app.js'
import type { CloseReason } from '../../../core/request/connection.js'
import { ResponseBuilder } from '../../../core/response/response-builder.js'
import { serveInput, servedText } from '../../helpers/serve-input.js'
import { maskDates } from '../../helpers/mask-dates.js'
import { datesASecondApart } from '../../helpers/dates-a-second-apart.js'
import { response, textResponse } from '../../helpers/expected-response.js'
import { RawClient } from '../../helpers/raw-client.js'

const GET = (path: string, version = '1.1'): string => `GET ${path} HTTP/${version}\r\nHost: a\r\n\r\n`
const HELLO = GET('/hello')
const RAW = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi'
const PLAINTEXT = response('200 OK', ['Content-Type: text/plain', 'Content-Length: 13'], 'Hello, World!')

describe('Connection API: raw and constant responses (issue 6)', () => {
  let app: App
  let closes: CloseReason[]

  beforeEach(() => {
    app = new App()
    closes = []
    app.onClose((_conn, reason) => closes.push(reason))
    app.get('/hello', (_req, res) => res.text('hello'))
    app.get('/raw', (_req, res) => res.sendRaw(Buffer.from(RAW)))
    app.get('/raw-close', (_req, res) =>
      res.sendRaw([Buffer.from(RAW.slice(0, 10)), Buffer.from(RAW.slice(10))], { close: true }),
    )
    app.constant('GET', '/plaintext', { headers: { 'Content-Type': 'text/plain' }, body: 'Hello, World!' })
  })

  describe('res.sendRaw()', () => {
    it('writes the bytes as they are and keeps the connection', async () => {
      expect(await servedText(app, GET('/raw') + HELLO)).to.equal(RAW + textResponse('hello'))
      expect(closes).to.deep.equal(['client-closed'])
    })

    it('writes several buffers in one write and closes after them with close: true', async () => {
      const t = await serveInput(app, { input: [GET('/raw-close') + HELLO] })
      expect(t.outputText('latin1')).to.equal(RAW)
      expect(t.writes.length).to.equal(1)
      expect(closes).to.deep.equal(['completed'])
    })

    it('closes after the bytes when the request asked for it (HTTP/1.0)', async () => {
      expect(await servedText(app, GET('/raw', '1.0') + HELLO)).to.equal(RAW)
      expect(closes).to.deep.equal(['completed'])
    })

    it('throws ERR_RESPONSE_ALREADY_SENT after another response', async () => {
      let code: unknown
      app.get('/twice', (_req, res) => {
        res.text('first')
        try {
          res.sendRaw(Buffer.from(RAW))
        } catch (err) {
          code = (err as { code?: unknown }).code
        }
      })
      expect(await servedText(app, GET('/twice'))).to.equal(textResponse('first'))
      expect(code).to.equal('ERR_RESPONSE_ALREADY_SENT')
    })
  })

  describe('ResponseBuilder', () => {
    it('builds the status line, the headers, a computed Content-Length and the body chunks', () => {
      const parts = new ResponseBuilder(201)
        .header('Content-Type', 'text/plain')
        .body('hi')
        .body(Buffer.from(' there'))
        .build()
      expect(parts.map((part) => part.toString('latin1'))).to.deep.equal([
        'HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nContent-Length: 8\r\n\r\n',
        'hi',
        ' there',
      ])
    })

    it('adds the current Date field when asked', () => {
      const [head] = new ResponseBuilder().date().build()
      expect(maskDates(head!.toString('latin1'))).to.equal(
        'HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: 0\r\n\r\n',
      )
    })

    it('refuses a header value with CR LF (response splitting) and a bad status', () => {
      expect(() => new ResponseBuilder().header('X-A', 'a\r\nSet-Cookie: b'))
        .to.throw()
        .with.property('code', 'ERR_INVALID_HEADER')
      expect(() => new ResponseBuilder(1000))
        .to.throw()
        .with.property('code', 'ERR_INVALID_STATUS')
    })

    it('produces bytes that sendRaw() serves over a real socket', async () => {
      const bytes = new ResponseBuilder(200).header('Content-Type', 'text/plain').body('built').build()
      app.get('/built', (_req, res) => res.sendRaw(bytes))
      const server = await app.listen({ port: 0, host: '127.0.0.1' })
      const client = await RawClient.connect(server.port)
      const expected = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nbuilt'
      client.write(GET('/built') + GET('/built'))
      await client.waitFor((text) => text === expected + expected)
      client.close()
      await server.close()
    })
  })

  describe('app.constant()', () => {
    it('serves the pre-serialized response with Server and Date', async () => {
      expect(await servedText(app, GET('/plaintext'))).to.equal(PLAINTEXT)
    })

    it('answers HEAD with the head only', async () => {
      expect(await servedText(app, `HEAD /plaintext HTTP/1.1\r\nHost: a\r\n\r\n${HELLO}`)).to.equal(
        response('200 OK', ['Content-Type: text/plain', 'Content-Length: 13']) + textResponse('hello'),
      )
    })

    it('closes an HTTP/1.0 connection after it', async () => {
      expect(await servedText(app, GET('/plaintext', '1.0') + HELLO)).to.equal(
        response('200 OK', ['Content-Type: text/plain', 'Content-Length: 13', 'Connection: close'], 'Hello, World!'),
      )
    })

    it('omits Content-Length for a bodyless status', async () => {
      app.constant('GET', '/empty', { status: 204 })
      expect(await servedText(app, GET('/empty'))).to.equal(response('204 No Content', []))
    })

    it('runs no middleware', async () => {
      const middleware = sinon.spy((_req: unknown, _res: unknown, next: () => unknown) => next())
      app.use(middleware)
      expect(await servedText(app, GET('/plaintext') + HELLO)).to.equal(PLAINTEXT + textResponse('hello'))
      expect(middleware.callCount).to.equal(1)
    })

    it('coalesces 16 pipelined responses into one write', async () => {
      const t = await serveInput(app, { input: [GET('/plaintext').repeat(16)] })
      expect(maskDates(t.outputText('latin1'))).to.equal(PLAINTEXT.repeat(16))
      expect(t.writes.length).to.equal(1)
    })

    it('refreshes the Date field once a second', async () => {
      expect(await datesASecondApart(app, GET('/plaintext'), PLAINTEXT)).to.deep.equal([
        'Date: Tue, 24 Nov 2026 12:00:00 GMT',
        'Date: Tue, 24 Nov 2026 12:00:01 GMT',
      ])
    })

    it('serves pipelined requests over a real socket', async () => {
      const server = await app.listen({ port: 0, host: '127.0.0.1' })
      const client = await RawClient.connect(server.port)
      client.write(GET('/plaintext').repeat(3))
      await client.waitFor((text) => maskDates(text) === PLAINTEXT.repeat(3))
      client.close()
      await server.close()
    })
  })
})
