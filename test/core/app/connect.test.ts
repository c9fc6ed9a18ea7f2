import { expect } from 'chai'
import { once } from 'node:events'
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { App } from '../../../core/app/app.js'
import { InvalidOptionError } from '../../../core/errors.js'
import { MemoryTransport } from '../../../transports/memory-transport.js'
import type { DetachedConnection } from '../../../core/request/connection.js'

const HOST = '127.0.0.1'

/** Collects what a raw socket receives; `until` resolves once a predicate holds for it. */
function received(socket: Socket): { until: (predicate: (text: string) => boolean) => Promise<string> } {
  let text = ''
  const waiting: (() => void)[] = []
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1')
    for (const wake of waiting.splice(0)) wake()
  })
  return {
    async until(predicate) {
      while (!predicate(text)) await new Promise<void>((resolve) => waiting.push(resolve))
      return text
    },
  }
}

describe('app.connect(): CONNECT tunnels (RFC 9110 §9.3.6)', () => {
  it("refuses with the handler's answer and closes, reading nothing behind the request as HTTP", async () => {
    const seen: string[] = []
    const app = new App({ serverHeader: false })
    app.get('/', (_req, res) => res.text('must not run'))
    app.connect((req, res) => {
      seen.push(req.host)
      res.sendError(403, 'Not an allowed destination')
    })
    const transport = new MemoryTransport({
      input: ['CONNECT evil.example:25 HTTP/1.1\r\nHost: evil.example:25\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n'],
    })
    await app.serve(transport)
    const body = '{"message":"Not an allowed destination"}'
    expect(transport.outputText('latin1').replace(/\r\nDate: [^\r]*/, '')).to.equal(
      `HTTP/1.1 403 Forbidden\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    )
    expect(seen).to.deep.equal(['evil.example:25'])
  })

  it('answers 200 Connection Established and hands over the transport with the bytes sent behind', async () => {
    let detached: DetachedConnection | undefined
    const statuses: number[] = []
    const app = new App({ serverHeader: false })
    app.onFinish((_req, _res, info) => void statuses.push(info.status))
    app.connect(async (_req, _res, tunnel) => {
      detached = await tunnel()
    })
    const transport = new MemoryTransport({
      input: ['CONNECT db.internal:5432 HTTP/1.1\r\nHost: db.internal:5432\r\n\r\n\x00\x01tunnel bytes'],
    })
    await app.serve(transport)
    expect(transport.outputText('latin1')).to.equal('HTTP/1.1 200 Connection Established\r\n\r\n')
    expect(detached!.buffered.toString('latin1')).to.equal('\x00\x01tunnel bytes')
    expect(detached!.transport).to.equal(transport)
    expect(statuses).to.deep.equal([200])
  })

  it('refuses a second tunnel() and one after an answer with ERR_RESPONSE_ALREADY_SENT', async () => {
    const codes: string[] = []
    const app = new App({ serverHeader: false })
    app.connect(async (_req, res, tunnel) => {
      res.sendError(403, 'no')
      await tunnel().catch((err: { code: string }) => codes.push(err.code))
    })
    await app.serve(new MemoryTransport({ input: ['CONNECT a.example:1 HTTP/1.1\r\nHost: a.example:1\r\n\r\n'] }))
    expect(codes).to.deep.equal(['ERR_RESPONSE_ALREADY_SENT'])
  })

  it('runs middleware first, which may refuse before the handler', async () => {
    const app = new App({ serverHeader: false })
    app.use((req, res, next) =>
      req.header('proxy-authorization') === 'Basic ok' ? next() : res.sendError(407, 'Proxy auth'),
    )
    app.connect((_req, res) => res.sendError(502, 'unreachable'))
    const refused = new MemoryTransport({ input: ['CONNECT a.example:1 HTTP/1.1\r\nHost: a.example:1\r\n\r\n'] })
    await app.serve(refused)
    expect(refused.outputText('latin1')).to.match(/^HTTP\/1\.1 407 /)
    const passed = new MemoryTransport({
      input: ['CONNECT a.example:1 HTTP/1.1\r\nHost: a.example:1\r\nProxy-Authorization: Basic ok\r\n\r\n'],
    })
    await app.serve(passed)
    expect(passed.outputText('latin1')).to.match(/^HTTP\/1\.1 502 /)
  })

  it("closes after a middleware's refusal too: nothing behind the CONNECT is served", async () => {
    const app = new App({ serverHeader: false })
    app.get('/', (_req, res) => res.text('must not run'))
    app.use((_req, res) => res.status(407).header('Proxy-Authenticate', 'Basic').sendError(407, 'Proxy auth'))
    app.connect(async (_req, _res, tunnel) => void (await tunnel()))
    const transport = new MemoryTransport({
      input: ['CONNECT a.example:1 HTTP/1.1\r\nHost: a.example:1\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n'],
    })
    await app.serve(transport)
    const out = transport.outputText('latin1')
    expect(out).to.match(/^HTTP\/1\.1 407 /)
    expect(out).to.include('\r\nConnection: close\r\n')
    expect(out).to.not.include('must not run')
  })

  for (const [framing, body] of [
    ['Content-Length: 5', 'ABCDE'],
    ['Transfer-Encoding: chunked', '5\r\nABCDE\r\n0\r\n\r\n'],
  ]) {
    it(`answers 400 to a CONNECT with content (${framing}): a request without any (RFC 9110 §9.3.6)`, async () => {
      let ran = false
      const app = new App({ serverHeader: false }).connect(async (_req, _res, tunnel) => {
        ran = true
        await tunnel()
      })
      const transport = new MemoryTransport({
        input: [`CONNECT a.example:1 HTTP/1.1\r\nHost: a.example:1\r\n${framing}\r\n\r\n${body}`],
      })
      await app.serve(transport)
      expect([transport.outputText('latin1').split('\r\n')[0], ran]).to.deep.equal(['HTTP/1.1 400 Bad Request', false])
    })
  }

  it('serves a CONNECT with Content-Length: 0', async () => {
    const app = new App({ serverHeader: false }).connect((_req, res) => res.sendError(403, 'no'))
    const transport = new MemoryTransport({
      input: ['CONNECT a.example:1 HTTP/1.1\r\nHost: a.example:1\r\nContent-Length: 0\r\n\r\n'],
    })
    await app.serve(transport)
    expect(transport.outputText('latin1')).to.match(/^HTTP\/1\.1 403 /)
  })

  it('refuses a handler that is not a function with ERR_OPTION_INVALID', () => {
    expect(() => new App().connect('x' as never))
      .to.throw(InvalidOptionError, 'app.connect(): expected a handler function')
      .with.property('code', 'ERR_OPTION_INVALID')
  })

  describe('over real sockets', () => {
    let upstream: Server
    let server: Awaited<ReturnType<App['listen']>>

    afterEach(async () => {
      await server?.close()
      upstream?.close()
    })

    it('cuts an open tunnel at the shutdown deadline, so server.close() resolves', async () => {
      const app = new App({ serverHeader: false, shutdownTimeoutMs: 200 })
      let opened!: () => void
      const open = new Promise<void>((resolve) => (opened = resolve))
      app.connect(async (_req, _res, tunnel) => {
        await tunnel() // kept open, never read: its owner forgot it
        opened()
      })
      server = await app.listen({ port: 0, host: HOST })
      const client = connect(server.port, HOST)
      const got = received(client)
      await once(client, 'connect')
      client.write('CONNECT a.example:1 HTTP/1.1\r\nHost: a.example:1\r\n\r\n')
      await got.until((t) => t.includes('200 Connection Established'))
      await open
      const closedAt = once(client, 'close')
      const started = Date.now()
      await server.close()
      await closedAt
      expect(Date.now() - started).to.be.below(2000)
    })

    it('cuts a connection handed over by app.upgrade() at the shutdown deadline too', async () => {
      const app = new App({ serverHeader: false, shutdownTimeoutMs: 200 })
      app.upgrade('/raw', async (_req, { transport }) => {
        await transport.write(
          Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: raw\r\nConnection: Upgrade\r\n\r\n'),
        )
      })
      server = await app.listen({ port: 0, host: HOST })
      const client = connect(server.port, HOST)
      const got = received(client)
      await once(client, 'connect')
      client.write('GET /raw HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: raw\r\n\r\n')
      await got.until((t) => t.includes('101 Switching Protocols'))
      const closedAt = once(client, 'close')
      await server.close()
      await closedAt
    })

    it('carries bytes both ways between a client and an upstream server through the tunnel', async () => {
      upstream = createServer((socket) => socket.on('data', (d) => socket.write(`echo:${d.toString()}`)))
      upstream.listen(0, HOST)
      await once(upstream, 'listening')
      const upstreamPort = (upstream.address() as AddressInfo).port
      const app = new App({ serverHeader: false })
      app.connect(async (req, res, tunnel) => {
        if (req.host !== `${HOST}:${upstreamPort}`) return res.sendError(403, 'no')
        const out = connect(upstreamPort, HOST)
        await once(out, 'connect')
        const { transport, buffered } = await tunnel()
        if (buffered.length > 0) out.write(buffered)
        out.on('data', (d: Buffer) => void transport.write(d))
        out.on('close', () => transport.close())
        for (let chunk = await transport.read(); chunk !== null; chunk = await transport.read()) out.write(chunk)
        out.end()
      })
      server = await app.listen({ port: 0, host: HOST })
      const client = connect(server.port, HOST)
      const got = received(client)
      await once(client, 'connect')
      client.write(`CONNECT ${HOST}:${upstreamPort} HTTP/1.1\r\nHost: ${HOST}:${upstreamPort}\r\n\r\nfirst`)
      expect(await got.until((t) => t.includes('echo:first'))).to.equal(
        'HTTP/1.1 200 Connection Established\r\n\r\necho:first',
      )
      client.write('second')
      expect(await got.until((t) => t.includes('echo:second'))).to.equal(
        'HTTP/1.1 200 Connection Established\r\n\r\necho:firstecho:second',
      )
      client.end()
      await once(client, 'close')
    })
  })
})
