/**
 * Lookup benchmark: this project's Router against find-my-way, rou3 (interpreted and compiled)
 * and memoirist, in one process, on a GitHub-like route set. The Router runs twice: with its
 * compiled matcher, and forced onto the tree walk it falls back to without code generation.
 * Run by hand:
 *
 *   npx tsc -p tsconfig.json --outDir .build/router && node .build/router/bench/router/lookup.js
 *
 * First every router runs every list for WARMUP_MS of CPU time, untimed, so that what is measured
 * is code V8 has optimised (the compiled matchers take the longest: rou3's about 1.6 s of
 * optimising time, ours about 0.6 s), whichever list comes first. Then each round times every
 * router on every list for a fixed slice of CPU time, in a rotating order; the report gives the
 * median lookups per second over the rounds and the ratio to the best peer.
 * `SAMPLES=1` also prints every round, which shows the compiled matchers warming up.
 */
import FindMyWay, { type HTTPMethod } from 'find-my-way'
import { Memoirist } from 'memoirist'
import { addRoute, createRouter, findRoute, type RouterContext } from 'rou3'
import { compileRouter } from 'rou3/compiler'
import { matcherCompilation } from '../../router/compiled-matcher.js'
import { Router } from '../../router/router.js'
import { GITHUB_ROUTES, type BenchRoute } from './github-routes.js'

const ROUNDS = Number(process.env.ROUNDS ?? 11)
const SLICE_MS = Number(process.env.SLICE_MS ?? 150)
const WARMUP_MS = Number(process.env.WARMUP_MS ?? 300)

interface Request {
  readonly method: string
  readonly path: string
  /** The request line the path is cut from, as a server cuts it from the bytes it received. */
  readonly line: string
}

function request(method: string, path: string): Request {
  return { method, path, line: `${method} ${path} HTTP/1.1` }
}

/**
 * The path as a new string, as every request brings one: a string looked up before has its hash
 * cached (and, as an object key, is internalized), which flatters hash-keyed lookups.
 */
function freshPath(req: Request): string {
  return req.line.slice(req.method.length + 1, req.method.length + 1 + req.path.length)
}

function sampleValue(name: string): string {
  if (name === 'owner') return 'octocat'
  if (name === 'repo') return 'hello-world'
  if (name === 'username') return 'mona'
  if (name === 'org') return 'github'
  if (name.endsWith('_id') || name.endsWith('_number')) return '1296269'
  if (name === 'ref' || name.endsWith('sha')) return '6dcb09b5b57875f334f61aebed695e2e4193db5e'
  return 'main'
}

function sampleRequest(route: BenchRoute): Request {
  const path = route.path.replace(/:(\w+)/g, (_, name: string) => sampleValue(name)).replace(/\*$/, 'src/lib/index.ts')
  return request(route.method, path)
}

function paramCount(route: BenchRoute): number {
  return (route.path.match(/:|\*/g) ?? []).length
}

const hits = GITHUB_ROUTES.map(sampleRequest)
// Misses of three kinds, one for every second route: an unknown last segment, an unknown
// static segment in the middle, and an unknown top-level resource.
const misses: Request[] = hits.flatMap((hit, i) => {
  if (i % 2 !== 0) return []
  const kinds = [
    request(hit.method, `${hit.path}/unknown`),
    request(hit.method, hit.path.replace(/\/([a-z_-]+)(\/|$)/, '/xyz$2')),
    request('GET', `/nothing-here-${i}/at/all`),
  ]
  return [kinds[i % 3] as Request]
})

const LISTS: Record<string, readonly Request[]> = {
  mixed: hits.flatMap((request, i) => (misses[i] === undefined ? [request] : [request, misses[i] as Request])),
  'static-only': GITHUB_ROUTES.filter((route) => paramCount(route) === 0).map(sampleRequest),
  'param-heavy': GITHUB_ROUTES.filter((route) => paramCount(route) >= 3).map(sampleRequest),
}

const ours = new Router<number>()
matcherCompilation.enabled = false
const oursWalk = new Router<number>()
matcherCompilation.enabled = true
const fmw = FindMyWay()
const rou = createRouter<number>() as RouterContext<number>
const memo = new Memoirist<number>()
GITHUB_ROUTES.forEach((route, i) => {
  ours.on(route.method, route.path, i)
  oursWalk.on(route.method, route.path, i)
  fmw.on(route.method as HTTPMethod, route.path, () => undefined, i)
  addRoute(rou, route.method, route.path.replace(/\/\*$/, '/**'), i)
  memo.add(route.method, route.path, i)
})
// A snapshot of the routes above, like our compiled matcher.
const rouCompiled = compileRouter(rou)
// The first lookup compiles; timed separately, since it is not a lookup.
const compileStart = performance.now()
ours.find('GET', '')
const compileMs = performance.now() - compileStart

