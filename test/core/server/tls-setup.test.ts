import { expect } from 'chai'
import { X509Certificate } from 'node:crypto'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import tls from 'node:tls'
import { createTlsSetup, type TlsSetup, type TlsSetupHooks } from '../../../core/server/tls-setup.js'
import { InvalidConfigError, UnknownConfigKeyError } from '../../../core/errors.js'
import { validateTlsConfig, type TlsConfig } from '../../../core/config/tls-config.js'
import { makeCertificate, type TestCertificate } from '../../certs/make-certificate.js'

interface Running {
  server: tls.Server
  port: number
  /** Server-side sockets, in the order they completed their handshake. */
  accepted: tls.TLSSocket[]
}

describe('createTlsSetup()', () => {
  let dir: string
  let ca: TestCertificate
  let local: TestCertificate
  let local2: TestCertificate
  let api: TestCertificate
  let wildcard: TestCertificate
  let client: TestCertificate
  let expiring: TestCertificate
  const setups: TlsSetup[] = []
  const servers: Running[] = []
  const clients: tls.TLSSocket[] = []

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-tls-setup-'))
    ca = await makeCertificate({ cn: 'Gatehouse Test CA', dns: [], isCa: true })
    ;[local, local2, api, wildcard, client, expiring] = await Promise.all([
      makeCertificate({ cn: 'localhost', ips: ['127.0.0.1'] }),
      makeCertificate({ cn: 'localhost', ips: ['127.0.0.1'] }),
      makeCertificate({ cn: 'api.example.com' }),
      makeCertificate({ cn: '*.example.com' }),
      makeCertificate({ cn: 'client one', dns: [], isClient: true, ca }),
      makeCertificate({ cn: 'soon.test', notAfter: new Date(Date.now() + 3 * 86_400_000) }),
    ])
  })

  afterEach(async () => {
    for (const socket of clients.splice(0)) socket.destroy()
    for (const setup of setups.splice(0)) setup.close()
    for (const running of servers.splice(0)) {
      for (const socket of running.accepted) socket.destroy()
      running.server.close()
      await once(running.server, 'close')
    }
  })

  after(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  function setUp(config: TlsConfig, hooks?: TlsSetupHooks): TlsSetup {
    const setup = createTlsSetup(config, hooks)
    setups.push(setup)
    return setup
  }

  async function serve(setup: TlsSetup): Promise<Running> {
    const accepted: tls.TLSSocket[] = []
    const server = tls.createServer(setup.serverOptions, (socket) => {
      accepted.push(socket)
      socket.on('error', () => socket.destroy())
      socket.pipe(socket)
    })
    setup.attach(server)
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const running = { server, port: (server.address() as AddressInfo).port, accepted }
    servers.push(running)
    return running
  }

  async function connect(port: number, options: tls.ConnectionOptions = {}): Promise<tls.TLSSocket> {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options })
    clients.push(socket)
    await once(socket, 'secureConnect')
    return socket
  }

  const fingerprint = (pair: TestCertificate): string => new X509Certificate(pair.cert).fingerprint256
  const subjectOf = (socket: tls.TLSSocket): string => socket.getPeerCertificate().subject.CN as string
  const fingerprintOf = (socket: tls.TLSSocket): string => socket.getPeerCertificate().fingerprint256

  async function echo(socket: tls.TLSSocket, text: string): Promise<string> {
    socket.write(text)
    const [data] = (await once(socket, 'data')) as [Buffer]
    return data.toString('latin1')
  }

  function writePair(name: string, pair: TestCertificate): { cert: string; key: string } {
    const cert = join(dir, `${name}.crt`)
    const key = join(dir, `${name}.key`)
    writeFileSync(cert, pair.cert)
    writeFileSync(key, pair.key)
    return { cert, key }
  }

  describe('server options', () => {
    it('defaults to TLS 1.2 minimum, ALPN http/1.1 and a 10 s handshake timeout', () => {
      const options = setUp({ cert: local.cert, key: local.key }).serverOptions
      expect(options.minVersion).to.equal('TLSv1.2')
      expect(options.ALPNProtocols).to.deep.equal(['http/1.1'])
      expect(options.handshakeTimeout).to.equal(10_000)
      expect(options.requestCert).to.equal(false)
    })

    it('takes the minimum version and handshake timeout from the configuration', () => {
      const options = setUp({
        cert: local.cert,
        key: local.key,
        minVersion: 'TLSv1.3',
        handshakeTimeoutMs: 2500,
      }).serverOptions
      expect(options.minVersion).to.equal('TLSv1.3')
      expect(options.handshakeTimeout).to.equal(2500)
    })
  })

  describe('certificate selection', () => {
    let running: Running

    beforeEach(async () => {
      const sni = {
        'api.example.com': { cert: api.cert, key: api.key },
        '*.example.com': { cert: wildcard.cert, key: wildcard.key },
      }
      running = await serve(setUp({ cert: local.cert, key: local.key, sni }))
    })

    const CASES: Array<[string, string | undefined, string]> = [
      ['an exact SNI name', 'api.example.com', 'api.example.com'],
      ['an SNI name in upper case', 'API.EXAMPLE.COM', 'api.example.com'],
      ['a name one label under a wildcard', 'www.example.com', '*.example.com'],
      ['a name two labels under a wildcard', 'a.b.example.com', 'localhost'],
      ['an unknown name', 'unknown.test', 'localhost'],
      ['no server name at all', undefined, 'localhost'],
    ]

    for (const [what, servername, subject] of CASES) {
      it(`serves the ${subject} certificate for ${what}`, async () => {
        const socket = await connect(running.port, servername === undefined ? {} : { servername })
        expect(subjectOf(socket)).to.equal(subject)
      })
    }

    it('negotiates http/1.1 through ALPN', async () => {
      const socket = await connect(running.port, { servername: 'localhost', ALPNProtocols: ['h2', 'http/1.1'] })
      expect(socket.alpnProtocol).to.equal('http/1.1')
    })

    it('refuses a client that offers nothing above TLS 1.1', async () => {
      const refused = once(running.server, 'tlsClientError') as Promise<[NodeJS.ErrnoException]>
      const socket = tls.connect({
        host: '127.0.0.1',
        port: running.port,
        rejectUnauthorized: false,
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.1',
        // OpenSSL 3 disables TLS 1.1 at its default security level; lower it to send a real 1.1 hello.
        ciphers: 'DEFAULT@SECLEVEL=0',
      })
      clients.push(socket)
      const [err] = (await once(socket, 'error')) as [NodeJS.ErrnoException]
      expect(err.code).to.equal('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION')
      expect((await refused)[0].code).to.equal('ERR_SSL_UNSUPPORTED_PROTOCOL')
    })
  })

  describe('reloading', () => {
    it('serves the new certificate to new connections while an open one keeps working', async () => {
      const files = writePair('reload', local)
      const setup = setUp({ ...files, hostnames: ['localhost'] })
      const running = await serve(setup)
      const before = await connect(running.port)
      expect(fingerprintOf(before)).to.equal(fingerprint(local))
      writePair('reload', local2)
      setup.reload()
      expect(fingerprintOf(await connect(running.port))).to.equal(fingerprint(local2))
      expect(fingerprintOf(await connect(running.port, { servername: 'localhost' }))).to.equal(fingerprint(local2))
      expect(await echo(before, 'still here')).to.equal('still here')
      expect(fingerprintOf(before)).to.equal(fingerprint(local))
    })

    it('keeps the old certificates and throws when the new ones fail their checks', async () => {
      const files = writePair('broken', local)
      const setup = setUp(files)
      const running = await serve(setup)
      writePair('broken', local2)
      writeFileSync(files.key, api.key)
      expect(() => setup.reload())
        .to.throw('the private key does not match certificate CN=localhost')
        .with.property('code', 'ERR_CERT_KEY_MISMATCH')
      expect(fingerprintOf(await connect(running.port))).to.equal(fingerprint(local))
      expect(fingerprintOf(await connect(running.port, { servername: 'localhost' }))).to.equal(fingerprint(local))
    })

    it('reloads by itself when watched files change', async () => {
      const files = writePair('watched', local)
      const hooks: TlsSetupHooks = {}
      const reloaded = new Promise<void>((resolve) => {
        hooks.onReload = resolve
      })
      const running = await serve(setUp({ ...files, watch: true }, hooks))
      expect(fingerprintOf(await connect(running.port))).to.equal(fingerprint(local))
      writePair('watched', local2)
      await reloaded
      expect(fingerprintOf(await connect(running.port))).to.equal(fingerprint(local2))
    })
  })

  describe('mutual TLS', () => {
    let running: Running

    beforeEach(async () => {
      running = await serve(setUp({ cert: local.cert, key: local.key, ca: ca.cert, requestCert: true }))
    })

    it('accepts a client certificate signed by the CA and exposes it to the server', async () => {
      const socket = await connect(running.port, { cert: client.cert, key: client.key })
      expect(await echo(socket, 'ping')).to.equal('ping')
      const accepted = running.accepted[0]
      expect(accepted.authorized).to.equal(true)
      expect(accepted.getPeerCertificate().subject.CN).to.equal('client one')
    })

    it('refuses a client without a certificate', async () => {
      const refused = once(running.server, 'tlsClientError') as Promise<[NodeJS.ErrnoException]>
      const socket = tls.connect({ host: '127.0.0.1', port: running.port, rejectUnauthorized: false })
      clients.push(socket)
      const clientErrors: Array<string | undefined> = []
      socket.on('error', (err: NodeJS.ErrnoException) => clientErrors.push(err.code))
      const closed = new Promise((resolve) => socket.on('close', resolve))
      expect((await refused)[0].code).to.equal('ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE')
      await closed
      expect(clientErrors).to.deep.equal(['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'])
      expect(running.accepted).to.deep.equal([])
    })
  })

  describe('start-up checks', () => {
    it('fails with ERR_CERT_NAME_MISMATCH when an SNI certificate does not cover its name', () => {
      const sni = { 'www.example.org': { cert: api.cert, key: api.key } }
      expect(() => setUp({ cert: local.cert, key: local.key, sni }))
        .to.throw('certificate CN=api.example.com does not cover host name "www.example.org"')
        .with.property('code', 'ERR_CERT_NAME_MISMATCH')
    })

    it('checks each configured host name against the certificate its handshake would get', () => {
      const sni = { '*.example.com': { cert: wildcard.cert, key: wildcard.key } }
      expect(
        setUp({ cert: local.cert, key: local.key, sni, hostnames: ['localhost', 'www.example.com'] }),
      ).to.have.property('serverOptions')
      expect(() => setUp({ cert: local.cert, key: local.key, sni, hostnames: ['example.com'] })).to.throw(
        'certificate CN=localhost does not cover host name "example.com"; it covers localhost, 127.0.0.1',
      )
    })

    it('fails with ERR_CERT_UNREADABLE naming a missing file', () => {
      const missing = join(dir, 'missing.crt')
      expect(() => setUp({ cert: missing, key: local.key }))
        .to.throw(`tls.cert (${missing}) cannot be read: no such file`)
        .with.property('code', 'ERR_CERT_UNREADABLE')
    })

    it('reports a certificate close to expiry through onWarning, labelled with its key', () => {
      const warnings: string[] = []
      const sni = { 'soon.test': { cert: expiring.cert, key: expiring.key } }
      setUp({ cert: local.cert, key: local.key, sni }, { onWarning: (message) => warnings.push(message) })
      expect(warnings).to.have.length(1)
      expect(warnings[0]).to.match(
        /^tls\.sni\["soon\.test"\]: certificate CN=soon\.test expires on .+, in 2 days; renew it soon$/,
      )
    })
  })
})

