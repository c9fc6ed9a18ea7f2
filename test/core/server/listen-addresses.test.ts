import { expect } from 'chai'
import { once } from 'node:events'
import { connect as netConnect, createServer as createNetServer, type AddressInfo } from 'node:net'
import { networkInterfaces } from 'node:os'
import tls from 'node:tls'
import { App } from '../../../core/app/app.js'
import type { HttpServer } from '../../../core/server/http-server.js'
import { bindEach, listenAddresses, stopAccepting } from '../../../core/server/listen-addresses.js'
import { makeCertificate } from '../../certs/make-certificate.js'

const HAS_IPV6_LOOPBACK = Object.values(networkInterfaces()).some((addresses) =>
  (addresses ?? []).some((a) => a.internal && a.family === 'IPv6' && a.address === '::1'),
)
if (!HAS_IPV6_LOOPBACK) console.log('listen addresses: this machine has no ::1, so the IPv6 loopback specs do not run')

// Addresses to reach a server bound on `localhost` (or every interface) at.
const LOOPBACKS = HAS_IPV6_LOOPBACK ? ['127.0.0.1', '::1'] : ['127.0.0.1']

/** One `GET /where` over plain TCP to `address`, closing; resolves with the body. */
async function plainBody(address: string, port: number): Promise<string> {
  const socket = netConnect({ host: address, port })
  await once(socket, 'connect')
  let text = ''
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')))
  socket.write('GET /where HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')
  await once(socket, 'close')
  return text.slice(text.indexOf('\r\n\r\n') + 4)
}

/** Resolves with the error code a connection to `address` fails with, or `'connected'`. */
async function connectOutcome(address: string, port: number): Promise<string> {
  const socket = netConnect({ host: address, port })
  try {
    await once(socket, 'connect')
    return 'connected'
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'unknown'
  } finally {
    socket.destroy()
  }
}

function whereApp(config?: ConstructorParameters<typeof App>[0]): App {
  return new App(config).get('/where', (req) => ({ remote: req.remoteAddress, secure: req.secure }))
}

describe('listen(): the addresses a host is bound on', () => {
  let server: HttpServer | undefined

  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it('binds localhost (any case) on both loopback addresses, and any other host as given', () => {
    expect(listenAddresses('localhost')).to.deep.equal(['127.0.0.1', '::1'])
    expect(listenAddresses('LocalHost')).to.deep.equal(['127.0.0.1', '::1'])
    expect(listenAddresses('127.0.0.1')).to.deep.equal(['127.0.0.1'])
    expect(listenAddresses('example.test')).to.deep.equal(['example.test'])
    expect(listenAddresses(undefined)).to.deep.equal([undefined])
  })

  it(`answers on localhost at ${LOOPBACKS.join(' and ')}, on one port, and releases every address on close`, async () => {
    server = await whereApp().listen({ port: 0, host: 'localhost' })
    const port = server.port
    expect(server.url).to.equal(`http://localhost:${port}`)
    const bodies = await Promise.all(LOOPBACKS.map((address) => plainBody(address, port)))
    expect(bodies.map((body) => JSON.parse(body))).to.deep.equal(
      LOOPBACKS.map((address) => ({ remote: address, secure: false })),
    )
    await server.close()
    server = undefined
    expect(await Promise.all(LOOPBACKS.map((address) => connectOutcome(address, port)))).to.deep.equal(
      LOOPBACKS.map(() => 'ECONNREFUSED'),
    )
  })

  it(`answers with no host (every interface, one dual-stack socket) at ${LOOPBACKS.join(' and ')}`, async () => {
    server = await whereApp().listen({ port: 0 })
    const bodies = await Promise.all(LOOPBACKS.map((address) => plainBody(address, server!.port)))
    expect(bodies.map((body) => JSON.parse(body).secure)).to.deep.equal(LOOPBACKS.map(() => false))
  })

  it(`serves HTTPS beside HTTP on localhost at ${LOOPBACKS.join(' and ')}`, async () => {
    const certificate = await makeCertificate({ cn: 'localhost', ips: ['127.0.0.1', '::1'] })
    server = await whereApp({ tls: { cert: certificate.cert, key: certificate.key, port: 0 } }).listen({
      port: 0,
      host: 'localhost',
    })
    expect(server.tlsUrl).to.equal(`https://localhost:${server.tlsPort}`)
    for (const address of LOOPBACKS) {
      const socket = tls.connect({
        host: address,
        port: server.tlsPort!,
        ca: certificate.cert,
        servername: 'localhost',
      })
      await once(socket, 'secureConnect')
      let text = ''
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')))
      socket.write('GET /where HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')
      await once(socket, 'close')
      expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)), address).to.deep.equal({
        remote: address,
        secure: true,
      })
      expect(JSON.parse(await plainBody(address, server.port)).secure, address).to.equal(false)
    }
  })

  it('skips an address the machine does not have while another binds, and fails when none does', async () => {
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): no machine has it.
    const primary = createNetServer()
    expect(await bindEach(primary, 0, ['192.0.2.254', '127.0.0.1'], false)).to.deep.equal([])
    expect((primary.address() as AddressInfo).address).to.equal('127.0.0.1')
    await stopAccepting(primary)
    const alone = createNetServer()
    const err = await bindEach(alone, 0, ['192.0.2.254'], false).then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e.code,
    )
    expect([err, alone.listening]).to.deep.equal(['EADDRNOTAVAIL', false])
  })

  it('binds the same port on every address, a further listener handing its connections on', async () => {
    const served: string[] = []
    const primary = createNetServer((socket) => {
      served.push(socket.localAddress!)
      socket.end()
    })
    const further = await bindEach(primary, 0, ['127.0.0.1', '127.0.0.2'], false)
    const port = (primary.address() as AddressInfo).port
    try {
      expect(further.map((server) => server.address())).to.deep.equal([{ address: '127.0.0.2', family: 'IPv4', port }])
      for (const address of ['127.0.0.1', '127.0.0.2']) {
        const socket = netConnect({ host: address, port })
        await once(socket, 'close')
      }
      expect(served).to.deep.equal(['127.0.0.1', '127.0.0.2'])
    } finally {
      await Promise.all([primary, ...further].map(stopAccepting))
    }
  })

  if (HAS_IPV6_LOOPBACK) {
    it('refuses a port taken on ::1 alone with ERR_ADDRESS_IN_USE, leaving 127.0.0.1 free', async () => {
      const blocker = createNetServer().listen(0, '::1')
      await once(blocker, 'listening')
      const port = (blocker.address() as AddressInfo).port
      try {
        const err = await whereApp()
          .listen({ port, host: 'localhost' })
          .then(
            (listening) => void (server = listening),
            (e: NodeJS.ErrnoException) => e,
          )
        expect([err?.code, err?.message]).to.deep.equal([
          'ERR_ADDRESS_IN_USE',
          `port ${port} on localhost is already in use: stop the other server or choose another port (PORT=…)`,
        ])
        expect(await connectOutcome('127.0.0.1', port)).to.equal('ECONNREFUSED')
      } finally {
        blocker.close()
      }
    })
  }
})
