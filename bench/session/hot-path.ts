/**
 * The Session's own cost per keep-alive request, without a network: Sessions over a transport that
 * hands each one request per "readable" and takes every write at once, as a fast socket would.
 * Each turn of the event loop serves one request on each of CONNECTIONS Sessions, then lets the
 * turn end, where their responses are written: about what one turn of the server serves under the
 * HTTP load benchmark (48.8 requests measured). What it measures is the JavaScript a real
 * connection runs between its read and its write syscalls. Run by hand:
 *
 *   npx tsc -p tsconfig.json --outDir .build/bench && node .build/bench/bench/session/hot-path.js
 *   CASES=plaintext REQUESTS=1000000 node --cpu-prof .build/bench/bench/session/hot-path.js
 */
import v8 from 'node:v8'
import { App } from '../../index.js'
import { type InstantTransport, openConnections, serveOne, turnEnded } from './instant-transport.js'

const REQUESTS = Number(process.env.REQUESTS ?? 2_000_000)
const RUNS = Number(process.env.RUNS ?? 5)
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 48)

const PLAINTEXT = 'Hello, World!'
const JSON_VALUE = { message: 'Hello, World!' }
const REQUEST_TEXT = (path: string): Buffer =>
  Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:18080\r\n\r\n`, 'latin1')
const BROWSER_LIKE = (path: string): Buffer =>
  Buffer.from(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:18080\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36\r\n` +
      'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\nAccept-Language: en-US,en;q=0.5\r\n' +
      'Accept-Encoding: gzip, deflate, br\r\nConnection: keep-alive\r\nCookie: session=abc123; theme=dark\r\n' +
      'Cache-Control: no-cache\r\n\r\n',
    'latin1',
  )

/** Serves one request on every connection in this turn, then lets the turn end. */
async function serveTurn(transports: InstantTransport[], request: Buffer): Promise<void> {
  for (const transport of transports) serveOne(transport, request)
  await turnEnded()
}

async function measure(app: App, request: Buffer): Promise<number> {
  const transports = openConnections(app, CONNECTIONS)
  const turns = Math.ceil(REQUESTS / CONNECTIONS)
  const start = process.hrtime.bigint()
  for (let turn = 0; turn < turns; turn++) await serveTurn(transports, request)
  const ns = Number(process.hrtime.bigint() - start) / (turns * CONNECTIONS)
  if (transports.some((transport) => transport.written === 0)) throw new Error('nothing was written')
  return ns
}

function newSpaceUsed(): number {
  return v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_used_size ?? 0
}

/**
 * Bytes allocated per request: the growth of V8's young generation over batches of two turns, the
 * median of the batches during which no scavenge emptied it.
 */
async function allocated(app: App, request: Buffer): Promise<number> {
  const transports = openConnections(app, CONNECTIONS)
  for (let turn = 0; turn < 200; turn++) await serveTurn(transports, request)
  const perRequest: number[] = []
  for (let batch = 0; batch < 50; batch++) {
    const before = newSpaceUsed()
    for (let turn = 0; turn < 2; turn++) await serveTurn(transports, request)
    const after = newSpaceUsed()
    if (after > before) perRequest.push((after - before) / (2 * CONNECTIONS))
  }
  perRequest.sort((a, b) => a - b)
  return perRequest[Math.floor(perRequest.length / 2)] ?? Number.NaN
}

const app = new App()
app.get('/plaintext', (_req, res) => res.text(PLAINTEXT))
app.get('/json', (_req, res) => res.json(JSON_VALUE))
app.get('/users/:id', (req, res) => res.json({ id: req.params.id }))
app.constant('GET', '/constant', { headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: PLAINTEXT })
// An App with a finish hook: each response is recorded and told when its last byte is written.
const hooked = new App()
let finished = 0
hooked.onFinish(() => void finished++)
hooked.get('/plaintext', (_req, res) => res.text(PLAINTEXT))

const ALL_CASES: [string, Buffer, App][] = [
  ['plaintext', REQUEST_TEXT('/plaintext'), app],
  ['json', REQUEST_TEXT('/json'), app],
  ['param + 9 headers', BROWSER_LIKE('/users/42'), app],
  // No Request, no Response, no handler: the floor of the Session's own work.
  ['constant', REQUEST_TEXT('/constant'), app],
  ['plaintext + onFinish', REQUEST_TEXT('/plaintext'), hooked],
]
// CASES=plaintext,json picks some (by name prefix), e.g. to profile one alone.
const picked = process.env.CASES?.split(',')
const cases = picked === undefined ? ALL_CASES : ALL_CASES.filter(([name]) => picked.some((p) => name.startsWith(p)))
const results = new Map<string, number[]>()
for (let run = 0; run < RUNS; run++) {
  for (const [name, request, caseApp] of cases) {
    const list = results.get(name) ?? []
    list.push(await measure(caseApp, request))
    results.set(name, list)
  }
}
console.log(
  `| case | ns per request (median of ${RUNS} × ${REQUESTS.toLocaleString('en')}) | runs | bytes allocated per request |`,
)
console.log('| --- | --- | --- | --- |')
for (const [name, list] of results) {
  const sorted = [...list].sort((a, b) => a - b)
  const median = sorted[Math.floor(sorted.length / 2)]!
  const [, request, caseApp] = cases.find(([caseName]) => caseName === name)!
  const bytes = await allocated(caseApp, request)
  console.log(`| ${name} | ${median.toFixed(0)} | ${list.map((n) => n.toFixed(0)).join(' / ')} | ${bytes.toFixed(0)} |`)
}
if (finished === 0 && cases.some(([, , a]) => a === hooked)) throw new Error('the finish hook never ran')
process.exit(0)
