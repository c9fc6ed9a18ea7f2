/**
 * Stalled streams: N clients (default 1,000) each request an endless `Readable` of 64 KiB pieces
 * (a file-like source, 64 KiB read-ahead) and never read. Gatehouse sends it with
 * `res.stream(source)`; the peer, node:http in the same run, with `source.pipe(res)`. Each server
 * runs in its own child process started with `--expose-gc`; the parent holds the clients, whose
 * sockets are paused before they connect so that the bytes stay in the kernel. The server
 * measures heap + external memory after a full collection with every request waiting for the
 * stream to begin, opens the gate, waits until no source gives any more (the kernel buffers are
 * full), measures again and reports the difference per response, with and without what the
 * sources keep in their own buffers. Run by hand:
 *
 *   npm run build && node dist/bench/memory/stalled-streams.js [--clients 1000] [--from <dist>]
 *
 * `--from` runs the Gatehouse server from another build (e.g. a worktree at an older commit).
 */
import net from 'node:net'
import http from 'node:http'
import { fork } from 'node:child_process'
import { once } from 'node:events'
import { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type * as Gatehouse from '../../index.js'

type Kind = 'gatehouse' | 'node:http'
const PIECE = 64 * 1024

interface Report {
  readonly held: number
  readonly heap: number
  readonly arrayBuffers: number
  readonly sources: number
  readonly taken: number
}

class EndlessSource extends Readable {
  pushed = 0
  constructor() {
    super({ highWaterMark: PIECE })
  }
  override _read(): void {
    while (this.push(Buffer.alloc(PIECE, 0x61))) this.pushed += PIECE
    this.pushed += PIECE
  }
}

interface Retained {
  readonly heap: number
  readonly external: number
  readonly arrayBuffers: number
}

function retained(): Retained {
  const collect = (globalThis as { gc?: () => void }).gc!
  collect()
  collect()
  const usage = process.memoryUsage()
  return { heap: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers }
}

/** The server side, in the child. */
async function serve(kind: Kind, count: number, from: string | undefined): Promise<void> {
  const sources: EndlessSource[] = []
  let waiting = 0
  let open!: () => void
  const gate = new Promise<void>((resolve) => (open = resolve))
  const begin = async (): Promise<EndlessSource> => {
    waiting++
    await gate
    const source = new EndlessSource()
    sources.push(source)
    return source
  }
  let port: number
  if (kind === 'gatehouse') {
    const root = from === undefined ? '../../index.js' : pathToFileURL(path.resolve(from, 'index.js')).href
    const { App } = (await import(root)) as typeof Gatehouse
    const app = new App({ timeouts: { writeTimeoutMs: 0, handlerTimeoutMs: 0 } })
    app.get('/endless', async (_req, res) => res.stream(await begin()))
    port = (await app.listen({ port: 0, host: '127.0.0.1' })).port
  } else {
    const server = http.createServer((_req, res) => void begin().then((source) => source.pipe(res)))
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    port = (server.address() as net.AddressInfo).port
  }
  process.send!({ port })
  while (waiting < count) await sleep(10)
  const before = retained()
  open()
  // Stalled once no source gives for a second: there is no event for full kernel buffers.
  let last = -1
  for (let still = 0; still < 10; await sleep(100)) {
    const taken = sources.reduce((sum, source) => sum + source.pushed - source.readableLength, 0)
    still = sources.length === count && taken === last ? still + 1 : 0
    last = taken
  }
  const after = retained()
  // A piece partly read is still held whole by its source.
  const sourceBytes = sources.reduce((sum, source) => sum + Math.ceil(source.readableLength / PIECE) * PIECE, 0)
  const report: Report = {
    held: (after.heap + after.external - before.heap - before.external) / count,
    heap: (after.heap - before.heap) / count,
    arrayBuffers: (after.arrayBuffers - before.arrayBuffers) / count,
    sources: sourceBytes / count,
    taken: last / count,
  }
  process.send!(report, () => process.exit(0))
}

async function measure(kind: Kind, count: number, from: string | undefined): Promise<Report> {
  const args = ['server', kind, String(count), ...(from === undefined ? [] : [from])]
  const child = fork(process.argv[1]!, args, { execArgv: ['--expose-gc'] })
  const [{ port }] = (await once(child, 'message')) as [{ port: number }]
  const clients: net.Socket[] = []
  for (let i = 0; i < count; i++) {
    const client = net.connect(port, '127.0.0.1')
    client.pause()
    client.on('error', () => undefined)
    await once(client, 'connect')
    client.write('GET /endless HTTP/1.1\r\nHost: bench\r\n\r\n')
    clients.push(client)
  }
  const [report] = (await once(child, 'message')) as [Report]
  for (const client of clients) client.destroy()
  await once(child, 'exit')
  return report
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name)
  return at < 0 ? undefined : process.argv[at + 1]
}

async function main(): Promise<void> {
  const count = Number(option('--clients') ?? 1000)
  const from = option('--from')
  const kb = (bytes: number): string => (bytes / 1000).toFixed(1)
  console.log(`${count} stalled readers of an endless Readable (64 KiB pieces, 64 KiB read-ahead)`)
  for (const kind of ['gatehouse', 'node:http'] as const) {
    const r = await measure(kind, count, from)
    console.log(
      `${kind.padEnd(10)} per response: ${kb(r.held)} KB in all, ${kb(r.held - r.sources)} KB beside its source ` +
        `(source buffers ${kb(r.sources)} KB; JS heap ${kb(r.heap)} KB, ArrayBuffers ${kb(r.arrayBuffers)} KB, ` +
        `other external ${kb(r.held - r.heap - r.arrayBuffers)} KB; ${(r.taken / 1e6).toFixed(2)} MB taken before the stall); ` +
        `${((r.held * count) / 1e6).toFixed(1)} MB for ${count}`,
    )
  }
}

if (process.argv[2] === 'server') await serve(process.argv[3] as Kind, Number(process.argv[4]), process.argv[5])
else await main()
