import { expect } from 'chai'
import { App } from '../../../core/app/app.js'
import { redisStore } from '../../../sessions/redis-store.js'
import { HAS_REDIS_SERVER, RedisServer } from '../../helpers/redis-server.js'

if (HAS_REDIS_SERVER) {
  describe('App: client sessions on a shared (Redis) store, two apps as two workers', function () {
    this.timeout(10_000)
    let redis: RedisServer
    let apps: App[] = []

    before(async () => {
      redis = await RedisServer.start()
    })
    after(async () => {
      await redis.stop()
    })
    afterEach(async () => {
      for (const app of apps) await app.sessions.close()
      apps = []
    })

    async function worker(): Promise<App> {
      const store = await redisStore({ url: redis.url, commandTimeoutMs: 500 })
      const app = new App({ serverHeader: false, sessions: { store } })
      app.post('/login', (req) => {
        req.session = app.sessions.create({ data: { user: 'ada' }, useCookie: true })
        return { ok: true }
      })
      app.post('/logout', async (req) => {
        await req.session?.destroy()
        return { ok: true }
      })
      app.get('/me', (req) => ({ user: (req.session?.data as { user?: string } | undefined)?.user ?? null }))
      apps.push(app)
      return app
    }

    it('answers ten concurrent requests returning the live session data with 1 to 10, in order', async () => {
      const app = await worker()
      app.post('/live', (req) => {
        const data = req.session!.data as { n?: number }
        data.n = (data.n ?? 0) + 1
        return data
      })
      const login = await app.inject({ method: 'POST', path: '/login' })
      const cookie = String(login.headers['set-cookie']).split(';', 1)[0]!
      const results = await Promise.all(
        Array.from({ length: 10 }, () => app.inject({ method: 'POST', path: '/live', headers: { Cookie: cookie } })),
      )
      expect(results.map((r) => r.text())).to.deep.equal(
        Array.from({ length: 10 }, (_, i) => `{"user":"ada","n":${i + 1}}`),
      )
    })

    it('ignores a session this worker still holds once another worker destroyed it (no 410)', async () => {
      const [a, b] = [await worker(), await worker()]
      const login = await a.inject({ method: 'POST', path: '/login' })
      const cookie = String(login.headers['set-cookie']).split(';', 1)[0]!
      expect((await b.inject({ path: '/me', headers: { Cookie: cookie } })).json()).to.deep.equal({ user: 'ada' })
      expect((await a.inject({ method: 'POST', path: '/logout', headers: { Cookie: cookie } })).status).to.equal(200)
      const after = await b.inject({ path: '/me', headers: { Cookie: cookie } })
      expect([after.status, after.json()]).to.deep.equal([200, { user: null }])
    })
  })
}
