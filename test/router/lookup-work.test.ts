import { expect } from 'chai'
import { matcherCompilation } from '../../router/compiled-matcher.js'
import { lookupBudget } from '../../router/lookup-budget.js'
import { Router, type RouterOptions } from '../../router/router.js'

const MATCHERS = [
  { name: 'compiled', compiles: true },
  { name: 'walking', compiles: false },
] as const

function router(
  compiles: boolean,
  routes: readonly string[],
  options: RouterOptions,
  maxSteps = lookupBudget.maxSteps,
): Router<string> {
  const budget = lookupBudget.maxSteps
  const enabled = matcherCompilation.enabled
  lookupBudget.maxSteps = maxSteps
  matcherCompilation.enabled = compiles
  try {
    const made = new Router<string>(options)
    for (const route of routes) made.on('GET', route, route)
    return made
  } finally {
    lookupBudget.maxSteps = budget
    matcherCompilation.enabled = enabled
  }
}

/** The least budget with which the lookup of `path` finds its route: the work the path needs. */
function stepsNeeded(compiles: boolean, routes: readonly string[], options: RouterOptions, path: string): number {
  let low = 1
  let high = 1
  while (router(compiles, routes, options, high).find('GET', path).status !== 200) {
    low = high + 1
    high *= 2
    if (high > 2 ** 26) throw new Error(`${path} needs more than ${high} steps`)
  }
  while (low < high) {
    const middle = Math.floor((low + high) / 2)
    if (router(compiles, routes, options, middle).find('GET', path).status === 200) high = middle
    else low = middle + 1
  }
  return low
}

describe('Router work per lookup', () => {
  for (const { name, compiles } of MATCHERS) {
    describe(`${name}`, () => {
      it('decides overlapping alternation under a quantifier in one pass over the value: (\\w|\\d)+', () => {
        const found = router(compiles, ['/x/:v((\\w|\\d)+)'], { maxParamLength: 100_000 })
        // RegExp backtracking takes 1.8 s at 29 characters here, four times more for each two more.
        for (const length of [29, 1_000, 50_000]) {
          expect(found.find('GET', `/x/${'a'.repeat(length)}!`).status, `length ${length}`).to.equal(404)
          expect(found.find('GET', `/x/${'a1'.repeat(length / 2)}`).status, `length ${length}`).to.equal(200)
        }
      })

      it('decides quantifiers in sequence over one class in one pass: \\d+\\d+\\d+', () => {
        const found = router(compiles, ['/x/:v(\\d+\\d+\\d+)'], { maxParamLength: 100_000 })
        expect(found.find('GET', `/x/${'1'.repeat(50_000)}a`).status).to.equal(404)
        expect(found.find('GET', `/x/${'1'.repeat(50_000)}`).status).to.equal(200)
      })

      const FIVE = '/u/:a-:b-:c-:d-:e.json'
      it(`answers the worst paths for ${FIVE} with a 404 within the budget`, () => {
        const found = router(compiles, [FIVE], {})
        // 7.4 s for this one 304-byte path when each split of the segment was tried.
        const worst = [
          `/u/${'-'.repeat(301)}`,
          `/u/${'a-'.repeat(150)}x`,
          `/u/${'-'.repeat(300)}.jso`,
          `/u/${'a-'.repeat(4000)}`,
        ]
        for (const path of worst) expect(found.find('GET', path).status, path.slice(0, 20)).to.equal(404)
        const match = found.find('GET', `/u/${'-'.repeat(100)}.json`)
        expect(match.status === 200 && { ...match.params }).to.deep.equal({
          a: '-',
          b: '-',
          c: '-',
          d: '-',
          e: '-'.repeat(92),
        })
      })

      it('needs steps growing with the square of the segment, not its fifth power, when the match comes last', () => {
        // Only the last split of the segment has digits alone in :e, so every earlier one fails first.
        const routes = ['/u/:a-:b-:c-:d-:e(\\d+).json']
        const options = { maxParamLength: 10_000 }
        const work = [40, 80, 160].map((pairs) =>
          stepsNeeded(compiles, routes, options, `/u/${'a-'.repeat(pairs)}1.json`),
        )
        const [small, middle, large] = work as [number, number, number]
        expect(middle / small, `steps ${work.join(', ')}`).to.be.below(4.5)
        expect(large / middle, `steps ${work.join(', ')}`).to.be.below(4.5)
        expect(large, `steps ${work.join(', ')}`).to.be.below(6 * 321 ** 2)
      })

      it('answers 404, not 405 nor a late match, once a lookup passes its budget', () => {
        const routes = ['/u/:a-:b-:c-:d-:e(\\d+).json']
        const path = `/u/${'a-'.repeat(20)}1.json`
        const needed = stepsNeeded(compiles, routes, {}, path)
        const short = router(compiles, routes, {}, needed - 1)
        short.on('POST', '/u/:a-:b-:c-:d-:e(\\d+).json', 'post')
        expect(short.find('GET', path)).to.deep.equal({ status: 404 })
        const enough = router(compiles, routes, {}, needed)
        expect(enough.find('GET', path).status).to.equal(200)
      })
    })
  }

  it('takes as many steps compiled as walking', () => {
    const routes = ['/u/:a-:b-:c.json', '/u/:a-:b-:c/:x.:y(\\d+)', '/v/:a.:b(a|b+)-:c']
    for (const path of ['/u/a-b-c-d-e/x.y.1', '/v/a.b.a.bbb-c', `/u/${'a-'.repeat(30)}.json`]) {
      expect(stepsNeeded(true, routes, {}, path), path).to.equal(stepsNeeded(false, routes, {}, path))
    }
  })
})
