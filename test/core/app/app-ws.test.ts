import { expect } from 'chai'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { App } from '../../../core/app/app.js'
import type { HttpServer } from '../../../core/server/http-server.js'
import { makeCertificate } from '../../certs/make-certificate.js'

const HOST = '127.0.0.1'

/** The next message a client receives, as text. */
function nextMessage(ws: WebSocket): Promise<string> {
  return once(ws, 'message').then(([data]) => String(data))
}

describe('app.ws: WebSocket routes on the ws package, over real sockets', () => {
  let servers: HttpServer[] = []
  let clients: WebSocket[] = []

  async function listen(app: App): Promise<HttpServer> {
    const server = await app.listen({ port: 0, host: HOST })
    servers.push(server)
    return server
  }

  function connect(url: string, options: WebSocket.ClientOptions = {}, protocols?: string[]): WebSocket {
    const ws = new WebSocket(url, protocols, options)
    // A refused handshake, or one cut by terminate(), is reported as an error the test reads otherwise.
    ws.on('error', () => {})
    clients.push(ws)
    return ws
  }

  afterEach(async () => {
    for (const ws of clients) ws.terminate()
    await Promise.all(servers.map((s) => s.close()))
    servers = []
    clients = []
  })

  it('echoes messages over a real connection', async () => {
    const app = new App().ws('/echo', (ws) => ws.on('message', (m) => ws.send(`echo ${String(m)}`)))
    const server = await listen(app)
    const ws = connect(`ws://${HOST}:${server.port}/echo`)
    await once(ws, 'open')
    ws.send('hi')
    expect(await nextMessage(ws)).to.equal('echo hi')
  })

  it('passes verifyClient the request as ws expects it, and refuses with its status', async () => {
    const seen: unknown[] = []
    const app = new App().ws('/guarded', () => {}, {
      verifyClient: ((
        info: {
          origin: string
          secure: boolean
          req: { url: string; headers: Record<string, string>; socket: { remoteAddress?: string } }
        },
        done: (ok: boolean, code?: number) => void,
      ) => {
        seen.push({
          origin: info.origin,
          secure: info.secure,
          url: info.req.url,
          token: info.req.headers['x-token'],
          peer: info.req.socket.remoteAddress,
        })
        done(info.req.headers['x-token'] === 'ok', 401)
      }) as never,
    })
    const server = await listen(app)
    const refused = connect(`ws://${HOST}:${server.port}/guarded?room=1`, {
      headers: { 'X-Token': 'bad', Origin: 'http://app.test' },
    })
    const [, response] = (await once(refused, 'unexpected-response')) as [unknown, { statusCode: number }]
    expect(response.statusCode).to.equal(401)
    const accepted = connect(`ws://${HOST}:${server.port}/guarded?room=1`, {
      headers: { 'X-Token': 'ok', Origin: 'http://app.test' },
    })
    await once(accepted, 'open')
    expect(seen).to.deep.equal([
      { origin: 'http://app.test', secure: false, url: '/guarded?room=1', token: 'bad', peer: HOST },
      { origin: 'http://app.test', secure: false, url: '/guarded?room=1', token: 'ok', peer: HOST },
    ])
  })

  it('agrees a subprotocol through handleProtocols', async () => {
    const app = new App().ws('/proto', (ws) => ws.send(ws.protocol), {
      handleProtocols: (protocols: Set<string>) => (protocols.has('chat.v2') ? 'chat.v2' : false),
    })
    const server = await listen(app)
    const ws = connect(`ws://${HOST}:${server.port}/proto`, {}, ['chat.v1', 'chat.v2'])
    expect(await nextMessage(ws)).to.equal('chat.v2')
    expect(ws.protocol).to.equal('chat.v2')
  })

  it('gives verifyClient the TLS details over HTTPS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-ws-'))
    try {
      const { cert, key } = await makeCertificate({ cn: 'localhost', ips: [HOST] })
      writeFileSync(join(dir, 'cert.pem'), cert)
      writeFileSync(join(dir, 'key.pem'), key)
      const seen: unknown[] = []
      const app = new App({ tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') } }).ws(
        '/secure',
        (ws) => ws.send('ok'),
        {
          verifyClient: ((info: {
            secure: boolean
            req: { socket: { encrypted: boolean; authorized: boolean; getProtocol(): string } }
          }) => {
            seen.push({
              secure: info.secure,
              encrypted: info.req.socket.encrypted,
              authorized: info.req.socket.authorized,
              protocol: info.req.socket.getProtocol(),
            })
            return true
          }) as never,
        },
      )
      const server = await listen(app)
      const ws = connect(`wss://${HOST}:${server.port}/secure`, { ca: cert })
      expect(await nextMessage(ws)).to.equal('ok')
      expect(seen).to.deep.equal([{ secure: true, encrypted: true, authorized: false, protocol: 'TLSv1.3' }])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('answers a request that is not a WebSocket upgrade with 426 and Upgrade: websocket', async () => {
    const app = new App({ serverHeader: false }).ws('/echo', () => {})
    const res = await app.inject({ path: '/echo' })
    expect([res.status, res.headers.upgrade, res.json()]).to.deep.equal([
      426,
      'websocket',
      { message: 'Upgrade Required' },
    ])
  })

  it('closes a socket whose message exceeds maxPayload with 1009 and keeps serving, reporting nothing', async () => {
    const reported: unknown[] = []
    const app = new App().ws('/small', (ws) => ws.on('message', (m) => ws.send(String(m))), { maxPayload: 16 })
    app.onError((err) => void reported.push(err))
    const server = await listen(app)
    const big = connect(`ws://${HOST}:${server.port}/small`)
    await once(big, 'open')
    big.send('x'.repeat(64))
    const [code] = (await once(big, 'close')) as [number]
    const next = connect(`ws://${HOST}:${server.port}/small`)
    await once(next, 'open')
    next.send('hi')
    expect([code, await nextMessage(next), reported]).to.deep.equal([1009, 'hi', []])
  })

  it("reports a handler's failure to onError instead of ending the process", async () => {
    const reported: string[] = []
    const app = new App().ws('/fails', async (ws) => {
      ws.send('up')
      throw new Error('handler failed')
    })
    app.onError((err) => void reported.push((err as Error).message))
    const server = await listen(app)
    await nextMessage(connect(`ws://${HOST}:${server.port}/fails`))
    await new Promise((resolve) => setImmediate(resolve))
    expect(reported).to.deep.equal(['handler failed'])
  })

  it('records the upgrade as 101 for onFinish', async () => {
    const statuses: number[] = []
    const app = new App().ws('/echo', (ws) => ws.send('up'))
    app.onFinish((_req, _res, info) => void statuses.push(info.status))
    const server = await listen(app)
    const ws = connect(`ws://${HOST}:${server.port}/echo`)
    await nextMessage(ws)
    expect(statuses).to.deep.equal([101])
  })

  it("answers a refused handshake as the App's own response: its status in onFinish, onResponse headers, JSON", async () => {
    const statuses: number[] = []
    const app = new App({ serverHeader: false }).ws('/guarded', () => {}, {
      verifyClient: ((_info: unknown, done: (ok: boolean, code?: number, message?: string) => void) =>
        done(false, 403, 'Not allowed')) as never,
    })
    app.onResponse((_req, res) => void res.header('Access-Control-Allow-Origin', 'http://app.test'))
    app.onFinish((_req, _res, info) => void statuses.push(info.status))
    const server = await listen(app)
    const refused = connect(`ws://${HOST}:${server.port}/guarded`)
    const [, response] = (await once(refused, 'unexpected-response')) as [
      unknown,
      { statusCode: number; headers: Record<string, string> },
    ]
    expect([
      response.statusCode,
      response.headers['access-control-allow-origin'],
      response.headers['content-type'],
    ]).to.deep.equal([403, 'http://app.test', 'application/json; charset=utf-8'])
    const upgrade = { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13' }
    const key = { 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' }
    const badKey = await app.inject({ path: '/guarded', headers: { ...upgrade, 'Sec-WebSocket-Key': 'short' } })
    expect([badKey.status, badKey.json()]).to.deep.equal([400, { message: 'Missing or invalid Sec-WebSocket-Key' }])
    const badVersion = await app.inject({
      path: '/guarded',
      headers: { ...upgrade, ...key, 'Sec-WebSocket-Version': '7' },
    })
    expect([
      badVersion.status,
      badVersion.headers['sec-websocket-version'],
      badVersion.headers['upgrade'],
    ]).to.deep.equal([426, '13, 8', 'websocket'])
    const head = await app.inject({ method: 'HEAD', path: '/guarded', headers: { ...upgrade, ...key } })
    expect([head.status, head.headers['allow']]).to.deep.equal([405, 'GET'])
    await new Promise((resolve) => setImmediate(resolve))
    expect(statuses).to.deep.equal([403, 400, 426, 405])
  })

  it('waits for a synchronous verifyClient too, opening the socket when it says yes', async () => {
    const app = new App().ws('/sync', (ws) => ws.send('in'), {
      verifyClient: ((info: { req: { headers: Record<string, string> } }) => info.req.headers['x-ok'] === '1') as never,
    })
    const server = await listen(app)
    const [, response] = (await once(connect(`ws://${HOST}:${server.port}/sync`), 'unexpected-response')) as [
      unknown,
      { statusCode: number },
    ]
    expect(response.statusCode).to.equal(401)
    expect(await nextMessage(connect(`ws://${HOST}:${server.port}/sync`, { headers: { 'X-Ok': '1' } }))).to.equal('in')
  })

  it('closes open WebSockets with 1001 on server.close(), within the shutdown deadline', async () => {
    const app = new App({ shutdownTimeoutMs: 1000 }).ws('/echo', (ws) => ws.send('open'))
    const server = await listen(app)
    const ws = connect(`ws://${HOST}:${server.port}/echo`)
    await nextMessage(ws)
    const closed = once(ws, 'close')
    const started = performance.now()
    await server.close()
    const [code, reason] = (await closed) as [number, Buffer]
    expect([code, String(reason)]).to.deep.equal([1001, 'server shutting down'])
    expect(performance.now() - started).to.be.below(1000)
  })

  it('cuts a WebSocket that does not answer the close at the shutdown deadline', async () => {
    const app = new App({ shutdownTimeoutMs: 200 }).ws('/echo', (ws) => ws.send('open'))
    const server = await listen(app)
    // A raw client that completes the handshake and then ignores everything.
    const net = await import('node:net')
    const socket = net.connect(server.port, HOST)
    await once(socket, 'connect')
    socket.write(
      `GET /echo HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    )
    await once(socket, 'data')
    const ended = once(socket, 'close')
    await server.close()
    await ended
  })

  describe('bound to a client session', () => {
    it('binds a socket opened with the session cookie: it gets the data, then each pushed change', async () => {
      const app = new App()
      app.ws('/live', (ws, req) => ws.on('message', (m) => void app.sessions.receivePatch(req.session!, String(m), ws)))
      const session = app.sessions.create({ data: { messages: [] as string[] }, useCookie: true })
      const server = await listen(app)
      const ws = connect(`ws://${HOST}:${server.port}/live`, { headers: { Cookie: `gatehouse.sid=${session.id}` } })
      expect(JSON.parse(await nextMessage(ws))).to.deep.equal([{ op: 'replace', path: '', value: { messages: [] } }])
      await app.sessions.schedule(
        session,
        (s) => void (s.data as { messages: string[] }).messages.push('from a task'),
        { wait: true },
      )
      expect(JSON.parse(await nextMessage(ws))).to.deep.equal([
        { op: 'add', path: '/messages/-', value: 'from a task' },
      ])
    })

    it("pushes to a bound socket what a request's handler changed, and what an HTTP JSON Patch changed", async () => {
      const app = new App()
      app.ws('/live', () => {})
      app.post('/say', (req) => ({
        count: (req.session!.data as { messages: string[] }).messages.push('from a request'),
      }))
      const session = app.sessions.create({ data: { messages: [] as string[] }, useCookie: true })
      const server = await listen(app)
      const cookie = `gatehouse.sid=${session.id}`
      const ws = connect(`ws://${HOST}:${server.port}/live`, { headers: { Cookie: cookie } })
      await nextMessage(ws)
      const pushed = nextMessage(ws)
      await fetch(`http://${HOST}:${server.port}/say`, { method: 'POST', headers: { Cookie: cookie } })
      expect(JSON.parse(await pushed)).to.deep.equal([{ op: 'add', path: '/messages/-', value: 'from a request' }])
      const patched = nextMessage(ws)
      const res = await fetch(`http://${HOST}:${server.port}/__session/${session.id}`, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json-patch+json' },
        body: JSON.stringify([{ op: 'add', path: '/messages/-', value: 'by patch' }]),
      })
      expect(res.status).to.equal(200)
      expect(JSON.parse(await patched)).to.deep.equal([{ op: 'add', path: '/messages/-', value: 'by patch' }])
    })

    it('refuses an upgrade whose session param names no live session with 404, before any handshake', async () => {
      const app = new App({ serverHeader: false })
      app.ws('/live/:sid', () => {}, { session: 'sid' })
      const res = await app.inject({
        path: '/live/no-such-session',
        headers: {
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        },
      })
      expect([res.status, res.json()]).to.deep.equal([404, { message: 'No such session' }])
    })

    it('answers receivePatch for no session, or a destroyed one, with a 410 refusal, never a rejection', async () => {
      const app = new App()
      const session = app.sessions.create({ data: { n: 1 } })
      session.destroy()
      const patch = JSON.stringify([{ op: 'replace', path: '/n', value: 2 }])
      const refusals = [
        await app.sessions.receivePatch(undefined, patch),
        await app.sessions.receivePatch(session, patch),
      ]
      expect(refusals).to.deep.equal([
        { status: 410, message: 'Session is gone' },
        { status: 410, message: 'Session is gone' },
      ])
    })

    it('applies a JSON Patch the client sends, and pushes it to the other sockets of the session', async () => {
      const app = new App()
      app.ws(
        '/live/:sid',
        (ws, req) => ws.on('message', (m) => void app.sessions.receivePatch(req.session!, String(m), ws)),
        { session: 'sid' },
      )
      const session = app.sessions.create({ data: { todos: [] as string[] } })
      const server = await listen(app)
      const a = connect(`ws://${HOST}:${server.port}/live/${session.id}`)
      const b = connect(`ws://${HOST}:${server.port}/live/${session.id}`)
      await Promise.all([nextMessage(a), nextMessage(b)])
      a.send(JSON.stringify([{ op: 'add', path: '/todos/-', value: 'milk' }]))
      expect(JSON.parse(await nextMessage(b))).to.deep.equal([{ op: 'add', path: '/todos/-', value: 'milk' }])
      expect(session.data).to.deep.equal({ todos: ['milk'] })
    })
  })
})
