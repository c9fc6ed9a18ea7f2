import { expect } from 'chai'
import net from 'node:net'
import { once } from 'node:events'
import { Readable } from 'node:stream'
import { App } from '../../../core/app/app.js'
import type { CloseReason } from '../../../core/request/connection.js'
import type { HttpServer } from '../../../core/server/http-server.js'
import { servedText } from '../../helpers/serve-input.js'
import { jsonResponse, response, textResponse } from '../../helpers/expected-response.js'
import { RecordingTransport } from '../../helpers/recording-transport.js'
import { deferred } from '../../helpers/deferred.js'

const GET = (path: string, version = '1.1'): string => `GET ${path} HTTP/${version}\r\nHost: a\r\n\r\n`
const HELLO = GET('/hello')
const CHUNKED_HEAD = ['Content-Type: text/plain', 'Transfer-Encoding: chunked']

describe('Connection API: streamed responses (issue 6)', () => {
  let app: App
  let closes: CloseReason[]
  let errors: unknown[]

  beforeEach(() => {
    app = new App()
    closes = []
    errors = []
    app.onClose((_conn, reason) => closes.push(reason))
    app.onError((err) => void errors.push(err))
    app.get('/hello', (_req, res) => res.text('hello'))
    app.get('/chunks', async (_req, res) => {
      res.start(200, { 'Content-Type': 'text/plain' })
      await res.write('hello')
      await res.write(Buffer.from(' world'))
      await res.end()
    })
  })

  it('sends a chunked body piece by piece, then the last chunk, and keeps the connection', async () => {
    expect(await servedText(app, GET('/chunks') + HELLO)).to.equal(
      response('200 OK', CHUNKED_HEAD, '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n') + textResponse('hello'),
    )
    expect(closes).to.deep.equal(['client-closed'])
  })

  it('sends the declared Content-Length body without chunk framing', async () => {
    app.get('/sized', async (_req, res) => {
      res.start(200, { 'Content-Length': 10 })
      await res.write('hello')
      await res.end('world')
    })
    expect(await servedText(app, GET('/sized') + HELLO)).to.equal(
      response('200 OK', ['Content-Length: 10'], 'helloworld') + textResponse('hello'),
    )
  })

  it('sends a close-delimited body to an HTTP/1.0 client and closes after it', async () => {
    expect(await servedText(app, GET('/chunks', '1.0') + HELLO)).to.equal(
      response('200 OK', ['Content-Type: text/plain', 'Connection: close'], 'hello world'),
    )
    expect(closes).to.deep.equal(['completed'])
  })

  it('answers HEAD with the streamed head and no body', async () => {
    expect(await servedText(app, `HEAD /chunks HTTP/1.1\r\nHost: a\r\n\r\n${HELLO}`)).to.equal(
      response('200 OK', CHUNKED_HEAD) + textResponse('hello'),
    )
  })

  it('throws ERR_CONTENT_LENGTH_MISMATCH and closes when a write exceeds the declared length', async () => {
    let code: unknown
    app.get('/over', async (_req, res) => {
      res.start(200, { 'Content-Length': 5 })
      await res.write('abc')
      try {
        await res.write('def')
      } catch (err) {
        code = (err as { code?: unknown }).code
      }
    })
    expect(await servedText(app, GET('/over') + HELLO)).to.equal(response('200 OK', ['Content-Length: 5'], 'abc'))
    expect(code).to.equal('ERR_CONTENT_LENGTH_MISMATCH')
    expect(closes).to.deep.equal(['aborted'])
  })

  it('throws ERR_CONTENT_LENGTH_MISMATCH and closes when the body ends short of the declared length', async () => {
    let message: unknown
    app.get('/short', async (_req, res) => {
      res.start(200, { 'Content-Length': 5 })
      await res.write('abc')
      await res.end().catch((err: Error) => (message = err.message))
    })
    expect(await servedText(app, GET('/short') + HELLO)).to.equal(response('200 OK', ['Content-Length: 5'], 'abc'))
    expect(message).to.equal('response declared Content-Length 5 but wrote 3 bytes')
    expect(closes).to.deep.equal(['aborted'])
  })

  it('reports an uncaught length mismatch to onError, sends what was queued and closes', async () => {
    app.get('/over', async (_req, res) => {
      res.start(200, { 'Content-Length': 1 })
      await res.write('ab')
    })
    expect(await servedText(app, GET('/over') + HELLO)).to.equal(response('200 OK', ['Content-Length: 1']))
    expect(errors.map((err) => (err as { code?: unknown }).code)).to.deep.equal(['ERR_CONTENT_LENGTH_MISMATCH'])
    expect(closes).to.deep.equal(['aborted'])
  })

  it('cancel() cuts the response off and closes the connection before the next request', async () => {
    app.get('/cancel', async (_req, res) => {
      await res.write('abc')
      res.cancel()
    })
    expect(await servedText(app, GET('/cancel') + HELLO)).to.equal(
      response('200 OK', ['Transfer-Encoding: chunked'], '3\r\nabc\r\n'),
    )
    expect(closes).to.deep.equal(['aborted'])
  })

  it('write() resolves false once the connection is gone', async () => {
    const writing = deferred()
    let result: boolean | undefined
    app.get('/stalled', async (_req, res) => {
      const written = res.write('abc')
      writing.resolve()
      result = await written
    })
    const transport = new RecordingTransport({ input: [GET('/stalled')], endAfterInput: false, stallWrites: true })
    const served = app.serve(transport)
    await writing.promise
    transport.close()
    await served
    expect(result).to.equal(false)
  })

  it('end() resolves false too once the connection is gone, and nothing is reported', async () => {
    const writing = deferred()
    let results: boolean[] = []
    app.get('/stalled', async (_req, res) => {
      const written = res.write('abc')
      writing.resolve()
      results = [await written, await res.end()]
    })
    const transport = new RecordingTransport({ input: [GET('/stalled')], endAfterInput: false, stallWrites: true })
    const served = app.serve(transport)
    await writing.promise
    transport.close()
    await served
    expect(results).to.deep.equal([false, false])
    expect(errors).to.deep.equal([])
  })

  it('stream() sends a Readable with chunk framing and ends the response', async () => {
    app.get('/readable', (_req, res) => res.stream(Readable.from([Buffer.from('a'), Buffer.from('bb')])))
    expect(await servedText(app, GET('/readable') + HELLO)).to.equal(
      response('200 OK', ['Transfer-Encoding: chunked'], '1\r\na\r\n2\r\nbb\r\n0\r\n\r\n') + textResponse('hello'),
    )
  })

  it('stream() sends an async iterable of text and bytes', async () => {
    async function* pieces(): AsyncGenerator<string | Uint8Array> {
      yield 'one'
      yield new Uint8Array([0x32])
    }
    app.get('/iterable', (_req, res) => res.stream(pieces()))
    expect(await servedText(app, GET('/iterable'))).to.equal(
      response('200 OK', ['Transfer-Encoding: chunked'], '3\r\none\r\n1\r\n2\r\n0\r\n\r\n'),
    )
  })

  it('closes the connection and reports to onError when the source fails half-way, with no unhandled rejection', async () => {
    const failure = new Error('disk gone')
    let sent: boolean | undefined
    async function* failing(): AsyncGenerator<string> {
      yield 'a'
      throw failure
    }
    app.get('/awaited', async (_req, res) => {
      sent = await res.stream(failing())
    })
    app.get('/floating', (_req, res) => {
      void res.stream(failing())
    })
    expect(await servedText(app, GET('/awaited') + HELLO)).to.equal(
      response('200 OK', ['Transfer-Encoding: chunked'], '1\r\na\r\n'),
    )
    expect(await servedText(app, GET('/floating') + HELLO)).to.equal(
      response('200 OK', ['Transfer-Encoding: chunked'], '1\r\na\r\n'),
    )
    expect(sent).to.equal(false)
    expect(errors).to.deep.equal([failure, failure])
    expect(closes).to.deep.equal(['aborted', 'aborted'])
  })

  it("answers a source that fails before its first piece as the handler's error, and keeps the connection", async () => {
    const gone = Object.assign(new Error('export gone'), { status: 410 })
    const broken = new Error('disk gone')
    const failing = (err: Error) =>
      (async function* (): AsyncGenerator<string> {
        throw err
      })()
    const seen: [unknown, string | undefined, boolean][] = []
    app.onError((err, req, res) => void seen.push([err, req?.path, res !== undefined]))
    app.get('/returned', (_req, res) => {
      res.header('Content-Type', 'text/csv')
      return res.stream(failing(gone))
    })
    app.get('/floating', (_req, res) => {
      void res.stream(failing(broken))
    })
    app.get('/destroyed', (_req, res) =>
      res.stream(
        new Readable({
          read() {
            this.destroy(broken)
          },
        }),
      ),
    )
    const internal = jsonResponse('500 Internal Server Error', { message: 'Internal Server Error' })
    expect(await servedText(app, GET('/returned') + HELLO)).to.equal(
      jsonResponse('410 Gone', { message: 'export gone' }) + textResponse('hello'),
    )
    expect(await servedText(app, GET('/floating') + HELLO)).to.equal(internal + textResponse('hello'))
    expect(await servedText(app, GET('/destroyed') + HELLO)).to.equal(internal + textResponse('hello'))
    expect(errors).to.deep.equal([gone, broken, broken])
    expect(seen).to.deep.equal([
      [gone, '/returned', true],
      [broken, '/floating', true],
      [broken, '/destroyed', true],
    ])
    expect(closes).to.deep.equal(['client-closed', 'client-closed', 'client-closed'])
  })

  describe('over a real socket', () => {
    const CHUNK_BYTES = 64 * 1024
    const CHUNKS = 1024
    let server: HttpServer

    afterEach(() => server.close())

    it('keeps await res.write() pending while the client is paused, and completes after resume', async () => {
      let started = 0
      let resolved = 0
      const chunk = Buffer.alloc(CHUNK_BYTES, 0x61)
      app.get('/big', async (_req, res) => {
        res.start(200, { 'Content-Length': CHUNKS * CHUNK_BYTES })
        for (let i = 0; i < CHUNKS; i++) {
          started++
          await res.write(chunk)
          resolved++
        }
        await res.end()
      })
      server = await app.listen({ port: 0, host: '127.0.0.1' })
      const socket = net.connect(server.port, '127.0.0.1')
      await once(socket, 'connect')
      socket.write('GET /big HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')
      let received = 0
      socket.on('data', (data: Buffer) => (received += data.length))
      const [first] = (await once(socket, 'data')) as [Buffer]
      socket.pause()
      const headBytes = first.indexOf('\r\n\r\n') + 4
      // Nothing signals "the writer is stuck"; wait until the count stops moving across 100 ms.
      let last = -1
      while (last !== resolved) {
        last = resolved
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(resolved).to.be.lessThan(CHUNKS)
      expect(started).to.equal(resolved + 1)
      const ended = once(socket, 'end')
      socket.resume()
      await ended
      expect(received).to.equal(headBytes + CHUNKS * CHUNK_BYTES)
      expect(resolved).to.equal(CHUNKS)
      socket.destroy()
    })
  })
})
