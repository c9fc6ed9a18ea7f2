import { SEEDS } from './seeds.js'
import { Random, mutate, split } from './mutator.js'
import { parseWithGatehouse } from './gatehouse-parser.js'
import { parseWithLlhttp } from './llhttp-parser.js'
import { compareOutcomes, sameOutcome } from './compare.js'
import { classify } from './classify.js'
import { ACCEPTED_DIFFERENCES } from './accepted-differences.js'

/** One input the run could not explain: to be fixed, or added to the accepted differences. */
export interface Finding {
  readonly kind: string
  readonly reads: string[]
  readonly detail: string
}

/** What a differential run found. */
export interface RunReport {
  readonly cases: number
  readonly agreed: number
  /** Disagreements by accepted-difference id. */
  readonly byClass: Record<string, number>
  /** Thrown errors (a crash), disagreements no class explains, and Gatehouse answers that changed with the split. */
  readonly crashes: Finding[]
  readonly unexplained: Finding[]
  readonly splitDependent: Finding[]
  /** Cases whose parse took longer than `slowCaseMs` (a hang in the making). */
  readonly slow: Finding[]
  readonly seconds: number
}

const KNOWN = new Set(ACCEPTED_DIFFERENCES.map((d) => d.id))
const KEEP = 20

/**
 * Runs `cases` seeded cases: a seed request mutated, split into reads at random, parsed by Gatehouse
 * and by llhttp, and by Gatehouse again unsplit; every disagreement is classified.
 */
export async function runDifferential(options: {
  seed: number
  cases: number
  slowCaseMs?: number
  onProgress?: (done: number) => void
}): Promise<RunReport> {
  const random = new Random(options.seed)
  const slowCaseMs = options.slowCaseMs ?? 1000
  const byClass: Record<string, number> = {}
  const crashes: Finding[] = []
  const unexplained: Finding[] = []
  const splitDependent: Finding[] = []
  const slow: Finding[] = []
  let agreed = 0
  const started = performance.now()
  for (let i = 0; i < options.cases; i++) {
    if (options.onProgress !== undefined && i % 10000 === 0 && i > 0) options.onProgress(i)
    const { text, mutations } = mutate(random.pick(SEEDS), random)
    const bytes = Buffer.from(text, 'latin1')
    const reads = split(bytes, random)
    const shown = (): string[] => reads.map((r) => r.toString('latin1'))
    const caseStart = performance.now()
    try {
      const gatehouse = await parseWithGatehouse(reads)
      const whole = reads.length === 1 ? gatehouse : await parseWithGatehouse([bytes])
      const llhttp = parseWithLlhttp(reads)
      const elapsed = performance.now() - caseStart
      if (elapsed > slowCaseMs) slow.push({ kind: 'slow', reads: shown(), detail: `${elapsed.toFixed(0)} ms` })
      if (!sameOutcome(gatehouse, whole)) {
        if (splitDependent.length < KEEP)
          splitDependent.push({
            kind: 'split-dependent',
            reads: shown(),
            detail: JSON.stringify({ split: gatehouse, whole }),
          })
        continue
      }
      const disagreement = compareOutcomes(gatehouse, llhttp)
      if (disagreement === undefined) {
        agreed++
        continue
      }
      const id = classify(text, gatehouse, llhttp, disagreement)
      if (id === 'unexplained' || !KNOWN.has(id)) {
        byClass.unexplained = (byClass.unexplained ?? 0) + 1
        if (unexplained.length < KEEP) {
          unexplained.push({
            kind: `${disagreement.kind}${disagreement.field === undefined ? '' : `:${disagreement.field}`}`,
            reads: shown(),
            detail: JSON.stringify({ mutations, gatehouse, llhttp }),
          })
        }
        continue
      }
      byClass[id] = (byClass[id] ?? 0) + 1
    } catch (err) {
      if (crashes.length < KEEP)
        crashes.push({ kind: 'crash', reads: shown(), detail: String((err as Error).stack ?? err) })
      byClass.crash = (byClass.crash ?? 0) + 1
    }
  }
  return {
    cases: options.cases,
    agreed,
    byClass,
    crashes,
    unexplained,
    splitDependent,
    slow,
    seconds: (performance.now() - started) / 1000,
  }
}
