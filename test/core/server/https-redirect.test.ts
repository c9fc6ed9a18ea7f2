import { expect } from 'chai'
import { execFile, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import {
  connect as netConnect,
  createServer as createNetServer,
  type AddressInfo,
  type Server as NetServer,
} from 'node:net'
import tls from 'node:tls'
import { App } from '../../../core/app/app.js'
import type { HttpServer } from '../../../core/server/http-server.js'
import type { TlsConfig } from '../../../core/config/tls-config.js'
import { makeCertificate, type TestCertificate } from '../../certs/make-certificate.js'
import '../../helpers/unhandled-rejection-guard.js'
import { clientHello } from '../../helpers/client-hello.js'

const HOST = '127.0.0.1'
const HAS_CURL = spawnSync('which', ['curl']).status === 0
const JSON_TYPE = 'application/json; charset=utf-8'
const BAD_REQUEST =
  `HTTP/1.1 400 Bad Request\r\nServer: gatehouse\r\nDate: *\r\nContent-Type: ${JSON_TYPE}\r\n` +
  'Content-Length: 36\r\nConnection: close\r\n\r\n{"message":"Malformed HTTP request"}'

/** Every Date value masked, for byte comparisons. */
const masked = (text: string): string => text.replace(/\r\nDate: [^\r]+\r\n/g, '\r\nDate: *\r\n')

/** The exact 308 the plain port sends, Date masked. */
function redirectResponse(location: string, close: boolean): string {
  return (
    `HTTP/1.1 308 Permanent Redirect\r\nServer: gatehouse\r\nDate: *\r\nLocation: ${location}\r\n` +
    `Content-Length: 0\r\n${close ? 'Connection: close\r\n' : ''}\r\n`
  )
}

/** Sends `bytes` over plain TCP and resolves with everything received once the server closes. */
async function plainExchange(port: number, bytes: string | Buffer): Promise<string> {
  const socket = netConnect(port, HOST)
  await once(socket, 'connect')
  let text = ''
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')))
  socket.on('error', () => undefined)
  socket.write(bytes)
  await once(socket, 'close')
  return masked(text)
}

/** A port that was free a moment ago: bound on 0, then released. */
async function freePort(): Promise<number> {
  const probe = createNetServer().listen(0, HOST)
  await once(probe, 'listening')
  const { port } = probe.address() as AddressInfo
  probe.close()
  await once(probe, 'close')
  return port
}

describe('HTTP and HTTPS side by side (tls.port)', () => {
  let local: TestCertificate
  let servers: HttpServer[]

  before(async () => {
    local = await makeCertificate({ cn: 'localhost', ips: [HOST] })
  })

  beforeEach(() => {
    servers = []
  })

  afterEach(() => Promise.all(servers.map((server) => server.close())))

  async function serve(extra: Partial<TlsConfig>): Promise<HttpServer> {
    const app = new App({ tls: { cert: local.cert, key: local.key, port: 0, ...extra } })
      .get('/where', (req) => ({ secure: req.secure }))
      .post('/where', (req) => ({ secure: req.secure, posted: req.text() }))
    const server = await app.listen({ port: 0, host: HOST })
    servers.push(server)
    return server
  }

  /** Sends one request over TLS that closes the connection; resolves with the whole response. */
  async function tlsExchange(port: number, request: string): Promise<string> {
    const socket = tls.connect({ host: HOST, port, ca: local.cert, servername: 'localhost' })
    await once(socket, 'secureConnect')
    let text = ''
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')))
    socket.write(request)
    await once(socket, 'close')
    return masked(text)
  }

  it('serves HTTP on port and HTTPS on tls.port, each picking a free port for 0', async () => {
    const server = await serve({})
    expect(server.tlsPort).to.be.a('number').and.not.equal(server.port)
    expect(server.url).to.equal(`http://${HOST}:${server.port}`)
    expect(server.tlsUrl).to.equal(`https://${HOST}:${server.tlsPort}`)
    const request = 'GET /where HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'
    expect(await plainExchange(server.port, request)).to.match(/\r\n\r\n\{"secure":false\}$/)
    expect(await tlsExchange(server.tlsPort as number, request)).to.match(/\r\n\r\n\{"secure":true\}$/)
  })

  it('answers a TLS ClientHello sent to the plain port with 400 and closes the connection', async () => {
    const server = await serve({})
    expect(await plainExchange(server.port, clientHello())).to.equal(BAD_REQUEST)
  })

  it('rejects listen() with ERR_ADDRESS_IN_USE naming tls.port when it is taken, leaving the plain port free', async () => {
    const blocker: NetServer = createNetServer().listen(0, HOST)
    await once(blocker, 'listening')
    const plainPort = await freePort()
    try {
      const app = new App({ tls: { cert: local.cert, key: local.key, port: (blocker.address() as AddressInfo).port } })
      const err = await app.listen({ port: plainPort, host: HOST }).then(
        () => undefined,
        (e: NodeJS.ErrnoException) => e,
      )
      expect(err?.code).to.equal('ERR_ADDRESS_IN_USE')
      expect(err?.message).to.equal(
        `port ${(blocker.address() as AddressInfo).port} on ${HOST} is already in use: stop the other server or choose another port (PORT=…)`,
      )
      const probe = netConnect(plainPort, HOST)
      const outcome = await new Promise<string | undefined>((resolve) => {
        probe.on('connect', () => resolve('connected'))
        probe.on('error', (e: NodeJS.ErrnoException) => resolve(e.code))
      })
      probe.destroy()
      expect(outcome).to.equal('ECONNREFUSED')
    } finally {
      blocker.close()
    }
  })

  describe('with redirectHttp', () => {
    const cases: Array<[string, string, (tlsPort: number) => string]> = [
      [
        'keeps the host name, path and query',
        'GET /a/b?x=1&y=%20 HTTP/1.1\r\nHost: example.com:8080\r\n\r\n',
        (p) => `https://example.com:${p}/a/b?x=1&y=%20`,
      ],
      [
        'keeps a Host without a port',
        'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n',
        (p) => `https://example.com:${p}/`,
      ],
      ['keeps a bracketed IPv6 host', 'GET /v6 HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n', (p) => `https://[::1]:${p}/v6`],
      [
        'uses the name it listens on for an HTTP/1.0 request without Host',
        'GET /old HTTP/1.0\r\n\r\n',
        (p) => `https://127.0.0.1:${p}/old`,
      ],
      [
        'uses the name it listens on for an empty Host',
        'GET /e HTTP/1.1\r\nHost: \r\n\r\n',
        (p) => `https://127.0.0.1:${p}/e`,
      ],
      [
        "takes an absolute-form target's authority over Host (RFC 9112 §3.2.2)",
        'GET http://a.example:81/x HTTP/1.1\r\nHost: b.example\r\n\r\n',
        (p) => `https://a.example:${p}/x`,
      ],
      [
        'takes the path of an absolute-form target (RFC 9112 §3.2.2)',
        'GET http://example.com/abs?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n',
        (p) => `https://example.com:${p}/abs?q=1`,
      ],
    ]
    for (const [what, head, location] of cases) {
      it(`answers 308 to the HTTPS URL and ${what}`, async () => {
        const server = await serve({ redirectHttp: true })
        const request = head.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n')
        expect(await plainExchange(server.port, request)).to.equal(
          redirectResponse(location(server.tlsPort as number), true),
        )
      })
    }

    for (const host of ['user:pw@evil.example', 'evil.example/x?', 'a b/c?d#e']) {
      it(`answers 400 without a Location to Host: ${host}`, async () => {
        const server = await serve({ redirectHttp: true })
        const answer = await plainExchange(server.port, `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)
        expect(answer).to.match(/^HTTP\/1\.1 400 Bad Request\r\n/)
        expect(answer).not.to.include('Location')
      })
    }

    it('answers 308 to a POST too, so the client repeats the method and body over HTTPS (RFC 9110 §15.4.9)', async () => {
      const server = await serve({ redirectHttp: true })
      const request = 'POST /where HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi'
      expect(await plainExchange(server.port, request)).to.equal(
        redirectResponse(`https://localhost:${server.tlsPort}/where`, true),
      )
      expect(await tlsExchange(server.tlsPort as number, request)).to.match(/\r\n\r\n\{"secure":true,"posted":"hi"\}$/)
    })

    it('keeps the plain connection alive across redirects', async () => {
      const server = await serve({ redirectHttp: true })
      const requests =
        'GET /1 HTTP/1.1\r\nHost: localhost\r\n\r\nGET /2 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'
      expect(await plainExchange(server.port, requests)).to.equal(
        redirectResponse(`https://localhost:${server.tlsPort}/1`, false) +
          redirectResponse(`https://localhost:${server.tlsPort}/2`, true),
      )
    })

    it('still answers a TLS ClientHello on the plain port with 400 and closes', async () => {
      const server = await serve({ redirectHttp: true })
      expect(await plainExchange(server.port, clientHello())).to.equal(BAD_REQUEST)
    })

    if (HAS_CURL) {
      it('takes curl -k -L from the HTTP URL to the HTTPS handler', async () => {
        const server = await serve({ redirectHttp: true })
        const stdout = await new Promise<string>((resolve, reject) =>
          execFile('curl', ['-k', '-s', '-L', '--http1.1', `${server.url}/where`], (err, out) =>
            err === null ? resolve(out) : reject(err),
          ),
        )
        expect(stdout).to.equal('{"secure":true}')
      })
    }
  })
})
