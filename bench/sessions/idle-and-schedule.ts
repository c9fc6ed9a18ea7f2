/**
 * Two costs of client sessions that need no network, measured in one process:
 *
 * - **idle session**: the heap an idle session costs (registry entry, ClientSession, its state,
 *   the memory store's entry and deadline bucket, the data and its JSON text), from
 *   `process.memoryUsage().heapUsed` after a full GC, before and after creating SESSIONS sessions
 *   with a small data value; the data's own size (its JSON text and parsed object, measured the
 *   same way on their own) is reported beside it;
 * - **schedule throughput**: `schedule(ids, task, { wait: true })` over SESSIONS sessions, each task
 *   changing its session's data (so each is saved), and the same with `forAll`, in tasks per second.
 *
 * Run by hand: `npm run build && node --expose-gc dist/bench/sessions/idle-and-schedule.js`
 */
import { SessionRegistry } from '../../index.js'

const SESSIONS = Number(process.env.SESSIONS ?? 10_000)
const RUNS = Number(process.env.RUNS ?? 5)

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with node --expose-gc')

function heapAfterGc(): number {
  gc!()
  gc!()
  return process.memoryUsage().heapUsed
}

function dataOf(i: number): { user: string; count: number } {
  return { user: `user-${i}`, count: i }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

async function idleCost(): Promise<{ perSession: number; dataAlone: number }> {
  const registry = new SessionRegistry()
  const before = heapAfterGc()
  for (let i = 0; i < SESSIONS; i++) registry.create({ data: dataOf(i), useCookie: true })
  const after = heapAfterGc()
  // The data alone, kept as a session keeps it: the parsed value and its JSON text.
  const kept: unknown[] = []
  const baseline = heapAfterGc()
  for (let i = 0; i < SESSIONS; i++) {
    const json = JSON.stringify(dataOf(i))
    kept.push([JSON.parse(json), json])
  }
  const withData = heapAfterGc()
  const result = { perSession: (after - before) / SESSIONS, dataAlone: (withData - baseline) / SESSIONS }
  if (kept.length !== SESSIONS || registry.size !== SESSIONS) throw new Error('lost sessions')
  await registry.close()
  return result
}

async function scheduleRate(): Promise<{ schedule: number; forAll: number }> {
  const registry = new SessionRegistry()
  const ids = Array.from({ length: SESSIONS }, (_, i) => registry.create({ data: dataOf(i) }).id)
  const task = (session: { data: unknown }): void => void (session.data as { count: number }).count++
  let started = performance.now()
  const outcomes = await registry.schedule(ids, task, { wait: true })
  const scheduleMs = performance.now() - started
  if (outcomes.some((o) => o.status !== 'done')) throw new Error('a task did not run')
  started = performance.now()
  await registry.forAll(task, { wait: true })
  const forAllMs = performance.now() - started
  await registry.close()
  return { schedule: (SESSIONS / scheduleMs) * 1000, forAll: (SESSIONS / forAllMs) * 1000 }
}

const idle: { perSession: number; dataAlone: number }[] = []
const rates: { schedule: number; forAll: number }[] = []
for (let run = 0; run < RUNS; run++) {
  idle.push(await idleCost())
  rates.push(await scheduleRate())
}
const perSession = median(idle.map((r) => r.perSession))
const dataAlone = median(idle.map((r) => r.dataAlone))
console.log(`${SESSIONS} sessions, median of ${RUNS} runs, Node ${process.version}`)
console.log(
  `idle session: ${perSession.toFixed(0)} bytes of heap, of which its data ${dataAlone.toFixed(0)}: ${(perSession - dataAlone).toFixed(0)} bytes besides the data`,
)
console.log(`schedule(ids, task, { wait: true }): ${median(rates.map((r) => r.schedule)).toFixed(0)} tasks/s`)
console.log(`forAll(task, { wait: true }):        ${median(rates.map((r) => r.forAll)).toFixed(0)} tasks/s`)
