/**
 * Strict-mode throughput of JSON bodies, the requirement being at least 30 MB/s. Run by hand:
 *
 *   npm run build && node dist/bench/waf/json-throughput.js [rounds] [baseline waf.js]
 *
 * Builds three JSON documents of 258 KiB and prints MB/s of `checkBody` in strict mode next to
 * `JSON.parse` alone on the same bytes (the floor any inspection of a parsed body pays):
 * - API records that repeat their keys and enumerated values (what the per-document memo helps);
 * - the same records with every string suffixed by its record number, so nothing repeats: a worst
 *   case, since its prose is a quarter SQL keywords and apostrophes (`select`, `union`, `O'Neill`);
 * - user-written text: an API payload of reviews (title, body of a few sentences, author, e-mail,
 *   date, tags) in everyday English with contractions and the odd SQL-ish word, every string distinct.
 *
 * Time is CPU time of this process (`process.cpuUsage`), so a loaded machine slows the figures less
 * than wall time would; each figure is the median of `rounds` rounds (default 5). Given the path of
 * another build's `waf/waf.js`, the same documents are also checked by that build in the same rounds.
 */
import { Waf, type WafRequestHead } from '../../waf/waf.js'

const ROUNDS = Number(process.argv[2] ?? '5')
const BASELINE = process.argv[3]
const SIZE = 256 * 1024
/** CPU time per figure and round. */
const ROUND_MICROS = 300_000
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
function records(bytes: number, distinct: boolean): Buffer {
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

const PROSE = (
  'the a an and but so because when if it was is were had have has i we you they my our this that these ' +
  'really very quite not just also too still only even great good nice fine poor bad slow fast late early ' +
  "don't can't it's i've we're didn't wasn't you'll isn't wouldn't " +
  'order delivery parcel box size colour fit fabric battery screen price value support refund return ' +
  'arrived came worked broke fits looks feels lasted charged ordered returned emailed called waited ' +
  'week day month year morning evening time first second third again after before from with into for on at ' +
  'select update table set where like case group'
).split(' ')
const NAMES = ['Ana', 'Bo', 'Chidi', "D'Arcy", 'Eun-ji', 'François', 'Grace', 'Hiro', 'Ines', "O'Brien", 'Zoë']
const PUNCTUATION = ['.', '.', '.', '!', '?', ',', ';', ' :)', ' (again).', ' - honestly.']

/** A deterministic stream of numbers, so every run builds the same document. */
function lcg(seed: number): () => number {
  let state = seed
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0
    return state / 2 ** 32
  }
}

/** Reviews as a shop's API receives them: several distinct text fields per record. */
function reviews(bytes: number): Buffer {
  const random = lcg(15)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
  const sentence = (): string => {
    const words = Array.from({ length: 4 + Math.floor(random() * 14) }, () => pick(PROSE))
    const text = words.join(' ')
    return text[0].toUpperCase() + text.slice(1) + pick(PUNCTUATION)
  }
  const items: unknown[] = []
  let size = 0
  for (let i = 0; size < bytes; i++) {
    const author = `${pick(NAMES)} ${pick(NAMES)}`
    const item = {
      id: 100000 + i,
      product: `P-${Math.floor(random() * 1e6)}`,
      rating: 1 + Math.floor(random() * 5),
      title: sentence(),
      body: Array.from({ length: 1 + Math.floor(random() * 4) }, sentence).join(' '),
      author,
      email: `${author.toLowerCase().replace(/[^a-z]+/g, '.')}${i}@mail.example`,
      created: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
      tags: [pick(PROSE), pick(PROSE)],
    }
    items.push(item)
    size += JSON.stringify(item).length
  }
  return Buffer.from(JSON.stringify({ page: 1, items }))
}

/** MB/s of `run` over `body`, in CPU time. */
function rate(body: Buffer, run: () => void): number {
  const started = process.cpuUsage()
  let bytes = 0
  let used = 0
  while (used < ROUND_MICROS) {
    run()
    bytes += body.length
    const now = process.cpuUsage(started)
    used = now.user + now.system
  }
  return bytes / used
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

interface Checker {
  checkBody(head: WafRequestHead, body: Buffer, contentType: string): unknown
}

const checkers: [string, Checker][] = [['strict', new Waf({ mode: 'strict', maxBodyBytes: 64 * 1024 * 1024 })]]
if (BASELINE !== undefined) {
  const module = (await import(new URL(BASELINE, `file://${process.cwd()}/`).href)) as { Waf: typeof Waf }
  checkers.push(['baseline strict', new module.Waf({ mode: 'strict', maxBodyBytes: 64 * 1024 * 1024 })])
}
const documents: [string, Buffer][] = [
  ['API records', records(SIZE, false)],
  ['distinct strings', records(SIZE, true)],
  ['user-written text', reviews(SIZE)],
]
for (const [kind, body] of documents) {
  for (const [, checker] of checkers) {
    const verdict = checker.checkBody(HEAD, body, 'application/json')
    if (verdict !== null) throw new Error(`the ${kind} document must be clean: ${JSON.stringify(verdict)}`)
  }
  const figures = new Map<string, number[]>([
    ['JSON.parse', []],
    ...checkers.map(([name]) => [name, []] as [string, number[]]),
  ])
  for (let round = 0; round < ROUNDS; round++) {
    figures.get('JSON.parse')?.push(rate(body, () => JSON.parse(body.toString('utf8'))))
    for (const [name, checker] of checkers)
      figures.get(name)?.push(rate(body, () => checker.checkBody(HEAD, body, 'application/json')))
  }
  const line = [...figures].map(([name, values]) => `${name} ${median(values).toFixed(1).padStart(6)} MB/s`).join('   ')
  console.log(`${(body.length / 1024).toFixed(0).padStart(4)} KiB ${kind.padEnd(17)}: ${line}`)
}
