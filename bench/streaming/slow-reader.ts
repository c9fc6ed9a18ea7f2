/**
 * Streaming memory: a server streams 100 MiB in 64 KiB chunks (`await res.write()` in Gatehouse,
 * `res.write()` + 'drain' in node:http, the peer) to a client that reads slowly, throttled with
 * pause/resume to about 80 MiB/s. Each server runs in its own child process, which samples its
 * RSS every 100 ms; the parent is the client. With working backpressure the server's RSS stays
 * flat; without it the unsent body piles up in memory. Run by hand:
 *
 *   npx tsc -p tsconfig.json --outDir .build/conntests && node .build/conntests/bench/streaming/slow-reader.js
 */
import net from 'node:net'
import http from 'node:http'
import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { App } from '../../core/app/app.js'

const CHUNK_BYTES = 64 * 1024
const TOTAL_BYTES = 100 * 1024 * 1024
const CHUNKS = TOTAL_BYTES / CHUNK_BYTES
const READ_BYTES_PER_SECOND = 80 * 1024 * 1024
const SAMPLE_MS = 100
const RUNS = 3
const MIB = 1024 * 1024

type Kind = 'gatehouse' | 'node:http'
interface Measurement {
  readonly startRss: number
  readonly peakRss: number
  readonly seconds: number
}

/** The server side, in the child: listen, report the port, sample RSS until asked for the result. */
async function serve(kind: Kind): Promise<void> {
  const chunk = Buffer.alloc(CHUNK_BYTES, 0x61)
  let port: number
  if (kind === 'gatehouse') {
    const app = new App()
    app.get('/stream', async (_req, res) => {
      res.start(200, { 'Content-Length': TOTAL_BYTES })
      for (let i = 0; i < CHUNKS; i++) if (!(await res.write(chunk))) return
      await res.end()
    })
    port = (await app.listen({ port: 0, host: '127.0.0.1' })).port
  } else {
    const server = http.createServer(async (_req, res) => {
      res.writeHead(200, { 'Content-Length': TOTAL_BYTES })
      for (let i = 0; i < CHUNKS; i++) if (!res.write(chunk)) await once(res, 'drain')
      res.end()
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    port = (server.address() as net.AddressInfo).port
  }
  let startRss = 0
  let peakRss = 0
  let timer: NodeJS.Timeout | undefined
  process.on('message', (message: string) => {
    if (message === 'start') {
      startRss = peakRss = process.memoryUsage.rss()
      timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), SAMPLE_MS)
    } else {
      clearInterval(timer)
      peakRss = Math.max(peakRss, process.memoryUsage.rss())
      process.send!({ startRss, peakRss }, () => process.exit(0))
    }
  })
  process.send!({ port })
}

/** The client side: request the stream and read it at about READ_BYTES_PER_SECOND. */
async function readSlowly(port: number): Promise<number> {
  const socket = net.connect(port, '127.0.0.1')
  await once(socket, 'connect')
  const started = performance.now()
  socket.write('GET /stream HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n')
  let received = 0
  socket.on('data', (data: Buffer) => {
    received += data.length
    // Ahead of the allowed rate: stop reading until the schedule catches up.
    const aheadMs = (received / READ_BYTES_PER_SECOND) * 1000 - (performance.now() - started)
    if (aheadMs > 1) {
      socket.pause()
      setTimeout(() => socket.resume(), aheadMs)
    }
  })
  await once(socket, 'end')
  socket.destroy()
  if (received < TOTAL_BYTES) throw new Error(`received ${received} bytes of ${TOTAL_BYTES}`)
  return (performance.now() - started) / 1000
}

async function measure(kind: Kind): Promise<Measurement> {
  const child: ChildProcess = fork(process.argv[1]!, ['server', kind])
  const [{ port }] = (await once(child, 'message')) as [{ port: number }]
  child.send('start')
  const seconds = await readSlowly(port)
  child.send('stop')
  const [{ startRss, peakRss }] = (await once(child, 'message')) as [{ startRss: number; peakRss: number }]
  await once(child, 'exit')
  return { startRss, peakRss, seconds }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

async function main(): Promise<void> {
  const results: Record<Kind, Measurement[]> = { gatehouse: [], 'node:http': [] }
  for (let run = 0; run < RUNS; run++) {
    for (const kind of ['gatehouse', 'node:http'] as const) {
      const m = await measure(kind)
      results[kind].push(m)
      const mib = (bytes: number): string => (bytes / MIB).toFixed(1)
      console.log(
        `${kind} run ${run + 1}: start ${mib(m.startRss)} MiB, peak ${mib(m.peakRss)} MiB, growth ${mib(m.peakRss - m.startRss)} MiB, ${(TOTAL_BYTES / MIB / m.seconds).toFixed(1)} MiB/s`,
      )
    }
  }
  for (const kind of ['gatehouse', 'node:http'] as const) {
    const rs = results[kind]
    const growth = median(rs.map((m) => m.peakRss - m.startRss)) / MIB
    console.log(
      `${kind} median: start ${(median(rs.map((m) => m.startRss)) / MIB).toFixed(1)} MiB, peak ${(median(rs.map((m) => m.peakRss)) / MIB).toFixed(1)} MiB, growth ${growth.toFixed(1)} MiB, ${median(rs.map((m) => TOTAL_BYTES / MIB / m.seconds)).toFixed(1)} MiB/s`,
    )
  }
}

if (process.argv[2] === 'server') await serve(process.argv[3] as Kind)
else await main()
