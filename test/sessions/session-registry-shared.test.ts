import { expect } from 'chai'
import { createClient, type RedisClientType } from 'redis'
import type { SessionSocket } from '../../sessions/client-session.js'
import { SessionBusyError, SessionNotSavedError, SessionStoreUnavailableError } from '../../sessions/errors.js'
import { redisStore } from '../../sessions/redis-store.js'
import { SessionRunTimeoutError } from '../../sessions/errors.js'
import { SessionRegistry, type SessionRegistryOptions } from '../../sessions/session-registry.js'
import { HAS_REDIS_SERVER, RedisServer } from '../helpers/redis-server.js'

const MINUTE = 60_000

/** A socket that records what it was sent, and resolves `next` with each message. */
function recordingSocket() {
  const sent: string[] = []
  let waiter: ((text: string) => void) | undefined
  const socket: SessionSocket = {
    send(text) {
      sent.push(text)
      waiter?.(text)
      waiter = undefined
    },
  }
  const next = () => new Promise<string>((resolve) => (waiter = resolve))
  return { socket, sent, next }
}

function deferred<T = void>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

if (HAS_REDIS_SERVER) {
  describe('SessionRegistry on a shared (Redis) store, two registries as two workers', function () {
    this.timeout(10_000)
    let redis: RedisServer
    let admin: RedisClientType
    let registries: SessionRegistry[] = []
    let reported: unknown[] = []

    before(async () => {
      redis = await RedisServer.start()
      admin = createClient({ url: redis.url }) as RedisClientType
      // The outage spec stops the server under this client too; it reconnects by itself.
      admin.on('error', () => undefined)
      await admin.connect()
    })
    after(async () => {
      admin.destroy()
      await redis.stop()
    })
    beforeEach(async () => {
      await admin.sendCommand(['FLUSHALL'])
      reported = []
    })
    afterEach(async () => {
      for (const r of registries) await r.close()
      registries = []
    })

    async function worker(options: SessionRegistryOptions = {}): Promise<SessionRegistry> {
      const store = await redisStore({ url: redis.url, commandTimeoutMs: 500, reconnectMaxDelayMs: 100 })
      const registry = new SessionRegistry({ store, report: (err) => reported.push(err), leaseMs: 1000, ...options })
      registries.push(registry)
      return registry
    }

    /** A created session, once its record is in the store (its first run waits for that). */
    async function created(registry: SessionRegistry, data: unknown) {
      const session = registry.create({ data: data as never })
      await registry.run(session, () => undefined)
      return session
    }

    it('loads a session created by another worker, and each sees the other’s saved changes', async () => {
      const [a, b] = [await worker(), await worker()]
      const mine = await created(a, { n: 1 })
      expect(b.get(mine.id)).to.equal(undefined)
      const theirs = (await b.load(mine.id))!
      expect(theirs.data).to.deep.equal({ n: 1 })
      await b.run(theirs, () => void ((theirs.data as { n: number }).n = 2))
      await a.run(mine, () => void ((mine.data as { n: number }).n *= 10))
      const record = await b.store.get(mine.id)
      expect([record?.data, record?.version]).to.deep.equal(['{"n":20}', 3])
      expect(await b.load('A'.repeat(22))).to.equal(undefined)
    })

    it('says busy, not too long, when a run’s time runs out while another worker holds the lease', async () => {
      const [a, b] = [await worker({ leaseMs: 5000 }), await worker({ runTimeoutMs: 200 })]
      const mine = await created(a, { n: 1 })
      const theirs = (await b.load(mine.id))!
      const release = deferred()
      const started = deferred()
      const holding = a.run(mine, async () => {
        started.resolve()
        await release.promise
      })
      await started.promise
      const err = await b.run(theirs, () => undefined).catch((e: unknown) => e)
      release.resolve()
      await holding
      expect(err).to.be.instanceOf(SessionBusyError)
      expect(err).to.include({ code: 'ERR_SESSION_BUSY', status: 503 })
    })

    it('learns that a session first loaded by its id travels in a cookie once a request brings one', async () => {
      const [a, b] = [await worker(), await worker()]
      const mine = await created(a, { n: 1 })
      const theirs = (await b.load(mine.id))!
      expect(theirs.useCookie).to.equal(false)
      expect(await b.load(mine.id, true)).to.equal(theirs)
      expect(theirs.useCookie).to.equal(true)
    })

    it('gives back the lease of a run past runTimeoutMs at once and never saves what it changes later', async () => {
      const [a, b] = [await worker({ runTimeoutMs: 200 }), await worker()]
      const mine = await created(a, { log: [] })
      const theirs = (await b.load(mine.id))!
      const release = deferred()
      const lateDone = deferred()
      const stuck = a
        .run(mine, async () => {
          const held = mine.data as { log: string[] }
          await release.promise
          held.log.push('late')
          lateDone.resolve()
        })
        .catch((e: unknown) => e)
      expect(await stuck).to.be.instanceOf(SessionRunTimeoutError)
      // Another worker gets the lease without waiting out leaseMs, and its change is the one kept.
      await b.run(theirs, () => void (theirs.data as { log: string[] }).log.push('b'))
      release.resolve()
      await lateDone.promise
      await a.run(mine, () => undefined)
      expect(mine.data).to.deep.equal({ log: ['b'] })
      expect(JSON.parse((await a.store.get(mine.id))!.data!)).to.deep.equal({ log: ['b'] })
    })

    it('runs one session’s work one at a time across workers: the second waits for the first’s lease', async () => {
      const [a, b] = [await worker(), await worker()]
      const mine = await created(a, { log: [] })
      const theirs = (await b.load(mine.id))!
      const release = deferred()
      const started = deferred()
      const first = a.run(mine, async () => {
        started.resolve()
        await release.promise
        ;(mine.data as { log: string[] }).log.push('a')
      })
      await started.promise
      let secondRan = false
      const second = b.run(theirs, () => {
        secondRan = true
        ;(theirs.data as { log: string[] }).log.push('b')
      })
      // Long enough for several polls of the lease by b.
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(secondRan).to.equal(false)
      release.resolve()
      await Promise.all([first, second])
      expect(JSON.parse((await a.store.get(mine.id))!.data!)).to.deep.equal({ log: ['a', 'b'] })
    })

    it('takes the lease once for a burst of runs queued on one session here, and gives it back after', async () => {
      const [a, b] = [await worker(), await worker()]
      const mine = await created(a, { n: 0 })
      const fence = async () => Number(await admin.sendCommand(['HGET', `gatehouse:session:r:${mine.id}`, 'fence']))
      const before = await fence()
      await Promise.all(Array.from({ length: 5 }, () => a.run(mine, () => void (mine.data as { n: number }).n++)))
      expect(await fence()).to.equal(before + 1)
      const theirs = (await b.load(mine.id))!
      await b.run(theirs, () => void (theirs.data as { n: number }).n++)
      expect((await b.store.get(mine.id))!.data).to.equal('{"n":6}')
    })

    it('regenerates an id in the store first: another worker finds the session by the new id only', async () => {
      const [a, b] = [await worker(), await worker()]
      const mine = await created(a, { n: 1 })
      const oldId = mine.id
      const renamed: string[] = []
      a.onRename((s) => renamed.push(s.id))
      await a.regenerate(mine)
      expect(renamed).to.deep.equal([mine.id])
      expect(mine.id).to.not.equal(oldId)
      expect(await b.load(oldId)).to.equal(undefined)
      expect((await b.load(mine.id))?.data).to.deep.equal({ n: 1 })
      await a.run(mine, () => void ((mine.data as { n: number }).n = 2))
      expect((await b.store.get(mine.id))!.data).to.equal('{"n":2}')
    })

    it('refuses the write of a run whose lease ran out and went to another worker (fencing)', async () => {
      const a = await worker()
      // b's clock is past a's lease: to the store a's lease has run out.
      const b = await worker({ now: () => Date.now() + 10 * 1000 })
      const mine = await created(a, { owner: 'none' })
      const theirs = (await b.load(mine.id))!
      const inside = deferred()
      const resume = deferred()
      const stale = a.run(mine, async () => {
        inside.resolve()
        await resume.promise
        ;(mine.data as { owner: string }).owner = 'a'
      })
      await inside.promise
      await b.run(theirs, () => void ((theirs.data as { owner: string }).owner = 'b'))
      resume.resolve()
      const err = await stale.then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(err).to.be.instanceOf(SessionNotSavedError)
      expect((err as SessionNotSavedError).code).to.equal('ERR_SESSION_NOT_SAVED')
      expect((err as SessionNotSavedError).reason).to.equal('fenced')
      expect(mine.data).to.deep.equal({ owner: 'none' })
      expect((await a.store.get(mine.id))!.data).to.equal('{"owner":"b"}')
      // The next run reads the record again and goes on from b's data.
      await a.run(mine, () => void ((mine.data as { owner: string }).owner += '+a'))
      expect((await a.store.get(mine.id))!.data).to.equal('{"owner":"b+a"}')
    })

    it('moves the deadline of a run that changed nothing without writing the data', async () => {
      let now = Date.now()
      const a = await worker({ now: () => now })
      const mine = await created(a, { n: 1 })
      const before = (await a.store.get(mine.id))!
      now += MINUTE
      await a.run(mine, () => undefined)
      const after = (await a.store.get(mine.id))!
      expect([after.version, after.data, after.lastActiveMs - before.lastActiveMs]).to.deep.equal([
        before.version,
        before.data,
        MINUTE,
      ])
      const deadline = Number(await admin.sendCommand(['ZSCORE', 'gatehouse:session:deadlines', mine.id]))
      expect(deadline).to.equal(now + 20 * MINUTE)
    })

    it('destroys across workers: the holder drops it and runs its closures, the named callback runs once', async () => {
      const ran: string[] = []
      const [a, b] = [await worker(), await worker()]
      for (const [name, r] of [
        ['a', a],
        ['b', b],
      ] as const)
        r.onDestroy('audit', (s, reason) => void ran.push(`${name}:audit:${reason}:${s.id === mine?.id}`))
      let mine: ReturnType<SessionRegistry['create']> | undefined = undefined
      mine = await created(a, { n: 1 })
      mine.onDestroy('audit')
      const closed = deferred<string>()
      mine.onDestroy((_s, reason) => closed.resolve(`a:closure:${reason}`))
      await a.run(mine, () => undefined)
      const theirs = (await b.load(mine.id))!
      await theirs.destroy()
      expect(await closed.promise).to.equal('a:closure:destroyed')
      expect(ran).to.deep.equal(['b:audit:destroyed:true'])
      expect(mine.isAlive()).to.equal(false)
      expect(a.get(mine.id)).to.equal(undefined)
      expect(await a.load(mine.id)).to.equal(undefined)
    })

    it('times a session out once across workers that both sweep', async () => {
      let now = Date.now()
      const ran: string[] = []
      const [a, b] = [await worker({ now: () => now }), await worker({ now: () => now })]
      a.onDestroy('audit', (_s, reason) => void ran.push(`a:${reason}`))
      b.onDestroy('audit', (_s, reason) => void ran.push(`b:${reason}`))
      const mine = await created(a, { n: 1 })
      mine.onDestroy('audit')
      await a.run(mine, () => undefined)
      now += 21 * MINUTE
      const counts = await Promise.all([a.sweep(), b.sweep()])
      expect(counts.reduce((x, y) => x + y)).to.equal(1)
      expect(ran).to.have.length(1)
      expect(ran[0]).to.match(/^[ab]:timeout$/)
    })

    it('runs a task scheduled by name in another worker and pushes its change to the socket held here', async () => {
      const [a, b] = [await worker(), await worker()]
      b.task('inc', (s, _id, by) => void ((s.data as { n: number }).n += by as number))
      const mine = await created(a, { n: 1 })
      const { socket, sent, next } = recordingSocket()
      a.bind(mine, socket)
      expect(sent).to.deep.equal(['[{"op":"replace","path":"","value":{"n":1}}]'])
      const pushed = next()
      const outcome = await b.schedule(mine.id, 'inc', { argument: 4, wait: true })
      expect(outcome).to.deep.equal({ id: mine.id, status: 'done', value: undefined })
      expect(await pushed).to.equal('[{"op":"replace","path":"/n","value":5}]')
      expect(mine.data).to.deep.equal({ n: 5 })
    })

    it('reaches with forAll every session of the store, also those created elsewhere', async () => {
      const [a, b] = [await worker(), await worker()]
      const one = await created(a, { n: 1 })
      const two = await created(b, { n: 2 })
      const outcomes = await b.forAll((s) => (s.data as { n: number }).n * 100, { wait: true })
      expect(outcomes.map((o) => [o.id, o.status, 'value' in o ? o.value : undefined]).sort()).to.deep.equal(
        [
          [one.id, 'done', 100],
          [two.id, 'done', 200],
        ].sort(),
      )
    })

    it('answers SessionStoreUnavailableError while Redis is down, reports a lost write, and recovers', async function () {
      this.timeout(15_000)
      const a = await worker()
      const mine = await created(a, { n: 1 })
      const ranInside = a.run(mine, async () => {
        ;(mine.data as { n: number }).n = 2
        await redis.kill()
      })
      const lost = await ranInside.then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(lost).to.be.instanceOf(SessionNotSavedError)
      expect((lost as SessionNotSavedError).reason).to.equal('unavailable')
      expect(mine.data).to.deep.equal({ n: 1 })
      expect(reported.some((e) => e instanceof SessionStoreUnavailableError)).to.equal(true)
      const down = await a.load('B'.repeat(22)).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect((down as SessionStoreUnavailableError).code).to.equal('ERR_SESSION_STORE_UNAVAILABLE')
      expect((down as Error).message).to.equal('Session store unavailable')
      await redis.restart()
      // node-redis reconnects by itself; the first attempts may still meet the closed port.
      for (let attempt = 0; ; attempt++) {
        const ok = await a
          .run(mine, () => void ((mine.data as { n: number }).n = 3))
          .then(
            () => true,
            () => false,
          )
        if (ok) break
        expect(attempt).to.be.below(100)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      expect((await a.store.get(mine.id))!.data).to.equal('{"n":3}')
    })
  })
}
