import { expect } from 'chai'
import { App } from '../../../core/app/app.js'
import type { CloseReason, Connection } from '../../../core/request/connection.js'
import { MemoryTransport } from '../../../transports/memory-transport.js'
import { servedText } from '../../helpers/serve-input.js'
import { textResponse } from '../../helpers/expected-response.js'
import { RawClient } from '../../helpers/raw-client.js'
import { maskDates } from '../../helpers/mask-dates.js'

const GET = (path: string, extra = ''): string => `GET ${path} HTTP/1.1\r\nHost: a\r\n${extra}\r\n`

describe('Connection API: connection data, properties and hooks (issue 6)', () => {
  let app: App
  let opened: Connection[]
  let closed: [Connection, CloseReason][]

  beforeEach(() => {
    app = new App({ timeouts: { idleTimeoutMs: 50 } })
    opened = []
    closed = []
    app.onConnection((conn) => opened.push(conn))
    app.onClose((conn, reason) => closed.push([conn, reason]))
    app.use((req, _res, next) => {
      req.connection.data.count = ((req.connection.data.count as number | undefined) ?? 0) + 1
      return next()
    })
    app.get('/count', (req, res) => res.text(String(req.connection.data.count)))
    app.get('/props', (req, res) => {
      const c = req.connection
      res.json({
        remoteAddress: c.remoteAddress,
        secure: c.secure,
        requestCount: c.requestCount,
        isOpen: c.isOpen,
        closeReason: c.closeReason ?? null,
      })
    })
    app.get('/abort', (req) => req.connection.abort())
    app.get('/close', (_req, res) => res.close().text('bye'))
  })

  it('gives every request on a connection the same data object, and a new connection a fresh one', async () => {
    expect(await servedText(app, GET('/count').repeat(3))).to.equal(
      textResponse('1') + textResponse('2') + textResponse('3'),
    )
    expect(await servedText(app, GET('/count'))).to.equal(textResponse('1'))
    expect(opened.length).to.equal(2)
    expect(opened[0]!.id).to.not.equal(opened[1]!.id)
  })

  it('reports the remote address, secure, the request count, isOpen and no close reason while open', async () => {
    const t = new MemoryTransport({ input: [GET('/count') + GET('/props')], remoteAddress: '10.0.0.7' })
    await app.serve(t)
    const body = JSON.parse(t.outputText().split('\r\n\r\n').pop()!) as unknown
    expect(body).to.deep.equal({
      remoteAddress: '10.0.0.7',
      secure: false,
      requestCount: 2,
      isOpen: true,
      closeReason: null,
    })
  })

  it('hands onConnection and onClose the very object handlers see, with its times in order', async () => {
    let seen: Connection | undefined
    app.get('/seen', (req, res) => {
      seen = req.connection
      res.text('ok')
    })
    await servedText(app, GET('/seen'))
    const [conn, reason] = closed[0]!
    expect(seen).to.equal(opened[0])
    expect(conn).to.equal(seen)
    expect(reason).to.equal('client-closed')
    expect(conn.isOpen).to.equal(false)
    expect(conn.closeReason).to.equal('client-closed')
    expect(conn.createdAt).to.be.at.most(conn.lastActiveAt)
  })

  const REASONS: [string, string, CloseReason][] = [
    ['the client ends the connection', GET('/count'), 'client-closed'],
    ['a response asks to close', GET('/close') + GET('/count'), 'completed'],
    ['the request says Connection: close', GET('/count', 'Connection: close\r\n'), 'completed'],
    ['the request is malformed', 'GET /count HTTP/1.1\r\nHost : a\r\n\r\n', 'error'],
    ['a handler aborts it', GET('/abort') + GET('/count'), 'aborted'],
  ]
  for (const [when, input, reason] of REASONS) {
    it(`calls onClose once with '${reason}' when ${when}`, async () => {
      await servedText(app, input)
      expect(closed.map(([, r]) => r)).to.deep.equal([reason])
    })
  }

  it("calls onClose with 'timeout' when an idle connection times out", async () => {
    const t = new MemoryTransport({ input: [GET('/count')], endAfterInput: false })
    await app.serve(t)
    expect(closed.map(([, r]) => r)).to.deep.equal(['timeout'])
    expect(t.isOpen).to.equal(false)
  })

  it("calls onClose with 'client-closed' and exposes lastError (EPIPE) when a write breaks the pipe", async () => {
    await servedText(app, { input: [GET('/count')], failWriteAfterBytes: 0 })
    const [conn, reason] = closed[0]!
    expect([reason, (conn.lastError as { code?: unknown } | undefined)?.code]).to.deep.equal(['client-closed', 'EPIPE'])
  })

  it("calls onClose with 'shutdown' for an idle real-socket connection when the server closes, and reports 127.0.0.1", async () => {
    const server = await app.listen({ port: 0, host: '127.0.0.1' })
    const client = await RawClient.connect(server.port)
    client.write(GET('/count') + GET('/props'))
    await client.waitFor((text) => text.includes('"closeReason":null}'))
    await server.close()
    await client.ended()
    expect(maskDates(client.text())).to.contain(
      '{"remoteAddress":"127.0.0.1","secure":false,"requestCount":2,"isOpen":true,"closeReason":null}',
    )
    expect(closed.map(([, r]) => r)).to.deep.equal(['shutdown'])
  })
})
