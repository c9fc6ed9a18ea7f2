import { expect } from 'chai'
import { App } from '../../core/app/app.js'
import { MemoryTransport } from '../../transports/memory-transport.js'
import { ProxyProtocolTransport } from '../../transports/proxy-protocol-transport.js'
import { RawClient } from '../helpers/raw-client.js'

const REQUEST = 'GET /who HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'

function whoApp(): App {
  const app = new App({ serverHeader: false })
  app.get('/who', (req) => ({ address: req.remoteAddress }))
  return app
}

describe('ProxyProtocolTransport: the PROXY protocol as a transport wrapper', () => {
  it('hands the Session the bytes after the header, with the client address from it', async () => {
    const inner = new MemoryTransport({
      input: [`PROXY TCP4 203.0.113.9 10.0.0.1 5000 80\r\n${REQUEST.slice(0, 9)}`, REQUEST.slice(9)],
      remoteAddress: '10.0.0.2',
    })
    const proxied = await ProxyProtocolTransport.accept(inner)
    expect(proxied).to.be.instanceOf(ProxyProtocolTransport)
    await whoApp().serve(proxied as ProxyProtocolTransport)
    expect(inner.outputText()).to.match(/\r\n\r\n\{"address":"203\.0\.113\.9"\}$/)
  })

  it('keeps the real peer for a header that gives no addresses (UNKNOWN)', async () => {
    const inner = new MemoryTransport({ input: [`PROXY UNKNOWN\r\n${REQUEST}`], remoteAddress: '10.0.0.2' })
    const proxied = (await ProxyProtocolTransport.accept(inner)) as ProxyProtocolTransport
    expect(proxied.remoteAddress).to.equal('10.0.0.2')
    expect(proxied.proxy.family).to.equal('unknown')
  })

  it('closes a connection whose header is invalid, with the reason', async () => {
    const inner = new MemoryTransport({ input: [REQUEST] })
    expect(await ProxyProtocolTransport.accept(inner)).to.equal(
      'the connection does not start with a PROXY protocol signature',
    )
    expect(inner.isOpen).to.equal(false)
    expect(inner.output.length).to.equal(0)
  })

  it('closes a connection whose header does not arrive within headerTimeoutMs', async () => {
    const inner = new MemoryTransport({ input: ['PROXY TCP4 '], endAfterInput: false })
    expect(await ProxyProtocolTransport.accept(inner, { headerTimeoutMs: 20 })).to.equal('no PROXY header in time')
    expect(inner.isOpen).to.equal(false)
  })

  describe('on a listener with proxyProtocol', () => {
    it('serves a proxied connection as from the client, and closes and counts one without a header', async () => {
      const server = await whoApp().listen({ port: 0, host: '127.0.0.1', proxyProtocol: { headerTimeoutMs: 2000 } })
      try {
        const proxied = await RawClient.connect(server.port)
        proxied.write(`PROXY TCP6 2001:db8::7 ::1 4000 80\r\n${REQUEST}`)
        expect((await proxied.ended()).toString()).to.match(/\r\n\r\n\{"address":"2001:db8::7"\}$/)
        const bare = await RawClient.connect(server.port)
        bare.write(REQUEST)
        expect((await bare.ended()).length).to.equal(0)
        expect(server.proxyHeaderFailures).to.equal(1)
      } finally {
        await server.close()
      }
    })
  })
})
