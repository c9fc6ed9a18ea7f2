/** A small seeded generator (mulberry32): the same seed gives the same cases on every machine. */
export class Random {
  #state: number

  constructor(seed: number) {
    this.#state = seed >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n)
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!
  }
}

const SPECIALS = [
  '\r',
  '\n',
  '\0',
  ' ',
  '\t',
  ':',
  ';',
  '\r\n',
  ',',
  '"',
  '=',
  '\\',
  '\x7f',
  '\xff',
  '@',
  '/',
  '?',
  '#',
]
const HUGE = [
  '99999999999999999999',
  '18446744073709551616',
  '9007199254740993',
  '0000000000000000000001',
  '-1',
  '1e3',
  '0x10',
  'ffffffffffffffff',
]

/** The header lines of the first head in `text`, with where that head's fields start and end. */
function fieldLines(text: string): { start: number; end: number; lines: string[] } | undefined {
  const lineEnd = text.indexOf('\r\n')
  const headEnd = text.indexOf('\r\n\r\n')
  if (lineEnd < 0 || headEnd <= lineEnd) return undefined
  const start = lineEnd + 2
  const end = headEnd + 2
  return {
    start,
    end,
    lines: text
      .slice(start, end)
      .split('\r\n')
      .slice(0, -1)
      .map((l) => `${l}\r\n`),
  }
}

type Mutation = (text: string, random: Random) => string

const MUTATIONS: readonly [string, Mutation][] = [
  [
    'flip a byte',
    (t, r) => {
      const i = r.below(t.length)
      return t.slice(0, i) + String.fromCharCode(r.below(256)) + t.slice(i + 1)
    },
  ],
  [
    'flip a bit',
    (t, r) => {
      const i = r.below(t.length)
      return t.slice(0, i) + String.fromCharCode(t.charCodeAt(i) ^ (1 << r.below(8))) + t.slice(i + 1)
    },
  ],
  [
    'insert a special byte',
    (t, r) => {
      const i = r.below(t.length + 1)
      return t.slice(0, i) + r.pick(SPECIALS) + t.slice(i)
    },
  ],
  [
    'delete a byte',
    (t, r) => {
      const i = r.below(t.length)
      return t.slice(0, i) + t.slice(i + 1)
    },
  ],
  [
    'duplicate a field line',
    (t, r) => {
      const f = fieldLines(t)
      if (f === undefined || f.lines.length === 0) return t
      const lines = [...f.lines]
      const i = r.below(lines.length)
      lines.splice(r.below(lines.length + 1), 0, lines[i]!)
      return t.slice(0, f.start) + lines.join('') + t.slice(f.end)
    },
  ],
  [
    'reorder field lines',
    (t, r) => {
      const f = fieldLines(t)
      if (f === undefined || f.lines.length < 2) return t
      const lines = [...f.lines]
      const i = r.below(lines.length)
      const j = r.below(lines.length)
      ;[lines[i], lines[j]] = [lines[j]!, lines[i]!]
      return t.slice(0, f.start) + lines.join('') + t.slice(f.end)
    },
  ],
  [
    'replace a number',
    (t, r) => {
      const numbers = [...t.matchAll(/[0-9a-fA-F]+/g)]
      if (numbers.length === 0) return t
      const m = r.pick(numbers)
      return t.slice(0, m.index) + r.pick(HUGE) + t.slice(m.index + m[0].length)
    },
  ],
  [
    'pad a number with zeros',
    (t, r) => {
      const numbers = [...t.matchAll(/\d+/g)]
      if (numbers.length === 0) return t
      const m = r.pick(numbers)
      return t.slice(0, m.index) + '0'.repeat(1 + r.below(30)) + t.slice(m.index)
    },
  ],
  [
    'insert a field line',
    (t, r) => {
      const f = fieldLines(t)
      if (f === undefined) return t
      const line = r.pick([
        'Host: b\r\n',
        'Content-Length: 3\r\n',
        'Transfer-Encoding: chunked\r\n',
        'Transfer-Encoding: ,chunked\r\n',
        'Content-Type: text/plain\r\n',
        'Connection: close\r\n',
        'Connection: keep-alive\r\n',
        'Expect: 100-continue\r\n',
        'Host: user@evil\r\n',
        'Host:\r\n',
        'X: a\r\n b\r\n',
        'Upgrade: h2c\r\n',
        'Content-Length: 0\r\n',
        'Transfer-Encoding: identity\r\n',
      ])
      const lines = [...f.lines]
      lines.splice(r.below(lines.length + 1), 0, line)
      return t.slice(0, f.start) + lines.join('') + t.slice(f.end)
    },
  ],
  [
    'change case',
    (t, r) => {
      const i = r.below(t.length)
      const c = t[i]!
      return t.slice(0, i) + (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) + t.slice(i + 1)
    },
  ],
]

/** Applies 1–3 seeded mutations. @returns the mutated text and the names of what was done */
export function mutate(seed: string, random: Random): { text: string; mutations: string[] } {
  let text = seed
  const mutations: string[] = []
  const count = 1 + random.below(3)
  for (let i = 0; i < count; i++) {
    const [name, mutation] = random.pick(MUTATIONS)
    text = mutation(text, random)
    mutations.push(name)
  }
  return { text, mutations }
}

/** Splits `bytes` into reads: whole, byte by byte, or at 1–6 random points. */
export function split(bytes: Buffer, random: Random): Buffer[] {
  const mode = random.below(8)
  if (mode === 0 || bytes.length < 2) return [bytes]
  if (mode === 1) return [...bytes].map((b) => Buffer.from([b]))
  const points = new Set<number>()
  const count = 1 + random.below(6)
  for (let i = 0; i < count; i++) points.add(1 + random.below(bytes.length - 1))
  const sorted = [...points].sort((a, b) => a - b)
  const reads: Buffer[] = []
  let from = 0
  for (const point of sorted) {
    reads.push(bytes.subarray(from, point))
    from = point
  }
  reads.push(bytes.subarray(from))
  return reads
}
