import { expect } from 'chai'
import { App } from '../../../core/app/app.js'
import { MemoryTransport } from '../../../transports/memory-transport.js'

/** The Session's own 413 still carries the CORS fields for the allowed origin, right after Date. */
const CORS_413_HEAD = new RegExp(
  String.raw`^HTTP\/1\.1 413 Payload Too Large\r\nDate: \*\r\nVary: Origin\r\n` +
    String.raw`Access-Control-Allow-Origin: http:\/\/a\.test\r\n`,
)

function masked(raw: Buffer): string {
  return raw.toString('latin1').replace(/\r\nDate: [^\r]+\r\n/, '\r\nDate: *\r\n')
}

function corsApp(options: Parameters<App['cors']>[0]): App {
  const app = new App({ serverHeader: false })
  app.cors(options)
  app.get('/todos', (_req, res) => res.json([]))
  app.post('/todos', { bodyLimit: 8 }, (_req, res) => res.status(201).json({}))
  return app
}

describe('app.cors()', () => {
  it('answers a preflight with 204 and the allowed methods, headers and cache time', async () => {
    const res = await corsApp({ origin: ['http://a.test'], credentials: true }).inject({
      method: 'OPTIONS',
      path: '/todos',
      headers: {
        Origin: 'http://a.test',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type, x-token',
      },
    })
    expect(masked(res.raw)).to.equal(
      'HTTP/1.1 204 No Content\r\nDate: *\r\nVary: Access-Control-Request-Headers\r\n' +
        'Access-Control-Allow-Methods: GET, HEAD, PUT, PATCH, POST, DELETE\r\nAccess-Control-Max-Age: 600\r\n' +
        'Access-Control-Allow-Headers: content-type, x-token\r\nVary: Origin\r\nAccess-Control-Allow-Origin: http://a.test\r\n' +
        'Access-Control-Allow-Credentials: true\r\n\r\n',
    )
  })

  it('answers a preflight for a path without routes too, before the 404', async () => {
    const res = await corsApp({}).inject({
      method: 'OPTIONS',
      path: '/elsewhere',
      headers: { Origin: 'http://b.test', 'Access-Control-Request-Method': 'GET' },
    })
    expect([res.status, res.headers['access-control-allow-origin']]).to.deep.equal([204, '*'])
  })

  it('adds the origin to an allowed request, with Vary: Origin, and nothing for another origin', async () => {
    const app = corsApp({ origin: /^http:\/\/[a-z]+\.test$/, exposedHeaders: ['X-Total'] })
    const allowed = await app.inject({ path: '/todos', headers: { Origin: 'http://a.test' } })
    expect([
      allowed.headers['access-control-allow-origin'],
      allowed.headers['vary'],
      allowed.headers['access-control-expose-headers'],
    ]).to.deep.equal(['http://a.test', 'Origin', 'X-Total'])
    const refused = await app.inject({ path: '/todos', headers: { Origin: 'http://evil.example' } })
    expect([refused.status, refused.headers['access-control-allow-origin'], refused.headers['vary']]).to.deep.equal([
      200,
      undefined,
      'Origin',
    ])
  })

  it('answers * without Vary when every origin is allowed without credentials; echoes the origin with them', async () => {
    const open = await corsApp({}).inject({ path: '/todos', headers: { Origin: 'http://a.test' } })
    expect([open.headers['access-control-allow-origin'], open.headers['vary']]).to.deep.equal(['*', undefined])
    const fn = await corsApp({ origin: (origin) => origin.endsWith('.test'), credentials: true }).inject({
      path: '/todos',
      headers: { Origin: 'http://c.test' },
    })
    expect([fn.headers['access-control-allow-origin'], fn.headers['access-control-allow-credentials']]).to.deep.equal([
      'http://c.test',
      'true',
    ])
  })

  it("replaces the CORS fields a handler set itself, keeping their order after the handler's other fields", async () => {
    const app = new App({ serverHeader: false })
    app.cors({ origin: ['http://a.test'], credentials: true })
    app.get('/own', (_req, res) =>
      res
        .header('Access-Control-Allow-Origin', 'http://stale.test')
        .header('X-Kept', '1')
        .header('access-control-allow-credentials', 'false')
        .text('ok'),
    )
    const res = await app.inject({ path: '/own', headers: { Origin: 'http://a.test' } })
    expect(res.rawHeaders.filter(([name]) => name !== 'Date')).to.deep.equal([
      ['X-Kept', '1'],
      ['Vary', 'Origin'],
      ['Access-Control-Allow-Origin', 'http://a.test'],
      ['Access-Control-Allow-Credentials', 'true'],
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', '2'],
    ])
  })

  it("reaches the Session's own 413 and the 404", async () => {
    const app = corsApp({ origin: 'http://a.test' })
    const transport = new MemoryTransport({
      input: ['POST /todos HTTP/1.1\r\nHost: x\r\nOrigin: http://a.test\r\nContent-Length: 100\r\n\r\n'],
    })
    await app.serve(transport)
    expect(masked(transport.output)).to.match(CORS_413_HEAD)
    const missing = await app.inject({ path: '/nope', headers: { Origin: 'http://a.test' } })
    expect([missing.status, missing.headers['access-control-allow-origin']]).to.deep.equal([404, 'http://a.test'])
  })

  it('refuses bad options with ERR_OPTION_INVALID', () => {
    for (const bad of [
      { origin: 42 },
      { maxAge: -1 },
      { methods: ['GET POST'] },
      { credential: true },
      { credentials: true },
      { origin: '*', credentials: true },
    ]) {
      expect(() => new App().cors(bad as never))
        .to.throw()
        .with.property('code', 'ERR_OPTION_INVALID')
    }
  })

  it('names the fix when credentials come with every origin', () => {
    expect(() => new App().cors({ credentials: true })).to.throw(
      'credentials need the allowed origins named (an origin, a list, a RegExp or a function), not "*"',
    )
  })
})
