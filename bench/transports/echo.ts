/**
 * Ping-pong over loopback TCP: the server echoes each message either through a PlainTransport
 * (`await read()` → `await write()`, the Session's loop) or straight from the socket's 'data'
 * event (the peer). Run by hand:
 *
 *   npx tsc -p tsconfig.json --outDir .build/bench && node .build/bench/bench/transports/echo.js
 */
import net from 'node:net'
import { once } from 'node:events'
import { PlainTransport } from '../../transports/plain-transport.js'

const ROUND_TRIPS = 20_000
const RUNS = 5
const MESSAGE = Buffer.from('GET / HTTP/1.1\r\nHost: bench\r\n\r\n'.padEnd(64, ' '))

type Serve = (socket: net.Socket) => void

async function echoThroughTransport(socket: net.Socket): Promise<void> {
  const t = new PlainTransport(socket)
  for (let chunk = await t.read(); chunk !== null; chunk = await t.read()) {
    if ((await t.write(chunk)) === 0) break
  }
  t.close()
}

const SERVERS: Record<string, Serve> = {
  PlainTransport: (socket) => void echoThroughTransport(socket),
  'net.Socket': (socket) => {
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => socket.write(chunk))
    socket.on('error', () => socket.destroy())
  },
}

async function measure(serve: Serve): Promise<number> {
  const server = net.createServer(serve).listen(0, '127.0.0.1')
  await once(server, 'listening')
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1')
  client.setNoDelay(true)
  await once(client, 'connect')
  const started = process.hrtime.bigint()
  await new Promise<void>((resolve) => {
    let pending = MESSAGE.length
    let left = ROUND_TRIPS
    client.on('data', (chunk: Buffer) => {
      pending -= chunk.length
      if (pending > 0) return
      if (--left === 0) return resolve()
      pending = MESSAGE.length
      client.write(MESSAGE)
    })
    client.write(MESSAGE)
  })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  client.destroy()
  await new Promise((resolve) => server.close(resolve))
  return ROUND_TRIPS / seconds
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y)
  return sorted[Math.floor(sorted.length / 2)] as number
}

const results: Record<string, number[]> = { PlainTransport: [], 'net.Socket': [] }
for (let run = 0; run < RUNS; run++) {
  // Alternate the order so neither side always runs on a warmer process.
  const names = run % 2 === 0 ? Object.keys(SERVERS) : Object.keys(SERVERS).reverse()
  for (const name of names) (results[name] as number[]).push(await measure(SERVERS[name] as Serve))
}
const transport = median(results.PlainTransport as number[])
const peer = median(results['net.Socket'] as number[])
console.log(`node ${process.version}, ${ROUND_TRIPS} round trips of ${MESSAGE.length} bytes, median of ${RUNS} runs`)
console.log(`PlainTransport: ${transport.toFixed(0)} round trips/s`)
console.log(`net.Socket:     ${peer.toFixed(0)} round trips/s`)
console.log(`ratio:          ${(transport / peer).toFixed(3)}`)
