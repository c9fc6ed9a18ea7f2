/**
 * Memory per idle keep-alive connection, Gatehouse against node:http, with a bare `net` server
 * (one canned answer per chunk, no parsing) as the floor any server built on `net.Socket` pays.
 * Run by hand:
 *
 *   npx tsc -p tsconfig.json --outDir .build/bench && node .build/bench/bench/http/idle-memory.js
 *
 * For each server and run, a child process (started with `--expose-gc`) serves `GET /plaintext`.
 * The parent sends one warm-up request, has the child collect garbage and report
 * `process.memoryUsage()`, then opens CONNECTIONS raw sockets, sends one request on each, reads the
 * answer, leaves them idle, and has the child report again; then it opens MORE connections the
 * same way and has the child report a third time. Two costs per idle connection come out:
 *
 * - first: (second report - first) / CONNECTIONS, which also carries what the process grows once
 *   under a burst of connections (V8's young generation, allocator arenas): RSS swings by several
 *   KiB per connection between identical runs;
 * - marginal: (third report - second) / MORE, the slope once that growth has happened: what each
 *   further idle connection costs.
 *
 * RSS is also given without V8's young generation (its physical size from
 * `v8.getHeapSpaceStatistics()`), which V8 grows and shrinks for the whole process by its own
 * heuristics, in steps of megabytes that land in one phase or the other.
 *
 * The report gives the median of RUNS runs. The child also reports how many connections it holds,
 * so a server that dropped idle ones cannot look cheap.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:http'
import { connect, createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import { getHeapSpaceStatistics } from 'node:v8'
import { App } from '../../index.js'
import { PLAINTEXT_BODY, TEXT_TYPE } from './servers/payloads.js'

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 2000)
const MORE = Number(process.env.MORE ?? 4000)
const RUNS = Number(process.env.RUNS ?? 3)
// Connections are opened this many at a time, well inside the listen backlog.
const BATCH = 200
const PHASE_TIMEOUT_MS = 30_000
// Longer than the measurement takes, so node:http's 5 s default cannot close connections mid-run.
const NODE_KEEP_ALIVE_MS = 120_000
const KINDS = ['gatehouse', 'node-http', 'bare-net'] as const
const REQUEST = 'GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'

type Kind = (typeof KINDS)[number]

interface Usage {
  readonly rss: number
  /** Physical size of the young generation (new space and new large objects). */
  readonly young: number
  readonly heapUsed: number
  readonly external: number
  readonly connections: number
}

interface PerConnection {
  readonly heapAndExternal: number
  readonly rss: number
  readonly marginalHeapAndExternal: number
  readonly marginalRss: number
  readonly rssWithoutYoung: number
  readonly marginalRssWithoutYoung: number
}

/** Child side: serve, then answer every 'measure' message with memory after full collections. */
async function serve(kind: Kind): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('the server child must run with --expose-gc')
  let port: number
  let connections: () => Promise<number>
  if (kind === 'gatehouse') {
    const app = new App()
    app.get('/plaintext', (_req, res) => res.text(PLAINTEXT_BODY))
    const server = await app.listen({ port: 0, host: '127.0.0.1' })
    port = server.port
    connections = async () => server.connections
  } else if (kind === 'bare-net') {
    const canned = Buffer.from(
      `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(PLAINTEXT_BODY)}\r\n\r\n${PLAINTEXT_BODY}`,
    )
    const server = createNetServer((socket) => socket.on('data', () => socket.write(canned)))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as { port: number }).port
    connections = () => countConnections(server)
  } else {
    const server = createServer((_req, res) => {
      res.writeHead(200, {
        'Content-Type': TEXT_TYPE,
        'Content-Length': Buffer.byteLength(PLAINTEXT_BODY),
        Server: 'node',
      })
      res.end(PLAINTEXT_BODY)
    })
    server.keepAliveTimeout = NODE_KEEP_ALIVE_MS
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as { port: number }).port
    connections = () => countConnections(server)
  }
  process.on('message', async () => {
    // Several passes: the first may only move objects with finalizers to the next one.
    for (let i = 0; i < 4; i++) gc()
    const { rss, heapUsed, external } = process.memoryUsage()
    const young = getHeapSpaceStatistics()
      .filter((space) => space.space_name === 'new_space' || space.space_name === 'new_large_object_space')
      .reduce((sum, space) => sum + space.physical_space_size, 0)
    process.send?.({ rss, young, heapUsed, external, connections: await connections() } satisfies Usage)
  })
  process.send?.({ port })
}

function countConnections(server: NetServer): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))))
}

function deadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${PHASE_TIMEOUT_MS} ms`)), PHASE_TIMEOUT_MS)
  })
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer))
}

function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as T))
    child.once('exit', (code) => reject(new Error(`server child exited with ${code}`)))
  })
}

async function measure(child: ChildProcess): Promise<Usage> {
  const reply = nextMessage<Usage>(child)
  child.send('measure')
  return deadline(reply, 'measuring memory')
}

/** Opens a socket, sends one request and resolves once the whole answer has arrived. */
function openAndRequest(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let received = ''
    socket.setEncoding('latin1')
    socket.once('connect', () => socket.write(REQUEST))
    socket.on('data', (text: string) => {
      received += text
      if (received.endsWith(PLAINTEXT_BODY)) resolve(socket)
    })
    socket.once('error', reject)
    socket.once('close', () => reject(new Error(`connection closed after ${JSON.stringify(received)}`)))
  })
}

async function openIdle(port: number, count: number): Promise<Socket[]> {
  const sockets: Socket[] = []
  for (let opened = 0; opened < count; opened += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - opened) }, () => openAndRequest(port))
    sockets.push(...(await Promise.all(batch)))
  }
  return sockets
}

async function runOnce(kind: Kind): Promise<PerConnection> {
  const child = fork(fileURLToPath(import.meta.url), ['serve', kind], { execArgv: ['--expose-gc'], stdio: 'inherit' })
  const sockets: Socket[] = []
  try {
    const { port } = await deadline(nextMessage<{ port: number }>(child), 'starting the server')
    // One request first, so code compiled and caches filled on first use are not counted per connection.
    sockets.push(...(await deadline(openIdle(port, 1), 'the warm-up request')))
    const before = await measure(child)
    sockets.push(...(await deadline(openIdle(port, CONNECTIONS), `opening ${CONNECTIONS} connections`)))
    const after = await measure(child)
    sockets.push(...(await deadline(openIdle(port, MORE), `opening ${MORE} more connections`)))
    const more = await measure(child)
    if (after.connections !== CONNECTIONS + 1 || more.connections !== CONNECTIONS + MORE + 1) {
      throw new Error(
        `${kind} holds ${after.connections} and ${more.connections} connections; expected ${CONNECTIONS + 1} and ${CONNECTIONS + MORE + 1}`,
      )
    }
    return {
      heapAndExternal: (after.heapUsed + after.external - before.heapUsed - before.external) / CONNECTIONS,
      rss: (after.rss - before.rss) / CONNECTIONS,
      marginalHeapAndExternal: (more.heapUsed + more.external - after.heapUsed - after.external) / MORE,
      marginalRss: (more.rss - after.rss) / MORE,
      rssWithoutYoung: (after.rss - after.young - before.rss + before.young) / CONNECTIONS,
      marginalRssWithoutYoung: (more.rss - more.young - after.rss + after.young) / MORE,
    }
  } finally {
    for (const socket of sockets) socket.destroy()
    child.kill()
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

async function main(): Promise<void> {
  const results = new Map<Kind, PerConnection[]>(KINDS.map((k) => [k, []]))
  for (let run = 0; run < RUNS; run++) {
    // Rotate which server goes first, so none always meets a warmer machine.
    for (let i = 0; i < KINDS.length; i++) {
      const kind = KINDS[(i + run) % KINDS.length]
      const result = await runOnce(kind)
      results.get(kind)?.push(result)
      const bytes = (n: number): string => `${Math.round(n)} B`
      console.log(
        `run ${run + 1} ${kind}: first ${CONNECTIONS}: heap+external ${bytes(result.heapAndExternal)}, rss ${bytes(result.rss)}; ` +
          `next ${MORE}: heap+external ${bytes(result.marginalHeapAndExternal)}, rss ${bytes(result.marginalRss)}; ` +
          `rss without young generation ${bytes(result.rssWithoutYoung)} / ${bytes(result.marginalRssWithoutYoung)} per connection`,
      )
    }
  }
  const kib = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KiB`
  const summary = KINDS.map((kind) => {
    const runs = results.get(kind) ?? []
    const of = (pick: (r: PerConnection) => number): number => median(runs.map(pick))
    return {
      kind,
      cells: [
        of((r) => r.heapAndExternal),
        of((r) => r.marginalHeapAndExternal),
        of((r) => r.rss),
        of((r) => r.marginalRss),
        of((r) => r.rssWithoutYoung),
        of((r) => r.marginalRssWithoutYoung),
      ],
    }
  })
  const [gatehouse, nodeHttp] = summary
  console.log(`\nMedian of ${RUNS} runs: the first ${CONNECTIONS} idle keep-alive connections, then ${MORE} more:\n`)
  console.log(
    '| server | heap+external, first | heap+external, marginal | RSS, first | RSS, marginal | RSS − young gen., first | RSS − young gen., marginal |',
  )
  console.log('| --- | --- | --- | --- | --- | --- | --- |')
  for (const s of summary) console.log(`| ${s.kind} | ${s.cells.map(kib).join(' | ')} |`)
  const ratios = gatehouse.cells.map((cell, i) => (cell / nodeHttp.cells[i]).toFixed(2))
  console.log(`| gatehouse ÷ node:http | ${ratios.join(' | ')} |`)
}

if (process.argv[2] === 'serve') await serve(process.argv[3] as Kind)
else await main()
