import { expect } from 'chai'
import { matcherCompilation } from '../../router/compiled-matcher.js'
import { RouteDuplicateError } from '../../router/errors.js'
import type { RouteMatch } from '../../router/route-match.js'
import { Router, type RouterOptions } from '../../router/router.js'
import { ReferenceMatcher } from './reference-matcher.js'

/** mulberry32: a small seeded generator, so a failing run can be replayed from its seed. */
function generator(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const WORDS = ['a', 'b', 'ab', 'ba', 'x1', 'Ab']
const PATH_PIECES = [
  'a',
  'b',
  'ab',
  'ba',
  'x1',
  '1',
  '12',
  'a.b',
  '1-2',
  'a.1',
  'ab.x1',
  '%41',
  '%zz',
  '',
  'a-b.1',
  'AB',
  'aB.1',
  '123',
]
// Constraints run on the matched text, case-folded when the router ignores case.
const CONSTRAINTS = ['(\\d+)', '([a-z]+)', '(a|ab)']
const ROUTE_METHODS = ['GET', 'GET', 'POST', 'PUT', '*']
const LOOKUP_METHODS = ['GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS']

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T
}

/** A random pattern; param names follow their index so routes never conflict on names. */
function randomPattern(random: () => number): string {
  let index = 0
  const param = (): string => `:p${index++}`
  const segments: string[] = []
  const count = 1 + Math.floor(random() * 3)
  for (let s = 0; s < count; s++) {
    const kind = random()
    if (kind < 0.35) segments.push(pick(random, WORDS))
    else if (kind < 0.5) segments.push(param())
    else if (kind < 0.6) segments.push(`${param()}${pick(random, CONSTRAINTS)}`)
    else if (kind < 0.7) segments.push(`${param()}.${param()}`)
    else if (kind < 0.8) segments.push(`${param()}${pick(random, CONSTRAINTS)}${pick(random, ['.', '-'])}${param()}`)
    else if (kind < 0.9) segments.push(`${pick(random, WORDS)}.${param()}`)
    else segments.push(`${param()}-${pick(random, WORDS)}`)
  }
  const ending = random()
  if (ending < 0.15) segments.push('*')
  else if (ending < 0.2) segments.push(`${pick(random, WORDS)}*`)
  else if (ending < 0.3) segments.push('')
  return `/${segments.join('/')}`
}

function randomPath(random: () => number): string {
  const count = 1 + Math.floor(random() * 4)
  const pieces = Array.from({ length: count }, () => pick(random, PATH_PIECES))
  return `/${pieces.join('/')}${random() < 0.15 ? '/' : ''}`
}

function randomOptions(random: () => number): RouterOptions {
  return {
    caseSensitive: random() < 0.6,
    ignoreTrailingSlash: random() < 0.3,
    maxParamLength: random() < 0.2 ? 1 + Math.floor(random() * 3) : 100,
  }
}

function comparable(match: RouteMatch<string>): unknown {
  return match.status === 200 ? { ...match, params: { ...match.params } } : match
}

/** A router built with the tree walk, which routers use when code generation is disallowed. */
function walkingRouter(options: RouterOptions): Router<string> {
  matcherCompilation.enabled = false
  try {
    return new Router<string>(options)
  } finally {
    matcherCompilation.enabled = true
  }
}

describe('Router against a plain reference matcher', () => {
  it('answers like the reference, compiled and walking, on random options, route sets and paths, with routes added after lookups', function () {
    // 150 route sets, each compiled several times: seconds of CPU, more on a machine under load.
    this.timeout(60_000)
    const seed = Number(process.env.ROUTER_SEED ?? Math.floor(Math.random() * 2 ** 32))
    const random = generator(seed)
    for (let set = 0; set < 150; set++) {
      const options = randomOptions(random)
      const routers = { compiled: new Router<string>(options), walk: walkingRouter(options) }
      const reference = new ReferenceMatcher(options)
      const registered: string[] = []
      // Two rounds of registrations, each followed by lookups: the second makes the compiled
      // router recompile after it has answered.
      for (const round of [0, 1]) {
        const routeCount = 1 + Math.floor(random() * 8)
        for (let r = 0; r < routeCount; r++) {
          const method = pick(random, ROUTE_METHODS)
          const pattern = randomPattern(random)
          try {
            routers.compiled.on(method, pattern, `${method} ${pattern}`)
          } catch (error) {
            if (error instanceof RouteDuplicateError) continue
            throw error
          }
          routers.walk.on(method, pattern, `${method} ${pattern}`)
          reference.add(method, pattern)
          registered.push(`${method} ${pattern}`)
        }
        for (let p = 0; p < 30; p++) {
          const method = pick(random, LOOKUP_METHODS)
          const path = randomPath(random)
          const expected = comparable(reference.find(method, path))
          for (const [name, router] of Object.entries(routers)) {
            const context =
              `seed ${seed} (replay with ROUTER_SEED=${seed}), ${name} router, options ${JSON.stringify(options)}, ` +
              `round ${round}, routes [${registered.join(', ')}], ${method} ${path}`
            expect(comparable(router.find(method, path)), context).to.deep.equal(expected)
          }
        }
      }
    }
  })
})
