import { expect } from 'chai'
import sinon from 'sinon'
import { ClientSession, type DestroyReason } from '../../sessions/client-session.js'
import {
  SessionDataTooLargeError,
  SessionDestroyedError,
  SessionInvalidOptionError,
  SessionLimitError,
  SessionNotSavedError,
  SessionRunTimeoutError,
  SessionUnknownTaskError,
} from '../../sessions/errors.js'
import { SessionRegistry, type SessionRegistryOptions } from '../../sessions/session-registry.js'
import { MemorySessionStore } from '../../sessions/memory-store.js'
import type { SaveOutcome, SessionUpdate } from '../../sessions/store.js'

const T0 = Date.UTC(2026, 0, 1, 12)
const MINUTE = 60_000

/** A registry on a clock the test moves, with reported failures collected. */
function registryAt(options: SessionRegistryOptions = {}) {
  const clock = { now: T0 }
  const reported: unknown[] = []
  const registry = new SessionRegistry({ now: () => clock.now, report: (err) => reported.push(err), ...options })
  return { registry, clock, reported }
}

function deferred<T = void>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

describe('SessionRegistry', () => {
  let registries: SessionRegistry[] = []
  function make(options: SessionRegistryOptions = {}) {
    const made = registryAt(options)
    registries.push(made.registry)
    return made
  }
  afterEach(async () => {
    for (const r of registries) await r.close()
    registries = []
  })

  describe('a new session', () => {
    it('has an id of 128 random bits in 22 URL-safe characters, different each time', () => {
      const { registry } = make()
      const ids = new Set(Array.from({ length: 50 }, () => registry.create().id))
      expect(ids.size).to.equal(50)
      for (const id of ids) expect(id).to.match(/^[A-Za-z0-9_-]{22}$/)
    })

    it('is created and last active now, in UTC, with the default timeout of 20 minutes', () => {
      const { registry } = make()
      const session = registry.create({ data: { n: 1 } })
      expect(session.created.toISOString()).to.equal('2026-01-01T12:00:00.000Z')
      expect(session.lastActive.toISOString()).to.equal('2026-01-01T12:00:00.000Z')
      expect(session.timeoutMinutes).to.equal(20)
      expect(session.data).to.deep.equal({ n: 1 })
      expect(session.isAlive()).to.equal(true)
      expect(registry.get(session.id)).to.equal(session)
    })

    it('takes its timeout from defaultTimeoutMinutes, or from its own option', () => {
      const { registry } = make({ defaultTimeoutMinutes: 5 })
      expect(registry.create().timeoutMinutes).to.equal(5)
      expect(registry.create({ timeoutMinutes: 90 }).timeoutMinutes).to.equal(90)
    })

    it('refuses a timeout that is not a positive number with ERR_SESSION_INVALID_OPTION', () => {
      const { registry } = make()
      expect(() => registry.create({ timeoutMinutes: 0 })).to.throw(SessionInvalidOptionError, /timeoutMinutes/)
    })

    it('refuses an unknown option key (a typo) with ERR_SESSION_INVALID_OPTION naming it', () => {
      const { registry } = make()
      expect(() => registry.create({ nope: 1 } as never))
        .to.throw(SessionInvalidOptionError, 'session option nope: expected one of the keys data, useCookie')
        .with.property('code', 'ERR_SESSION_INVALID_OPTION')
      expect(registry.size).to.equal(0)
    })

    it("keeps a copy of the data it was given, not the caller's object", () => {
      const { registry } = make()
      const data = { items: [1] }
      const session = registry.create({ data })
      data.items.push(2)
      expect(session.data).to.deep.equal({ items: [1] })
    })

    it("sets a carrier's session", () => {
      const { registry } = make()
      const req = { session: undefined as ClientSession | undefined }
      const session = registry.create(req, { useCookie: true })
      expect(req.session).to.equal(session)
      expect(session.useCookie).to.equal(true)
    })

    it('refuses data larger than maxDataBytes with ERR_SESSION_DATA_TOO_LARGE', () => {
      const { registry } = make({ maxDataBytes: 100 })
      expect(() => registry.create({ data: 'x'.repeat(200) })).to.throw(SessionDataTooLargeError)
    })

    it('names no session for an id it does not hold', () => {
      const { registry } = make()
      expect(registry.get('AAAAAAAAAAAAAAAAAAAAAA')).to.equal(undefined)
    })
  })

  describe('idle timeout', () => {
    it('destroys a session idle past its timeout at the next sweep, with reason timeout', async () => {
      const { registry, clock } = make()
      const session = registry.create()
      const reasons: DestroyReason[] = []
      session.onDestroy((_s, reason) => void reasons.push(reason))
      clock.now = T0 + 20 * MINUTE - 1
      expect(await registry.sweep()).to.equal(0)
      expect(session.isAlive()).to.equal(true)
      clock.now = T0 + 20 * MINUTE + 1000
      expect(await registry.sweep()).to.equal(1)
      expect(session.isAlive()).to.equal(false)
      expect(reasons).to.deep.equal(['timeout'])
      expect(registry.get(session.id)).to.equal(undefined)
    })

    it('counts a run on the session as activity', async () => {
      const { registry, clock } = make()
      const session = registry.create()
      clock.now = T0 + 15 * MINUTE
      await registry.run(session, () => undefined)
      expect(session.lastActive.toISOString()).to.equal('2026-01-01T12:15:00.000Z')
      clock.now = T0 + 25 * MINUTE
      expect(await registry.sweep()).to.equal(0)
      clock.now = T0 + 36 * MINUTE
      expect(await registry.sweep()).to.equal(1)
    })

    it('uses one interval timer for the registry, not one per session', () => {
      const clock = sinon.useFakeTimers({
        now: T0,
        toFake: ['setInterval', 'setTimeout', 'clearInterval', 'clearTimeout'],
      })
      try {
        const registry = new SessionRegistry()
        for (let i = 0; i < 100; i++) registry.create()
        expect(clock.countTimers()).to.equal(1)
        void registry.close()
      } finally {
        clock.restore()
      }
    })
  })

  describe('destroy and onDestroy', () => {
    it('runs every callback once, whether destroyed twice or timed out after', async () => {
      const { registry, clock } = make()
      const session = registry.create()
      const calls: string[] = []
      session.onDestroy(() => void calls.push('a')).onDestroy(() => void calls.push('b'))
      await Promise.all([session.destroy(), session.destroy()])
      clock.now = T0 + 60 * MINUTE
      await registry.sweep()
      expect(calls).to.deep.equal(['a', 'b'])
      expect(session.isAlive()).to.equal(false)
    })

    it('reports a throwing callback and still runs the others', async () => {
      const { registry, reported } = make()
      const session = registry.create()
      const calls: string[] = []
      const broken = new Error('callback broke')
      session.onDestroy(() => {
        throw broken
      })
      session.onDestroy(() => void calls.push('after'))
      await session.destroy()
      expect(reported).to.deep.equal([broken])
      expect(calls).to.deep.equal(['after'])
    })

    it('runs a callback registered by name, and refuses a name never registered', async () => {
      const { registry } = make()
      const ended: string[] = []
      registry.onDestroy('cart', (s, reason) => void ended.push(`${(s.data as { cart: string }).cart} ${reason}`))
      const session = registry.create({ data: { cart: 'apples' } })
      session.onDestroy('cart')
      expect(() => session.onDestroy('nope')).to.throw(SessionInvalidOptionError, /nope/)
      await session.destroy()
      expect(ended).to.deep.equal(['apples destroyed'])
    })

    it('refuses work on a destroyed session with ERR_SESSION_DESTROYED', async () => {
      const { registry } = make()
      const session = registry.create()
      await session.destroy()
      const err = await registry.run(session, () => 1).catch((e: unknown) => e)
      expect(err).to.be.instanceOf(SessionDestroyedError)
    })
  })

  describe('ClientSession.current', () => {
    it('is the session for the whole async life of a run, and undefined outside', async () => {
      const { registry } = make()
      const session = registry.create()
      expect(ClientSession.current).to.equal(undefined)
      const seen = await registry.run(session, async () => {
        await new Promise((resolve) => setImmediate(resolve))
        return ClientSession.current
      })
      expect(seen).to.equal(session)
    })

    it('becomes a session when its data is assigned', async () => {
      const { registry } = make()
      const session = registry.create()
      const seen = await (async () => {
        await null
        session.data = { n: 2 }
        await null
        return ClientSession.current
      })()
      expect(seen).to.equal(session)
    })
  })

  describe('one at a time per session', () => {
    it('runs work on one session in arrival order, each to completion, async included', async () => {
      const { registry } = make()
      const session = registry.create({ data: { log: [] } })
      const log = () => (session.data as { log: string[] }).log
      const gate = deferred()
      const first = registry.run(session, async () => {
        log().push('first starts')
        await gate.promise
        log().push('first ends')
      })
      const second = registry.run(session, () => void log().push('second'))
      await new Promise((resolve) => setImmediate(resolve))
      expect(log()).to.deep.equal(['first starts'])
      gate.resolve()
      await Promise.all([first, second])
      expect(log()).to.deep.equal(['first starts', 'first ends', 'second'])
    })

    it('does not hold up another session', async () => {
      const { registry } = make()
      const a = registry.create()
      const b = registry.create()
      const gate = deferred()
      const slow = registry.run(a, () => gate.promise)
      expect(await registry.run(b, () => 'b ran')).to.equal('b ran')
      gate.resolve()
      await slow
    })

    it('lets the next run start when one passes runTimeoutMs, which fails with ERR_SESSION_RUN_TIMEOUT', async () => {
      const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
      try {
        const registry = new SessionRegistry({ runTimeoutMs: 1000 })
        const session = registry.create()
        const stuck = registry.run(session, () => new Promise(() => {})).catch((e: unknown) => e)
        const next = registry.run(session, () => 'next ran')
        await clock.tickAsync(1000)
        expect(await stuck).to.be.instanceOf(SessionRunTimeoutError)
        expect(await next).to.equal('next ran')
        await registry.close()
      } finally {
        clock.restore()
      }
    })

    it('keeps nothing of a run that passed runTimeoutMs: the next starts on the saved data, the late work is never saved', async () => {
      const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
      try {
        const registry = new SessionRegistry({ runTimeoutMs: 1000 })
        const session = registry.create({ data: { balance: 100, log: [] } })
        let release!: () => void
        const gate = new Promise<void>((resolve) => (release = resolve))
        let lateDone!: () => void
        const late = new Promise<void>((resolve) => (lateDone = resolve))
        type Account = { balance: number; log: string[] }
        const slow = registry
          .run(session, async () => {
            const held = session.data as Account
            held.balance -= 10 // before the timeout
            await gate
            held.balance -= 50 // after it: on the object the run held, which is no longer the session's
            held.log.push('slow')
            lateDone()
          })
          .catch((e: unknown) => e)
        await clock.tickAsync(1000)
        expect(await slow).to.be.instanceOf(SessionRunTimeoutError)
        await registry.run(session, () => {
          const data = session.data as Account
          data.balance += 50
          data.log.push('deposit')
        })
        release()
        await late
        await registry.run(session, () => undefined)
        expect(session.data).to.deep.equal({ balance: 150, log: ['deposit'] })
        expect(JSON.parse((await registry.store.get(session.id))!.data!)).to.deep.equal({
          balance: 150,
          log: ['deposit'],
        })
        await registry.close()
      } finally {
        clock.restore()
      }
    })

    it('leaves the data as it was when a run throws', async () => {
      const { registry } = make()
      const session = registry.create({ data: { n: 1 } })
      const err = await registry
        .run(session, () => {
          ;(session.data as { n: number }).n = 99
          throw new Error('no')
        })
        .catch((e: unknown) => e)
      expect((err as Error).message).to.equal('no')
      expect(session.data).to.deep.equal({ n: 1 })
    })

    it('undoes a change that makes the data larger than maxDataBytes', async () => {
      const { registry } = make({ maxDataBytes: 64 })
      const session = registry.create({ data: { s: '' } })
      const err = await registry
        .run(session, () => void ((session.data as { s: string }).s = 'x'.repeat(100)))
        .catch((e: unknown) => e)
      expect(err).to.be.instanceOf(SessionDataTooLargeError)
      expect(session.data).to.deep.equal({ s: '' })
    })

    it('saves a change to the store with the next version, and only touches it when nothing changed', async () => {
      const { registry, clock } = make()
      const session = registry.create({ data: { n: 0 } })
      await registry.run(session, () => void ((session.data as { n: number }).n = 1))
      expect(await registry.store.get(session.id)).to.include({ data: '{"n":1}', version: 2 })
      clock.now = T0 + 5000
      await registry.run(session, () => undefined)
      expect(await registry.store.get(session.id)).to.include({ data: '{"n":1}', version: 2, lastActiveMs: T0 + 5000 })
    })
  })

  describe('schedule and forAll', () => {
    it('runs a task on one session and, with wait, resolves with its value', async () => {
      const { registry } = make()
      const session = registry.create({ data: { n: 1 } })
      const outcome = await registry.schedule(session.id, (s, id) => `${id === s.id} ${(s.data as { n: number }).n}`, {
        wait: true,
      })
      expect(outcome).to.deep.equal({ id: session.id, status: 'done', value: 'true 1' })
    })

    it('skips a session that is gone and says so', async () => {
      const { registry } = make()
      const outcome = await registry.schedule('AAAAAAAAAAAAAAAAAAAAAA', () => 1, { wait: true })
      expect(outcome).to.deep.equal({ id: 'AAAAAAAAAAAAAAAAAAAAAA', status: 'skipped' })
    })

    it('runs a group, with each failure in its outcome', async () => {
      const { registry } = make()
      const a = registry.create({ data: 1 })
      const b = registry.create({ data: 2 })
      const broken = new Error('task broke')
      const outcomes = await registry.schedule(
        [a.id, b.id, 'gone'],
        (s) => {
          if (s === b) throw broken
          return s.data
        },
        { wait: true },
      )
      expect(outcomes).to.deep.equal([
        { id: a.id, status: 'done', value: 1 },
        { id: b.id, status: 'failed', error: broken },
        { id: 'gone', status: 'skipped' },
      ])
    })

    it('without wait resolves at once with queued, and reports a failure nobody awaits', async () => {
      const { registry, reported } = make()
      const session = registry.create()
      const ran = deferred()
      const broken = new Error('late failure')
      const outcome = await registry.schedule(session, () => {
        ran.resolve()
        throw broken
      })
      expect(outcome).to.deep.equal({ id: session.id, status: 'queued' })
      await ran.promise
      await new Promise((resolve) => setImmediate(resolve))
      expect(reported).to.deep.equal([broken])
    })

    it("runs a task in the session's turn, after a handler already running on it", async () => {
      const { registry } = make()
      const session = registry.create({ data: [] })
      const gate = deferred()
      const handler = registry.run(session, async () => {
        await gate.promise
        ;(session.data as string[]).push('handler')
      })
      const task = registry.schedule(session, (s) => void (s.data as string[]).push('task'), { wait: true })
      gate.resolve()
      await Promise.all([handler, task])
      expect(session.data).to.deep.equal(['handler', 'task'])
    })

    it('makes the session current during its task', async () => {
      const { registry } = make()
      const session = registry.create()
      const outcome = await registry.schedule(session, () => ClientSession.current, { wait: true })
      expect(outcome).to.deep.equal({ id: session.id, status: 'done', value: session })
    })

    it('refuses a task name registered twice, and a task that is not a function, at registration', () => {
      const { registry } = make()
      registry.task('t', () => 1)
      expect(() => registry.task('t', () => 2))
        .to.throw(SessionInvalidOptionError, 'session option task: expected a name not registered yet, got t')
        .with.property('code', 'ERR_SESSION_INVALID_OPTION')
      expect(() => registry.task('u', 5 as never))
        .to.throw(SessionInvalidOptionError, 'session option task u: expected a function, got number')
        .with.property('code', 'ERR_SESSION_INVALID_OPTION')
    })

    it('runs a task registered by name with its JSON argument, and refuses an unknown name', async () => {
      const { registry } = make()
      registry.task('add', (s, _id, argument) => ((s.data as number) += argument as number))
      const session = registry.create({ data: 40 })
      expect(await registry.schedule(session, 'add', { wait: true, argument: 2 })).to.deep.equal({
        id: session.id,
        status: 'done',
        value: 42,
      })
      const err = await registry.schedule(session, 'nope').catch((e: unknown) => e)
      expect(err).to.be.instanceOf(SessionUnknownTaskError)
    })

    it('forAll reaches every live session', async () => {
      const { registry } = make()
      const sessions = [registry.create({ data: 0 }), registry.create({ data: 0 }), registry.create({ data: 0 })]
      await sessions[1]!.destroy()
      const outcomes = await registry.forAll((s) => ((s.data as number) += 1), { wait: true })
      expect(outcomes.map((o) => o.status)).to.deep.equal(['done', 'done'])
      expect(sessions.map((s) => s.data)).to.deep.equal([1, 0, 1])
    })
  })

  describe('a change the store did not take', () => {
    /** A store that answers every save after the first with `outcome`. */
    class RefusingStore extends MemorySessionStore {
      refuse: SaveOutcome | undefined
      override async save(update: SessionUpdate): Promise<SaveOutcome> {
        return this.refuse ?? super.save(update)
      }
    }

    const refusals: [SaveOutcome, string][] = [
      [{ status: 'stale', version: 9 }, 'changed elsewhere; the change was not saved'],
      [{ status: 'fenced' }, 'changed elsewhere; the change was not saved'],
      [{ status: 'missing' }, 'is no longer in the store; the change was not saved'],
    ]
    for (const [outcome, message] of refusals) {
      it(`reports a ${outcome.status} save as ERR_SESSION_NOT_SAVED naming the session`, async () => {
        const store = new RefusingStore()
        const { registry, reported } = make({ store })
        const session = registry.create({ data: { n: 1 } })
        await registry.run(session, () => undefined)
        store.refuse = outcome
        await registry.run(session, () => void ((session.data as { n: number }).n = 2))
        expect(reported).to.have.length(1)
        const [err] = reported as [SessionNotSavedError]
        expect(err).to.be.instanceOf(SessionNotSavedError)
        expect([err.code, err.status, err.id, err.reason, err.message]).to.deep.equal([
          'ERR_SESSION_NOT_SAVED',
          503,
          session.id,
          outcome.status,
          `Session ${session.id} ${message}`,
        ])
      })
    }
  })

  describe('limits', () => {
    it('evicts the least recently active session to make room, running its callbacks', async () => {
      const { registry, clock } = make({ maxSessions: 2 })
      const a = registry.create()
      clock.now += 1000
      const b = registry.create()
      clock.now += 1000
      await registry.run(a, () => undefined)
      const reasons: DestroyReason[] = []
      b.onDestroy((_s, reason) => void reasons.push(reason))
      registry.create()
      await new Promise((resolve) => setImmediate(resolve))
      expect([a.isAlive(), b.isAlive()]).to.deep.equal([true, false])
      expect(reasons).to.deep.equal(['evicted'])
      expect(registry.size).to.equal(2)
    })

    it('refuses one more session with ERR_SESSION_LIMIT when whenFull is refuse', () => {
      const { registry } = make({ maxSessions: 1, whenFull: 'refuse' })
      registry.create()
      expect(() => registry.create())
        .to.throw(SessionLimitError)
        .with.property('status', 503)
    })
  })

  describe('regenerate', () => {
    it('gives the session a new id, keeping its data and callbacks; the old id finds nothing', async () => {
      const { registry } = make()
      const session = registry.create({ data: { user: 'ada' } })
      const calls: string[] = []
      session.onDestroy(() => void calls.push('ended'))
      const oldId = session.id
      await registry.regenerate(session)
      expect(session.id).to.not.equal(oldId)
      expect(registry.get(oldId)).to.equal(undefined)
      expect(registry.get(session.id)).to.equal(session)
      expect(await registry.store.get(oldId)).to.equal(undefined)
      expect((await registry.store.get(session.id))?.data).to.equal('{"user":"ada"}')
      await session.destroy()
      expect(calls).to.deep.equal(['ended'])
    })
  })

  describe('push to bound sockets', () => {
    it('sends a bound socket the whole data, then the JSON Patch of each change', async () => {
      const { registry } = make()
      const session = registry.create({ data: { messages: [] } })
      const sent: unknown[] = []
      registry.bind(session, { send: (text) => void sent.push(JSON.parse(text)) })
      await registry.schedule(session, (s) => void (s.data as { messages: string[] }).messages.push('hi'), {
        wait: true,
      })
      expect(await session.push()).to.equal(0)
      expect(sent).to.deep.equal([
        [{ op: 'replace', path: '', value: { messages: [] } }],
        [{ op: 'add', path: '/messages/-', value: 'hi' }],
      ])
    })

    it('closes bound sockets with 1000 when the session ends', async () => {
      const { registry } = make()
      const session = registry.create({ data: {} })
      const closed: [number, string][] = []
      registry.bind(session, { send: () => {}, close: (code, reason) => void closed.push([code, reason]) })
      await session.destroy()
      expect(closed).to.deep.equal([[1000, 'session ended']])
    })
  })
})
