/**
 * Turns the TSV written by `run.sh` (one line per measurement) into markdown tables: median
 * requests/second, the ratios against node:http and against the bare-net ceiling, median
 * latencies, and the cost of each WAF mode. Run by `run.sh`; by hand:
 *
 *   node .build/bench/bench/http/summarize.js .build/bench/http-results.tsv
 */
import { readFileSync } from 'node:fs'

interface Measurement {
  readonly server: string
  readonly test: string
  readonly round: number
  readonly rps: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly errors: string
}

const BASELINE = 'node-http'
const CEILING = 'bare-net'

function parse(tsv: string): Measurement[] {
  return tsv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [server, test, round, rps, p50, p99, errors] = line.split('\t')
      return { server, test, round: Number(round), rps: Number(rps), p50Ms: Number(p50), p99Ms: Number(p99), errors }
    })
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)]
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n')
}

const results = parse(readFileSync(process.argv[2], 'utf8'))
const servers = unique(results.map((m) => m.server))
const tests = unique(results.map((m) => m.test))
const pick = (server: string, test: string): Measurement[] =>
  results.filter((m) => m.server === server && m.test === test)
const medianOf = (server: string, test: string, field: 'rps' | 'p50Ms' | 'p99Ms'): number =>
  median(pick(server, test).map((m) => m[field]))
const format = (n: number): string => Math.round(n).toLocaleString('en-US')
const header = ['server', ...tests.map((t) => t.replace(':', ' '))]

console.log(`Median requests/second over ${Math.max(...results.map((m) => m.round))} rounds (min–max in brackets):\n`)
console.log(
  table(
    header,
    servers.map((s) => [
      s,
      ...tests.map((t) => {
        const rps = pick(s, t).map((m) => m.rps)
        return `${format(median(rps))} (${format(Math.min(...rps))}–${format(Math.max(...rps))})`
      }),
    ]),
  ),
)

for (const [label, peer] of [
  ['node:http', BASELINE],
  ['the bare-net ceiling', CEILING],
] as const) {
  if (!servers.includes(peer)) continue
  console.log(`\nRatio of medians to ${label}:\n`)
  console.log(
    table(
      header,
      servers.map((s) => [s, ...tests.map((t) => `${(medianOf(s, t, 'rps') / medianOf(peer, t, 'rps')).toFixed(2)}×`)]),
    ),
  )
}

console.log('\nMedian latency p50 / p99 (ms):\n')
console.log(
  table(
    header,
    servers.map((s) => [
      s,
      ...tests.map((t) => `${medianOf(s, t, 'p50Ms').toFixed(2)} / ${medianOf(s, t, 'p99Ms').toFixed(2)}`),
    ]),
  ),
)

// Servers run one after another, so a ratio taken inside each round cancels the machine's drift.
if (servers.includes('gatehouse-off')) {
  console.log('\nWAF cost, median over rounds of (mode ÷ off) measured in the same round:\n')
  const modes = servers.filter((s) => s.startsWith('gatehouse') && s !== 'gatehouse-off')
  const rounds = unique(results.map((m) => String(m.round))).map(Number)
  const paired = (s: string, t: string): number =>
    median(
      rounds.map(
        (r) =>
          (pick(s, t).find((m) => m.round === r)?.rps ?? NaN) /
          (pick('gatehouse-off', t).find((m) => m.round === r)?.rps ?? NaN),
      ),
    )
  console.log(
    table(
      header,
      modes.map((s) => [s, ...tests.map((t) => `${paired(s, t).toFixed(3)}`)]),
    ),
  )
}

const failed = results.filter((m) => m.errors !== '-' && m.errors !== '')
if (failed.length > 0) {
  console.log('\nMeasurements with errors:\n')
  for (const m of failed) console.log(`- round ${m.round} ${m.server} ${m.test}: ${m.errors}`)
}
