import { expect } from 'chai'
import { once } from 'node:events'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { inspect } from 'node:util'
import { createClient, type RedisClientType } from 'redis'
import { SessionInvalidOptionError, SessionStoreUnavailableError } from '../../sessions/errors.js'
import { redisStore, type RedisStoreOptions } from '../../sessions/redis-store.js'
import { HAS_REDIS_SERVER, RedisServer } from '../helpers/redis-server.js'
import { turnEnded } from '../helpers/turn-end.js'
import { sessionStoreContract } from './store-contract.js'

/** A loopback port nothing listens on: taken from the system, then given back. */
async function refusedPort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address() as AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return port
}

/** A server that accepts TCP connections and never answers, as a hung Redis or a wrong port does. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => sockets.add(socket)).listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

/**
 * The sockets, lookups and timers alive in this process, sorted. A destroyed socket's handle goes
 * with its close callback, which runs after the loop's check phase: two turns see it gone.
 */
async function liveHandles(): Promise<string[]> {
  await turnEnded()
  await turnEnded()
  return process
    .getActiveResourcesInfo()
    .filter((r) => /^(TCP|GetAddrInfo|Timeout|Immediate)/.test(r))
    .sort()
}

async function rejectionOf(options: RedisStoreOptions): Promise<SessionStoreUnavailableError> {
  const outcome: unknown = await redisStore(options).then(
    async (store) => {
      await store.close()
      return new Error('redisStore() resolved')
    },
    (err: unknown) => err,
  )
  expect(outcome).to.be.instanceOf(SessionStoreUnavailableError)
  return outcome as SessionStoreUnavailableError
}

// These need no redis-server: nothing answers them on purpose. A hang shows as the spec's timeout.
describe('redisStore() when the server cannot be reached', () => {
  it('rejects with ERR_SESSION_STORE_UNAVAILABLE naming the URL and ECONNREFUSED, leaving nothing running', async function () {
    this.timeout(3000)
    const port = await refusedPort()
    const before = await liveHandles()
    const err = await rejectionOf({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 300 })
    expect(err.code).to.equal('ERR_SESSION_STORE_UNAVAILABLE')
    expect(err.message).to.equal(
      `Session store unavailable: no connection to redis://127.0.0.1:${port} within 300 ms ` +
        `(connect ECONNREFUSED 127.0.0.1:${port})`,
    )
    expect((err.cause as NodeJS.ErrnoException).code).to.equal('ECONNREFUSED')
    // No reconnection pause, socket or connect timer outlives the rejection.
    expect(await liveHandles()).to.deep.equal(before)
  })

  it('rejects after connectTimeoutMs when the server accepts and never answers, leaving nothing running', async function () {
    this.timeout(3000)
    const silent = await silentServer()
    const before = await liveHandles()
    const err = await rejectionOf({ url: `redis://127.0.0.1:${silent.port}`, connectTimeoutMs: 300 })
    expect(err.message).to.equal(
      `Session store unavailable: no connection to redis://127.0.0.1:${silent.port} within 300 ms ` +
        `(the server did not answer)`,
    )
    await silent.close()
    expect(await liveHandles()).to.deep.equal(before.filter((r) => r !== 'TCPServerWrap'))
  })

  it('names the URL without its password, in the message, the stack and the cause', async function () {
    this.timeout(3000)
    const port = await refusedPort()
    const err = await rejectionOf({ url: `redis://app-user:hunter2-secret@127.0.0.1:${port}`, connectTimeoutMs: 300 })
    expect(err.message).to.contain(`no connection to redis://app-user@127.0.0.1:${port} within 300 ms`)
    expect(inspect(err, { depth: 10 })).not.to.contain('hunter2')
    const passwordOnly = await rejectionOf({ url: `redis://:hunter2-secret@127.0.0.1:${port}`, connectTimeoutMs: 300 })
    expect(passwordOnly.message).to.contain(`no connection to redis://127.0.0.1:${port} within 300 ms`)
    expect(inspect(passwordOnly, { depth: 10 })).not.to.contain('hunter2')
  })

  for (const [option, value] of [
    ['connectTimeoutMs', 0],
    ['connectTimeoutMs', Number.NaN],
    ['connectTimeoutMs', '500'],
    ['commandTimeoutMs', -1],
    ['reconnectMaxDelayMs', Infinity],
  ] as const) {
    it(`refuses ${option}: ${String(value)} with ERR_SESSION_INVALID_OPTION, before connecting`, async () => {
      const options = { url: 'redis://127.0.0.1:1', [option]: value } as unknown as RedisStoreOptions
      const err = await redisStore(options).catch((e: unknown) => e)
      expect(err).to.be.instanceOf(SessionInvalidOptionError)
      expect((err as SessionInvalidOptionError).code).to.equal('ERR_SESSION_INVALID_OPTION')
      expect((err as SessionInvalidOptionError).message).to.equal(
        `session option ${option}: expected a number of milliseconds > 0, got ${String(value)}`,
      )
    })
  }
})

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

    it('keeps trying a refused port within connectTimeoutMs, so Redis may start beside the app', async function () {
      this.timeout(5000)
      const late = await RedisServer.start()
      await late.kill()
      const connecting = redisStore({ url: late.url, connectTimeoutMs: 4000 })
      // Redis comes up while the store is already trying to reach it.
      await late.restart()
      const store = await connecting
      expect(await store.count()).to.equal(0)
      await store.close()
      await late.stop()
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
