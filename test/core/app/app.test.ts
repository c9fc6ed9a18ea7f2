import { expect } from 'chai'
import { App } from '../../../core/app/app.js'
import { MemoryTransport } from '../../../transports/memory-transport.js'
import { maskDates } from '../../helpers/mask-dates.js'
import { InvalidOptionError, type GatehouseError } from '../../../core/errors.js'

/** The raw response with the Date value masked, for byte comparisons. */
function masked(raw: Buffer): string {
  return raw.toString('latin1').replace(/\r\nDate: [^\r]+\r\n/, '\r\nDate: *\r\n')
}

const JSON_TYPE = 'application/json; charset=utf-8'

describe('App', () => {
  describe('routing', () => {
    const app = new App({ serverHeader: false })
      .get('/users/:id/posts/:post', (req) => ({ ...req.params }))
      .get('/assets/*', (req) => ({ rest: req.params['*'] }))
      .get('/page', () => 'page body')
      .post('/page', () => 'posted')

    it('passes named params, percent-decoded', async () => {
      const res = await app.inject({ path: '/users/a%20b/posts/7?x=1' })
      expect(res.json()).to.deep.equal({ id: 'a b', post: '7' })
    })

    it('passes the rest of the path of a wildcard route as params["*"]', async () => {
      const res = await app.inject({ path: '/assets/css/site.css' })
      expect(res.json()).to.deep.equal({ rest: 'css/site.css' })
    })

    it('answers 404 with a JSON message when no route matches', async () => {
      const res = await app.inject({ path: '/nowhere' })
      expect(masked(res.raw)).to.equal(
        `HTTP/1.1 404 Not Found\r\nDate: *\r\nContent-Type: ${JSON_TYPE}\r\nContent-Length: 23\r\n\r\n{"message":"Not Found"}`,
      )
    })

    it('answers 405 with Allow when the path exists for other methods only', async () => {
      const res = await app.inject({ method: 'DELETE', path: '/page' })
      expect(res.status).to.equal(405)
      expect(res.headers.allow).to.equal('GET, HEAD, OPTIONS, POST')
      expect(res.json()).to.deep.equal({ message: 'Method Not Allowed' })
    })

    it('answers OPTIONS with 204 and Allow, without a body', async () => {
      const res = await app.inject({ method: 'OPTIONS', path: '/page' })
      expect(masked(res.raw)).to.equal('HTTP/1.1 204 No Content\r\nDate: *\r\nAllow: GET, HEAD, OPTIONS, POST\r\n\r\n')
    })

    it("answers HEAD with the GET route's head and no body", async () => {
      const res = await app.inject({ method: 'HEAD', path: '/page' })
      expect(masked(res.raw)).to.equal(
        'HTTP/1.1 200 OK\r\nDate: *\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 9\r\n\r\n',
      )
    })

    it('prints the registered routes with app.routes()', () => {
      const lines = app
        .routes()
        .split('\n')
        .map((line) => line.trim())
      expect(lines).to.include.members(['* [GET]', 'page [GET, POST]', ':post [GET]'])
      for (const part of ['users/', ':id', '/posts/', 'assets/']) expect(lines).to.include(part)
    })

    it('refuses a route without a handler function with ERR_OPTION_INVALID naming the route', () => {
      expect(() => new App().get('/x', {}, 'not a handler' as never))
        .to.throw(InvalidOptionError, 'route GET /x: expected one or more handler functions')
        .with.property('code', 'ERR_OPTION_INVALID')
      expect(() => new App().all('/y', {}))
        .to.throw(InvalidOptionError, 'route ALL /y: expected one or more handler functions')
        .with.property('code', 'ERR_OPTION_INVALID')
    })
  })

  describe('middleware', () => {
    it('runs middleware in order around the handler through next()', async () => {
      const events: string[] = []
      const app = new App()
        .use(async (_req, _res, next) => {
          events.push('a before')
          await next()
          events.push('a after')
        })
        .use(async (_req, _res, next) => {
          events.push('b before')
          await next()
          events.push('b after')
        })
        .get('/', () => {
          events.push('handler')
          return 'ok'
        })
      const res = await app.inject({ path: '/' })
      expect(res.text()).to.equal('ok')
      expect(events).to.deep.equal(['a before', 'b before', 'handler', 'b after', 'a after'])
    })

    it('passes values to the handler in req.state', async () => {
      const app = new App()
        .use((req, _res, next) => {
          req.state.user = { id: 7 }
          return next()
        })
        .get('/me', (req) => req.state.user)
      expect((await app.inject({ path: '/me' })).json()).to.deep.equal({ id: 7 })
    })

    it('stops the chain when a middleware answers without calling next()', async () => {
      let handlerRan = false
      const app = new App()
        .use((_req, res) => res.status(401).json({ message: 'no' }))
        .get('/', () => {
          handlerRan = true
          return 'ok'
        })
      const res = await app.inject({ path: '/' })
      expect(res.status).to.equal(401)
      expect(handlerRan).to.equal(false)
    })

    it('runs middleware before the 404 answer too', async () => {
      const app = new App().use(async (_req, res, next) => {
        res.header('X-Seen', 'yes')
        await next()
      })
      const res = await app.inject({ path: '/missing' })
      expect(res.status).to.equal(404)
      expect(res.headers['x-seen']).to.equal('yes')
    })

    it('runs several route handlers in order through next()', async () => {
      const app = new App().get(
        '/',
        (req, _res, next) => {
          req.state.step = 'first'
          return next()
        },
        (req) => `after ${String(req.state.step)}`,
      )
      expect((await app.inject({ path: '/' })).text()).to.equal('after first')
    })
  })

  describe('return values', () => {
    const app = new App()
      .get('/text', () => 'hello')
      .get('/json', async () => ({ a: [1, 2] }))
      .get('/bytes', () => Buffer.from([1, 2, 3]))
      .get('/nothing', () => undefined)

    const cases: [string, string, string][] = [
      ['/text', 'text/plain; charset=utf-8', 'hello'],
      ['/json', JSON_TYPE, '{"a":[1,2]}'],
      ['/bytes', 'application/octet-stream', '\x01\x02\x03'],
    ]
    for (const [path, type, body] of cases) {
      it(`sends the value returned by ${path} as ${type}`, async () => {
        const res = await app.inject({ path })
        expect(res.status).to.equal(200)
        expect(res.headers['content-type']).to.equal(type)
        expect(res.body.toString('latin1')).to.equal(body)
      })
    }

    it('reports ERR_NO_RESPONSE to onError and answers 500 when a handler sends nothing', async () => {
      const seen: unknown[] = []
      const quiet = new App().get('/nothing', () => undefined).onError((err) => void seen.push(err))
      const res = await quiet.inject({ path: '/nothing' })
      expect(res.status).to.equal(500)
      expect(res.json()).to.deep.equal({ message: 'Internal Server Error' })
      expect(seen.map((e) => (e as GatehouseError).code)).to.deep.equal(['ERR_NO_RESPONSE'])
    })
  })

  describe('errors and hooks', () => {
    it('hands the thrown error and the request to onError, which may send its own response', async () => {
      const boom = new Error('boom')
      const seen: [unknown, string | undefined][] = []
      const app = new App()
        .get('/fail', () => {
          throw boom
        })
        .onError((err, req, res) => {
          seen.push([err, req?.path])
          res?.status(503).json({ message: 'try later' })
        })
      const res = await app.inject({ path: '/fail' })
      expect(res.status).to.equal(503)
      expect(res.json()).to.deep.equal({ message: 'try later' })
      expect(seen).to.deep.equal([[boom, '/fail']])
    })

    it('answers 500 with a JSON message when onError sends nothing', async () => {
      const app = new App().get('/fail', async () => Promise.reject(new Error('boom'))).onError(() => undefined)
      const res = await app.inject({ path: '/fail' })
      expect(res.status).to.equal(500)
      expect(res.json()).to.deep.equal({ message: 'Internal Server Error' })
    })

    it('answers a thrown client error with its own status and message', async () => {
      const app = new App().post('/json', (req) => req.json()).onError(() => undefined)
      const res = await app.inject({ method: 'POST', path: '/json', body: '{nope' })
      expect(res.status).to.equal(400)
      expect(res.json<{ message: string }>().message).to.match(/^request body is not valid JSON: /)
    })

    it('uses the handler given to app.notFound for unmatched paths', async () => {
      const app = new App().notFound((req, res) => res.status(404).text(`no ${req.path}`))
      const res = await app.inject({ path: '/x/y' })
      expect(res.status).to.equal(404)
      expect(res.text()).to.equal('no /x/y')
    })
  })

  describe('per-route options', () => {
    const app = new App({ limits: { maxBodyBytes: 16 } })
      .post('/small', { bodyLimit: 8 }, (req) => `got ${req.body.length}`)
      .post('/large', { bodyLimit: 64 }, (req) => `got ${req.body.length}`)
      .post('/default', (req) => `got ${req.body.length}`)
      .get('/files/*', { waf: 'off' }, (req) => ({ file: req.params['*'] }))
      .get('/docs/*', (req) => ({ file: req.params['*'] }))

    it('answers 413 and closes for a body over the route bodyLimit', async () => {
      const res = await app.inject({ method: 'POST', path: '/small', body: 'x'.repeat(9) })
      expect(res.status).to.equal(413)
      expect(res.headers.connection).to.equal('close')
      expect(res.json()).to.deep.equal({ message: 'Payload too large' })
    })

    it('applies limits.maxBodyBytes to routes without a bodyLimit', async () => {
      expect((await app.inject({ method: 'POST', path: '/default', body: 'x'.repeat(9) })).text()).to.equal('got 9')
      expect((await app.inject({ method: 'POST', path: '/default', body: 'x'.repeat(17) })).status).to.equal(413)
    })

    it('lets a route bodyLimit raise the default', async () => {
      expect((await app.inject({ method: 'POST', path: '/large', body: 'x'.repeat(40) })).text()).to.equal('got 40')
    })

    it('lets a path traversal through on a route with waf: off', async () => {
      const res = await app.inject({ path: '/files/..%2f..%2fetc%2fpasswd' })
      expect(res.status).to.equal(200)
      expect(res.json()).to.deep.equal({ file: '../../etc/passwd' })
    })

    it('blocks the same traversal with 400 under the default WAF mode', async () => {
      const res = await app.inject({ path: '/docs/..%2f..%2fetc%2fpasswd' })
      expect(res.status).to.equal(400)
      expect(res.json()).to.deep.equal({ message: 'Request blocked', rule: 'traversal' })
    })

    it('blocks a raw dot-segment traversal and an encoded CRLF in a header under the default WAF mode', async () => {
      const dots = await app.inject({ path: '/docs/../../etc/passwd' })
      expect([dots.status, dots.json()]).to.deep.equal([400, { message: 'Request blocked', rule: 'traversal' }])
      const crlf = await app.inject({ path: '/docs/a', headers: { 'X-Forwarded-For': '1.2.3.4%0d%0aSet-Cookie: a=b' } })
      expect([crlf.status, crlf.json()]).to.deep.equal([400, { message: 'Request blocked', rule: 'header-injection' }])
      const clean = await app.inject({ path: '/docs/a', headers: { 'X-Progress': '50%25' } })
      expect([clean.status, clean.json()]).to.deep.equal([200, { file: 'a' }])
    })
  })

  describe('Request', () => {
    it('exposes method, target, path, version, query, headers, body and remote address', async () => {
      let seen: Record<string, unknown> = {}
      const app = new App().post('/items/:id', (req) => {
        seen = {
          method: req.method,
          target: req.target,
          path: req.path,
          httpVersion: req.httpVersion,
          query: { ...req.query },
          custom: req.header('X-CUSTOM'),
          missing: req.header('x-missing'),
          headers: { ...req.headers },
          rawHeaders: req.rawHeaders,
          text: req.text(),
          json: req.json(),
          params: { ...req.params },
          remoteAddress: req.remoteAddress,
          secure: req.secure,
        }
        return 'ok'
      })
      await app.inject({
        method: 'POST',
        path: '/items/42?a=1&b=x%20y&a=2',
        headers: { 'X-Custom': 'v', Accept: ['a/b', 'c/d'] },
        body: { n: 1 },
        remoteAddress: '198.51.100.4',
      })
      expect(seen).to.deep.equal({
        method: 'POST',
        target: '/items/42?a=1&b=x%20y&a=2',
        path: '/items/42',
        httpVersion: '1.1',
        query: { a: '2', b: 'x y' },
        custom: 'v',
        missing: undefined,
        headers: {
          host: 'localhost',
          'x-custom': 'v',
          accept: 'a/b, c/d',
          'content-type': 'application/json',
          'content-length': '7',
        },
        rawHeaders: [
          ['Host', 'localhost'],
          ['X-Custom', 'v'],
          ['Accept', 'a/b'],
          ['Accept', 'c/d'],
          ['Content-Type', 'application/json'],
          ['Content-Length', '7'],
        ],
        text: '{"n":1}',
        json: { n: 1 },
        params: { id: '42' },
        remoteAddress: '198.51.100.4',
        secure: false,
      })
    })
  })

  describe('Response', () => {
    it('sets the status and chains header() calls', async () => {
      const app = new App({ serverHeader: false }).get('/', (_req, res) => {
        const chained = res.status(201).header('X-A', '1').header('X-B', 2)
        expect(chained).to.equal(res)
        res.text('made')
      })
      expect(masked((await app.inject({ path: '/' })).raw)).to.equal(
        'HTTP/1.1 201 Created\r\nDate: *\r\nX-A: 1\r\nX-B: 2\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 4\r\n\r\nmade',
      )
    })

    it('redirects with 302 by default and with the status given', async () => {
      const app = new App({ serverHeader: false })
        .get('/old', (_req, res) => res.redirect('/new'))
        .get('/moved', (_req, res) => res.redirect('https://example.test/', 301))
      expect(masked((await app.inject({ path: '/old' })).raw)).to.equal(
        'HTTP/1.1 302 Found\r\nDate: *\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n',
      )
      const moved = await app.inject({ path: '/moved' })
      expect([moved.status, moved.headers.location]).to.deep.equal([301, 'https://example.test/'])
    })

    it('percent-encodes a redirect target that is not ASCII, or holds spaces or controls, as UTF-8', async () => {
      const app = new App({ serverHeader: false })
        .get('/euro', (_req, res) => res.redirect('/articles/€-prices?q=é ü#top'))
        .get('/split', (_req, res) => res.redirect('/a\r\nSet-Cookie: x=1'))
        .get('/kept', (_req, res) => res.redirect('/already%20encoded/%E2%82%AC'))
      expect((await app.inject({ path: '/euro' })).headers.location).to.equal(
        '/articles/%E2%82%AC-prices?q=%C3%A9%20%C3%BC#top',
      )
      const split = await app.inject({ path: '/split' })
      expect([split.status, split.headers.location, split.headers['set-cookie']]).to.deep.equal([
        302,
        '/a%0D%0ASet-Cookie:%20x=1',
        undefined,
      ])
      expect((await app.inject({ path: '/kept' })).headers.location).to.equal('/already%20encoded/%E2%82%AC')
    })

    it('refuses every 1xx as a final status with ERR_INVALID_STATUS, 101 too: only upgrade() switches', async () => {
      const thrown: unknown[] = []
      const app = new App({ serverHeader: false }).get('/:code', (req, res) => {
        try {
          res.status(Number(req.params.code))
        } catch (err) {
          thrown.push((err as { code: string; value: number }).value)
        }
        res.text('final')
      })
      for (const code of ['100', '101', '102', '103', '199'])
        expect((await app.inject({ path: `/${code}` })).status).to.equal(200)
      expect(thrown).to.deep.equal([100, 101, 102, 103, 199])
    })

    it('answers a send() that failed after choosing its Content-Type with one Content-Type, JSON', async () => {
      const app = new App({ serverHeader: false })
      // send() picks text/plain, then refuses the handler's Transfer-Encoding for a whole body.
      app.get('/te', (_req, res) => res.header('Transfer-Encoding', 'chunked').send('ok'))
      const res = await app.inject({ path: '/te' })
      expect(res.status).to.equal(500)
      expect(res.headers['content-type']).to.equal('application/json; charset=utf-8')
      expect(res.text()).to.equal('{"message":"Internal Server Error"}')
    })

    it('refuses res.status(101) from a WebSocket-less handler, so no 101 is sent without its switch', async () => {
      const app = new App({ serverHeader: false })
      app.onError(() => undefined)
      app.get('/101', (_req, res) => res.status(101).send('x'))
      app.get('/next', () => 'still HTTP')
      const transport = new MemoryTransport({
        input: ['GET /101 HTTP/1.1\r\nHost: a\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'],
      })
      await app.serve(transport)
      const text = maskDates(transport.outputText('latin1'))
      expect(text).to.match(/^HTTP\/1\.1 500 Internal Server Error\r\n/)
      expect(text).to.not.include('101')
      expect(text).to.match(/\r\n\r\nstill HTTP$/)
    })

    it('throws ERR_RESPONSE_ALREADY_SENT when a response is sent twice, keeping the first', async () => {
      let second: unknown
      const app = new App().get('/', (_req, res) => {
        res.text('first')
        try {
          res.json({ second: true })
        } catch (err) {
          second = err
        }
      })
      expect((await app.inject({ path: '/' })).text()).to.equal('first')
      expect((second as GatehouseError).code).to.equal('ERR_RESPONSE_ALREADY_SENT')
      expect((second as GatehouseError).message).to.equal('cannot json(): the response was already sent')
    })

    it('throws ERR_INVALID_HEADER for a value holding CR LF, so the response cannot be split', async () => {
      let refused: unknown
      const app = new App().get('/', (_req, res) => {
        try {
          res.header('X-Next', 'a\r\nSet-Cookie: evil=1')
        } catch (err) {
          refused = err
        }
        res.text('safe')
      })
      const res = await app.inject({ path: '/' })
      expect(res.headers['set-cookie']).to.equal(undefined)
      expect(res.headers['x-next']).to.equal(undefined)
      expect((refused as GatehouseError).code).to.equal('ERR_INVALID_HEADER')
      expect((refused as GatehouseError).message).to.equal(
        'invalid header "X-Next": the value has a forbidden character (code 13) at index 1',
      )
    })

    it('throws ERR_INVALID_STATUS for a status outside 100-999', async () => {
      let refused: unknown
      const app = new App().get('/', (_req, res) => {
        try {
          res.status(42)
        } catch (err) {
          refused = err
        }
        res.text('ok')
      })
      expect((await app.inject({ path: '/' })).status).to.equal(200)
      expect((refused as GatehouseError).code).to.equal('ERR_INVALID_STATUS')
    })
  })
})

