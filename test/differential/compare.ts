import type { ParsedMessage, ParseOutcome } from './outcome.js'

/** How two outcomes of the same input differ, if they do. */
export interface Disagreement {
  /**
   * `gatehouse-rejects`: Gatehouse refuses a message llhttp accepts; `llhttp-rejects`: the reverse;
   * `gatehouse-waits` / `llhttp-waits`: one waits for more bytes where the other has decided;
   * `parsed-differently`: both accept a message but read it differently (`field` says what).
   */
  readonly kind: 'gatehouse-rejects' | 'llhttp-rejects' | 'gatehouse-waits' | 'llhttp-waits' | 'parsed-differently'
  /** Index of the first message they disagree on. */
  readonly message: number
  readonly field?: keyof ParsedMessage
}

const FIELDS: readonly (keyof ParsedMessage)[] = [
  'method',
  'target',
  'version',
  'headers',
  'body',
  'trailers',
  'upgrade',
]

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/** @returns the first difference between Gatehouse's and llhttp's outcome, or `undefined` when they agree */
export function compareOutcomes(gatehouse: ParseOutcome, llhttp: ParseOutcome): Disagreement | undefined {
  const common = Math.min(gatehouse.messages.length, llhttp.messages.length)
  for (let i = 0; i < common; i++) {
    const g = gatehouse.messages[i]!
    const l = llhttp.messages[i]!
    for (const field of FIELDS) if (!same(g[field], l[field])) return { kind: 'parsed-differently', message: i, field }
  }
  const g = gatehouse.messages.length
  const l = llhttp.messages.length
  if (g < l) return { kind: gatehouse.end === 'rejected' ? 'gatehouse-rejects' : 'gatehouse-waits', message: g }
  if (l < g) return { kind: llhttp.end === 'rejected' ? 'llhttp-rejects' : 'llhttp-waits', message: l }
  if (gatehouse.end === llhttp.end) return undefined
  // The same messages, then one refused what follows and the other did not.
  if (gatehouse.end === 'rejected') return { kind: 'gatehouse-rejects', message: g }
  if (llhttp.end === 'rejected')
    return {
      kind: llhttp.end === 'rejected' && gatehouse.end === 'incomplete' ? 'gatehouse-waits' : 'llhttp-rejects',
      message: g,
    }
  return { kind: gatehouse.end === 'incomplete' ? 'gatehouse-waits' : 'llhttp-waits', message: g }
}

/** Whether two outcomes of Gatehouse (the same bytes split differently) are the same. */
export function sameOutcome(a: ParseOutcome, b: ParseOutcome): boolean {
  return same(a.messages, b.messages) && a.end === b.end && a.reason === b.reason
}