describe('validateTlsConfig()', () => {
  const BASE = { cert: 'site.crt', key: 'site.key' }

  it('returns a copy holding every given key', () => {
    const input = {
      ...BASE,
      ca: 'ca.crt',
      passphrase: 'pw',
      port: 8443,
      redirectHttp: true,
      sni: { '*.example.com': { cert: 'w.crt', key: 'w.key', passphrase: 'pw2' } },
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.3',
      handshakeTimeoutMs: 5000,
      watch: true,
      hostnames: ['example.com'],
    }
    const config = validateTlsConfig(input)
    expect(config).to.deep.equal(input)
    expect(config).to.not.equal(input)
  })

  const INVALID: Array<[string, Record<string, unknown>, string]> = [
    ['a missing cert', { key: 'k' }, 'config tls.cert: must be a non-empty string, got undefined'],
    ['an empty key', { cert: 'c', key: ' ' }, 'config tls.key: must be a non-empty string, got " "'],
    [
      'a port out of range',
      { ...BASE, port: 70000 },
      'config tls.port: must be an integer port from 0 to 65535, got 70000',
    ],
    [
      'redirectHttp without port',
      { ...BASE, redirectHttp: true },
      'config tls.redirectHttp: needs tls.port: HTTP and HTTPS must listen on different ports',
    ],
    [
      'an old minimum version',
      { ...BASE, minVersion: 'TLSv1.1' },
      "config tls.minVersion: must be 'TLSv1.2' or 'TLSv1.3', got \"TLSv1.1\"",
    ],
    [
      'a zero handshake timeout',
      { ...BASE, handshakeTimeoutMs: 0 },
      'config tls.handshakeTimeoutMs: must be a positive integer of milliseconds, got 0',
    ],
    ['a string for a boolean', { ...BASE, watch: 'yes' }, 'config tls.watch: must be true or false, got "yes"'],
    [
      'a passphrase that is not a string',
      { ...BASE, passphrase: 1234 },
      'config tls.passphrase: must be a string, got a number',
    ],
    [
      'hostnames that are not an array',
      { ...BASE, hostnames: 'a.test' },
      'config tls.hostnames: must be an array of host names, got "a.test"',
    ],
    [
      'an SNI name with a wildcard inside',
      { ...BASE, sni: { 'a.*.test': { cert: 'c', key: 'k' } } },
      'config tls.sni["a.*.test"]: must be a host name or a wildcard like *.example.com',
    ],
    [
      'an SNI entry without key',
      { ...BASE, sni: { 'a.test': { cert: 'c' } } },
      'config tls.sni["a.test"].key: must be a non-empty string, got undefined',
    ],
  ]

  for (const [what, input, message] of INVALID) {
    it(`throws ERR_CONFIG_INVALID for ${what}`, () => {
      expect(() => validateTlsConfig(input))
        .to.throw(InvalidConfigError, message)
        .with.property('code', 'ERR_CONFIG_INVALID')
    })
  }

  it('throws ERR_CONFIG_INVALID naming the prefix when the value is not an object', () => {
    expect(() => validateTlsConfig('on', 'server.tls')).to.throw(
      InvalidConfigError,
      'config server.tls: must be an object, got "on"',
    )
  })

  it('throws ERR_CONFIG_UNKNOWN_KEY naming a misspelt key', () => {
    expect(() => validateTlsConfig({ ...BASE, requestCerts: true }))
      .to.throw(UnknownConfigKeyError, 'config tls.requestCerts: unknown key')
      .with.property('code', 'ERR_CONFIG_UNKNOWN_KEY')
  })

  it('throws ERR_CONFIG_UNKNOWN_KEY naming a misspelt key of an SNI entry', () => {
    expect(() => validateTlsConfig({ ...BASE, sni: { 'a.test': { cert: 'c', key: 'k', ca: 'x' } } })).to.throw(
      UnknownConfigKeyError,
      'config tls.sni["a.test"].ca: unknown key',
    )
  })

  it('does not echo a long value in its message', () => {
    expect(() => validateTlsConfig({ ...BASE, minVersion: 'x'.repeat(60) })).to.throw(
      "config tls.minVersion: must be 'TLSv1.2' or 'TLSv1.3', got a long string",
    )
  })
})
