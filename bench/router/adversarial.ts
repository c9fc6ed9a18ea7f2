/**
 * Worst-case lookups: the time of one lookup on the paths and constraints that make a
 * backtracking router branch, for this project's Router (compiled and walking) and find-my-way,
 * in one process, at growing sizes. A router is not run at a size after one lookup took over
 * LIMIT_MS at the size before (the next would take far longer). Run by hand:
 *
 *   npx tsc -p tsconfig.json --outDir .build/router && node .build/router/bench/router/adversarial.js
 */
import FindMyWay, { type HTTPMethod } from 'find-my-way'
import { matcherCompilation } from '../../router/compiled-matcher.js'
import { Router } from '../../router/router.js'

const LIMIT_MS = Number(process.env.LIMIT_MS ?? 500)
// Lookups per measurement below LIMIT_MS: repeated until this much time has passed.
const MEASURE_MS = Number(process.env.MEASURE_MS ?? 200)

interface Case {
  readonly name: string
  readonly pattern: string
  readonly sizes: readonly number[]
  path(size: number): string
}

const CASES: readonly Case[] = [
  {
    name: 'five params in a segment, no match',
    pattern: '/u/:a-:b-:c-:d-:e.json',
    sizes: [10, 20, 40, 80, 150, 1000],
    path: (n) => `/u/${'a-'.repeat(n)}x`,
  },
  {
    name: 'overlapping alternation (\\w|\\d)+, failing value',
    pattern: '/x/:v((\\w|\\d)+)',
    sizes: [16, 20, 24, 28, 90],
    path: (n) => `/x/${'1'.repeat(n)}!`,
  },
  {
    name: 'quantifiers in sequence \\d+\\d+\\d+, failing value',
    pattern: '/x/:v(\\d+\\d+\\d+)',
    sizes: [25, 50, 90],
    path: (n) => `/x/${'1'.repeat(n)}!`,
  },
]

type Lookup = (path: string) => unknown

function routers(pattern: string): Record<string, Lookup> {
  const compiled = new Router<number>()
  compiled.on('GET', pattern, 1)
  matcherCompilation.enabled = false
  const walking = new Router<number>()
  matcherCompilation.enabled = true
  walking.on('GET', pattern, 1)
  const fmw = FindMyWay({ maxParamLength: 100 })
  fmw.on('GET' as HTTPMethod, pattern, () => undefined)
  return {
    Gatehouse: (path) => compiled.find('GET', path),
    'Gatehouse (walk)': (path) => walking.find('GET', path),
    'find-my-way': (path) => fmw.find('GET' as HTTPMethod, path),
  }
}

/** Milliseconds per lookup. */
function measure(lookup: Lookup, path: string): number {
  const first = performance.now()
  lookup(path)
  const once = performance.now() - first
  if (once > LIMIT_MS / 10) return once
  let count = 0
  const start = performance.now()
  while (performance.now() - start < MEASURE_MS) {
    lookup(`${path}`)
    count++
  }
  return (performance.now() - start) / count
}

for (const c of CASES) {
  console.log(`\n${c.name}: ${c.pattern}`)
  const byRouter = routers(c.pattern)
  const stopped = new Set<string>()
  console.log(['path bytes', ...Object.keys(byRouter)].join(' | '))
  for (const size of c.sizes) {
    const path = c.path(size)
    const cells = Object.entries(byRouter).map(([name, lookup]) => {
      if (stopped.has(name)) return 'not run'
      const ms = measure(lookup, path)
      if (ms > LIMIT_MS) stopped.add(name)
      return ms >= 1 ? `${ms.toFixed(0)} ms` : `${(ms * 1000).toFixed(1)} µs`
    })
    console.log([path.length, ...cells].join(' | '))
  }
}