describe('app.open()', () => {
  const REQUEST = 'GET /hi HTTP/1.1\r\nHost: a\r\n\r\n'

  it('makes a Session not yet started, which run() starts and the caller can count and drain', async () => {
    const app = new App({ serverHeader: false }).get('/hi', () => 'hi')
    const transport = new MemoryTransport({ input: [REQUEST], endAfterInput: false })
    const session = app.open(transport)
    // Not started: nothing is read or written until run().
    expect(session.requestCount).to.equal(0)
    expect(transport.output.length).to.equal(0)
    const done = session.run()
    await transport.waitForOutput((output) => output.includes('\r\n\r\nhi'))
    expect(session.requestCount).to.equal(1)
    expect(session.closeReason).to.equal(undefined)
    // Idle between requests: shutdown() closes at once.
    session.shutdown()
    await done
    expect(session.closeReason).to.equal('shutdown')
    expect(transport.isOpen).to.equal(false)
    expect(maskDates(transport.outputText('latin1'))).to.equal(
      'HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\n\r\nhi',
    )
  })

  it('answers the request in progress with Connection: close when shut down under a pending handler', async () => {
    let release!: () => void
    const app = new App({ serverHeader: false }).get('/hi', async () => {
      await new Promise<void>((resolve) => (release = resolve))
      return 'late'
    })
    const transport = new MemoryTransport({ input: [REQUEST] })
    const session = app.open(transport)
    const done = session.run()
    while (release === undefined) await new Promise((resolve) => setImmediate(resolve))
    session.shutdown()
    release()
    await done
    expect(maskDates(transport.outputText('latin1'))).to.equal(
      'HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 4\r\nConnection: close\r\n\r\nlate',
    )
    expect(session.closeReason).to.equal('shutdown')
  })
})
