/**
 * Micro-benchmark of the WAF hot path and of body checks. Run by hand:
 *
 *   npx tsc -p tsconfig.json --outDir .build/waf && node .build/waf/bench/waf/waf-check.js
 *
 * Prints ns per small clean GET (basic, strict, off) next to two peers measured in the same run —
 * WHATWG URL parsing of the same target, and a naive WAF (decodeURIComponent plus one keyword
 * regex) — and MB/s of strict body checks on 1 KiB, 64 KiB and 1 MiB JSON next to `JSON.parse` alone.
 * Every figure is the median of RUNS runs.
 */
import { Waf, type WafRequestHead } from '../../waf/waf.js'

const RUNS = 7
const GET_ITERATIONS = 300_000

const GET: WafRequestHead = {
  method: 'GET',
  target: '/api/v1/users/42?page=2&sort=name',
  headers: [
    'Host',
    'api.example.com',
    'User-Agent',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    'Accept',
    'application/json',
    'Accept-Encoding',
    'gzip, deflate, br',
    'Accept-Language',
    'en-US,en;q=0.9',
    'Connection',
    'keep-alive',
  ],
}

/** The kind of WAF many apps start with: decode, then one case-insensitive keyword regex. */
const NAIVE = /union\s+select|<script|\.\.\/|javascript:|\bor\s+1=1|;\s*(?:cat|ls|id)\b|\{\{|\$\{/i
function naiveCheck(head: WafRequestHead): boolean {
  let hit = NAIVE.test(safeDecode(head.target))
  for (let i = 1; i < head.headers.length; i += 2) hit ||= NAIVE.test(head.headers[i])
  return hit
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/** Median ns per call of `fn` over RUNS runs of `iterations` calls. */
function nsPerOp(iterations: number, fn: () => unknown): number {
  let sink = 0
  const runs: number[] = []
  for (let run = 0; run <= RUNS; run++) {
    const started = process.hrtime.bigint()
    for (let i = 0; i < iterations; i++) if (fn() !== null) sink++
    const ns = Number(process.hrtime.bigint() - started) / iterations
    if (run > 0) runs.push(ns) // run 0 warms the JIT up
  }
  if (sink === -1) console.log(sink)
  return median(runs)
}

function jsonBody(bytes: number): Buffer {
  const items: object[] = []
  let size = 2
  for (let id = 0; size < bytes; id++) {
    const item = {
      id,
      name: `Customer O'Brien #${id}`,
      email: `user${id}@example.com`,
      comment: "It's great -- we'll select the best plan; 50% off & free shipping (see ../faq).",
      tags: ['new', 'vip', `tier-${id % 3}`],
      price: 19.99 + id,
      active: id % 2 === 0,
    }
    items.push(item)
    size += JSON.stringify(item).length + 1
  }
  return Buffer.from(JSON.stringify(items).slice(0, Number.MAX_SAFE_INTEGER))
}

const basic = new Waf({ mode: 'basic' })
const strict = new Waf({ mode: 'strict' })
const off = new Waf({ mode: 'off' })

console.log(`node ${process.version}, ${RUNS} runs, median`)
console.log('small clean GET (ns/op)')
const rows: [string, number][] = [
  ['waf off', nsPerOp(GET_ITERATIONS, () => off.checkHead(GET))],
  ['waf basic', nsPerOp(GET_ITERATIONS, () => basic.checkHead(GET))],
  ['waf strict', nsPerOp(GET_ITERATIONS, () => strict.checkHead(GET))],
  [
    'peer: new URL(target)',
    nsPerOp(GET_ITERATIONS, () => (new URL(GET.target, 'http://x').searchParams.size > 9 ? 1 : null)),
  ],
  ['peer: naive regex WAF', nsPerOp(GET_ITERATIONS, () => (naiveCheck(GET) ? 1 : null))],
]
for (const [name, ns] of rows) console.log(`  ${name.padEnd(24)} ${ns.toFixed(0).padStart(6)} ns`)

console.log('strict JSON body (MB/s; peer: JSON.parse alone)')
const post: WafRequestHead = { method: 'POST', target: '/api/v1/orders', headers: ['Content-Type', 'application/json'] }
for (const bytes of [1024, 64 * 1024, 1024 * 1024]) {
  const body = jsonBody(bytes)
  const iterations = Math.max(5, Math.round((4 * 1024 * 1024) / body.length))
  const wafNs = nsPerOp(iterations, () => strict.checkBody(post, body, 'application/json'))
  const parseNs = nsPerOp(iterations, () => (JSON.parse(body.toString('utf8')) === 0 ? 1 : null))
  const mbps = (ns: number): string => ((body.length / ns) * 1e3).toFixed(1)
  console.log(
    `  ${String(body.length).padStart(8)} B  waf ${mbps(wafNs).padStart(6)} MB/s (${(wafNs / 1e3).toFixed(1)} µs)  JSON.parse ${mbps(parseNs).padStart(6)} MB/s  ratio ${(wafNs / parseNs).toFixed(2)}`,
  )
}
