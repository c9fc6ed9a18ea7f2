import { expect } from 'chai'
import sinon from 'sinon'
import { App } from '../../../core/app/app.js'
import { okHeadPrefix } from '../../../core/wire/ok-head.js'
import { holdDateCache, releaseDateCache } from '../../../core/wire/date-cache.js'
import { servedText } from '../../helpers/serve-input.js'
import { datesASecondApart } from '../../helpers/dates-a-second-apart.js'
import { jsonResponse, response, textResponse } from '../../helpers/expected-response.js'

const TEXT = 'Content-Type: text/plain; charset=utf-8'
const get = (path: string, version = '1.1', fields = ''): string =>
  `GET ${path} HTTP/${version}\r\nHost: a\r\n${fields}\r\n`

describe('the common 200 response (a cached head)', () => {
  describe('okHeadPrefix()', () => {
    let clock: sinon.SinonFakeTimers
    beforeEach(() => {
      clock = sinon.useFakeTimers({
        now: Date.UTC(2026, 10, 24, 12, 0, 0),
        toFake: ['Date', 'setInterval', 'clearInterval'],
      })
      holdDateCache()
    })
    afterEach(() => {
      releaseDateCache()
      clock.restore()
    })

    it('is the head up to the Content-Length digits', () => {
      expect(okHeadPrefix('Server: edge\r\n', 'text/plain')).to.equal(
        'HTTP/1.1 200 OK\r\nServer: edge\r\nDate: Tue, 24 Nov 2026 12:00:00 GMT\r\nContent-Type: text/plain\r\nContent-Length: ',
      )
      expect(okHeadPrefix('', 'application/json')).to.equal(
        'HTTP/1.1 200 OK\r\nDate: Tue, 24 Nov 2026 12:00:00 GMT\r\nContent-Type: application/json\r\nContent-Length: ',
      )
    })

    it('follows the Date line when it changes', () => {
      const first = okHeadPrefix('', 'text/plain')
      expect(okHeadPrefix('', 'text/plain')).to.equal(first)
      clock.tick(1000)
      expect(okHeadPrefix('', 'text/plain')).to.contain('Date: Tue, 24 Nov 2026 12:00:01 GMT\r\n')
    })

    it('keeps each server line and type apart, however many are used', () => {
      for (let i = 0; i < 20; i++) {
        expect(okHeadPrefix(`Server: s${i}\r\n`, `t/${i}`)).to.equal(
          `HTTP/1.1 200 OK\r\nServer: s${i}\r\nDate: Tue, 24 Nov 2026 12:00:00 GMT\r\nContent-Type: t/${i}\r\nContent-Length: `,
        )
      }
    })
  })

  describe('through a Session, the same bytes as the general path', () => {
    const app = new App({ smallWriteBytes: 200 })
    app.get('/text', (_req, res) => res.text('hello'))
    app.get('/json', (_req, res) => res.json({ ok: true }))
    app.get('/accents', (_req, res) => res.text('h\u00e9 \u2713'))
    app.get('/empty', (_req, res) => res.text(''))
    app.get('/created', (_req, res) => res.status(201).text('hello'))
    app.get('/typed', (_req, res) => res.header('Content-Type', 'text/html').text('hello'))
    app.get('/closing', (_req, res) => res.close().text('hello'))
    app.get('/big', (_req, res) => res.text('b'.repeat(150)))

    const cases: [string, string, string][] = [
      ['text', get('/text'), textResponse('hello')],
      ['JSON', get('/json'), jsonResponse('200 OK', { ok: true })],
      [
        'non-ASCII text',
        get('/accents'),
        response('200 OK', [TEXT, 'Content-Length: 7'], Buffer.from('h\u00e9 \u2713').toString('latin1')),
      ],
      ['an empty body', get('/empty'), response('200 OK', [TEXT, 'Content-Length: 0'])],
      ['another status', get('/created'), response('201 Created', [TEXT, 'Content-Length: 5'], 'hello')],
      [
        'a field set by the handler',
        get('/typed'),
        response('200 OK', ['Content-Type: text/html', 'Content-Length: 5'], 'hello'),
      ],
      ['a response that closes', get('/closing'), textResponse('hello', 'Connection: close')],
      [
        'a request that closes',
        get('/text', '1.1', 'Connection: close\r\n'),
        textResponse('hello', 'Connection: close'),
      ],
      [
        'HTTP/1.0 keep-alive',
        get('/text', '1.0', 'Connection: keep-alive\r\n'),
        textResponse('hello', 'Connection: keep-alive'),
      ],
      ['HEAD', 'HEAD /text HTTP/1.1\r\nHost: a\r\n\r\n', response('200 OK', [TEXT, 'Content-Length: 5'])],
      ['a body past smallWriteBytes', get('/big'), textResponse('b'.repeat(150))],
    ]
    for (const [name, request, expected] of cases) {
      it(`answers ${name}`, async () => {
        expect(await servedText(app, request)).to.equal(expected)
      })
    }

    it('sends the Date of the current second on a long-lived connection', async () => {
      expect(await datesASecondApart(app, get('/text'), textResponse('hello'))).to.deep.equal([
        'Date: Tue, 24 Nov 2026 12:00:00 GMT',
        'Date: Tue, 24 Nov 2026 12:00:01 GMT',
      ])
    })

    it('lets the handler read the Content-Type it was sent with', async () => {
      let seen: string | undefined
      const reading = new App()
      reading.use(async (_req, res, next) => {
        await next()
        seen = res.getHeader('Content-Type')
      })
      reading.get('/text', (_req, res) => res.text('hello'))
      expect(await servedText(reading, get('/text'))).to.equal(textResponse('hello'))
      expect(seen).to.equal('text/plain; charset=utf-8')
    })
  })
})
