import { expect } from 'chai'
import { App } from '../../../core/app/app.js'
import { ResponseBuilder } from '../../../core/response/response-builder.js'
import { ContentLengthMismatchError, InvalidHeaderError, InvalidStatusError } from '../../../core/errors.js'
import { servedText } from '../../helpers/serve-input.js'
import { response } from '../../helpers/expected-response.js'

const GET = (path: string, version = '1.1'): string => `GET ${path} HTTP/${version}\r\nHost: a\r\n\r\n`
const HEAD = (path: string): string => `HEAD ${path} HTTP/1.1\r\nHost: a\r\n\r\n`

/** Every response path obeys one set of framing rules (RFC 9112 §6, RFC 9110 §8.6, §15.3.5). */
describe('response framing', () => {
  describe('app.constant()', () => {
    it('sends the same bytes answered as a route, once the App has a response hook', async () => {
      const constants = {
        '/keep': { headers: { 'Content-Type': 'text/plain', Connection: 'keep-alive' }, body: 'KA' },
        '/304': { status: 304, headers: { 'Content-Length': '5', ETag: '"v1"' } },
        '/close': { headers: { 'Content-Type': 'text/plain', Connection: 'Upgrade, close' }, body: 'UP' },
        '/bytes': { headers: { 'Content-Type': 'application/x-thing' }, body: Buffer.from([1, 2, 3]) },
      }
      const served = async (hooked: boolean): Promise<string> => {
        const app = new App()
        if (hooked) app.onResponse(() => undefined)
        for (const [path, init] of Object.entries(constants)) app.constant('GET', path, init)
        const requests = Object.keys(constants).map((path) => `GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`)
        return servedText(app, requests.join('') + 'GET /keep HTTP/1.0\r\n\r\n')
      }
      const plain = await served(false)
      expect(plain).to.include('Connection: keep-alive\r\n').and.include('Content-Length: 5\r\n')
      expect(await served(true)).to.equal(plain)
    })

    it('refuses a body with 204, 304 or 1xx at registration, and sends a 204 with neither length nor body', async () => {
      for (const status of [204, 304, 103]) {
        expect(() => new App().constant('GET', '/x', { status, body: 'gone' }), String(status)).to.throw(
          InvalidStatusError,
          String(status),
        )
      }
      const app = new App()
      app.constant('GET', '/none', { status: 204, headers: { 'X-A': '1' } })
      app.constant('GET', '/hi', { body: 'hi' })
      expect(await servedText(app, GET('/none') + GET('/hi'))).to.equal(
        response('204 No Content', ['X-A: 1']) + response('200 OK', ['Content-Length: 2'], 'hi'),
      )
    })

    it("sends the handler's Content-Length once, and refuses one that is not the body's", async () => {
      const app = new App()
      app.constant('GET', '/sized', { headers: { 'Content-Length': '2' }, body: 'hi' })
      expect(await servedText(app, GET('/sized'))).to.equal(response('200 OK', ['Content-Length: 2'], 'hi'))
      expect(() => app.constant('GET', '/lies', { headers: { 'Content-Length': '3' }, body: 'hi' })).to.throw(
        ContentLengthMismatchError,
      )
    })

    it('refuses a Transfer-Encoding, since a constant body is whole', () => {
      expect(() =>
        new App().constant('GET', '/x', { headers: { 'Transfer-Encoding': 'chunked' }, body: 'hi' }),
      ).to.throw(InvalidHeaderError, 'Transfer-Encoding')
    })

    it('closes after answering when its own fields say Connection: close, and says so once', async () => {
      const app = new App()
      app.constant('GET', '/bye', { headers: { Connection: 'close' }, body: 'bye' })
      app.constant('GET', '/hi', { body: 'hi' })
      expect(await servedText(app, GET('/bye') + GET('/hi'))).to.equal(
        response('200 OK', ['Connection: close', 'Content-Length: 3'], 'bye'),
      )
    })

    it('says Connection: close alone when its own keep-alive meets a request that closes, as a handler would', async () => {
      const app = new App()
      app.constant('GET', '/kept', {
        headers: { 'Content-Type': 'text/plain', Connection: 'keep-alive' },
        body: 'hi',
      })
      app.get('/handled', (_req, res) =>
        res.header('Content-Type', 'text/plain').header('Connection', 'keep-alive').send('hi'),
      )
      const closing = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`
      const expected = response('200 OK', ['Content-Type: text/plain', 'Content-Length: 2', 'Connection: close'], 'hi')
      expect(await servedText(app, closing('/handled'))).to.equal(expected)
      expect(await servedText(app, closing('/kept'))).to.equal(expected)
    })
  })

  describe('ResponseBuilder', () => {
    const text = (b: ResponseBuilder): string => Buffer.concat(b.build()).toString('latin1')

    it("sends the handler's Content-Length once, and refuses one that is not the body's", () => {
      expect(text(new ResponseBuilder(200).header('Content-Length', 2).body('hi'))).to.equal(
        'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi',
      )
      expect(() => new ResponseBuilder(200).header('Content-Length', 5).body('hi').build()).to.throw(
        ContentLengthMismatchError,
      )
    })

    it('builds 204 and 304 without a length, and refuses a body for them', () => {
      expect(text(new ResponseBuilder(204))).to.equal('HTTP/1.1 204 No Content\r\n\r\n')
      expect(text(new ResponseBuilder(304).header('ETag', '"a"'))).to.equal(
        'HTTP/1.1 304 Not Modified\r\nETag: "a"\r\n\r\n',
      )
      expect(() => new ResponseBuilder(204).body('x').build()).to.throw(InvalidStatusError, '204')
    })

    it('refuses a Transfer-Encoding for its whole body, and any coding but chunked at once', () => {
      expect(() => new ResponseBuilder(200).header('Transfer-Encoding', 'chunked').body('hi').build()).to.throw(
        InvalidHeaderError,
        'Transfer-Encoding',
      )
      expect(() => new ResponseBuilder(200).header('Transfer-Encoding', 'gzip')).to.throw(InvalidHeaderError, 'gzip')
    })
  })

  describe('Response', () => {
    const app = new App()
    app.onError(() => undefined)
    app.get('/te-whole', (_req, res) => res.header('Transfer-Encoding', 'chunked').text('hi'))
    app.get('/te-gzip', (_req, res) => res.header('Transfer-Encoding', 'gzip').text('hi'))
    app.get('/te-and-length', async (_req, res) => {
      res.header('Transfer-Encoding', 'chunked').header('Content-Length', 2)
      await res.end('hi')
    })
    app.get('/te-stream', async (_req, res) => {
      res.header('Transfer-Encoding', 'chunked')
      await res.write('hi')
      await res.end()
    })
    app.get('/length-204', (_req, res) => res.status(204).header('Content-Length', 0).send())
    app.get('/length-bad', (_req, res) => res.header('Content-Length', '1, 1').text('x'))
    app.get('/stream-204', async (_req, res) => {
      res.status(204)
      await res.write('ignored')
      await res.end()
    })

    it('refuses a Transfer-Encoding on a whole body, or with a Content-Length, instead of sending a body it does not frame', async () => {
      for (const path of ['/te-whole', '/te-gzip', '/te-and-length']) {
        expect(await servedText(app, GET(path)), path).to.match(/^HTTP\/1\.1 500 Internal Server Error\r\n/)
      }
    })

    it("chunks a stream once under the handler's Transfer-Encoding, and close-delimits it for HTTP/1.0 without the field", async () => {
      expect(await servedText(app, GET('/te-stream'))).to.equal(
        response('200 OK', ['Transfer-Encoding: chunked'], '2\r\nhi\r\n0\r\n\r\n'),
      )
      expect(await servedText(app, GET('/te-stream', '1.0'))).to.equal(response('200 OK', ['Connection: close'], 'hi'))
    })

    it('refuses a Content-Length on a 204 and one that is not a single length', async () => {
      expect(await servedText(app, GET('/length-204'))).to.match(/^HTTP\/1\.1 500 /)
      expect(await servedText(app, GET('/length-bad'))).to.match(/^HTTP\/1\.1 500 /)
    })

    it('writes no body bytes for a streamed 204', async () => {
      expect(await servedText(app, GET('/stream-204') + HEAD('/stream-204'))).to.equal(
        response('204 No Content', []) + response('204 No Content', []),
      )
    })
  })
})
