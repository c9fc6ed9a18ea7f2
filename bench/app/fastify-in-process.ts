/**
 * Fastify's cost per request on the realistic route, in-process, for comparison with
 * `hot-path.ts`: node:http (under Fastify) is handed CONNECTIONS in-memory Duplex streams as its
 * connections, each given the bench's request once per turn of the event loop; what it writes is
 * taken at once. It is not the same harness as Gatehouse's (node:http reads a stream, where
 * Gatehouse's transport hands the bytes over directly; both skip the kernel), so the two figures
 * are close, not equal, in what they include. Run by hand:
 *
 *   npx tsc -p tsconfig.json --outDir .build/bench && node .build/bench/bench/app/fastify-in-process.js
 */
import v8 from 'node:v8'
import { Duplex } from 'node:stream'
import { fastifyTodoApp } from './servers/fastify-app.js'
import { devNullLogger, todoRequest } from './servers/todo-route.js'

const REQUESTS = Number(process.env.REQUESTS ?? 200_000)
const RUNS = Number(process.env.RUNS ?? 5)
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 48)
const REQUEST = Buffer.from(todoRequest('127.0.0.1:18090'), 'latin1')

/** A connection as node:http sees one: what it writes is counted, what it reads is pushed. */
class MemorySocket extends Duplex {
  written = 0
  last = ''
  remoteAddress = '127.0.0.1'
  remotePort = 40000
  override _read(): void {}
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.written += chunk.length
    this.last = chunk.toString('latin1', 0, 16)
    callback()
  }
  override _writev(chunks: { chunk: Buffer }[], callback: () => void): void {
    for (const { chunk } of chunks) this.written += chunk.length
    this.last = chunks[0]!.chunk.toString('latin1', 0, 16)
    callback()
  }
  setNoDelay(): this {
    return this
  }
  setKeepAlive(): this {
    return this
  }
  setTimeout(): this {
    return this
  }
}

const app = await fastifyTodoApp(devNullLogger())
const sockets = Array.from({ length: CONNECTIONS }, () => new MemorySocket())
for (const socket of sockets) app.server.emit('connection', socket)

async function serveTurn(): Promise<void> {
  for (const socket of sockets) socket.push(REQUEST)
  await new Promise((resolve) => setImmediate(resolve))
}

async function measure(): Promise<number> {
  const turns = Math.ceil(REQUESTS / CONNECTIONS)
  const start = process.hrtime.bigint()
  for (let turn = 0; turn < turns; turn++) await serveTurn()
  // Let the last turn's responses finish before the clock stops.
  await new Promise((resolve) => setImmediate(resolve))
  const ns = Number(process.hrtime.bigint() - start) / (turns * CONNECTIONS)
  if (!sockets[0]!.last.startsWith('HTTP/1.1 201 ')) throw new Error(`unexpected answer: ${sockets[0]!.last}`)
  return ns
}

function newSpaceUsed(): number {
  return v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_used_size ?? 0
}

async function allocated(): Promise<number> {
  for (let turn = 0; turn < 200; turn++) await serveTurn()
  const perRequest: number[] = []
  for (let batch = 0; batch < 50; batch++) {
    const before = newSpaceUsed()
    await serveTurn()
    const after = newSpaceUsed()
    if (after > before) perRequest.push((after - before) / CONNECTIONS)
  }
  perRequest.sort((a, b) => a - b)
  return perRequest[Math.floor(perRequest.length / 2)] ?? Number.NaN
}

const runs: number[] = []
for (let run = 0; run < RUNS; run++) runs.push(await measure())
const sorted = [...runs].sort((a, b) => a - b)
const bytes = await allocated()
console.log(
  `Fastify POST /api/todos in-process: ${(sorted[Math.floor(RUNS / 2)]! / 1000).toFixed(2)} µs per request ` +
    `(median of ${RUNS} × ${REQUESTS.toLocaleString('en')}: ${runs.map((n) => (n / 1000).toFixed(2)).join(' / ')}), ` +
    `${bytes.toFixed(0)} bytes allocated per request`,
)
process.exit(0)
