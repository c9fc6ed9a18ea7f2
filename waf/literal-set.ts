import { codeAt } from './char-code.js'
/**
 * Checks the text around a literal that matched, e.g. a word boundary; `end` is the index after the literal.
 *
 * @example
 * ```ts
 * const atEnd: LiteralGuard = (text, _start, end) => end === text.length
 * ```
 */
export type LiteralGuard = (text: string, start: number, end: number) => boolean

/**
 * A literal, the family bit it reports, and an optional guard.
 *
 * @example
 * ```ts
 * const entry: LiteralEntry = ['etc/passwd', 1]
 * ```
 */
export type LiteralEntry = readonly [literal: string, family: number, guard?: LiteralGuard]

const TABLE_SIZE = 1 << 16

interface Literal {
  readonly text: string
  readonly family: number
  readonly guard: LiteralGuard | undefined
}

/**
 * A fixed set of lower-case literals (three characters or more) found in one pass: every position's
 * first three characters are hashed into a table, and only the few literals sharing that hash are
 * compared. Cost is linear in the text with a small constant, whatever the size of the set — unlike
 * a regular-expression alternation, which tries every branch at every position.
 *
 * @example
 * ```ts
 * const files = new LiteralSet([['etc/passwd', 1], ['/.env', 1, (t, _s, end) => end === t.length]])
 * files.scan('../../etc/passwd') // 1
 * files.scan('/.envelope')       // 0
 * ```
 */
export class LiteralSet {
  readonly #table = new Int32Array(TABLE_SIZE)
  readonly #buckets: Literal[][] = []
  readonly #allFamilies: number

  /**
   * @param entries - the literals with their family bits and guards
   * @throws RangeError naming a literal shorter than three characters or not lower-case
   */
  constructor(entries: readonly LiteralEntry[]) {
    let all = 0
    for (const entry of entries) {
      const literal = entry[0]
      if (literal.length < 3 || literal !== literal.toLowerCase())
        throw new RangeError(`literal ${JSON.stringify(literal)} must be lower-case and at least 3 characters`)
      const slot = hash(codeAt(literal, 0), codeAt(literal, 1), codeAt(literal, 2))
      if (this.#table[slot] === 0) {
        this.#buckets.push([])
        this.#table[slot] = this.#buckets.length
      }
      this.#buckets[this.#table[slot] - 1].push({ text: literal, family: entry[1], guard: entry[2] })
      all |= entry[1]
    }
    this.#allFamilies = all
  }

  /**
   * @param text - a lower-cased value
   * @returns the OR of the family bits of every literal found (and accepted by its guard)
   */
  scan(text: string): number {
    // Hot path: indexed loops only, no iterators or destructuring.
    const table = this.#table
    const buckets = this.#buckets
    let found = 0
    let a = codeAt(text, 0)
    let b = codeAt(text, 1)
    for (let i = 0; i + 2 < text.length; i++) {
      const c = codeAt(text, i + 2)
      const slot = table[hash(a, b, c)]
      a = b
      b = c
      if (slot === 0) continue
      const bucket = buckets[slot - 1]
      for (let k = 0; k < bucket.length; k++) {
        const literal = bucket[k]
        if ((found & literal.family) !== 0 || !text.startsWith(literal.text, i)) continue
        if (literal.guard === undefined || literal.guard(text, i, i + literal.text.length)) {
          found |= literal.family
          if (found === this.#allFamilies) return found
        }
      }
    }
    return found
  }
}

function hash(a: number, b: number, c: number): number {
  return ((a * 961 + b * 31 + c) ^ (a << 7)) & (TABLE_SIZE - 1)
}
