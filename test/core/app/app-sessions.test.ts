import { expect } from 'chai'
import { App } from '../../../core/app/app.js'
import { InvalidConfigError, UnknownConfigKeyError } from '../../../core/errors.js'
import { ClientSession } from '../../../sessions/client-session.js'
import { MemoryTransport } from '../../../transports/memory-transport.js'
import { maskDates } from '../../helpers/mask-dates.js'

const ID = /^[A-Za-z0-9_-]{22}$/

function cookieOf(setCookie: string | readonly string[] | undefined): string {
  return (setCookie as string).split(';', 1)[0]!
}

/** An app whose /login creates a session with data, and whose /count increments it. */
function counterApp(config: ConstructorParameters<typeof App>[0] = {}) {
  const app = new App({ serverHeader: false, ...config })
  app.post('/login', (req) => {
    app.sessions.create(req, { data: { count: 0 }, useCookie: true })
    return { ok: true }
  })
  app.post('/anonymous', (req, res) => {
    req.session = app.sessions.create({ data: { count: 0 } })
    res.status(201).json({ ok: true })
  })
  app.post('/count', (req) => {
    if (req.session === undefined) return { count: null }
    const data = req.session.data as { count: number }
    data.count++
    return { count: data.count, current: ClientSession.current === req.session }
  })
  app.get('/use/:sid', { session: 'sid' }, (req) => ({ id: req.session?.id ?? null }))
  return app
}

