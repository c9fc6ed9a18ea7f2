import { expect } from 'chai'
import { MemorySessionStore } from '../../sessions/memory-store.js'
import { sessionStoreContract } from './store-contract.js'

sessionStoreContract('MemorySessionStore', async () => new MemorySessionStore())

describe('MemorySessionStore', () => {
  const T0 = Date.UTC(2026, 0, 1)

  it('is not shared with other processes', () => {
    expect(new MemorySessionStore().isShared).to.equal(false)
  })

  it('meets a deadline late by at most its resolution, never early', async () => {
    const store = new MemorySessionStore({ resolutionMs: 60_000 })
    const record = {
      id: 'a',
      createdMs: T0,
      lastActiveMs: T0 + 1000,
      timeoutMinutes: 1,
      data: undefined,
      version: 1,
      destroyCallbacks: [],
    }
    await store.create(record)
    expect(await store.claimExpired(T0 + 61_000, 10)).to.deep.equal([])
    expect(await store.claimExpired(T0 + 119_999, 10)).to.deep.equal([])
    expect((await store.claimExpired(T0 + 120_000, 10)).map((r) => r.id)).to.deep.equal(['a'])
  })

  it('hands out copies, so a record it returned does not change with the session', async () => {
    const store = new MemorySessionStore()
    await store.create({
      id: 'a',
      createdMs: T0,
      lastActiveMs: T0,
      timeoutMinutes: 20,
      data: '1',
      version: 1,
      destroyCallbacks: [],
    })
    const before = await store.get('a')
    await store.touch('a', T0 + 5000)
    expect(before?.lastActiveMs).to.equal(T0)
  })

  it('reports a throwing subscriber after delivering to the others', async () => {
    const store = new MemorySessionStore()
    const seen: string[] = []
    store.subscribe(() => {
      throw new Error('subscriber broke')
    })
    store.subscribe((m) => seen.push(m.kind))
    const err = await store.publish({ kind: 'push', id: 'a' }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect((err as Error).message).to.equal('subscriber broke')
    expect(seen).to.deep.equal(['push'])
  })
})
