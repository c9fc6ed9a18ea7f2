import { expect } from 'chai'
import sinon from 'sinon'
import { App } from '../../../core/app/app.js'
import { testApp } from '../../helpers/test-app.js'
import { servedText, serveInput } from '../../helpers/serve-input.js'
import { jsonResponse, response, textResponse } from '../../helpers/expected-response.js'

describe('Session: responses', () => {
  describe('default headers, each only where the handler did not set it', () => {
    const app = testApp()
    app.get('/own-server', (_req, res) => res.header('Server', 'edge/1').text('x'))
    app.get('/own-date', (_req, res) => res.header('Date', 'Thu, 01 Jan 2026 00:00:00 GMT').text('x'))
    app.get('/own-length', (_req, res) => res.header('Content-Length', '1').text('x'))
    app.get('/own-connection', (_req, res) => res.header('Connection', 'keep-alive').text('x'))
    app.get('/own-encoding', async (_req, res) => {
      res.start(200, { 'Transfer-Encoding': 'chunked' })
      await res.end('x')
    })

    it('adds Server, Date and Content-Length, and no Connection on a kept-alive HTTP/1.1 connection', async () => {
      expect(await servedText(app, 'GET /hello HTTP/1.1\r\nHost: a\r\n\r\n')).to.equal(
        'HTTP/1.1 200 OK\r\nServer: gatehouse\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\nhello',
      )
    })

    it('sends the Date of the current second in IMF-fixdate form', async () => {
      const clock = sinon.useFakeTimers({ now: Date.UTC(2026, 10, 24, 12, 0, 0), toFake: ['Date'] })
      try {
        const t = await serveInput(app, { input: ['GET /hello HTTP/1.1\r\nHost: a\r\n\r\n'] })
        expect(t.outputText('latin1')).to.equal(
          'HTTP/1.1 200 OK\r\nServer: gatehouse\r\nDate: Tue, 24 Nov 2026 12:00:00 GMT\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\nhello',
        )
      } finally {
        clock.restore()
      }
    })

    it("keeps the handler's Server instead of the default", async () => {
      expect(await servedText(app, 'GET /own-server HTTP/1.1\r\nHost: a\r\n\r\n')).to.equal(
        'HTTP/1.1 200 OK\r\nDate: <date>\r\nServer: edge/1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 1\r\n\r\nx',
      )
    })

    it("keeps the handler's Date instead of the default", async () => {
      expect(await servedText(app, 'GET /own-date HTTP/1.1\r\nHost: a\r\n\r\n')).to.equal(
        'HTTP/1.1 200 OK\r\nServer: gatehouse\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 1\r\n\r\nx',
      )
      const t = await serveInput(app, { input: ['GET /own-date HTTP/1.1\r\nHost: a\r\n\r\n'] })
      expect(t.outputText('latin1').match(/Date: [^\r]*/g)).to.deep.equal(['Date: Thu, 01 Jan 2026 00:00:00 GMT'])
    })

    it("sends the handler's Content-Length once", async () => {
      expect(await servedText(app, 'GET /own-length HTTP/1.1\r\nHost: a\r\n\r\n')).to.equal(
        'HTTP/1.1 200 OK\r\nServer: gatehouse\r\nDate: <date>\r\nContent-Length: 1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nx',
      )
    })

    it("sends the handler's Connection instead of the default on a connection that stays open", async () => {
      expect(await servedText(app, 'GET /own-connection HTTP/1.1\r\nHost: a\r\n\r\n')).to.equal(
        'HTTP/1.1 200 OK\r\nServer: gatehouse\r\nDate: <date>\r\nConnection: keep-alive\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 1\r\n\r\nx',
      )
    })

    it("replaces the handler's keep-alive with close on a connection that closes after the response (RFC 9112 §9.6)", async () => {
      expect(await servedText(app, 'GET /own-connection HTTP/1.0\r\n\r\n')).to.equal(
        'HTTP/1.1 200 OK\r\nServer: gatehouse\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx',
      )
    })

    it("sends the handler's Transfer-Encoding once on a streamed response", async () => {
      expect(await servedText(app, 'GET /own-encoding HTTP/1.1\r\nHost: a\r\n\r\n')).to.equal(
        response('200 OK', ['Transfer-Encoding: chunked'], '1\r\nx\r\n0\r\n\r\n'),
      )
    })

    it('sends no Server when serverHeader is false', async () => {
      const bare = new App({ serverHeader: false }).get('/', () => 'x')
      const t = await serveInput(bare, { input: ['GET / HTTP/1.1\r\nHost: a\r\n\r\n'] })
      expect(t.outputText('latin1')).to.match(
        /^HTTP\/1\.1 200 OK\r\nDate: [^\r]+\r\nContent-Type: text\/plain; charset=utf-8\r\nContent-Length: 1\r\n\r\nx$/,
      )
    })

    it('sends Content-Length: 0 for an empty body', async () => {
      const empty = new App().get('/', (_req, res) => res.send())
      expect(await servedText(empty, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n')).to.equal(
        response('200 OK', ['Content-Length: 0']),
      )
    })

    it('sends no Content-Length with 204 or 304', async () => {
      const bodyless = new App()
        .get('/204', (_req, res) => res.status(204).send())
        .get('/304', (_req, res) => res.status(304).send())
      expect(
        await servedText(bodyless, 'GET /204 HTTP/1.1\r\nHost: a\r\n\r\nGET /304 HTTP/1.1\r\nHost: a\r\n\r\n'),
      ).to.equal(response('204 No Content', []) + response('304 Not Modified', []))
    })
  })

  describe('routing answers', () => {
    const app = testApp()

    it('answers 404 {"message":"Not Found"} for an unknown path, keeping the connection', async () => {
      const text = await servedText(
        app,
        'GET /nowhere HTTP/1.1\r\nHost: a\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n',
      )
      expect(text).to.equal(jsonResponse('404 Not Found', { message: 'Not Found' }) + textResponse('hello'))
    })

    it('answers 405 with Allow for a known path without that method', async () => {
      expect(await servedText(app, 'DELETE /hello HTTP/1.1\r\nHost: a\r\n\r\n')).to.equal(
        response(
          '405 Method Not Allowed',
          ['Allow: GET, HEAD, OPTIONS', 'Content-Type: application/json; charset=utf-8', 'Content-Length: 32'],
          '{"message":"Method Not Allowed"}',
        ),
      )
    })

    it('answers OPTIONS with 204 and Allow', async () => {
      expect(await servedText(app, 'OPTIONS /echo HTTP/1.1\r\nHost: a\r\n\r\n')).to.equal(
        response('204 No Content', ['Allow: OPTIONS, POST']),
      )
    })

    it('answers 400 with the parser message when req.json() meets invalid JSON', async () => {
      const json = testApp().post('/parse', (req, res) => res.json(req.json()))
      let reason = ''
      try {
        JSON.parse('{oops')
      } catch (err) {
        reason = (err as Error).message
      }
      const text = await servedText(
        json,
        'POST /parse HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n{oops',
      )
      expect(text).to.equal(jsonResponse('400 Bad Request', { message: `request body is not valid JSON: ${reason}` }))
    })

    it('parses a valid JSON body with req.json()', async () => {
      const json = testApp().post('/parse', (req, res) => res.json(req.json()))
      const text = await servedText(
        json,
        'POST /parse HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{"a":[1]}',
      )
      expect(text).to.equal(jsonResponse('200 OK', { a: [1] }))
    })
  })
})
