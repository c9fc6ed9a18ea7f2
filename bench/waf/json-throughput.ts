/**
 * Strict-mode throughput of JSON bodies, the requirement being at least 30 MB/s. Run by hand:
 *
 *   npm run build && node dist/bench/waf/json-throughput.js [seconds]
 *
 * Builds API-like JSON documents (records of names, prose, numbers, nested arrays) of 16 KiB, 256 KiB
 * and 4 MiB, once as records that repeat their keys and enumerated values and once with every string
 * distinct, and prints MB/s of `checkBody` in strict mode next to `JSON.parse` alone on the same bytes,
 * the floor any inspection of a parsed body pays. CPU-bound: a few seconds give stable figures.
 */
import { Waf, type WafRequestHead } from '../../waf/waf.js'

const SECONDS = Number(process.argv[2] ?? '2')
const HEAD: WafRequestHead = {
  method: 'POST',
  target: '/api/v1/orders',
  headers: ['Host', 'api.example.com', 'Content-Type', 'application/json'],
}
const WORDS = [
  'order',
  'select',
  'shipping',
  "it's",
  'union',
  'address',
  'note',
  'gift',
  'wrap',
  'Leeds',
  "O'Neill",
  'café',
  'price',
  'total',
]

/** `distinct`: every string carries its record's number, so no value repeats (the memo of repeats cannot help). */
function document(bytes: number, distinct: boolean): Buffer {
  const tag = (i: number, text: string): string => (distinct ? `${text} ${i}` : text)
  const items: unknown[] = []
  let size = 0
  for (let i = 0; size < bytes; i++) {
    const item = {
      id: i,
      sku: `SKU-${i}-${i % 7}`,
      name: tag(i, `${WORDS[i % WORDS.length]} ${WORDS[(i * 3) % WORDS.length]}`),
      note: tag(i, Array.from({ length: 12 }, (_, k) => WORDS[(i + k) % WORDS.length]).join(' ')),
      qty: i % 9,
      price: (i * 1.37) % 100,
      tags: [tag(i, WORDS[i % 5]), tag(i, WORDS[(i + 2) % 5])],
      attrs: { color: tag(i, 'red'), size: tag(i, 'M'), url: `https://shop.example/p/${i}?ref=list` },
    }
    items.push(item)
    size += JSON.stringify(item).length
  }
  return Buffer.from(JSON.stringify({ batch: 'b-1', items }))
}

function rate(body: Buffer, run: () => void): number {
  const deadline = process.hrtime.bigint() + BigInt(Math.round((SECONDS / 3) * 1e9))
  const started = process.hrtime.bigint()
  let bytes = 0
  while (process.hrtime.bigint() < deadline) {
    run()
    bytes += body.length
  }
  return bytes / 1e6 / (Number(process.hrtime.bigint() - started) / 1e9)
}

const waf = new Waf({ mode: 'strict', maxBodyBytes: 64 * 1024 * 1024 })
for (const distinct of [false, true]) {
  for (const size of [16 * 1024, 256 * 1024, 4 * 1024 * 1024]) {
    const body = document(size, distinct)
    if (waf.checkBody(HEAD, body, 'application/json') !== null) throw new Error('the benchmark document must be clean')
    const parse = rate(body, () => JSON.parse(body.toString('utf8')))
    const strict = rate(body, () => waf.checkBody(HEAD, body, 'application/json'))
    const kind = distinct ? 'distinct strings' : 'API records     '
    console.log(
      `${(body.length / 1024).toFixed(0).padStart(6)} KiB JSON, ${kind}: strict checkBody ${strict.toFixed(1).padStart(6)} MB/s   JSON.parse alone ${parse.toFixed(1).padStart(6)} MB/s`,
    )
  }
}