describe('App: client sessions', () => {
  let apps: App[] = []
  const make = (config?: ConstructorParameters<typeof App>[0]) => {
    const app = counterApp(config)
    apps.push(app)
    return app
  }
  afterEach(async () => {
    for (const app of apps) await app.sessions.close()
    apps = []
  })

  describe('the session cookie', () => {
    it('is sent by the response that created the session: HttpOnly, SameSite=Lax, Path=/, no Expires', async () => {
      const app = make()
      const res = await app.inject({ method: 'POST', path: '/login' })
      const [name, value] = cookieOf(res.headers['set-cookie']).split('=')
      expect(name).to.equal('gatehouse.sid')
      expect(value).to.match(ID)
      expect(res.headers['set-cookie']).to.equal(`gatehouse.sid=${value}; Path=/; HttpOnly; SameSite=Lax`)
    })

    it('carries the new id when a handler regenerates its session, and the old id finds nothing', async () => {
      const app = make()
      app.post('/relogin', async (req) => {
        await app.sessions.regenerate(req.session!)
        ;(req.session!.data as { count: number }).count = 100
        return { ok: true }
      })
      const old = cookieOf((await app.inject({ method: 'POST', path: '/login' })).headers['set-cookie'])
      const res = await app.inject({ method: 'POST', path: '/relogin', headers: { Cookie: old } })
      const renewed = cookieOf(res.headers['set-cookie'])
      expect(renewed).to.match(/^gatehouse\.sid=[A-Za-z0-9_-]{22}$/)
      expect(renewed).to.not.equal(old)
      expect((await app.inject({ method: 'POST', path: '/count', headers: { Cookie: old } })).json()).to.deep.equal({
        count: null,
      })
      expect((await app.inject({ method: 'POST', path: '/count', headers: { Cookie: renewed } })).json()).to.deep.equal(
        {
          count: 101,
          current: true,
        },
      )
    })

    it("sends a regenerated URI session's new resource URI in Location", async () => {
      const app = make()
      const oldId = app.sessions.create({ data: {} }).id
      app.post('/rename/:sid', { session: 'sid' }, async (req) => {
        await app.sessions.regenerate(req.session!)
        return { id: req.session!.id }
      })
      const res = await app.inject({ method: 'POST', path: `/rename/${oldId}` })
      expect(res.headers['location']).to.equal(`/__session/${res.json<{ id: string }>().id}`)
      expect(res.json<{ id: string }>().id).to.not.equal(oldId)
    })

    it('answers a handler past runTimeoutMs 503, takes the session off its request, and keeps none of its changes', async () => {
      const app = make({ sessions: { runTimeoutMs: 50 } })
      app.onError(() => undefined)
      let release!: () => void
      const gate = new Promise<void>((resolve) => (release = resolve))
      let after: unknown = 'unset'
      let lateDone!: () => void
      const late = new Promise<void>((resolve) => (lateDone = resolve))
      app.post('/slow', async (req) => {
        ;(req.session!.data as { count: number }).count = 50
        await gate
        after = req.session
        lateDone()
        return {}
      })
      const cookie = cookieOf((await app.inject({ method: 'POST', path: '/login' })).headers['set-cookie'])
      const slow = await app.inject({ method: 'POST', path: '/slow', headers: { Cookie: cookie } })
      expect(slow.status).to.equal(503)
      expect((await app.inject({ method: 'POST', path: '/count', headers: { Cookie: cookie } })).json()).to.deep.equal({
        count: 1,
        current: true,
      })
      release()
      await late
      expect(after).to.equal(undefined)
    })

    it('finds the session on later requests, where the handler runs with it current', async () => {
      const app = make()
      const cookie = cookieOf((await app.inject({ method: 'POST', path: '/login' })).headers['set-cookie'])
      const headers = { Cookie: `theme=dark; ${cookie}; other=1` }
      expect((await app.inject({ method: 'POST', path: '/count', headers })).json()).to.deep.equal({
        count: 1,
        current: true,
      })
      expect((await app.inject({ method: 'POST', path: '/count', headers })).json()).to.deep.equal({
        count: 2,
        current: true,
      })
    })

    it('is Secure over HTTPS', async () => {
      const app = make()
      // A transport that says it is TLS, as TlsTransport does once its handshake is done.
      const transport = new (class extends MemoryTransport {
        get tls() {
          return {
            protocol: 'TLSv1.3',
            cipher: 'TLS_AES_128_GCM_SHA256',
            servername: 'a',
            alpnProtocol: false,
            authorized: false,
            peerCertificate: undefined,
          } as never
        }
      })({ input: ['POST /login HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'] })
      await app.serve(transport)
      expect(transport.outputText()).to.match(
        /\r\nSet-Cookie: gatehouse\.sid=[A-Za-z0-9_-]{22}; Path=\/; HttpOnly; Secure; SameSite=Lax\r\n/,
      )
    })

    it('is named by sessions.cookieName and has Max-Age when configured', async () => {
      const app = make({ sessions: { cookieName: 'sid', cookieMaxAgeSeconds: 3600 } })
      const res = await app.inject({ method: 'POST', path: '/login' })
      expect(res.headers['set-cookie']).to.match(
        /^sid=[A-Za-z0-9_-]{22}; Max-Age=3600; Path=\/; HttpOnly; SameSite=Lax$/,
      )
    })

    it('is cleared when a handler sets req.session to undefined', async () => {
      const app = make()
      app.post('/logout', async (req) => {
        const session = req.session!
        req.session = undefined
        await session.destroy()
        return { ok: true }
      })
      const cookie = cookieOf((await app.inject({ method: 'POST', path: '/login' })).headers['set-cookie'])
      const res = await app.inject({ method: 'POST', path: '/logout', headers: { Cookie: cookie } })
      expect(res.headers['set-cookie']).to.equal('gatehouse.sid=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax')
      expect(app.sessions.size).to.equal(0)
    })
  })

  describe('ClientSession.current', () => {
    it("is not carried from one request's handler into the next request on the same connection", async () => {
      const app = make()
      app.get('/current', () => ({ current: ClientSession.current?.id ?? null }))
      const transport = new MemoryTransport({
        input: [
          'POST /login HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\nGET /current HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
        ],
      })
      await app.serve(transport)
      expect(transport.outputText()).to.match(/\r\n\r\n\{"current":null\}$/)
      expect(ClientSession.current).to.equal(undefined)
    })
  })

  describe('a session without a cookie', () => {
    it('is announced by Location: its resource URI', async () => {
      const app = make()
      const res = await app.inject({ method: 'POST', path: '/anonymous' })
      expect(res.status).to.equal(201)
      expect(res.headers.location).to.match(/^\/__session\/[A-Za-z0-9_-]{22}$/)
      expect(res.headers['set-cookie']).to.equal(undefined)
    })
  })

  describe('finding the session', () => {
    async function twoSessions(app: App) {
      const a = app.sessions.create({ data: {}, useCookie: true })
      const b = app.sessions.create({ data: {} })
      return { a, b }
    }

    it('reads Referer and X-Referer as resource URIs, absolute or a path', async () => {
      const app = make()
      const { a } = await twoSessions(app)
      for (const headers of [
        { Referer: `http://localhost/__session/${a.id}` },
        { Referer: `HTTP://LocalHost:80/__session/${a.id}#top` },
        { 'X-Referer': `/__session/${a.id}?x=1` },
        { 'X-Referer': `http://localhost/__session/${a.id}` },
      ] as Record<string, string>[]) {
        expect((await app.inject({ path: `/use/none`, headers })).json()).to.deep.equal({ id: a.id })
      }
    })

    it("ignores a Referer of another origin, scheme or port, and a path below the session's resource", async () => {
      const app = make()
      const { a } = await twoSessions(app)
      for (const headers of [
        { Referer: `https://evil.example/__session/${a.id}` },
        { Referer: `https://localhost/__session/${a.id}` },
        { Referer: `http://localhost:8080/__session/${a.id}` },
        { Referer: `http://localhost.evil.example/__session/${a.id}` },
        { Referer: `http://localhost/__session/${a.id}/anything` },
        { 'X-Referer': `/__session/${a.id}/anything` },
        { 'X-Referer': `https://evil.example/__session/${a.id}` },
      ] as Record<string, string>[]) {
        expect((await app.inject({ path: `/use/none`, headers })).json(), JSON.stringify(headers)).to.deep.equal({
          id: null,
        })
      }
    })

    it('lets each later source win: Referer, then the cookie, then X-Referer, then the URI param', async () => {
      const app = make()
      const s = [0, 1, 2, 3].map(() => app.sessions.create({ data: {} }))
      const headers = {
        Referer: `http://localhost/__session/${s[0]!.id}`,
        Cookie: `gatehouse.sid=${s[1]!.id}`,
        'X-Referer': `/__session/${s[2]!.id}`,
      }
      expect((await app.inject({ path: `/use/${s[3]!.id}`, headers })).json()).to.deep.equal({ id: s[3]!.id })
      expect((await app.inject({ path: '/use/none', headers })).json()).to.deep.equal({ id: s[2]!.id })
      const { 'X-Referer': _x, ...refererAndCookie } = headers
      expect((await app.inject({ path: '/use/none', headers: refererAndCookie })).json()).to.deep.equal({
        id: s[1]!.id,
      })
    })

    it('ignores an id that names no live session, and keeps an earlier source that does', async () => {
      const app = make()
      const { a } = await twoSessions(app)
      const headers = { Cookie: `gatehouse.sid=${a.id}`, 'X-Referer': '/__session/AAAAAAAAAAAAAAAAAAAAAA' }
      expect((await app.inject({ path: '/use/BBBBBBBBBBBBBBBBBBBBBB', headers })).json()).to.deep.equal({ id: a.id })
    })

    it('gives no session and no error for malformed, oversized and destroyed ids', async () => {
      const app = make()
      const { a } = await twoSessions(app)
      await a.destroy()
      const cases: Record<string, string>[] = [
        { Cookie: `gatehouse.sid=${a.id}` },
        { Cookie: `gatehouse.sid=${'x'.repeat(4000)}` },
        { Cookie: 'gatehouse.sid=' },
        { Cookie: `xgatehouse.sid=${a.id}` },
        { Referer: '%%%not a uri' },
        { Referer: 'http://h/__session/../../etc/passwd' },
        { 'X-Referer': `/__session/${'A'.repeat(21)}!` },
      ]
      for (const headers of cases) {
        const res = await app.inject({ path: '/use/none', headers })
        expect([res.status, res.json()]).to.deep.equal([200, { id: null }])
      }
    })

    it('a client cannot choose its own id: an unknown cookie id creates nothing', async () => {
      const app = make()
      await app.inject({ method: 'POST', path: '/count', headers: { Cookie: 'gatehouse.sid=AAAAAAAAAAAAAAAAAAAAAA' } })
      expect(app.sessions.size).to.equal(0)
      expect(app.sessions.get('AAAAAAAAAAAAAAAAAAAAAA')).to.equal(undefined)
    })
  })

  describe('one request at a time per session', () => {
    it('runs two concurrent requests of one session one after the other, so neither update is lost', async () => {
      const app = make()
      app.post('/slow-increment', async (req) => {
        const data = req.session!.data as { count: number }
        const seen = data.count
        await new Promise((resolve) => setTimeout(resolve, 5))
        data.count = seen + 1
        return { count: data.count }
      })
      const cookie = cookieOf((await app.inject({ method: 'POST', path: '/login' })).headers['set-cookie'])
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          app.inject({ method: 'POST', path: '/slow-increment', headers: { Cookie: cookie } }),
        ),
      )
      expect(results.map((r) => r.json<{ count: number }>().count).sort()).to.deep.equal([1, 2, 3, 4, 5])
    })

    it('answers each request with the live session data its handler returned, as it was in its run', async () => {
      const app = make()
      app.post('/live', (req) => {
        const data = req.session!.data as { count: number }
        data.count++
        return data
      })
      app.post('/live-async', async (req) => {
        await Promise.resolve()
        const data = req.session!.data as { count: number }
        data.count++
        return data
      })
      const cookie = cookieOf((await app.inject({ method: 'POST', path: '/login' })).headers['set-cookie'])
      for (const path of ['/live', '/live-async']) {
        const results = await Promise.all(
          Array.from({ length: 10 }, () => app.inject({ method: 'POST', path, headers: { Cookie: cookie } })),
        )
        expect(results.map((r) => [r.status, r.headers['content-type'], r.text()])).to.deep.equal(
          Array.from({ length: 10 }, (_, i) => [
            200,
            'application/json; charset=utf-8',
            `{"count":${(path === '/live' ? 1 : 11) + i}}`,
          ]),
        )
      }
    })

    it('still answers 413, not the returned data, when what a handler returned cannot be saved', async () => {
      const app = make({ sessions: { maxDataBytes: 64 } })
      app.post('/grow', (req) => {
        const data = req.session!.data as { count: number; pad?: string }
        data.pad = 'x'.repeat(100)
        return data
      })
      const cookie = cookieOf((await app.inject({ method: 'POST', path: '/login' })).headers['set-cookie'])
      const res = await app.inject({ method: 'POST', path: '/grow', headers: { Cookie: cookie } })
      expect(res.status).to.equal(413)
      expect((await app.inject({ method: 'POST', path: '/count', headers: { Cookie: cookie } })).text()).to.equal(
        '{"count":1,"current":true}',
      )
    })

    it('does not hold up a request without a session', async () => {
      const app = make()
      let release!: () => void
      let started!: () => void
      const holding = new Promise<void>((resolve) => (started = resolve))
      app.post('/hold', () => {
        started()
        return new Promise<object>((resolve) => (release = () => resolve({ held: true })))
      })
      const cookie = cookieOf((await app.inject({ method: 'POST', path: '/login' })).headers['set-cookie'])
      const held = app.inject({ method: 'POST', path: '/hold', headers: { Cookie: cookie } })
      await holding
      expect((await app.inject({ method: 'POST', path: '/count' })).json()).to.deep.equal({ count: null })
      release()
      expect((await held).json()).to.deep.equal({ held: true })
    })
  })

  describe('the JSON resource', () => {
    it('GET answers the data with an ETag, byte for byte', async () => {
      const app = make()
      const session = app.sessions.create({ data: { items: ['milk'] } })
      const transport = new MemoryTransport({
        input: [`GET /__session/${session.id} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`],
      })
      await app.serve(transport)
      expect(maskDates(transport.outputText())).to.equal(
        'HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Type: application/json\r\nETag: "v1"\r\nCache-Control: no-store\r\nContent-Length: 18\r\nConnection: close\r\n\r\n{"items":["milk"]}',
      )
    })

    it("PATCH applies a JSON Patch and answers the server's own changes as a patch", async () => {
      const app = make()
      app.sessions.onPatch((s) => void ((s.data as { edits: number }).edits += 1))
      const session = app.sessions.create({ data: { items: [], edits: 0 } })
      await app.inject({ path: session.uri })
      const res = await app.inject({
        method: 'PATCH',
        path: session.uri,
        headers: { 'Content-Type': 'application/json-patch+json' },
        body: JSON.stringify([{ op: 'add', path: '/items/-', value: 'eggs' }]),
      })
      expect([res.status, res.headers['content-type'], res.headers.etag]).to.deep.equal([
        200,
        'application/json-patch+json',
        '"v2"',
      ])
      expect(res.json()).to.deep.equal([{ op: 'replace', path: '/edits', value: 1 }])
      expect(session.data).to.deep.equal({ items: ['eggs'], edits: 1 })
    })

    it('answers 415 for a PATCH of another media type and 404 for an id that names no session', async () => {
      const app = make()
      const session = app.sessions.create({ data: {} })
      const res = await app.inject({
        method: 'PATCH',
        path: session.uri,
        headers: { 'Content-Type': 'application/json' },
        body: '[]',
      })
      expect([res.status, res.headers['accept-patch']]).to.deep.equal([415, 'application/json-patch+json'])
      const missing = await app.inject({
        path: '/__session/AAAAAAAAAAAAAAAAAAAAAA',
        headers: { Cookie: `gatehouse.sid=${session.id}` },
      })
      expect([missing.status, missing.json()]).to.deep.equal([404, { message: 'No such session' }])
    })

    it('refuses as every error is refused: the one JSON body and type, byte for byte', async () => {
      const app = make()
      const session = app.sessions.create({ data: {} })
      const empty = app.sessions.create({})
      const transport = new MemoryTransport({
        input: [
          `GET /__session/AAAAAAAAAAAAAAAAAAAAAA HTTP/1.1\r\nHost: a\r\nCookie: gatehouse.sid=${session.id}\r\n\r\n` +
            `GET /__session/${empty.id} HTTP/1.1\r\nHost: a\r\n\r\n` +
            `PATCH /__session/${session.id} HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]`,
        ],
      })
      await app.serve(transport)
      const refusal = (status: string, message: string, fields = '', close = ''): string => {
        const body = JSON.stringify({ message })
        return `HTTP/1.1 ${status}\r\nDate: <date>\r\n${fields}Content-Type: application/json; charset=utf-8\r\nContent-Length: ${body.length}\r\n${close}\r\n${body}`
      }
      expect(maskDates(transport.outputText())).to.equal(
        refusal('404 Not Found', 'No such session') +
          refusal('404 Not Found', 'This session has no data') +
          refusal(
            '415 Unsupported Media Type',
            'A session is patched with application/json-patch+json',
            'Accept-Patch: application/json-patch+json\r\n',
            'Connection: close\r\n',
          ),
      )
    })

    it('answers 413 for a patch body over sessions.maxPatchBytes', async () => {
      const app = make({ sessions: { maxPatchBytes: 64 } })
      const session = app.sessions.create({ data: {} })
      const res = await app.inject({
        method: 'PATCH',
        path: session.uri,
        headers: { 'Content-Type': 'application/json-patch+json' },
        body: JSON.stringify([{ op: 'add', path: '/a', value: 'x'.repeat(100) }]),
      })
      expect(res.status).to.equal(413)
    })

    it('lives under sessions.resourcePrefix', async () => {
      const app = make({ sessions: { resourcePrefix: '/api/state' } })
      const session = app.sessions.create({ data: { a: 1 } })
      expect(session.uri).to.equal(`/api/state/${session.id}`)
      expect((await app.inject({ path: session.uri })).json()).to.deep.equal({ a: 1 })
    })
  })

  describe('errors of sessions reaching a client', () => {
    it('answers 503 with the message when the session limit refuses one more', async () => {
      const app = make({ sessions: { maxSessions: 1, whenFull: 'refuse' } })
      await app.inject({ method: 'POST', path: '/login' })
      const res = await app.inject({ method: 'POST', path: '/login' })
      expect([res.status, res.json()]).to.deep.equal([
        503,
        { message: '1 sessions are live; sessions.maxSessions is 1' },
      ])
    })
  })

  describe('configuration', () => {
    it('defaults to 20 idle minutes and validates every sessions key by name', () => {
      expect(new App().config.sessions.defaultTimeoutMinutes).to.equal(20)
      expect(() => new App({ sessions: { defaultTimeoutMinutes: 0 } })).to.throw(
        InvalidConfigError,
        'sessions.defaultTimeoutMinutes',
      )
      expect(() => new App({ sessions: { whenFull: 'drop' as never } })).to.throw(
        InvalidConfigError,
        'sessions.whenFull',
      )
      expect(() => new App({ sessions: { cookieName: 'a b' } })).to.throw(InvalidConfigError, 'sessions.cookieName')
      expect(() => new App({ sessions: { resourcePrefix: 'x' } })).to.throw(
        InvalidConfigError,
        'sessions.resourcePrefix',
      )
      expect(() => new App({ sessions: { readOnlyPaths: ['nope'] } })).to.throw(
        InvalidConfigError,
        'sessions.readOnlyPaths',
      )
      expect(() => new App({ sessions: { maxSessions: -1 } })).to.throw(InvalidConfigError, 'sessions.maxSessions')
      expect(() => new App({ sessions: { store: {} as never } })).to.throw(InvalidConfigError, 'sessions.store')
      expect(() => new App({ sessions: { timeout: 5 } as never })).to.throw(UnknownConfigKeyError, 'sessions.timeout')
    })

    it('takes defaultTimeoutMinutes for new sessions', () => {
      const app = make({ sessions: { defaultTimeoutMinutes: 7 } })
      expect(app.sessions.create().timeoutMinutes).to.equal(7)
    })
  })
})
