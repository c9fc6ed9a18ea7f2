import { expect } from 'chai'
import * as api from '../index.js'

// The documented runtime API of the root entry and what kind of value each export is.
const DOCUMENTED: Readonly<Record<string, 'class' | 'function' | 'object' | 'symbol' | 'string'>> = {
  App: 'class',
  GATEHOUSE_ERROR: 'symbol',
  PROTOCOL_ERRORS: 'object',
  Request: 'class',
  Response: 'class',
  resolveConfig: 'function',
  loadConfig: 'function',
  DEFAULT_CONFIG: 'object',
  PlainTransport: 'class',
  TlsTransport: 'class',
  MemoryTransport: 'class',
  ProxyProtocolTransport: 'class',
  redisStore: 'function',
  parseProxyHeader: 'function',
  ensureDevCertificate: 'function',
  inspectCertificate: 'function',
  verifyCertificate: 'function',
  loadPem: 'function',
  Router: 'class',
  Connection: 'class',
  BodyStream: 'class',
  ResponseBuilder: 'class',
  transportDuplex: 'function',
  validateTlsConfig: 'function',
  createTlsSetup: 'function',
  Waf: 'class',
  MemorySessionStore: 'class',
  ClientSession: 'class',
  SessionRegistry: 'class',
  RouteGroup: 'class',
  CookieSigner: 'class',
  REQUEST_START_CHANNEL: 'string',
  RESPONSE_FINISH_CHANNEL: 'string',
}

/** Whether a function is declared with `class` (so calling it without `new` throws). */
function isClass(value: unknown): boolean {
  return typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value))
}

describe('root index', () => {
  const exports = api as Readonly<Record<string, unknown>>

  for (const [name, kind] of Object.entries(DOCUMENTED)) {
    it(`exports ${name} as ${kind === 'object' ? 'an' : 'a'} ${kind}`, () => {
      const value = exports[name]
      if (kind === 'class') expect(isClass(value)).to.equal(true)
      else if (kind === 'function')
        expect(value)
          .to.be.a('function')
          .and.satisfy((f: unknown) => !isClass(f))
      else if (kind === 'string') expect(value).to.be.a('string')
      else if (kind === 'symbol') expect(value).to.be.a('symbol')
      else expect(value).to.be.an('object')
    })
  }

  it('exports only documented values and error classes', () => {
    const extra = Object.keys(exports).filter((name) => !(name in DOCUMENTED) && !name.endsWith('Error'))
    expect(extra).to.deep.equal([])
  })

  it('serves a request end to end through the root exports alone', async () => {
    const app = new api.App({ serverHeader: false })
    app.get('/hello/:name', (req) => ({ hello: req.params.name }))
    const res = await app.inject({ path: '/hello/world' })
    expect(res.status).to.equal(200)
    expect(res.json()).to.deep.equal({ hello: 'world' })
  })

  it('serves over a MemoryTransport from the root entry', async () => {
    const app = new api.App({ serverHeader: false }).get('/', () => 'ok')
    const transport = new api.MemoryTransport({ input: ['GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'] })
    await app.serve(transport)
    expect(transport.outputText().replace(/Date: [^\r]+/, 'Date: *')).to.equal(
      'HTTP/1.1 200 OK\r\nDate: *\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok',
    )
  })

  it('exposes the frozen defaults', () => {
    expect(api.DEFAULT_CONFIG.limits.maxBodyBytes).to.equal(10 * 1024 * 1024)
    expect(Object.isFrozen(api.DEFAULT_CONFIG)).to.equal(true)
  })
})
