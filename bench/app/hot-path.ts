/**
 * Gatehouse's cost per request on the realistic route, in-process (no sockets, no wrk, so a noisy
 * machine matters less): Sessions over a transport that hands each one the bench's request per
 * "readable" and takes every write at once, as `bench/session/hot-path.ts` does for plaintext.
 * Each turn of the event loop serves one request on each of CONNECTIONS Sessions, then lets the
 * turn end, where the responses are written. The log lines go to /dev/null through pino, as under
 * load. Prints µs per request and bytes allocated per request. Run by hand:
 *
 *   npx tsc -p tsconfig.json --outDir .build/bench && node .build/bench/bench/app/hot-path.js
 *   REQUESTS=200000 node --cpu-prof --cpu-prof-dir=/tmp/prof .build/bench/bench/app/hot-path.js
 */
import v8 from 'node:v8'
import { type InstantTransport, openConnections, serveOne, turnEnded } from '../session/instant-transport.js'
import type { App } from '../../index.js'
import { gatehouseTodoApp } from './servers/gatehouse-app.js'
import { devNullLogger, todoRequest } from './servers/todo-route.js'

const REQUESTS = Number(process.env.REQUESTS ?? 200_000)
const RUNS = Number(process.env.RUNS ?? 5)
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 48)
const REQUEST = Buffer.from(todoRequest('127.0.0.1:18090'), 'latin1')

async function serveTurn(transports: InstantTransport[]): Promise<void> {
  for (const transport of transports) serveOne(transport, REQUEST)
  await turnEnded()
}

async function measure(app: App): Promise<number> {
  const transports = openConnections(app, CONNECTIONS)
  const turns = Math.ceil(REQUESTS / CONNECTIONS)
  const start = process.hrtime.bigint()
  for (let turn = 0; turn < turns; turn++) await serveTurn(transports)
  const ns = Number(process.hrtime.bigint() - start) / (turns * CONNECTIONS)
  if (!transports[0]!.last.startsWith('HTTP/1.1 201 ')) throw new Error(`unexpected answer: ${transports[0]!.last}`)
  return ns
}

function newSpaceUsed(): number {
  return v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_used_size ?? 0
}

/** Bytes allocated per request: young-generation growth over batches with no scavenge, the median. */
async function allocated(app: App): Promise<number> {
  const transports = openConnections(app, CONNECTIONS)
  for (let turn = 0; turn < 200; turn++) await serveTurn(transports)
  const perRequest: number[] = []
  for (let batch = 0; batch < 50; batch++) {
    const before = newSpaceUsed()
    await serveTurn(transports)
    const after = newSpaceUsed()
    if (after > before) perRequest.push((after - before) / CONNECTIONS)
  }
  perRequest.sort((a, b) => a - b)
  return perRequest[Math.floor(perRequest.length / 2)] ?? Number.NaN
}

const app = gatehouseTodoApp(devNullLogger())
const runs: number[] = []
for (let run = 0; run < RUNS; run++) runs.push(await measure(app))
const sorted = [...runs].sort((a, b) => a - b)
const bytes = await allocated(app)
console.log(
  `POST /api/todos in-process: ${(sorted[Math.floor(RUNS / 2)]! / 1000).toFixed(2)} µs per request ` +
    `(median of ${RUNS} × ${REQUESTS.toLocaleString('en')}: ${runs.map((n) => (n / 1000).toFixed(2)).join(' / ')}), ` +
    `${bytes.toFixed(0)} bytes allocated per request`,
)
process.exit(0)