// One loop per router, so each call site sees a single callee, as it would in a server.
function runOurs(list: readonly Request[]): number {
  let sink = 0
  for (let i = 0; i < list.length; i++) {
    const req = list[i] as Request
    sink += ours.find(req.method, freshPath(req)).status
  }
  return sink
}
function runOursWalk(list: readonly Request[]): number {
  let sink = 0
  for (let i = 0; i < list.length; i++) {
    const req = list[i] as Request
    sink += oursWalk.find(req.method, freshPath(req)).status
  }
  return sink
}
function runFindMyWay(list: readonly Request[]): number {
  let sink = 0
  for (let i = 0; i < list.length; i++) {
    const req = list[i] as Request
    sink += fmw.find(req.method as HTTPMethod, freshPath(req)) === null ? 0 : 1
  }
  return sink
}
function runRou3(list: readonly Request[]): number {
  let sink = 0
  for (let i = 0; i < list.length; i++) {
    const req = list[i] as Request
    sink += findRoute(rou, req.method, freshPath(req)) === undefined ? 0 : 1
  }
  return sink
}
function runRou3Compiled(list: readonly Request[]): number {
  let sink = 0
  for (let i = 0; i < list.length; i++) {
    const req = list[i] as Request
    sink += rouCompiled(req.method, freshPath(req)) === undefined ? 0 : 1
  }
  return sink
}
function runMemoirist(list: readonly Request[]): number {
  let sink = 0
  for (let i = 0; i < list.length; i++) {
    const req = list[i] as Request
    sink += memo.find(req.method, freshPath(req)) === null ? 0 : 1
  }
  return sink
}

const RUNNERS: Record<string, (list: readonly Request[]) => number> = {
  gatehouse: runOurs,
  'gatehouse (walk)': runOursWalk,
  'find-my-way': runFindMyWay,
  rou3: runRou3,
  'rou3 (compiled)': runRou3Compiled,
  memoirist: runMemoirist,
}
const OURS = ['gatehouse', 'gatehouse (walk)']

/** Lists the requests on which a peer, or the walk, disagrees with this router about hit or miss. */
function disagreements(list: readonly Request[]): string[] {
  return list.flatMap((request) => {
    const hit = ours.find(request.method, request.path).status === 200
    const peers = {
      'gatehouse (walk)': oursWalk.find(request.method, request.path).status === 200,
      'find-my-way': fmw.find(request.method as HTTPMethod, request.path) !== null,
      rou3: findRoute(rou, request.method, request.path) !== undefined,
      'rou3 (compiled)': rouCompiled(request.method, request.path) !== undefined,
      memoirist: memo.find(request.method, request.path) !== null,
    }
    return Object.entries(peers)
      .filter(([, peerHit]) => peerHit !== hit)
      .map(([name, peerHit]) => `${name} ${peerHit ? 'hit' : 'missed'} ${request.method} ${request.path}`)
  })
}

// CPU time of this process, in microseconds: unlike wall time, it leaves out the slices the
// scheduler gives to other jobs on a shared machine, which made wall-time rounds swing by 40%.
function cpuMicros(): number {
  const usage = process.cpuUsage()
  return usage.user + usage.system
}

function opsPerSecond(run: (list: readonly Request[]) => number, list: readonly Request[], sliceMs = SLICE_MS): number {
  let lookups = 0
  let sink = 0
  const start = cpuMicros()
  const budget = sliceMs * 1e3
  let now = start
  while (now - start < budget) {
    sink += run(list)
    lookups += list.length
    now = cpuMicros()
  }
  if (sink === -1) console.log('unreachable')
  return lookups / ((now - start) / 1e6)
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

const names = Object.keys(RUNNERS)
console.log(
  `node ${process.version}, ${GITHUB_ROUTES.length} routes, ${ROUNDS} rounds of ${SLICE_MS} ms of CPU per router and list`,
)
console.log(`gatehouse matcher compiled at the first lookup in ${compileMs.toFixed(1)} ms`)
for (const name of names) {
  for (const list of Object.values(LISTS))
    opsPerSecond(RUNNERS[name] as (list: readonly Request[]) => number, list, WARMUP_MS)
}
console.log(`warm-up: ${WARMUP_MS} ms of CPU per router and list, untimed`)
for (const [listName, list] of Object.entries(LISTS)) {
  const hitCount = list.filter((request) => ours.find(request.method, request.path).status === 200).length
  console.log(`\n${listName}: ${list.length} requests (${hitCount} hits, ${list.length - hitCount} misses)`)
  for (const line of disagreements(list)) console.log(`  disagreement: ${line}`)
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length] as string
      samples[name]?.push(opsPerSecond(RUNNERS[name] as (list: readonly Request[]) => number, list))
    }
  }
  const medians = Object.fromEntries(names.map((name) => [name, median(samples[name] as number[])]))
  const bestPeer = Math.max(...names.filter((name) => !OURS.includes(name)).map((name) => medians[name] as number))
  for (const name of names) {
    const value = medians[name] as number
    const ratio = OURS.includes(name) ? ` (${(value / bestPeer).toFixed(2)}x best peer)` : ''
    console.log(`  ${name.padEnd(16)} ${(value / 1e6).toFixed(2).padStart(6)} M lookups/s${ratio}`)
    if (process.env.SAMPLES)
      console.log(`      ${(samples[name] as number[]).map((v) => (v / 1e6).toFixed(2)).join(' ')}`)
  }
}
