import { expect } from 'chai'
import { X509Certificate } from 'node:crypto'
import { makeTestCertificate, tlsTransportPair, type TestCertificate, type TlsLoopbackOptions } from './loopback.js'

describe('TlsTransport', () => {
  let pems: TestCertificate
  let disposers: Array<() => Promise<void>>

  before(async () => {
    pems = await makeTestCertificate()
  })

  beforeEach(() => {
    disposers = []
  })

  afterEach(async () => {
    for (const dispose of disposers) await dispose()
  })

  async function serverSide(options?: TlsLoopbackOptions) {
    const pair = await tlsTransportPair(pems, options)
    disposers.push(pair.dispose)
    return pair.b
  }

  it('reports the SNI server name, the ALPN protocol, the protocol version and the cipher', async () => {
    const t = await serverSide({ servername: 'localhost', alpn: ['http/1.1'] })
    expect(t.tls.servername).to.equal('localhost')
    expect(t.tls.alpnProtocol).to.equal('http/1.1')
    expect(t.tls.protocol).to.equal('TLSv1.3')
    expect(t.tls.cipher).to.match(/^TLS_/)
  })

  it('reports null for ALPN when the client offered none', async () => {
    const t = await serverSide()
    expect(t.tls.alpnProtocol).to.equal(null)
  })

  it('reports no peer certificate and authorized false when the client sent none', async () => {
    const t = await serverSide({ requestCert: true })
    expect(t.tls.peerCertificate).to.equal(null)
    expect(t.tls.authorized).to.equal(false)
  })

  it('maps the client certificate sent under requestCert', async () => {
    const t = await serverSide({ requestCert: true, sendClientCert: true })
    const expected = new X509Certificate(pems.clientCert)
    const peer = t.tls.peerCertificate
    expect(t.tls.authorized).to.equal(true)
    expect(peer?.subject.CN).to.equal('alice')
    expect(peer?.issuer.CN).to.equal('localhost')
    expect(peer?.fingerprint256).to.equal(expected.fingerprint256)
    expect(peer?.raw.equals(expected.raw)).to.equal(true)
    expect(peer?.validFrom.getTime()).to.equal(new Date(expected.validFrom).getTime())
    expect(peer?.validTo.getTime()).to.equal(new Date(expected.validTo).getTime())
  })

  it('computes the details once and freezes them', async () => {
    const t = await serverSide({ requestCert: true, sendClientCert: true })
    expect(t.tls).to.equal(t.tls)
    expect(Object.isFrozen(t.tls)).to.equal(true)
    expect(Object.isFrozen(t.tls.peerCertificate?.subject)).to.equal(true)
  })

  it('keeps its details after the connection closed', async () => {
    const t = await serverSide({ alpn: ['http/1.1'] })
    const before = t.tls
    t.close()
    expect(t.tls).to.equal(before)
    expect(t.tls.alpnProtocol).to.equal('http/1.1')
  })
})
