import { expect } from 'chai'
import { execFile, spawnSync } from 'node:child_process'
import { connect as netConnect } from 'node:net'
import { once } from 'node:events'
import { App } from '../../../core/app/app.js'
import { HttpServer } from '../../../core/server/http-server.js'
import { resolveConfig } from '../../../core/config/config.js'
import { ServerNotListeningError } from '../../../core/errors.js'
import { clientHello } from '../../helpers/client-hello.js'
import { socketText, type SocketText } from '../../helpers/socket-text.js'

const HOST = '127.0.0.1'
const HAS_CURL = spawnSync('which', ['curl']).status === 0
const JSON_TYPE = 'application/json; charset=utf-8'
const TEXT_TYPE = 'text/plain; charset=utf-8'
const BAD_REQUEST =
  `HTTP/1.1 400 Bad Request\r\nServer: gatehouse\r\nDate: *\r\nContent-Type: ${JSON_TYPE}\r\n` +
  'Content-Length: 36\r\nConnection: close\r\n\r\n{"message":"Malformed HTTP request"}'

/** Every Date value masked, for byte comparisons. */
function masked(text: string): string {
  return text.replace(/\r\nDate: [^\r]+\r\n/g, '\r\nDate: *\r\n')
}

/** A whole `200 OK` text response as this server writes it, Date masked. */
function textResponse(body: string, close = false): string {
  return (
    `HTTP/1.1 200 OK\r\nServer: gatehouse\r\nDate: *\r\nContent-Type: ${TEXT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `${close ? 'Connection: close\r\n' : ''}\r\n${body}`
  )
}

/** A raw TCP client that records every byte it receives. */
type RawClient = SocketText

async function rawClient(port: number): Promise<RawClient> {
  const socket = netConnect(port, HOST)
  await once(socket, 'connect')
  socket.on('error', () => undefined)
  return socketText(socket)
}

/** Resolves with the error code a connection attempt fails with, or `'connected'`. */
async function connectOutcome(port: number): Promise<string> {
  const socket = netConnect(port, HOST)
  try {
    await once(socket, 'connect')
    return 'connected'
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'unknown'
  } finally {
    socket.destroy()
  }
}

describe('HttpServer over real sockets', () => {
  describe('serving', () => {
    let server: HttpServer

    before(async () => {
      const app = new App({ timeouts: { headerTimeoutMs: 2000 } })
        .get('/hello', () => ({ hello: 'world' }))
        .post('/echo', (req) => ({ received: req.json(), type: req.header('content-type') }))
        .get('/n/:i', (req) => `req ${req.params.i}`)
      server = await app.listen({ port: 0, host: HOST })
    })

    after(() => server.close())

    it('reports its port and url', () => {
      expect(server.port).to.be.a('number').and.greaterThan(0)
      expect(server.url).to.equal(`http://${HOST}:${server.port}`)
    })

    it('answers a fetch GET with exact status, headers and JSON body', async () => {
      const res = await fetch(`${server.url}/hello`)
      expect(res.status).to.equal(200)
      expect([...res.headers.keys()]).to.deep.equal(['content-length', 'content-type', 'date', 'server'])
      expect(res.headers.get('content-type')).to.equal(JSON_TYPE)
      expect(res.headers.get('content-length')).to.equal('17')
      expect(res.headers.get('server')).to.equal('gatehouse')
      expect(res.headers.get('date')).to.match(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/)
      expect(await res.text()).to.equal('{"hello":"world"}')
    })

    it('round-trips a fetch POST with a JSON body', async () => {
      const res = await fetch(`${server.url}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ a: [1, 'two'] }),
      })
      expect(res.status).to.equal(200)
      expect(res.headers.get('content-type')).to.equal(JSON_TYPE)
      expect(await res.json()).to.deep.equal({ received: { a: [1, 'two'] }, type: 'application/json' })
    })

    it('answers 16 requests pipelined in one write with 16 responses in order', async () => {
      const client = await rawClient(server.port)
      let requests = ''
      for (let i = 0; i < 16; i++)
        requests += `GET /n/${i} HTTP/1.1\r\nHost: a\r\n${i === 15 ? 'Connection: close\r\n' : ''}\r\n`
      client.socket.write(requests)
      const expected = Array.from({ length: 16 }, (_, i) => textResponse(`req ${i}`, i === 15)).join('')
      expect(masked(await client.closed)).to.equal(expected)
    })

    it('reuses one keep-alive connection for two requests in turn', async () => {
      const client = await rawClient(server.port)
      client.socket.write('GET /n/1 HTTP/1.1\r\nHost: a\r\n\r\n')
      const first = await client.until((text) => text.endsWith('req 1'))
      expect(masked(first)).to.equal(textResponse('req 1'))
      client.socket.write('GET /n/2 HTTP/1.1\r\nHost: a\r\n\r\n')
      const both = await client.until((text) => text.endsWith('req 2'))
      expect(masked(both)).to.equal(textResponse('req 1') + textResponse('req 2'))
      expect(client.socket.destroyed).to.equal(false)
      client.socket.destroy()
    })

    it('answers malformed bytes with the exact 400 response and closes the connection', async () => {
      const client = await rawClient(server.port)
      client.socket.write('GET / HTTP/1.1\nHost: a\r\n\r\n')
      expect(masked(await client.closed)).to.equal(BAD_REQUEST)
    })

    it('answers a TLS ClientHello sent to the plain port with 400 and closes the connection', async () => {
      const hello = clientHello()
      expect([...hello.subarray(0, 3)]).to.deep.equal([0x16, 0x03, 0x01])
      expect(hello.includes(0x0a)).to.equal(false)
      const client = await rawClient(server.port)
      client.socket.write(hello)
      expect(masked(await client.closed)).to.equal(BAD_REQUEST)
    })

    if (HAS_CURL) {
      it('answers curl -s -i with the exact response', async () => {
        const stdout = await new Promise<string>((resolve, reject) =>
          execFile('curl', ['-s', '-i', `${server.url}/hello`], (err, out) =>
            err === null ? resolve(out) : reject(err),
          ),
        )
        expect(masked(stdout)).to.equal(
          `HTTP/1.1 200 OK\r\nServer: gatehouse\r\nDate: *\r\nContent-Type: ${JSON_TYPE}\r\nContent-Length: 17\r\n\r\n{"hello":"world"}`,
        )
      })
    }
  })

  describe('a client that half-closes after its request (RFC 9112 §9.6)', () => {
    for (const [kind, handler] of [
      ['a synchronous', () => 'sent'],
      // Slow work, not a wait for an event: the FIN has to reach the server while the handler runs.
      ['an asynchronous', async () => (await new Promise((resolve) => setTimeout(resolve, 50)), 'sent')],
    ] as const) {
      for (const version of ['1.1', '1.0']) {
        it(`gets the answer of ${kind} handler over HTTP/${version}, then the connection closes, reported truly`, async () => {
          const closes: string[] = []
          const app = new App({ serverHeader: false }).get('/h', handler)
          app.onClose((_connection, reason) => closes.push(reason))
          const server = await app.listen({ port: 0, host: HOST })
          try {
            const client = await rawClient(server.port)
            client.socket.end(`GET /h HTTP/${version}\r\nHost: a\r\n\r\n`)
            const close = version === '1.0' ? 'Connection: close\r\n' : ''
            expect(masked(await client.closed)).to.equal(
              `HTTP/1.1 200 OK\r\nDate: *\r\nContent-Type: ${TEXT_TYPE}\r\nContent-Length: 4\r\n${close}\r\nsent`,
            )
            await server.close()
            expect(closes).to.deep.equal([version === '1.0' ? 'completed' : 'client-closed'])
          } finally {
            await server.close()
          }
        })
      }
    }
  })

  describe('port and url before listening', () => {
    it('throws ERR_SERVER_NOT_LISTENING', () => {
      const idle = new HttpServer(
        resolveConfig(),
        () => {
          throw new Error('no connection is expected')
        },
        (err) => {
          throw err
        },
      )
      expect(() => idle.port).to.throw(ServerNotListeningError, 'the server is not listening')
      expect(() => idle.url).to.throw(ServerNotListeningError)
    })
  })

  describe('graceful close', () => {
    let server: HttpServer | undefined

    afterEach(async () => {
      await server?.close()
      server = undefined
    })

    it('closes idle keep-alive connections at once, finishes in-flight requests with Connection: close, and refuses new ones', async () => {
      let release!: () => void
      const gate = new Promise<void>((resolve) => (release = resolve))
      let started!: () => void
      const handlerStarted = new Promise<void>((resolve) => (started = resolve))
      const app = new App({ shutdownTimeoutMs: 5000 })
        .get('/fast', () => 'fast')
        .get('/slow', async () => {
          started()
          await gate
          return 'slow done'
        })
      server = await app.listen({ port: 0, host: HOST })
      const port = server.port
      const idle = await rawClient(port)
      idle.socket.write('GET /fast HTTP/1.1\r\nHost: a\r\n\r\n')
      await idle.until((text) => text.endsWith('fast'))
      const busy = await rawClient(port)
      busy.socket.write('GET /slow HTTP/1.1\r\nHost: a\r\n\r\n')
      await handlerStarted
      expect(server.connections).to.equal(2)

      let closeResolved = false
      const closing = server.close().then(() => (closeResolved = true))
      expect(masked(await idle.closed)).to.equal(textResponse('fast'))
      expect(await connectOutcome(port)).to.equal('ECONNREFUSED')
      expect(closeResolved).to.equal(false)

      release()
      expect(masked(await busy.closed)).to.equal(textResponse('slow done', true))
      await closing
      expect(server.connections).to.equal(0)
      expect(await connectOutcome(port)).to.equal('ECONNREFUSED')
    })

    it('writes a response answered in the same turn as close() before closing its connection', async () => {
      let closing: Promise<void> | undefined
      const app = new App().get('/bye', () => {
        // Runs before the end of the turn, where the response is written.
        setImmediate(() => (closing = server!.close()))
        return 'bye'
      })
      server = await app.listen({ port: 0, host: HOST })
      const client = await rawClient(server.port)
      client.socket.write('GET /bye HTTP/1.1\r\nHost: a\r\n\r\n')
      expect(masked(await client.closed)).to.equal(textResponse('bye'))
      await closing
      expect(server.connections).to.equal(0)
    })

    it('resolves at once when no connection is open', async () => {
      server = await new App().get('/', () => 'ok').listen({ port: 0, host: HOST })
      const port = server.port
      await server.close()
      expect(await connectOutcome(port)).to.equal('ECONNREFUSED')
    })

    it('cuts a handler that never finishes once shutdownTimeoutMs has passed', async () => {
      let started!: () => void
      const handlerStarted = new Promise<void>((resolve) => (started = resolve))
      const app = new App({ shutdownTimeoutMs: 200 }).get('/hang', () => {
        started()
        return new Promise<never>(() => undefined)
      })
      server = await app.listen({ port: 0, host: HOST })
      const client = await rawClient(server.port)
      client.socket.write('GET /hang HTTP/1.1\r\nHost: a\r\n\r\n')
      await handlerStarted
      const begun = performance.now()
      await server.close()
      const elapsed = performance.now() - begun
      expect(elapsed).to.be.at.least(190).and.below(2000)
      expect(await client.closed).to.equal('')
      expect(server.connections).to.equal(0)
    })
  })
})
