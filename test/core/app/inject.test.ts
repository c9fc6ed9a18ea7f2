import { expect } from 'chai'
import { App } from '../../../core/app/app.js'
import { MalformedResponseError } from '../../../core/errors.js'
import { parseResponses } from '../../../core/wire/response-parser.js'
import type { Request } from '../../../core/request/request.js'

/** What the echo route reports about the request it received. */
interface Echo {
  method: string
  target: string
  rawHeaders: [string, string][]
  body: string
}

function echoApp(): App {
  const app = new App()
  const echo = (req: Request): Echo => ({
    method: req.method,
    target: req.target,
    rawHeaders: req.rawHeaders,
    body: req.text(),
  })
  app.all('/echo', echo)
  app.post('/bytes', (req) => req.body)
  return app
}

describe('app.inject()', () => {
  it('sends an object body as JSON with Content-Type and Content-Length computed', async () => {
    const res = await echoApp().inject({ method: 'POST', path: '/echo', body: { a: 1, b: ['x'] } })
    expect(res.status).to.equal(200)
    expect(res.json<Echo>()).to.deep.equal({
      method: 'POST',
      target: '/echo',
      rawHeaders: [
        ['Host', 'localhost'],
        ['Content-Type', 'application/json'],
        ['Content-Length', '17'],
      ],
      body: '{"a":1,"b":["x"]}',
    })
  })

  it('keeps a Content-Type given for an object body', async () => {
    const res = await echoApp().inject({
      method: 'PUT',
      path: '/echo',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: { a: null },
    })
    expect(res.json<Echo>().rawHeaders).to.deep.equal([
      ['Host', 'localhost'],
      ['content-type', 'application/merge-patch+json'],
      ['Content-Length', '10'],
    ])
  })

  it('sends a string body as UTF-8 text, unchanged and without a Content-Type', async () => {
    const res = await echoApp().inject({ method: 'POST', path: '/echo', body: 'héllo wörld' })
    expect(res.json<Echo>()).to.deep.equal({
      method: 'POST',
      target: '/echo',
      rawHeaders: [
        ['Host', 'localhost'],
        ['Content-Length', '13'],
      ],
      body: 'héllo wörld',
    })
  })

  it('sends a Buffer body byte for byte and reads raw bytes back', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
    const res = await echoApp().inject({ method: 'POST', path: '/bytes', body: bytes })
    expect(res.status).to.equal(200)
    expect(res.headers['content-type']).to.equal('application/octet-stream')
    expect(res.headers['content-length']).to.equal('256')
    expect(res.body.equals(bytes)).to.equal(true)
  })

  it('sends a Uint8Array body as bytes', async () => {
    const res = await echoApp().inject({ method: 'POST', path: '/bytes', body: new Uint8Array([0, 13, 10, 255]) })
    expect([...res.body]).to.deep.equal([0, 13, 10, 255])
  })

  it('sends one field line per value of a header array, in order', async () => {
    const res = await echoApp().inject({ path: '/echo', headers: { 'X-Tag': ['a', 'b'], Accept: 'text/plain' } })
    expect(res.json<Echo>().rawHeaders).to.deep.equal([
      ['Host', 'localhost'],
      ['X-Tag', 'a'],
      ['X-Tag', 'b'],
      ['Accept', 'text/plain'],
    ])
  })

  it('uses the Host given instead of adding localhost', async () => {
    const res = await echoApp().inject({ path: '/echo', headers: { host: 'example.test' } })
    expect(res.json<Echo>().rawHeaders).to.deep.equal([['host', 'example.test']])
  })

  it('accepts raw request bytes as a string and as a Buffer', async () => {
    const app = echoApp()
    const raw = 'DELETE /echo?x=1 HTTP/1.1\r\nHost: a\r\n\r\n'
    for (const request of [raw, Buffer.from(raw, 'latin1')]) {
      const res = await app.inject(request)
      expect(res.json<Echo>()).to.deep.equal({
        method: 'DELETE',
        target: '/echo?x=1',
        rawHeaders: [['Host', 'a']],
        body: '',
      })
    }
  })

  it('passes remoteAddress to the request', async () => {
    const app = new App().get('/ip', (req) => ({ ip: req.remoteAddress }))
    const res = await app.inject({ path: '/ip', remoteAddress: '203.0.113.7' })
    expect(res.json()).to.deep.equal({ ip: '203.0.113.7' })
  })

  it('parses a HEAD response as having no body', async () => {
    const app = new App().get('/page', () => 'twelve bytes')
    const res = await app.inject({ method: 'HEAD', path: '/page' })
    expect(res.status).to.equal(200)
    expect(res.headers['content-length']).to.equal('12')
    expect(res.body.length).to.equal(0)
  })

  it('returns the status line, headers, body and every raw byte written', async () => {
    const app = new App({ serverHeader: false }).get('/', (_req, res) => res.status(201).header('X-A', '1').text('ok'))
    const res = await app.inject({ path: '/' })
    expect(res.status).to.equal(201)
    expect(res.statusMessage).to.equal('Created')
    expect(res.rawHeaders.map(([name]) => name)).to.deep.equal(['Date', 'X-A', 'Content-Type', 'Content-Length'])
    expect(res.text()).to.equal('ok')
    expect(res.raw.toString('latin1').replace(/Date: [^\r]+/, 'Date: *')).to.equal(
      'HTTP/1.1 201 Created\r\nDate: *\r\nX-A: 1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\n\r\nok',
    )
  })

  it('rejects when the session writes no complete response', async () => {
    const app = new App()
    let error: unknown
    try {
      await app.inject('GET / HTTP/1.1\r\nHost: a\r\n')
    } catch (err) {
      error = err
    }
    expect(error).to.be.instanceOf(MalformedResponseError)
    expect((error as MalformedResponseError).code).to.equal('ERR_MALFORMED_RESPONSE')
    expect((error as Error).message).to.equal('no complete response; the session wrote ""')
  })

  it('refuses bytes that are not whole responses with ERR_MALFORMED_RESPONSE naming where', () => {
    const cases: [string, string][] = [
      ['HTTP/1.1 200 OK\r\nContent-Length: 0\r\n', 'incomplete response head at byte 0'],
      ['HTTP/2 200\r\n\r\n', 'bad status line: "HTTP/2 200"'],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'bad chunked body at byte 47'],
      ['HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab', 'body shorter than Content-Length 5'],
    ]
    for (const [bytes, message] of cases) {
      expect(() => parseResponses(Buffer.from(bytes, 'latin1')), message)
        .to.throw(MalformedResponseError, message)
        .with.property('code', 'ERR_MALFORMED_RESPONSE')
    }
  })
})
