import { expect } from 'chai'
import { createClient, type RedisClientType } from 'redis'
import { redisStore } from '../../sessions/redis-store.js'
import { HAS_REDIS_SERVER, RedisServer } from '../helpers/redis-server.js'
import { sessionStoreContract } from './store-contract.js'

if (!HAS_REDIS_SERVER) {
  console.log('redis-server is not on the PATH: the Redis store specs are not run (apt-get install redis-server)')
} else {
  describe('RedisSessionStore', () => {
    let redis: RedisServer
    let admin: RedisClientType
    before(async () => {
      redis = await RedisServer.start()
      admin = createClient({ url: redis.url }) as RedisClientType
      await admin.connect()
    })
    after(async () => {
      await admin.quit()
      await redis.stop()
    })

    sessionStoreContract('RedisSessionStore', async () => {
      await admin.sendCommand(['FLUSHALL'])
      return redisStore({ url: redis.url })
    })

    it('keeps a record under the prefix with a TTL of its timeout (plus the sweep margin)', async () => {
      await admin.sendCommand(['FLUSHALL'])
      const store = await redisStore({ url: redis.url, prefix: 'app1:' })
      const now = Date.now()
      await store.create({
        id: 'a',
        createdMs: now,
        lastActiveMs: now,
        timeoutMinutes: 1,
        data: '{}',
        version: 1,
        destroyCallbacks: [],
      })
      const ttl = Number(await admin.sendCommand(['PTTL', 'app1:r:a']))
      expect(ttl).to.be.within(100_000, 120_000)
      expect(store.isShared).to.equal(true)
      await store.close()
    })

    it('shares records, claims and leases between two stores on one server, as two workers do', async () => {
      await admin.sendCommand(['FLUSHALL'])
      const [one, two] = await Promise.all([redisStore({ url: redis.url }), redisStore({ url: redis.url })])
      const t0 = Date.UTC(2026, 0, 1)
      await one.create({
        id: 's',
        createdMs: t0,
        lastActiveMs: t0,
        timeoutMinutes: 1,
        data: '{"n":1}',
        version: 1,
        destroyCallbacks: ['cart'],
      })
      expect((await two.get('s'))?.data).to.equal('{"n":1}')
      const lease = await one.acquireLease('s', { nowMs: t0, ttlMs: 5000, waitMs: 0 })
      expect(await two.acquireLease('s', { nowMs: t0, ttlMs: 5000, waitMs: 0 })).to.equal(undefined)
      await one.releaseLease(lease!)
      const claims = await Promise.all([one.claimExpired(t0 + 60_000, 10), two.claimExpired(t0 + 60_000, 10)])
      expect(claims.flat().map((r) => r.destroyCallbacks)).to.deep.equal([['cart']])
      await Promise.all([one.close(), two.close()])
    })
  })
}
