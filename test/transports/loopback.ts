import net from 'node:net'
import tls from 'node:tls'
import { once } from 'node:events'
import { generate } from 'selfsigned'
import { PlainTransport } from '../../transports/plain-transport.js'
import { TlsTransport } from '../../transports/tls-transport.js'
import type { SocketTransportOptions } from '../../transports/socket-transport.js'

/** A connected client/server pair of sockets on 127.0.0.1, with a way to tear it all down. */
export interface Loopback<S extends net.Socket> {
  readonly client: S
  readonly server: S
  dispose(): Promise<void>
}

/** A certificate for `localhost` plus a client certificate signed by it. */
export interface TestCertificate {
  readonly key: string
  readonly cert: string
  readonly clientKey: string
  readonly clientCert: string
}

/**
 * Generates a `localhost` certificate and a client certificate it signs (EC keys: fast). The
 * server certificate is also a CA (basicConstraints, keyCertSign), so the client certificate
 * verifies against it.
 * @returns the PEM strings
 */
export async function makeTestCertificate(): Promise<TestCertificate> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    clientCertificate: { cn: 'alice' },
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  })
  return {
    key: pems.private,
    cert: pems.cert,
    clientKey: pems.clientprivate as string,
    clientCert: pems.clientcert as string,
  }
}

async function closeAll(server: net.Server, sockets: readonly net.Socket[]): Promise<void> {
  for (const socket of sockets) socket.destroy()
  await new Promise<void>((resolve) => server.close(() => resolve()))
}

/**
 * Opens a TCP server on an ephemeral port and connects one client to it.
 * @returns both sockets, connected
 */
export async function tcpLoopback(): Promise<Loopback<net.Socket>> {
  const server = net.createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as net.AddressInfo
  const accepted = once(server, 'connection') as Promise<[net.Socket]>
  const client = net.connect(port, '127.0.0.1')
  await once(client, 'connect')
  const [socket] = await accepted
  return { client, server: socket, dispose: () => closeAll(server, [client, socket]) }
}

/** Options of `tlsLoopback`. */
export interface TlsLoopbackOptions {
  readonly servername?: string
  readonly alpn?: readonly string[]
  readonly requestCert?: boolean
  readonly sendClientCert?: boolean
}

/**
 * Opens a TLS server on an ephemeral port and connects one client to it, both past the handshake.
 * @param pems - the certificate to serve (and trust on the client)
 * @param options - SNI, ALPN and client-certificate choices
 * @returns both sockets, secure
 */
export async function tlsLoopback(
  pems: TestCertificate,
  options: TlsLoopbackOptions = {},
): Promise<Loopback<tls.TLSSocket>> {
  const server = tls.createServer({
    key: pems.key,
    cert: pems.cert,
    ca: [pems.cert],
    requestCert: options.requestCert ?? false,
    rejectUnauthorized: false,
    ALPNProtocols: ['http/1.1'],
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as net.AddressInfo
  const accepted = once(server, 'secureConnection') as Promise<[tls.TLSSocket]>
  const client = tls.connect({
    host: '127.0.0.1',
    port,
    ca: [pems.cert],
    servername: options.servername ?? 'localhost',
    ...(options.alpn === undefined ? {} : { ALPNProtocols: [...options.alpn] }),
    ...(options.sendClientCert === true ? { key: pems.clientKey, cert: pems.clientCert } : {}),
  })
  await once(client, 'secureConnect')
  const [socket] = await accepted
  return { client, server: socket, dispose: () => closeAll(server, [client, socket]) }
}

/** Wraps a TCP loopback in two PlainTransports: `a` is the client side, `b` the server side. */
export async function plainTransportPair(options?: SocketTransportOptions) {
  const loop = await tcpLoopback()
  return { ...loop, a: new PlainTransport(loop.client, options), b: new PlainTransport(loop.server, options) }
}

/** Wraps a TLS loopback in two TlsTransports: `a` is the client side, `b` the server side. */
export async function tlsTransportPair(pems: TestCertificate, options?: TlsLoopbackOptions) {
  const loop = await tlsLoopback(pems, options)
  return { ...loop, a: new TlsTransport(loop.client), b: new TlsTransport(loop.server) }
}
