import type { CharRanges } from './char-ranges.js'
import type { ConstraintTree } from './constraint-syntax.js'

/** What a state of a {@link ConstraintNfa} does. */
export const enum StateKind {
  /** Consumes one code unit of `sets[state]`, then goes to `next`. */
  Char,
  /** Goes to `next` and to `other` without consuming. */
  Split,
  /** Goes to `next` only at the start of the value (`^`). */
  Start,
  /** Goes to `next` only at the end of the value (`$`). */
  End,
  /** The whole value matched, if the input is used up. */
  Match,
}

/**
 * A Thompson automaton: states in parallel arrays, state 0 the entry. Run as a set of states
 * (never by backtracking), it decides a value in time linear in its length.
 *
 * @example
 * ```ts
 * const nfa = buildNfa(parseConstraint('\\d+'), 4096)
 * nfa.kinds.length // a handful of states
 * ```
 */
export interface ConstraintNfa {
  readonly kinds: readonly StateKind[]
  readonly next: readonly number[]
  /** For a `Split`: its second way. */
  readonly other: readonly number[]
  /** For a `Char`: the code units it consumes. */
  readonly sets: readonly (CharRanges | null)[]
}

/**
 * @param tree - the parsed constraint
 * @param maxStates - the most states the automaton may have (counted repeats copy their item)
 * @returns the automaton
 * @throws string - `'too large'` when it would exceed `maxStates`; the caller words the reason
 * @example
 * ```ts
 * buildNfa(parseConstraint('[a-z]{2,8}'), 4096)
 * ```
 */
export function buildNfa(tree: ConstraintTree, maxStates: number): ConstraintNfa {
  const kinds: StateKind[] = []
  const next: number[] = []
  const other: number[] = []
  const sets: (CharRanges | null)[] = []
  const add = (kind: StateKind, to: number, second = -1, set: CharRanges | null = null): number => {
    if (kinds.length === maxStates) throw 'too large'
    kinds.push(kind)
    next.push(to)
    other.push(second)
    sets.push(set)
    return kinds.length - 1
  }
  // Built back to front: each piece is given the state it continues to and returns its entry.
  const build = (node: ConstraintTree, to: number): number => {
    switch (node.kind) {
      case 'set':
        return add(StateKind.Char, to, -1, node.ranges)
      case 'start':
        return add(StateKind.Start, to)
      case 'end':
        return add(StateKind.End, to)
      case 'sequence': {
        let entry = to
        for (let i = node.items.length - 1; i >= 0; i--) entry = build(node.items[i] as ConstraintTree, entry)
        return entry
      }
      case 'choice': {
        let entry = build(node.options[node.options.length - 1] as ConstraintTree, to)
        for (let i = node.options.length - 2; i >= 0; i--)
          entry = add(StateKind.Split, build(node.options[i] as ConstraintTree, to), entry)
        return entry
      }
      case 'repeat': {
        let entry: number
        if (node.max === Infinity) {
          const loop = add(StateKind.Split, -1, to)
          next[loop] = build(node.item, loop)
          entry = loop
        } else {
          entry = to
          for (let k = node.min; k < node.max; k++) entry = add(StateKind.Split, build(node.item, entry), to)
        }
        for (let k = 0; k < node.min; k++) entry = build(node.item, entry)
        return entry
      }
    }
  }
  const match = add(StateKind.Match, -1)
  const entry = build(tree, match)
  return withEntryFirst(kinds, next, other, sets, entry)
}

/** Renumbers the states so that the entry is state 0. */
function withEntryFirst(
  kinds: StateKind[],
  next: number[],
  other: number[],
  sets: (CharRanges | null)[],
  entry: number,
): ConstraintNfa {
  const swap = (n: number): number => (n === entry ? 0 : n === 0 ? entry : n)
  const order = kinds.map((_, n) => swap(n))
  return {
    kinds: order.map((n) => kinds[n] as StateKind),
    next: order.map((n) => (next[n] === -1 ? -1 : swap(next[n] as number))),
    other: order.map((n) => (other[n] === -1 ? -1 : swap(other[n] as number))),
    sets: order.map((n) => sets[n] ?? null),
  }
}
