import type { TLSSocket, PeerCertificate as NodePeerCertificate } from 'node:tls'
import type { PeerCertificate, TlsDetails } from './transport.js'
import { SocketTransport, type SocketTransportOptions } from './socket-transport.js'

/**
 * Options of a `TlsTransport`.
 *
 * @example
 * ```ts
 * const options: TlsTransportOptions = { maxQueuedBytes: 32 * 1024 }
 * ```
 */
export type TlsTransportOptions = SocketTransportOptions

/**
 * A Transport over a `tls.TLSSocket` whose handshake has completed. It reads, writes and
 * closes exactly like `PlainTransport`, and adds `tls`: the negotiated protocol and cipher, the
 * SNI server name, the ALPN protocol and the client certificate.
 *
 * @example
 * ```ts
 * tls.createServer({ key, cert, ALPNProtocols: ['http/1.1'] }, (socket) => {
 *   const t = new TlsTransport(socket)
 *   console.log(t.tls.servername, t.tls.alpnProtocol)
 *   void app.serve(t)
 * }).listen(8443)
 * ```
 */
export class TlsTransport extends SocketTransport {
  readonly #socket: TLSSocket
  #details: TlsDetails | undefined

  /**
   * @param socket - a TLS socket after its handshake ('secureConnection' / 'secureConnect')
   * @param options - queue limit and close grace period
   */
  constructor(socket: TLSSocket, options?: TlsTransportOptions) {
    super(socket, options)
    this.#socket = socket
  }

  /** Details of the TLS session, read from the socket on first access and kept. */
  get tls(): TlsDetails {
    this.#details ??= readTlsDetails(this.#socket)
    return this.#details
  }
}

function readTlsDetails(socket: TLSSocket): TlsDetails {
  // A TLSSocket reports "none" as `false` (servername, alpnProtocol) or as an empty object
  // (getPeerCertificate); the interface says `null`.
  const servername = socket.servername
  const alpnProtocol = socket.alpnProtocol
  const certificate = socket.getPeerCertificate(false)
  return Object.freeze({
    protocol: socket.getProtocol() ?? null,
    cipher: socket.getCipher()?.name ?? null,
    servername: typeof servername === 'string' ? servername : null,
    alpnProtocol: typeof alpnProtocol === 'string' ? alpnProtocol : null,
    authorized: socket.authorized,
    peerCertificate: certificate?.raw === undefined ? null : toPeerCertificate(certificate),
  })
}

function toPeerCertificate(certificate: NodePeerCertificate): PeerCertificate {
  return Object.freeze({
    subject: toFields(certificate.subject),
    issuer: toFields(certificate.issuer),
    fingerprint256: certificate.fingerprint256,
    validFrom: new Date(certificate.valid_from),
    validTo: new Date(certificate.valid_to),
    raw: certificate.raw,
  })
}

/** Copies distinguished-name fields into a null-prototype record; repeated fields are joined. */
function toFields(name: NodePeerCertificate['subject'] | undefined): Readonly<Record<string, string>> {
  const fields: Record<string, string> = Object.create(null)
  if (name === undefined) return Object.freeze(fields)
  for (const key of Object.keys(name)) {
    const value = name[key]
    if (value !== undefined) fields[key] = typeof value === 'string' ? value : value.join(', ')
  }
  return Object.freeze(fields)
}
