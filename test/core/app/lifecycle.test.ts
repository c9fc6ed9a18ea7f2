import { expect } from 'chai'
import sinon from 'sinon'
import { App } from '../../../core/app/app.js'
import type { FinishedResponse } from '../../../core/app/response-record.js'
import { MemoryTransport } from '../../../transports/memory-transport.js'

/** The raw response with the Date value masked, for byte comparisons. */
function masked(raw: Buffer): string {
  return raw.toString('latin1').replace(/\r\nDate: [^\r]+\r\n/, '\r\nDate: *\r\n')
}

const JSON_TYPE = 'application/json; charset=utf-8'

describe('response lifecycle', () => {
  describe('await next()', () => {
    it('resolves with the error already answered, so a middleware after it sees the final 500', async () => {
      const seen: number[] = []
      const app = new App({ serverHeader: false })
      app.onError(() => undefined)
      app.use(async (_req, res, next) => {
        await next()
        seen.push(res.statusCode)
      })
      app.get('/boom', () => {
        throw new Error('boom')
      })
      const res = await app.inject({ path: '/boom' })
      expect(res.status).to.equal(500)
      expect(res.json()).to.deep.equal({ message: 'Internal Server Error' })
      expect(seen).to.deep.equal([500])
    })

    it("sees an invalid JSON body's 400 and a rejected async handler's 500, with try/finally too", async () => {
      const seen: number[] = []
      const app = new App({ serverHeader: false })
      app.onError(() => undefined)
      app.use(async (_req, res, next) => {
        try {
          await next()
        } finally {
          seen.push(res.statusCode)
        }
      })
      app.post('/json', (req) => req.json())
      app.get('/later', async () => {
        await Promise.resolve()
        throw new Error('later')
      })
      expect((await app.inject({ method: 'POST', path: '/json', body: '{"a":' })).status).to.equal(400)
      expect((await app.inject({ path: '/later' })).status).to.equal(500)
      expect(seen).to.deep.equal([400, 500])
    })

    it('runs the onError hook inside next(): its answer is what the middleware sees', async () => {
      const seen: number[] = []
      const app = new App({ serverHeader: false })
      app.onError((_err, _req, res) => res?.status(418).json({ message: 'teapot' }))
      app.use(async (_req, res, next) => {
        await next()
        seen.push(res.statusCode)
      })
      app.get('/boom', () => {
        throw new Error('boom')
      })
      const res = await app.inject({ path: '/boom' })
      expect([res.status, seen]).to.deep.equal([418, [418]])
    })

    it('sends a value the downstream handler returned before next() resolves', async () => {
      let sent: boolean | undefined
      const app = new App({ serverHeader: false })
      app.use(async (_req, res, next) => {
        await next()
        sent = res.headersSent
      })
      app.get('/value', async () => ({ ok: true }))
      expect((await app.inject({ path: '/value' })).json()).to.deep.equal({ ok: true })
      expect(sent).to.equal(true)
    })
  })

  describe('onResponse', () => {
    function corsLike(): App {
      const app = new App({ serverHeader: false })
      app.onResponse((req, res) => {
        res.header('Access-Control-Allow-Origin', req.header('origin') ?? '*').appendHeader('Vary', 'Origin')
      })
      app.get('/hello', (_req, res) => res.text('hi'))
      app.get('/stream', async (_req, res) => {
        await res.write('a')
        await res.end('b')
      })
      app.get('/boom', () => {
        throw new Error('boom')
      })
      app.onError(() => undefined)
      return app
    }

    it("adds headers to a handler's response before its head is built", async () => {
      const res = await corsLike().inject({ path: '/hello', headers: { Origin: 'http://a.test' } })
      expect(masked(res.raw)).to.equal(
        'HTTP/1.1 200 OK\r\nDate: *\r\nAccess-Control-Allow-Origin: http://a.test\r\nVary: Origin\r\n' +
          'Content-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\n\r\nhi',
      )
    })

    it('reaches the 404, 405 and OPTIONS answers and the error response', async () => {
      const app = corsLike()
      for (const [method, path, status] of [
        ['GET', '/nowhere', 404],
        ['DELETE', '/hello', 405],
        ['OPTIONS', '/hello', 204],
        ['GET', '/boom', 500],
      ] as const) {
        const res = await app.inject({ method, path })
        expect([res.status, res.headers['access-control-allow-origin']]).to.deep.equal([status, '*'])
      }
    })

    it('reaches a streamed response', async () => {
      const streamed = await corsLike().inject({ path: '/stream' })
      expect([streamed.text(), streamed.headers['vary']]).to.deep.equal(['ab', 'Origin'])
    })

    it('reports a throwing hook to onError and still sends the response', async () => {
      const errors: unknown[] = []
      const app = new App({ serverHeader: false })
      app.onError((err) => void errors.push(err))
      app.onResponse(() => {
        throw new Error('hook')
      })
      app.get('/hello', (_req, res) => res.text('hi'))
      const res = await app.inject({ path: '/hello' })
      expect(res.text()).to.equal('hi')
      expect(errors.map((e) => (e as Error).message)).to.deep.equal(['hook'])
    })
  })

  describe('onFinish', () => {
    function recording(): { app: App; finished: FinishedResponse[] } {
      const finished: FinishedResponse[] = []
      const app = new App({ serverHeader: false })
      app.onError(() => undefined)
      app.onFinish((_req, _res, info) => void finished.push({ ...pick(info) }))
      return { app, finished }
    }

    function pick(info: FinishedResponse): FinishedResponse {
      return {
        status: info.status,
        bytes: info.bytes,
        durationMs: info.durationMs,
        aborted: info.aborted,
        error: info.error,
      }
    }

    it('runs once per response with status, body bytes, a duration and no error', async () => {
      const { app, finished } = recording()
      app.get('/hello', (_req, res) => res.text('hello'))
      await app.inject({ path: '/hello' })
      expect(finished).to.have.length(1)
      expect({ ...finished[0], durationMs: 0 }).to.deep.equal({
        status: 200,
        bytes: 5,
        durationMs: 0,
        aborted: false,
        error: undefined,
      })
      expect(finished[0]!.durationMs).to.be.at.least(0)
    })

    it("carries the handler's error and the status it was answered with", async () => {
      const { app, finished } = recording()
      const boom = new Error('boom')
      app.get('/boom', () => {
        throw boom
      })
      await app.inject({ path: '/boom' })
      expect(finished.map((f) => [f.status, f.bytes, f.error])).to.deep.equal([[500, 35, boom]])
    })

    it('counts the bytes of a streamed body and says when it was aborted', async () => {
      const { app, finished } = recording()
      app.get('/stream', async (_req, res) => {
        await res.write('abc')
        await res.end('de')
      })
      app.get('/cut', async (_req, res) => {
        await res.write('abc')
        res.cancel()
      })
      await app.inject({ path: '/stream' })
      const transport = new MemoryTransport({ input: ['GET /cut HTTP/1.1\r\nHost: x\r\n\r\n'] })
      await app.serve(transport)
      expect(finished.map((f) => [f.status, f.bytes, f.aborted])).to.deep.equal([
        [200, 5, false],
        [200, 3, true],
      ])
    })

    it('gives onError the request and response of an error past the head, before onFinish carries it', async () => {
      const calls: string[] = []
      const app = new App({ serverHeader: false })
      app.onError(
        (err, req, res) =>
          void calls.push(`error ${(err as Error).message} ${req?.path} ${res === undefined ? '-' : res.statusCode}`),
      )
      app.onFinish(
        (req, _res, info) =>
          void calls.push(
            `finish ${req.path} ${info.status} ${info.aborted} ${(info.error as Error | undefined)?.message}`,
          ),
      )
      app.get('/mid', async (_req, res) => {
        res.start(200)
        await res.write('x')
        throw new Error('mid-stream')
      })
      app.get('/late', async (_req, res) => {
        await res.stream(
          (async function* (): AsyncGenerator<string> {
            yield 'a'
            throw new Error('late source')
          })(),
        )
      })
      app.get('/after', (_req, res) => {
        res.send('a')
        throw new Error('after send')
      })
      app.get('/twice', (_req, res) => {
        res.send('a')
        res.send('b')
      })
      const served: string[] = []
      for (const path of ['/mid', '/late', '/after', '/twice']) {
        const transport = new MemoryTransport({ input: [`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`] })
        await app.serve(transport)
        served.push(masked(transport.output))
      }
      expect(served).to.deep.equal([
        'HTTP/1.1 200 OK\r\nDate: *\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n',
        'HTTP/1.1 200 OK\r\nDate: *\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n',
        'HTTP/1.1 200 OK\r\nDate: *\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 1\r\n\r\na',
        'HTTP/1.1 200 OK\r\nDate: *\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 1\r\n\r\na',
      ])
      expect(calls).to.deep.equal([
        'error mid-stream /mid 200',
        'finish /mid 200 true mid-stream',
        'error late source /late 200',
        'finish /late 200 true late source',
        'error after send /after 200',
        'finish /after 200 false after send',
        'error cannot send(): the response was already sent /twice 200',
        'finish /twice 200 false cannot send(): the response was already sent',
      ])
    })

    it('answers a stream that fails before its first piece as the error it threw, through both hooks', async () => {
      const calls: string[] = []
      const app = new App({ serverHeader: false })
      app.onError((err, req, res) => void calls.push(`error ${(err as Error).message} ${req?.path} ${res?.statusCode}`))
      app.onFinish(
        (req, _res, info) =>
          void calls.push(`finish ${req.path} ${info.status} ${info.aborted} ${(info.error as Error).message}`),
      )
      app.get('/s', (_req, res) =>
        res.stream(
          (async function* (): AsyncGenerator<string> {
            throw Object.assign(new Error('no such export'), { status: 404 })
          })(),
        ),
      )
      const answer = await app.inject({ path: '/s' })
      expect([answer.status, answer.headers['content-type'], answer.text()]).to.deep.equal([
        404,
        JSON_TYPE,
        '{"message":"no such export"}',
      ])
      expect(calls).to.deep.equal(['error no such export /s 200', 'finish /s 404 false no such export'])
    })

    it('is not called for HEAD body bytes that never leave', async () => {
      const { app, finished } = recording()
      app.get('/hello', (_req, res) => res.text('hello'))
      await app.inject({ method: 'HEAD', path: '/hello' })
      expect(finished.map((f) => [f.status, f.bytes])).to.deep.equal([[200, 0]])
    })

    it('costs nothing when no hook is registered: the response carries none', async () => {
      const app = new App()
      let hooks: unknown = 'unset'
      app.get('/hello', (_req, res) => {
        hooks = res.hooks
        res.text('hi')
      })
      await app.inject({ path: '/hello' })
      expect(hooks).to.equal(undefined)
      expect(JSON_TYPE).to.be.a('string')
    })
  })
})

