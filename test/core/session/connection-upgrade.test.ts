import { expect } from 'chai'
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { WebSocket, WebSocketServer } from 'ws'
import { App } from '../../../core/app/app.js'
import type { CloseReason, DetachedConnection } from '../../../core/request/connection.js'
import { MemoryTransport } from '../../../transports/memory-transport.js'
import { transportDuplex } from '../../../transports/transport-duplex.js'
import { servedText } from '../../helpers/serve-input.js'
import { jsonResponse } from '../../helpers/expected-response.js'
import { RawClient } from '../../helpers/raw-client.js'

const UPGRADE = (path: string, protocol = 'echo', extra = ''): string =>
  `GET ${path} HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: ${protocol}\r\n${extra}\r\n`
const WS_KEY = 'dGhlIHNhbXBsZSBub25jZQ=='
const WS_ACCEPT = createHash('sha1').update(`${WS_KEY}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64')

/** A masked client text frame (RFC 6455 §5.2), as a browser sends it. */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text)
  const mask = Buffer.from([1, 2, 3, 4])
  return Buffer.concat([
    Buffer.from([0x81, 0x80 | payload.length]),
    mask,
    payload.map((byte, i) => byte ^ mask[i % 4]!),
  ])
}

/** Echoes every chunk, prefixed, until the peer ends; then closes. */
async function echo({ transport, buffered }: DetachedConnection): Promise<void> {
  await transport.write(Buffer.from(`early:${buffered.toString('latin1')}|`))
  for (let chunk = await transport.read(); chunk !== null; chunk = await transport.read()) {
    await transport.write(Buffer.concat([Buffer.from('echo:'), chunk]))
  }
  transport.close()
}

describe('Connection API: protocol upgrades (issue 6)', () => {
  let app: App
  let closes: CloseReason[]
  let wss: WebSocketServer

  beforeEach(() => {
    app = new App()
    closes = []
    app.onClose((_conn, reason) => closes.push(reason))
    app.get('/up', (_req, res) => res.upgrade(echo))
    wss = new WebSocketServer({ noServer: true })
    app.upgrade('/chat', (req, { transport, buffered }) => {
      wss.handleUpgrade(req as never, transportDuplex(transport) as never, buffered, (ws) =>
        ws.on('message', (message, isBinary) => ws.send(message as Buffer, { binary: isBinary })),
      )
    })
  })

  afterEach(() => wss.close())

  describe('res.upgrade()', () => {
    it("sends 101 with Connection and the request's Upgrade, then hands over the bytes sent right behind the request", async () => {
      expect(await servedText(app, UPGRADE('/up') + 'first bytes')).to.equal(
        'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nearly:first bytes|',
      )
      expect(closes).to.deep.equal(['detached'])
    })

    it('leaves the transport open to the handler, which reads what follows', async () => {
      const t = new MemoryTransport({ endAfterInput: false })
      const served = app.serve(t)
      t.push(UPGRADE('/up'))
      await served
      expect(t.isOpen).to.equal(true)
      t.push('ping')
      await t.waitForOutput((out) => out.toString('latin1').endsWith('early:|echo:ping'))
      t.end()
    })

    it('adds the extra headers it is given', async () => {
      app.get('/extra', (_req, res) => res.upgrade(({ transport }) => transport.close(), { 'Sec-Test': 'yes' }))
      expect(await servedText(app, UPGRADE('/extra'))).to.equal(
        'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\nSec-Test: yes\r\n\r\n',
      )
    })

    it('answers 426 when the request did not ask for an upgrade', async () => {
      expect(await servedText(app, 'GET /up HTTP/1.1\r\nHost: a\r\n\r\n')).to.equal(
        jsonResponse('426 Upgrade Required', {
          message: 'the request for /up did not ask for an upgrade (Connection: upgrade and Upgrade)',
        }),
      )
    })
  })

  describe('app.upgrade()', () => {
    it('never switches protocols for an HTTP/1.0 request, which must ignore Upgrade (RFC 9110 §7.8)', async () => {
      const text = await servedText(
        app,
        'GET /chat HTTP/1.0\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
      )
      expect(text).to.equal(jsonResponse('426 Upgrade Required', { message: 'Upgrade Required' }, 'Connection: close'))
    })

    it('answers 426 JSON when the request has no Connection: upgrade', async () => {
      expect(await servedText(app, 'GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n')).to.equal(
        jsonResponse('426 Upgrade Required', { message: 'Upgrade Required' }),
      )
    })

    it('hands over without sending anything, with the bytes behind the request', async () => {
      app.upgrade('/raw', (_req, connection) => echo(connection))
      expect(await servedText(app, UPGRADE('/raw') + 'xyz')).to.equal('early:xyz|')
      expect(closes).to.deep.equal(['detached'])
    })

    it('carries a WebSocket frame sent in the same chunk as the upgrade request to ws (MemoryTransport.pair)', async () => {
      const [client, server] = MemoryTransport.pair()
      const served = app.serve(server)
      const request = UPGRADE('/chat', 'websocket', `Sec-WebSocket-Key: ${WS_KEY}\r\nSec-WebSocket-Version: 13\r\n`)
      await client.write(Buffer.concat([Buffer.from(request), maskedTextFrame('hello')]))
      const handshake = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${WS_ACCEPT}\r\n\r\n`
      const expected = Buffer.concat([Buffer.from(handshake), Buffer.from([0x81, 5]), Buffer.from('hello')])
      const received: Buffer[] = []
      while (Buffer.concat(received).length < expected.length) {
        const chunk = await client.read()
        if (chunk === null) break
        received.push(chunk)
      }
      expect(Buffer.concat(received).toString('latin1')).to.equal(expected.toString('latin1'))
      await served
      client.close()
    })

    it('echoes text and binary messages with ws over a real socket', async () => {
      const server = await app.listen({ port: 0, host: '127.0.0.1' })
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/chat`)
      await once(ws, 'open')
      ws.send('hello')
      const [text, textIsBinary] = (await once(ws, 'message')) as [Buffer, boolean]
      ws.send(Buffer.from([1, 2, 3]))
      const [bytes, bytesIsBinary] = (await once(ws, 'message')) as [Buffer, boolean]
      expect([text.toString(), textIsBinary]).to.deep.equal(['hello', false])
      expect([[...bytes], bytesIsBinary]).to.deep.equal([[1, 2, 3], true])
      ws.close()
      await once(ws, 'close')
      await server.close()
      expect(closes).to.deep.equal(['detached'])
    })

    it('hands over bytes sent right behind the upgrade request over a real socket', async () => {
      app.upgrade('/raw', (_req, connection) => echo(connection))
      const server = await app.listen({ port: 0, host: '127.0.0.1' })
      const client = await RawClient.connect(server.port)
      client.write(UPGRADE('/raw') + 'behind')
      await client.waitFor((text) => text === 'early:behind|')
      client.write('more')
      await client.waitFor((text) => text === 'early:behind|echo:more')
      client.socket.end()
      await client.ended()
      await server.close()
    })
  })
})
