import { expect } from 'chai'
import { SessionExistsError } from '../../sessions/errors.js'
import type { SessionMessage, SessionRecord, SessionStore } from '../../sessions/store.js'

const T0 = Date.UTC(2026, 0, 1)
const MINUTE = 60_000

function recordAt(id: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id,
    createdMs: T0,
    lastActiveMs: T0,
    timeoutMinutes: 20,
    data: '{"n":0}',
    version: 1,
    destroyCallbacks: ['cart'],
    ...overrides,
  }
}

async function collect(ids: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = []
  for await (const id of ids) all.push(id)
  return all
}

/**
 * The behaviour every SessionStore promises, run against each implementation: the memory store
 * here, a shared store beside its own server. `makeStore` gives a fresh, empty store; time is
 * always passed in, so no test waits. The store's deadline resolution must be at most a second.
 */
export function sessionStoreContract(name: string, makeStore: () => Promise<SessionStore>): void {
  describe(`SessionStore contract: ${name}`, () => {
    let store: SessionStore
    beforeEach(async () => {
      store = await makeStore()
    })
    afterEach(async () => {
      await store.close()
    })

    describe('create and get', () => {
      it('returns the record as created', async () => {
        await store.create(recordAt('a'))
        expect(await store.get('a')).to.deep.equal(recordAt('a'))
      })

      it('returns undefined for an id it does not hold', async () => {
        expect(await store.get('nobody')).to.equal(undefined)
      })

      it('rejects a second create of the same id with ERR_SESSION_EXISTS', async () => {
        await store.create(recordAt('a'))
        const err = await store.create(recordAt('a')).then(
          () => undefined,
          (e: unknown) => e,
        )
        expect(err).to.be.instanceOf(SessionExistsError)
        expect((err as SessionExistsError).code).to.equal('ERR_SESSION_EXISTS')
      })

      it('keeps a session without data as undefined data', async () => {
        await store.create(recordAt('a', { data: undefined }))
        expect((await store.get('a'))?.data).to.equal(undefined)
      })
    })

    describe('save', () => {
      it('writes a change made from the current version and moves the version on by one', async () => {
        await store.create(recordAt('a'))
        const outcome = await store.save({
          id: 'a',
          expectedVersion: 1,
          data: '{"n":1}',
          lastActiveMs: T0 + 5000,
          timeoutMinutes: 30,
          destroyCallbacks: ['cart', 'audit'],
        })
        expect(outcome).to.deep.equal({ status: 'saved', version: 2 })
        expect(await store.get('a')).to.deep.equal(
          recordAt('a', {
            data: '{"n":1}',
            version: 2,
            lastActiveMs: T0 + 5000,
            timeoutMinutes: 30,
            destroyCallbacks: ['cart', 'audit'],
          }),
        )
      })

      it('refuses a change made from an older version as stale, naming the current one', async () => {
        await store.create(recordAt('a'))
        const update = { id: 'a', data: '{"n":1}', lastActiveMs: T0, timeoutMinutes: 20, destroyCallbacks: [] }
        await store.save({ ...update, expectedVersion: 1 })
        expect(await store.save({ ...update, expectedVersion: 1, data: '{"n":9}' })).to.deep.equal({
          status: 'stale',
          version: 2,
        })
        expect((await store.get('a'))?.data).to.equal('{"n":1}')
      })

      it('answers missing for a session it does not hold', async () => {
        const outcome = await store.save({
          id: 'x',
          expectedVersion: 1,
          data: '1',
          lastActiveMs: T0,
          timeoutMinutes: 20,
          destroyCallbacks: [],
        })
        expect(outcome).to.deep.equal({ status: 'missing' })
      })
    })

    describe('touch', () => {
      it('moves the deadline without writing data or the version', async () => {
        await store.create(recordAt('a'))
        expect(await store.touch('a', T0 + 19 * MINUTE)).to.equal(true)
        expect(await store.get('a')).to.deep.equal(recordAt('a', { lastActiveMs: T0 + 19 * MINUTE }))
        expect(await store.claimExpired(T0 + 21 * MINUTE, 10)).to.deep.equal([])
        expect((await store.claimExpired(T0 + 40 * MINUTE, 10)).map((r) => r.id)).to.deep.equal(['a'])
      })

      it('answers false for a session it does not hold', async () => {
        expect(await store.touch('nobody', T0)).to.equal(false)
      })
    })

    describe('delete', () => {
      it('returns the removed record to the first caller only', async () => {
        await store.create(recordAt('a'))
        const [first, second] = await Promise.all([store.delete('a'), store.delete('a')])
        expect(first).to.deep.equal(recordAt('a'))
        expect(second).to.equal(undefined)
        expect(await store.get('a')).to.equal(undefined)
      })

      it('takes the session out of the deadlines, so it is not claimed again as expired', async () => {
        await store.create(recordAt('a'))
        await store.delete('a')
        expect(await store.claimExpired(T0 + 60 * MINUTE, 10)).to.deep.equal([])
      })
    })

    describe('rename', () => {
      it('moves the record to the new id, keeping its data, version, times and callbacks', async () => {
        await store.create(recordAt('a', { version: 4 }))
        expect(await store.rename('a', 'b')).to.equal(true)
        expect(await store.get('a')).to.equal(undefined)
        expect(await store.get('b')).to.deep.equal(recordAt('b', { version: 4 }))
        expect((await store.claimExpired(T0 + 21 * MINUTE, 10)).map((r) => r.id)).to.deep.equal(['b'])
      })

      it('answers false for a session it does not hold and rejects a taken id', async () => {
        expect(await store.rename('nobody', 'b')).to.equal(false)
        await store.create(recordAt('a'))
        await store.create(recordAt('b'))
        const err = await store.rename('a', 'b').then(
          () => undefined,
          (e: unknown) => e,
        )
        expect(err).to.be.instanceOf(SessionExistsError)
      })
    })

    describe('claimExpired', () => {
      it('claims the sessions whose idle deadline passed, oldest first, and leaves the rest', async () => {
        await store.create(recordAt('late', { lastActiveMs: T0 + 10 * MINUTE }))
        await store.create(recordAt('early'))
        await store.create(recordAt('short', { timeoutMinutes: 1 }))
        expect(await store.claimExpired(T0 + 30 * 1000, 10)).to.deep.equal([])
        expect((await store.claimExpired(T0 + 2 * MINUTE, 10)).map((r) => r.id)).to.deep.equal(['short'])
        expect((await store.claimExpired(T0 + 40 * MINUTE, 10)).map((r) => r.id)).to.deep.equal(['early', 'late'])
        expect(await store.count()).to.equal(0)
      })

      it('never claims a session before its deadline', async () => {
        await store.create(recordAt('a'))
        expect(await store.claimExpired(T0 + 20 * MINUTE - 1, 10)).to.deep.equal([])
      })

      it('claims at most max at a time and the rest on the next call', async () => {
        for (let i = 0; i < 5; i++) await store.create(recordAt(`s${i}`, { lastActiveMs: T0 + i * 1000 }))
        expect((await store.claimExpired(T0 + 60 * MINUTE, 3)).map((r) => r.id)).to.deep.equal(['s0', 's1', 's2'])
        expect((await store.claimExpired(T0 + 60 * MINUTE, 3)).map((r) => r.id)).to.deep.equal(['s3', 's4'])
      })

      it('hands each expired record to one of two concurrent claimers', async () => {
        for (let i = 0; i < 20; i++) await store.create(recordAt(`s${i}`))
        const [a, b] = await Promise.all([
          store.claimExpired(T0 + 60 * MINUTE, 100),
          store.claimExpired(T0 + 60 * MINUTE, 100),
        ])
        const ids = [...a, ...b].map((r) => r.id).sort()
        expect(ids).to.deep.equal([...Array(20).keys()].map((i) => `s${i}`).sort())
      })
    })

    describe('count, leastRecentlyActive, ids', () => {
      it('counts live sessions and names the least recently active', async () => {
        expect(await store.count()).to.equal(0)
        expect(await store.leastRecentlyActive()).to.equal(undefined)
        await store.create(recordAt('a'))
        await store.create(recordAt('b', { lastActiveMs: T0 + 1000 }))
        await store.create(recordAt('c', { lastActiveMs: T0 + 2000 }))
        expect(await store.count()).to.equal(3)
        expect(await store.leastRecentlyActive()).to.equal('a')
        await store.touch('a', T0 + 3000)
        expect(await store.leastRecentlyActive()).to.equal('b')
      })

      it('lists every live id once', async () => {
        await store.create(recordAt('a'))
        await store.create(recordAt('b'))
        await store.create(recordAt('c'))
        await store.delete('b')
        expect((await collect(store.ids())).sort()).to.deep.equal(['a', 'c'])
      })
    })

    describe('leases', () => {
      const options = { nowMs: T0, ttlMs: 5000, waitMs: 0 }

      it('grants a free session and refuses it to a second holder while held', async () => {
        await store.create(recordAt('a'))
        const lease = await store.acquireLease('a', options)
        expect(lease).to.include({ id: 'a', expiresMs: T0 + 5000 })
        expect(await store.acquireLease('a', options)).to.equal(undefined)
      })

      it('grants a released lease again with a larger fencing token', async () => {
        await store.create(recordAt('a'))
        const first = (await store.acquireLease('a', options))!
        await store.releaseLease(first)
        const second = (await store.acquireLease('a', options))!
        expect(second.fencingToken).to.be.greaterThan(first.fencingToken)
      })

      it('grants a lease whose time ran out to another holder, and fences the old holder out of save', async () => {
        await store.create(recordAt('a'))
        const old = (await store.acquireLease('a', options))!
        const next = await store.acquireLease('a', { ...options, nowMs: T0 + 5000 })
        expect(next).to.not.equal(undefined)
        const update = {
          id: 'a',
          expectedVersion: 1,
          data: '2',
          lastActiveMs: T0,
          timeoutMinutes: 20,
          destroyCallbacks: [],
        }
        expect(await store.save({ ...update, fencingToken: old.fencingToken })).to.deep.equal({ status: 'fenced' })
        expect(await store.save({ ...update, fencingToken: next!.fencingToken })).to.deep.equal({
          status: 'saved',
          version: 2,
        })
        expect(await store.renewLease(old, T0 + 5001, 5000)).to.equal(undefined)
      })

      it('renews a lease it holds', async () => {
        await store.create(recordAt('a'))
        const lease = (await store.acquireLease('a', options))!
        const renewed = await store.renewLease(lease, T0 + 4000, 5000)
        expect(renewed).to.deep.equal({ id: 'a', fencingToken: lease.fencingToken, expiresMs: T0 + 9000 })
        expect(await store.acquireLease('a', { ...options, nowMs: T0 + 6000 })).to.equal(undefined)
      })

      it('hands a released lease to a holder that waits for it', async () => {
        await store.create(recordAt('a'))
        const first = (await store.acquireLease('a', options))!
        const waiting = store.acquireLease('a', { ...options, waitMs: 5000 })
        await store.releaseLease(first)
        const second = await waiting
        expect(second?.fencingToken).to.be.greaterThan(first.fencingToken)
      })

      it('answers undefined for a session it does not hold', async () => {
        expect(await store.acquireLease('nobody', options)).to.equal(undefined)
      })
    })

    describe('publish and subscribe', () => {
      it('delivers each message to every subscriber until it unsubscribes', async () => {
        const seen: SessionMessage[] = []
        let delivered!: () => void
        const arrived = new Promise<void>((resolve) => (delivered = resolve))
        const stop = store.subscribe((m) => {
          seen.push(m)
          if (seen.length === 2) delivered()
        })
        const message: SessionMessage = { kind: 'task', name: 'tick', argument: { n: 1 }, ids: ['a', 'b'] }
        await store.publish(message)
        await store.publish({ kind: 'push', id: 'a' })
        await arrived
        expect(seen).to.deep.equal([message, { kind: 'push', id: 'a' }])
        stop()
      })
    })
  })
}