describe("the Session's own answers, with response hooks", () => {
  function hooked(config: ConstructorParameters<typeof App>[0] = {}): {
    app: App
    finished: [string, number, boolean][]
  } {
    const finished: [string, number, boolean][] = []
    const app = new App({ serverHeader: false, ...config })
    app.onResponse((req, res) => {
      res.header('Access-Control-Allow-Origin', req.header('origin') ?? '*')
    })
    app.onFinish((req, _res, info) => void finished.push([req.method, info.status, info.aborted]))
    app.get('/hello', (_req, res) => res.text('hi'))
    app.post('/small', { bodyLimit: 4 }, (_req, res) => res.text('ok'))
    return { app, finished }
  }

  async function exchange(app: App, request: string): Promise<string> {
    const transport = new MemoryTransport({ input: [request] })
    await app.serve(transport)
    return masked(transport.output)
  }

  it('runs them for a 413 refused before the body, with the request it answers', async () => {
    const { app, finished } = hooked()
    const out = await exchange(
      app,
      'POST /small HTTP/1.1\r\nHost: x\r\nOrigin: http://a.test\r\nContent-Length: 10\r\n\r\n',
    )
    expect(out).to.equal(
      'HTTP/1.1 413 Payload Too Large\r\nDate: *\r\nAccess-Control-Allow-Origin: http://a.test\r\n' +
        `Content-Type: ${JSON_TYPE}\r\nContent-Length: 31\r\nConnection: close\r\n\r\n{"message":"Payload too large"}`,
    )
    expect(finished).to.deep.equal([['POST', 413, false]])
  })

  it('runs them for a malformed request (no head to read: an empty method) and a 431', async () => {
    const { app, finished } = hooked({ limits: { maxHeaderBytes: 64 } })
    const malformed = await exchange(app, 'GET /hello HTTP/1.1\r\nBad Header\r\n\r\n')
    expect(malformed).to.equal(
      'HTTP/1.1 400 Bad Request\r\nDate: *\r\nAccess-Control-Allow-Origin: *\r\n' +
        `Content-Type: ${JSON_TYPE}\r\nContent-Length: 36\r\nConnection: close\r\n\r\n{"message":"Malformed HTTP request"}`,
    )
    const large = await exchange(app, `GET /hello HTTP/1.1\r\nHost: x\r\nX-Long: ${'a'.repeat(100)}\r\n\r\n`)
    expect(large).to.match(
      /^HTTP\/1\.1 431 Request Header Fields Too Large\r\nDate: \*\r\nAccess-Control-Allow-Origin: \*\r\n/,
    )
    expect(finished).to.deep.equal([
      ['', 400, false],
      ['', 431, false],
    ])
  })

  it('runs them for app.constant() routes, registered before or after the hooks, with the same bytes', async () => {
    const before = new App({ serverHeader: false })
    before.constant('GET', '/plain', { headers: { 'Content-Type': 'text/plain' }, body: 'Hello, World!' })
    const { app, finished } = hooked()
    app.constant('GET', '/plain', { headers: { 'Content-Type': 'text/plain' }, body: 'Hello, World!' })
    const bare = await exchange(before, 'GET /plain HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(bare).to.equal(
      'HTTP/1.1 200 OK\r\nDate: *\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!',
    )
    // The same route, then a hook after it: the constant is answered through the hook from then on.
    const seen: number[] = []
    before.onFinish((_req, _res, info) => void seen.push(info.status))
    const late = await exchange(before, 'GET /plain HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(late).to.equal(bare)
    expect(seen).to.deep.equal([200])
    const hookedOut = await exchange(app, 'GET /plain HTTP/1.1\r\nHost: x\r\nOrigin: http://a.test\r\n\r\n')
    expect(hookedOut).to.equal(
      'HTTP/1.1 200 OK\r\nDate: *\r\nContent-Type: text/plain\r\nAccess-Control-Allow-Origin: http://a.test\r\n' +
        'Content-Length: 13\r\n\r\nHello, World!',
    )
    expect(finished).to.deep.equal([['GET', 200, false]])
  })

  it('runs them for a WAF block', async () => {
    const { app, finished } = hooked({ waf: { mode: 'strict' } })
    const res = await app.inject({ path: "/hello?id=1'%20OR%20'1'='1", headers: { Origin: 'http://a.test' } })
    expect([res.status, res.headers['access-control-allow-origin']]).to.deep.equal([400, 'http://a.test'])
    expect(finished).to.deep.equal([['GET', 400, false]])
  })

  it("answers a HEAD with the head alone, its hooks' headers included, whether or not its own head parsed", async () => {
    const { app, finished } = hooked({ limits: { maxBodyBytes: 4 } })
    const tooLarge = await exchange(app, 'HEAD /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n')
    expect(tooLarge).to.equal(
      'HTTP/1.1 413 Payload Too Large\r\nDate: *\r\nAccess-Control-Allow-Origin: *\r\n' +
        `Content-Type: ${JSON_TYPE}\r\nContent-Length: 31\r\nConnection: close\r\n\r\n`,
    )
    const badVersion = await exchange(app, 'HEAD /hello HTTP/1.2\r\nHost: x\r\n\r\n')
    expect(badVersion).to.equal(
      'HTTP/1.1 505 HTTP Version Not Supported\r\nDate: *\r\nAccess-Control-Allow-Origin: *\r\n' +
        `Content-Type: ${JSON_TYPE}\r\nContent-Length: 40\r\nConnection: close\r\n\r\n`,
    )
    expect(finished.map(([, status]) => status)).to.deep.equal([413, 505])
  })

  it('answers a HEAD whose handler timed out with the 503 head and closes, serving nothing pipelined behind it', async () => {
    const clock = sinon.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    })
    try {
      const { app } = hooked({ timeouts: { handlerTimeoutMs: 300 } })
      app.head('/slow', () => new Promise(() => undefined))
      const transport = new MemoryTransport({
        input: ['HEAD /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n'],
        endAfterInput: false,
      })
      const served = app.serve(transport)
      await clock.tickAsync(300)
      await served
      expect(masked(transport.output)).to.equal(
        'HTTP/1.1 503 Service Unavailable\r\nDate: *\r\nAccess-Control-Allow-Origin: *\r\n' +
          `Content-Type: ${JSON_TYPE}\r\nContent-Length: 29\r\nConnection: close\r\n\r\n`,
      )
      expect(transport.isOpen).to.equal(false)
    } finally {
      clock.restore()
    }
  })

  it("reports a handler's timeout once, as the 503 sent, through the request's own hooks", async () => {
    const clock = sinon.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    })
    try {
      const { app, finished } = hooked({ timeouts: { handlerTimeoutMs: 300 } })
      app.get('/slow', () => new Promise(() => undefined))
      const transport = new MemoryTransport({
        input: ['GET /slow HTTP/1.1\r\nHost: x\r\nOrigin: http://a.test\r\n\r\n'],
        endAfterInput: false,
      })
      const served = app.serve(transport)
      await clock.tickAsync(300)
      await served
      expect(masked(transport.output)).to.equal(
        'HTTP/1.1 503 Service Unavailable\r\nDate: *\r\nAccess-Control-Allow-Origin: http://a.test\r\n' +
          `Content-Type: ${JSON_TYPE}\r\nContent-Length: 29\r\nConnection: close\r\n\r\n{"message":"Handler timeout"}`,
      )
      expect(finished).to.deep.equal([['GET', 503, false]])
    } finally {
      clock.restore()
    }
  })

  it('leaves the fixed answers untouched without hooks', async () => {
    const app = new App({ serverHeader: false })
    app.post('/small', { bodyLimit: 4 }, (_req, res) => res.text('ok'))
    const out = await exchange(app, 'POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n')
    expect(out).to.equal(
      `HTTP/1.1 413 Payload Too Large\r\nDate: *\r\nContent-Type: ${JSON_TYPE}\r\nContent-Length: 31\r\nConnection: close\r\n\r\n{"message":"Payload too large"}`,
    )
  })
})
