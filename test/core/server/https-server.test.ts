import { expect } from 'chai'
import { execFile, spawnSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import https from 'node:https'
import { connect as netConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import tls from 'node:tls'
import { App } from '../../../core/app/app.js'
import type { HttpServer } from '../../../core/server/http-server.js'
import type { TlsConfig } from '../../../core/config/tls-config.js'
import type { TlsDetails } from '../../../transports/transport.js'
import type { UserConfig } from '../../../core/config/config.js'
import { CertificateError } from '../../../certs/errors.js'
import { makeCertificate, type TestCertificate } from '../../certs/make-certificate.js'
import '../../helpers/unhandled-rejection-guard.js'
import { socketText, type SocketText } from '../../helpers/socket-text.js'

const HOST = '127.0.0.1'
const HAS_CURL = spawnSync('which', ['curl']).status === 0
const TEXT_TYPE = 'text/plain; charset=utf-8'

/** Every Date value masked, for byte comparisons. */
const masked = (text: string): string => text.replace(/\r\nDate: [^\r]+\r\n/g, '\r\nDate: *\r\n')

/** A whole `200 OK` text response as this server writes it, Date masked. */
function textResponse(body: string, close = false): string {
  return (
    `HTTP/1.1 200 OK\r\nServer: gatehouse\r\nDate: *\r\nContent-Type: ${TEXT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `${close ? 'Connection: close\r\n' : ''}\r\n${body}`
  )
}

const fingerprintOf = (pair: TestCertificate): string => new X509Certificate(pair.cert).fingerprint256

/** A TLS client after its handshake, recording every byte it receives. */
type TlsClient = SocketText<tls.TLSSocket>

/** A failed TLS exchange as both ends saw it. */
interface TlsFailure {
  readonly code: string | undefined
  readonly remoteAddress: string | undefined
}

describe('HTTPS over real TLS connections', () => {
  let dir: string
  let ca: TestCertificate
  let local: TestCertificate
  let local2: TestCertificate
  let api: TestCertificate
  let wildcard: TestCertificate
  let client: TestCertificate
  let stranger: TestCertificate
  let servers: HttpServer[]
  let sockets: tls.TLSSocket[]
  let failures: TlsFailure[]
  let seen: Array<{ secure: boolean; tls: TlsDetails | undefined }>

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-https-'))
    ca = await makeCertificate({ cn: 'Gatehouse Test CA', dns: [], isCa: true })
    ;[local, local2, api, wildcard, client, stranger] = await Promise.all([
      makeCertificate({ cn: 'localhost', ips: [HOST] }),
      makeCertificate({ cn: 'localhost', ips: [HOST] }),
      makeCertificate({ cn: 'api.example.com' }),
      makeCertificate({ cn: '*.example.com' }),
      makeCertificate({ cn: 'client one', dns: [], isClient: true, ca }),
      makeCertificate({ cn: 'stranger', dns: [], isClient: true }),
    ])
  })

  beforeEach(() => {
    servers = []
    sockets = []
    failures = []
    seen = []
  })

  afterEach(async () => {
    for (const socket of sockets) socket.destroy()
    await Promise.all(servers.map((server) => server.close()))
  })

  after(() => rmSync(dir, { recursive: true, force: true }))

  /** Serves `GET /n/:i` (text) and `GET /tls` (records what the handler saw) over HTTPS alone. */
  async function serve(tlsConfig: TlsConfig, config: UserConfig = {}): Promise<HttpServer> {
    const app = new App({ ...config, tls: tlsConfig })
      .get('/n/:i', (req) => `req ${req.params.i}`)
      .get('/tls', (req) => {
        seen.push({ secure: req.secure, tls: req.tls })
        return req.tls?.servername ?? 'no name'
      })
    const server = await app.listen({
      port: 0,
      host: HOST,
      onTlsError: (err, remoteAddress) => failures.push({ code: (err as NodeJS.ErrnoException).code, remoteAddress }),
    })
    servers.push(server)
    return server
  }

  async function connect(port: number, options: tls.ConnectionOptions = {}): Promise<TlsClient> {
    const socket = tls.connect({
      host: HOST,
      port,
      ca: local.cert,
      servername: 'localhost',
      ALPNProtocols: ['http/1.1'],
      ...options,
    })
    sockets.push(socket)
    await once(socket, 'secureConnect')
    return socketText(socket)
  }

  /** Sends one request that closes the connection and resolves with the whole response. */
  async function exchange(port: number, path: string, options: tls.ConnectionOptions = {}): Promise<string> {
    const c = await connect(port, options)
    c.socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`)
    return masked(await c.closed)
  }

  /** Resolves once the server has counted `count` failed handshakes in all. */
  async function failuresReach(server: HttpServer, count: number): Promise<void> {
    while (server.tlsHandshakeFailures < count) await new Promise((resolve) => setImmediate(resolve))
  }

  /** Attempts a handshake that the server should refuse; resolves with the client's error code. */
  async function refusedHandshake(port: number, options: tls.ConnectionOptions): Promise<string> {
    const socket = tls.connect({ host: HOST, port, ca: local.cert, servername: 'localhost', ...options })
    sockets.push(socket)
    let code = 'none'
    socket.on('error', (err: NodeJS.ErrnoException) => (code = code === 'none' ? (err.code ?? 'unknown') : code))
    // TLS 1.3 clients finish first; a request written then is never answered by a refusing server.
    socket.on('secureConnect', () => socket.write('GET /tls HTTP/1.1\r\nHost: localhost\r\n\r\n'))
    await new Promise((resolve) => socket.on('close', resolve))
    return code
  }

  describe('serving', () => {
    it('serves HTTPS on the main port when tls has no port of its own', async () => {
      const server = await serve({ cert: local.cert, key: local.key })
      expect(server.url).to.equal(`https://${HOST}:${server.port}`)
      expect(server.tlsPort).to.equal(server.port)
      expect(server.tlsUrl).to.equal(server.url)
    })

    it('answers two requests in turn on one keep-alive TLS connection', async () => {
      const server = await serve({ cert: local.cert, key: local.key })
      const c = await connect(server.port)
      c.socket.write('GET /n/1 HTTP/1.1\r\nHost: localhost\r\n\r\n')
      expect(masked(await c.until((text) => text.endsWith('req 1')))).to.equal(textResponse('req 1'))
      c.socket.write('GET /n/2 HTTP/1.1\r\nHost: localhost\r\n\r\n')
      const both = await c.until((text) => text.endsWith('req 2'))
      expect(masked(both)).to.equal(textResponse('req 1') + textResponse('req 2'))
      expect(c.socket.destroyed).to.equal(false)
      expect(server.connections).to.equal(1)
    })

    it('answers 12 requests pipelined in one TLS write with 12 responses in order', async () => {
      const server = await serve({ cert: local.cert, key: local.key })
      const c = await connect(server.port)
      let requests = ''
      for (let i = 0; i < 12; i++)
        requests += `GET /n/${i} HTTP/1.1\r\nHost: a\r\n${i === 11 ? 'Connection: close\r\n' : ''}\r\n`
      c.socket.write(requests)
      const expected = Array.from({ length: 12 }, (_, i) => textResponse(`req ${i}`, i === 11)).join('')
      expect(masked(await c.closed)).to.equal(expected)
    })

    it('is verified by node:https against its certificate and reuses the keep-alive socket', async () => {
      const server = await serve({ cert: local.cert, key: local.key })
      const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: local.cert })
      const get = (path: string): Promise<{ status: number; body: string; reused: boolean }> =>
        new Promise((resolve, reject) => {
          const req = https.get(`${server.url}${path}`, { agent }, (res) => {
            let body = ''
            res.setEncoding('latin1').on('data', (chunk: string) => (body += chunk))
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body, reused: req.reusedSocket }))
          })
          req.on('error', reject)
        })
      try {
        expect(await get('/n/1')).to.deep.equal({ status: 200, body: 'req 1', reused: false })
        expect(await get('/n/2')).to.deep.equal({ status: 200, body: 'req 2', reused: true })
      } finally {
        agent.destroy()
      }
    })

    if (HAS_CURL) {
      it('answers curl -k -s -i with the exact response', async () => {
        const server = await serve({ cert: local.cert, key: local.key })
        const stdout = await new Promise<string>((resolve, reject) =>
          execFile('curl', ['-k', '-s', '-i', '--http1.1', `${server.url}/n/7`], (err, out) =>
            err === null ? resolve(out) : reject(err),
          ),
        )
        expect(masked(stdout)).to.equal(textResponse('req 7'))
      })
    }
  })

  describe('what handlers see', () => {
    it('gives req.secure and req.tls with protocol, cipher, servername and ALPN, and no peer certificate', async () => {
      const server = await serve({ cert: local.cert, key: local.key })
      expect(await exchange(server.port, '/tls')).to.equal(textResponse('localhost', true))
      expect(seen).to.deep.equal([
        {
          secure: true,
          tls: {
            protocol: 'TLSv1.3',
            cipher: 'TLS_AES_256_GCM_SHA384',
            servername: 'localhost',
            alpnProtocol: 'http/1.1',
            authorized: false,
            peerCertificate: null,
          },
        },
      ])
    })

    it('reports TLS 1.2, its cipher, no ALPN and no servername to a client that offers none of them', async () => {
      const server = await serve({ cert: local.cert, key: local.key })
      const options = { maxVersion: 'TLSv1.2', ALPNProtocols: [], servername: '' } as const
      expect(await exchange(server.port, '/tls', options)).to.equal(textResponse('no name', true))
      expect(seen.map((s) => s.tls)).to.deep.equal([
        {
          protocol: 'TLSv1.2',
          cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256',
          servername: null,
          alpnProtocol: null,
          authorized: false,
          peerCertificate: null,
        },
      ])
    })

    it('picks the certificate by SNI: exact name, then wildcard, then the default', async () => {
      const server = await serve({
        cert: local.cert,
        key: local.key,
        sni: { 'api.example.com': api, '*.example.com': wildcard },
      })
      const served = async (servername: string): Promise<string> => {
        const c = await connect(server.port, { servername, rejectUnauthorized: false })
        const fingerprint = c.socket.getPeerCertificate().fingerprint256
        c.socket.destroy()
        return fingerprint
      }
      expect(await served('api.example.com')).to.equal(fingerprintOf(api))
      expect(await served('API.Example.com')).to.equal(fingerprintOf(api))
      expect(await served('www.example.com')).to.equal(fingerprintOf(wildcard))
      expect(await served('a.b.example.com')).to.equal(fingerprintOf(local))
      expect(await served('other.test')).to.equal(fingerprintOf(local))
      expect(await served('')).to.equal(fingerprintOf(local))
    })
  })

  describe('reloading certificates', () => {
    function writePair(pair: TestCertificate): { cert: string; key: string } {
      writeFileSync(join(dir, 'site.crt'), pair.cert)
      writeFileSync(join(dir, 'site.key'), pair.key)
      return { cert: join(dir, 'site.crt'), key: join(dir, 'site.key') }
    }

    it('swaps the certificate for new connections while open ones keep theirs and keep working', async () => {
      const server = await serve(writePair(local))
      const before = await connect(server.port)
      before.socket.write('GET /n/1 HTTP/1.1\r\nHost: localhost\r\n\r\n')
      await before.until((text) => text.endsWith('req 1'))
      writePair(local2)
      server.reloadCertificates()
      const after = await connect(server.port, { ca: local2.cert })
      expect(after.socket.getPeerCertificate().fingerprint256).to.equal(fingerprintOf(local2))
      expect(before.socket.getPeerCertificate().fingerprint256).to.equal(fingerprintOf(local))
      before.socket.write('GET /n/2 HTTP/1.1\r\nHost: localhost\r\n\r\n')
      const both = await before.until((text) => text.endsWith('req 2'))
      expect(masked(both)).to.equal(textResponse('req 1') + textResponse('req 2'))
    })

    it('throws ERR_CERT_KEY_MISMATCH for a bad pair and keeps serving the old certificate', async () => {
      const server = await serve(writePair(local))
      writeFileSync(join(dir, 'site.key'), api.key)
      expect(() => server.reloadCertificates())
        .to.throw(CertificateError)
        .with.property('code', 'ERR_CERT_KEY_MISMATCH')
      const c = await connect(server.port)
      expect(c.socket.getPeerCertificate().fingerprint256).to.equal(fingerprintOf(local))
    })
  })

  describe('mutual TLS', () => {
    it('gives the handler the verified client certificate when requestCert and ca are set', async () => {
      const server = await serve({ cert: local.cert, key: local.key, ca: ca.cert, requestCert: true })
      expect(await exchange(server.port, '/tls', { cert: client.cert, key: client.key })).to.equal(
        textResponse('localhost', true),
      )
      const details = seen[0]?.tls as TlsDetails
      expect(details.authorized).to.equal(true)
      const peer = details.peerCertificate as NonNullable<TlsDetails['peerCertificate']>
      expect(peer.subject).to.deep.equal({ CN: 'client one' })
      expect(peer.issuer).to.deep.equal({ CN: 'Gatehouse Test CA' })
      expect(peer.fingerprint256).to.equal(fingerprintOf(client))
      expect(peer.raw.equals(new X509Certificate(client.cert).raw)).to.equal(true)
      expect(peer.validTo).to.deep.equal(new Date(new X509Certificate(client.cert).validTo))
    })

    it('refuses a client without a certificate, counts it and never runs the handler', async () => {
      const server = await serve({ cert: local.cert, key: local.key, ca: ca.cert, requestCert: true })
      expect(await refusedHandshake(server.port, {})).to.equal('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED')
      await failuresReach(server, 1)
      expect(failures).to.deep.equal([{ code: 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE', remoteAddress: HOST }])
      expect(seen).to.deep.equal([])
    })

    it('refuses a client whose certificate does not chain to ca, counts it and never runs the handler', async () => {
      const server = await serve({ cert: local.cert, key: local.key, ca: ca.cert, requestCert: true })
      await refusedHandshake(server.port, { cert: stranger.cert, key: stranger.key })
      await failuresReach(server, 1)
      expect(failures.map((f) => f.remoteAddress)).to.deep.equal([HOST])
      expect(seen).to.deep.equal([])
    })

    it('lets an unverified client certificate through with authorized false when rejectUnauthorized is false', async () => {
      const server = await serve({
        cert: local.cert,
        key: local.key,
        ca: ca.cert,
        requestCert: true,
        rejectUnauthorized: false,
      })
      await exchange(server.port, '/tls', { cert: stranger.cert, key: stranger.key })
      const details = seen[0]?.tls as TlsDetails
      expect(details.authorized).to.equal(false)
      expect(details.peerCertificate?.subject).to.deep.equal({ CN: 'stranger' })
      expect(details.peerCertificate?.fingerprint256).to.equal(fingerprintOf(stranger))
    })
  })

  describe('failed handshakes', () => {
    it('counts a protocol-version failure and reports it to onTlsError with the peer address', async () => {
      const server = await serve({ cert: local.cert, key: local.key, minVersion: 'TLSv1.3' })
      expect(await refusedHandshake(server.port, { maxVersion: 'TLSv1.2' })).to.equal(
        'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
      )
      await failuresReach(server, 1)
      expect(failures).to.deep.equal([{ code: 'ERR_SSL_UNSUPPORTED_PROTOCOL', remoteAddress: HOST }])
      expect(await exchange(server.port, '/n/3')).to.equal(textResponse('req 3', true))
    })

    it('drops a connection that sends nothing after handshakeTimeoutMs and reports it with the peer address', async () => {
      const server = await serve({ cert: local.cert, key: local.key, handshakeTimeoutMs: 200 })
      const silent = netConnect(server.port, HOST)
      await once(silent, 'connect')
      const began = performance.now()
      await once(silent, 'close')
      expect(performance.now() - began)
        .to.be.at.least(150)
        .and.below(2000)
      await failuresReach(server, 1)
      expect(failures).to.deep.equal([{ code: 'ERR_TLS_HANDSHAKE_TIMEOUT', remoteAddress: HOST }])
    })

    it('counts failures without onTlsError and keeps serving', async () => {
      const app = new App({ tls: { cert: local.cert, key: local.key, minVersion: 'TLSv1.3' } }).get(
        '/n/:i',
        (req) => `req ${req.params.i}`,
      )
      const server = await app.listen({ port: 0, host: HOST })
      servers.push(server)
      await refusedHandshake(server.port, { maxVersion: 'TLSv1.2' })
      await failuresReach(server, 1)
      expect(await exchange(server.port, '/n/4')).to.equal(textResponse('req 4', true))
    })

    it('keeps an exception thrown by onTlsError away from the process', async () => {
      const app = new App({ tls: { cert: local.cert, key: local.key, minVersion: 'TLSv1.3' } })
      const reported: unknown[] = []
      app.onError((err) => void reported.push(err))
      let calls = 0
      const onTlsError = (): void => {
        calls++
        throw new Error('onTlsError hook failed')
      }
      const server = await app.listen({ port: 0, host: HOST, onTlsError })
      servers.push(server)
      // Mocha's own listener is set aside so that an escape is asserted here, once.
      const mochaListeners = process.listeners('uncaughtException')
      const escaped: string[] = []
      process.removeAllListeners('uncaughtException')
      process.on('uncaughtException', (err) => escaped.push(err.message))
      try {
        await refusedHandshake(server.port, { maxVersion: 'TLSv1.2' })
        await failuresReach(server, 1)
        await new Promise((resolve) => setImmediate(resolve))
      } finally {
        process.removeAllListeners('uncaughtException')
        for (const listener of mochaListeners) process.on('uncaughtException', listener)
      }
      expect({ calls, escaped }).to.deep.equal({ calls: 1, escaped: [] })
      expect(reported.map((err) => (err as Error).message)).to.deep.equal(['onTlsError hook failed'])
    })

    it('closes plaintext HTTP sent to the TLS port without a reply or a reset, and counts it', async () => {
      const server = await serve({ cert: local.cert, key: local.key })
      const plain = netConnect(server.port, HOST)
      await once(plain, 'connect')
      let received = ''
      let errorCode: string | undefined
      plain.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')))
      plain.on('error', (err: NodeJS.ErrnoException) => (errorCode = err.code))
      plain.write('GET /n/1 HTTP/1.1\r\nHost: localhost\r\n\r\n')
      await once(plain, 'close')
      expect({ received, errorCode }).to.deep.equal({ received: '', errorCode: undefined })
      await failuresReach(server, 1)
      expect(failures).to.deep.equal([{ code: 'ERR_SSL_HTTP_REQUEST', remoteAddress: HOST }])
    })
  })

  describe('bad configuration', () => {
    const cases: Array<[string, () => TlsConfig, string]> = [
      [
        'a certificate path that does not exist',
        () => ({ cert: join(dir, 'missing.crt'), key: local.key }),
        'ERR_CERT_UNREADABLE',
      ],
      [
        'a key that is not PEM',
        () => ({ cert: local.cert, key: 'not a key at all, nor a path\n' }),
        'ERR_CERT_UNREADABLE',
      ],
      ['a key of another certificate', () => ({ cert: local.cert, key: api.key }), 'ERR_CERT_KEY_MISMATCH'],
      [
        'a configured host name the certificate does not cover',
        () => ({ ...local, hostnames: ['www.example.org'] }),
        'ERR_CERT_NAME_MISMATCH',
      ],
      [
        'an SNI certificate that does not cover its name',
        () => ({ ...local, sni: { 'www.example.org': api } }),
        'ERR_CERT_NAME_MISMATCH',
      ],
      [
        'an unreadable CA file',
        () => ({ ...local, ca: join(dir, 'missing-ca.pem'), requestCert: true }),
        'ERR_CERT_UNREADABLE',
      ],
    ]
    for (const [what, config, code] of cases) {
      it(`rejects listen() with ${code} for ${what}`, async () => {
        const app = new App({ tls: config() })
        const err = await app.listen({ port: 0, host: HOST }).then(
          () => undefined,
          (e: unknown) => e,
        )
        expect(err).to.be.instanceOf(CertificateError)
        expect((err as CertificateError).code).to.equal(code)
      })
    }

    it('rejects listen() with ERR_CERT_EXPIRED and ERR_CERT_NOT_YET_VALID for certificates out of their dates', async () => {
      const day = 86_400_000
      const expired = await makeCertificate({
        notBefore: new Date(Date.now() - 60 * day),
        notAfter: new Date(Date.now() - day),
      })
      const future = await makeCertificate({ notBefore: new Date(Date.now() + day) })
      const codes: unknown[] = []
      for (const pair of [expired, future]) {
        await new App({ tls: pair }).listen({ port: 0, host: HOST }).catch((e: CertificateError) => codes.push(e.code))
      }
      expect(codes).to.deep.equal(['ERR_CERT_EXPIRED', 'ERR_CERT_NOT_YET_VALID'])
    })

    const invalid: Array<[string, Record<string, unknown>, string]> = [
      [
        'redirectHttp without port',
        { redirectHttp: true },
        'config tls.redirectHttp: needs tls.port: HTTP and HTTPS must listen on different ports',
      ],
      ['a port out of range', { port: 70000 }, 'config tls.port: must be an integer port from 0 to 65535, got 70000'],
      [
        'an unknown minVersion',
        { minVersion: 'TLSv1.1' },
        `config tls.minVersion: must be 'TLSv1.2' or 'TLSv1.3', got "TLSv1.1"`,
      ],
      [
        'a zero handshake timeout',
        { handshakeTimeoutMs: 0 },
        'config tls.handshakeTimeoutMs: must be a positive integer of milliseconds, got 0',
      ],
    ]
    for (const [what, extra, message] of invalid) {
      it(`throws ERR_CONFIG_INVALID from new App() for ${what}`, () => {
        expect(() => new App({ tls: { ...local, ...extra } as TlsConfig }))
          .to.throw(message)
          .with.property('code', 'ERR_CONFIG_INVALID')
      })
    }

    it('throws ERR_CONFIG_UNKNOWN_KEY from new App() for a misspelt tls key', () => {
      expect(() => new App({ tls: { ...local, redirectHTTP: true } as unknown as TlsConfig }))
        .to.throw('tls.redirectHTTP')
        .with.property('code', 'ERR_CONFIG_UNKNOWN_KEY')
    })
  })
})
