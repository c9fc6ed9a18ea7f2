import { expect } from 'chai'
import { Router } from '../../index.js'

/** A path whose reads (`charCodeAt`, `slice`, `indexOf`) are counted: the work a lookup does on it. */
function countingPath(text: string): { path: string; reads: () => number } {
  let reads = 0
  const path = new String(text)
  for (const name of ['charCodeAt', 'slice', 'indexOf'] as const) {
    const method = String.prototype[name] as (...args: unknown[]) => unknown
    const counted = (...args: unknown[]): unknown => {
      reads++
      return method.apply(text, args)
    }
    Object.defineProperty(path, name, { value: counted })
  }
  return { path: path as unknown as string, reads: () => reads }
}

function readsFor(router: Router<string>, text: string): { status: number; reads: number } {
  const { path, reads } = countingPath(text)
  return { status: router.find('GET', path).status, reads: reads() }
}

describe('Router work per lookup on the worst paths and constraints', () => {
  // Each with the value that makes a backtracking engine try the most ways before it fails.
  const CONSTRAINTS: [constraint: string, unit: string][] = [
    ['(\\w|\\d)+', '1'],
    ['(a+)+', 'a'],
    ['\\d+\\d+\\d+', '1'],
    ['([a-z]|[a-z0-9])*x', 'a'],
  ]
  for (const [constraint, unit] of CONSTRAINTS) {
    it(`reads a failing value of :v(${constraint}) once: work linear in its length`, () => {
      const router = new Router<string>({ maxParamLength: 1_000_000 })
      router.on('GET', `/x/:v(${constraint})`, 'v')
      for (const length of [30, 300, 3_000, 30_000]) {
        const { status, reads } = readsFor(router, `/x/${unit.repeat(length)}!`)
        expect(status).to.equal(404)
        expect(reads, `length ${length}`).to.be.at.most(length + 20)
      }
    })
  }

  const MULTI = ['/u/:a-:b-:c-:d-:e.json', '/u/:a.:b.:c', '/u/:a-:b(\\d+)-:c.:d']
  for (const pattern of MULTI) {
    it(`bounds the work of a lookup on ${pattern} by a constant, however long and branching the segment`, () => {
      const router = new Router<string>()
      router.on('GET', pattern, 'multi')
      let most = 0
      for (const repeat of [10, 50, 150, 1_000, 4_000]) {
        for (const unit of ['-', 'a-', '.', '1-', '-.']) {
          const { status, reads } = readsFor(router, `/u/${unit.repeat(repeat)}x`)
          expect([200, 404]).to.include(status)
          most = Math.max(most, reads)
        }
      }
      // The lookup budget is 10,000 steps; a step reads a char or two.
      expect(most).to.be.below(25_000)
    })
  }
})
