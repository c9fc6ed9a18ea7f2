/**
 * What a session's lease costs per request, in one process against Redis on loopback: the time of
 * one `registry.run()` on a session with the Redis store (lease taken, data touched or saved with
 * the fencing token, lease given back) beside the same run on the memory store, a bare lease
 * (acquire + release) and one Redis round trip (PING), the floor of any remote call. Sequential
 * runs give the latency a request pays; `PARALLEL` sessions at once give the throughput.
 *
 *   REDIS_URL=redis://127.0.0.1:6379 node dist/bench/scale/lease-cost.js
 *   ITERATIONS=5000 PARALLEL=50 REDIS_URL=… node dist/bench/scale/lease-cost.js
 */
import { createClient } from 'redis'
import { MemorySessionStore, redisStore, SessionRegistry, type SessionStore } from '../../sessions/index.js'

const ITERATIONS = Number(process.env.ITERATIONS ?? '2000')
const PARALLEL = Number(process.env.PARALLEL ?? '50')
const url = process.env.REDIS_URL
if (url === undefined) throw new Error('REDIS_URL is not set (run bench/scale/run.sh, which starts a redis-server)')

/** Mean microseconds per call of `once`, run `ITERATIONS` times one after another. */
async function sequential(once: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < ITERATIONS / 10; i++) await once()
  const started = process.hrtime.bigint()
  for (let i = 0; i < ITERATIONS; i++) await once()
  return Number(process.hrtime.bigint() - started) / 1000 / ITERATIONS
}

/** Calls per second with `PARALLEL` callers, each `ITERATIONS / PARALLEL` calls in a row. */
async function parallel(once: (caller: number) => Promise<unknown>): Promise<number> {
  const each = Math.max(1, Math.floor(ITERATIONS / PARALLEL))
  const started = process.hrtime.bigint()
  await Promise.all(
    Array.from({ length: PARALLEL }, async (_, caller) => {
      for (let i = 0; i < each; i++) await once(caller)
    }),
  )
  return (each * PARALLEL) / (Number(process.hrtime.bigint() - started) / 1e9)
}

async function measureRegistry(name: string, store: SessionStore): Promise<void> {
  const registry = new SessionRegistry({ store })
  const sessions = Array.from({ length: PARALLEL }, () => registry.create({ data: { count: 0 } }))
  await Promise.all(sessions.map((s) => registry.run(s, () => undefined)))
  const one = sessions[0]!
  const readOnly = await sequential(() => registry.run(one, () => (one.data as { count: number }).count))
  const readWrite = await sequential(() => registry.run(one, () => void (one.data as { count: number }).count++))
  const throughput = await parallel((caller) => {
    const s = sessions[caller]!
    return registry.run(s, () => void (s.data as { count: number }).count++)
  })
  row(name, readOnly, readWrite, throughput)
  await registry.close()
}

function row(name: string, readOnly: number, readWrite: number | string, throughput: number | string): void {
  const fmt = (v: number | string, digits: number): string => (typeof v === 'number' ? v.toFixed(digits) : v)
  console.log(
    `${name.padEnd(30)} ${fmt(readOnly, 1).padStart(10)} ${fmt(readWrite, 1).padStart(12)} ${fmt(throughput, 0).padStart(14)}`,
  )
}

console.log(`${ITERATIONS} sequential runs; ${PARALLEL} sessions in parallel for the throughput`)
console.log(`${'what'.padEnd(30)} ${'µs read'.padStart(10)} ${'µs write'.padStart(12)} ${'runs/s write'.padStart(14)}`)

const ping = createClient({ url })
await ping.connect()
row('PING round trip (floor)', await sequential(() => ping.ping()), '-', await parallel(() => ping.ping()))
await ping.sendCommand(['FLUSHALL'])
await ping.close()

const bare = await redisStore({ url, prefix: 'bench:lease:' })
const now = Date.now()
await bare.create({
  id: 'x',
  createdMs: now,
  lastActiveMs: now,
  timeoutMinutes: 20,
  data: '{}',
  version: 1,
  destroyCallbacks: [],
})
const leaseOnly = await sequential(async () => {
  const lease = await bare.acquireLease('x', { nowMs: Date.now(), ttlMs: 5000, waitMs: 0 })
  await bare.releaseLease(lease!)
})
row('lease alone (acquire+release)', leaseOnly, '-', '-')
await bare.close()

await measureRegistry('run(), memory store', new MemorySessionStore())
await measureRegistry('run(), Redis store (leased)', await redisStore({ url, prefix: 'bench:run:' }))
