import type { CharRanges } from './char-ranges.js'
import { StateKind, type ConstraintNfa } from './constraint-nfa.js'

// A DFA larger than this is not built: the constraint then runs its NFA as a set of states, still
// linear in the value, a few times slower per code unit. Subset construction may need exponentially
// many states (`(a|b)*a(a|b){12}`); route constraints rarely need more than a few dozen.
const MAX_DFA_STATES = 1024
const DEAD = -1

/**
 * A param constraint compiled to a finite automaton at registration. Deciding a value reads each
 * of its code units once, whatever the constraint: no input can make it backtrack, unlike
 * `RegExp`, where `(\w|\d)+` doubles its time with each character of a value that fails at the end.
 *
 * @example
 * ```ts
 * const digits = compileConstraint('\\d+')
 * digits.matches('/orders/42', 8, 10) // true
 * ```
 */
export class Constraint {
  /** The constraint as written. */
  readonly source: string
  // Code units are mapped to classes that every set of the constraint either holds whole or not at all.
  readonly #asciiClass: Uint16Array
  readonly #bounds: Uint32Array
  readonly #classes: number
  // The DFA: `#next[state * classes + class]`, state 0 the start, `DEAD` for no way on.
  readonly #next: Int32Array | null
  readonly #accepts: Uint8Array | null
  readonly #nfa: NfaRunner | null

  /**
   * @param source - the constraint as written
   * @param nfa - its automaton
   */
  constructor(source: string, nfa: ConstraintNfa) {
    this.source = source
    this.#bounds = classBounds(nfa.sets)
    this.#classes = this.#bounds.length
    this.#asciiClass = new Uint16Array(128)
    for (let code = 0; code < 128; code++) this.#asciiClass[code] = classOf(this.#bounds, code)
    const holds = nfa.sets.map((set) => (set === null ? null : classesIn(set, this.#bounds)))
    const dfa = buildDfa(nfa, holds, this.#classes)
    this.#next = dfa === null ? null : dfa.next
    this.#accepts = dfa === null ? null : dfa.accepts
    this.#nfa = dfa === null ? new NfaRunner(nfa, holds) : null
  }

  /**
   * Whether `text.slice(start, end)`, all of it, matches: without the slice.
   *
   * @param text - the string holding the value
   * @param start - where the value starts
   * @param end - where it ends (exclusive)
   * @returns whether the constraint accepts the value
   * @example
   * ```ts
   * compileConstraint('[a-z]+').matches('ab1', 0, 2) // true
   * ```
   */
  matches(text: string, start: number, end: number): boolean {
    const next = this.#next
    if (next === null) return (this.#nfa as NfaRunner).matches(text, start, end, this)
    const classes = this.#classes
    let state = 0
    for (let i = start; i < end; i++) {
      state = next[state * classes + this.classAt(text, i)] as number
      if (state === DEAD) return false
    }
    return (this.#accepts as Uint8Array)[state] === 1
  }

  /**
   * @param text - the string being matched
   * @param i - an offset in it
   * @returns the class of the code unit at `i`
   */
  classAt(text: string, i: number): number {
    const code = text.charCodeAt(i)
    return code < 128 ? (this.#asciiClass[code] as number) : classOf(this.#bounds, code)
  }
}

/** The first code unit of each class, sorted: class `k` runs from `bounds[k]` to `bounds[k + 1] - 1`. */
function classBounds(sets: readonly (CharRanges | null)[]): Uint32Array {
  const starts = new Set<number>([0])
  for (const set of sets) {
    if (set === null) continue
    for (let i = 0; i < set.length; i += 2) {
      starts.add(set[i] as number)
      starts.add((set[i + 1] as number) + 1)
    }
  }
  starts.delete(0x10000)
  return Uint32Array.from([...starts].sort((a, b) => a - b))
}

function classOf(bounds: Uint32Array, code: number): number {
  let low = 0
  let high = bounds.length - 1
  while (low < high) {
    const middle = (low + high + 1) >> 1
    if ((bounds[middle] as number) <= code) low = middle
    else high = middle - 1
  }
  return low
}

function classesIn(set: CharRanges, bounds: Uint32Array): Uint8Array {
  const holds = new Uint8Array(bounds.length)
  for (let k = 0; k < bounds.length; k++) {
    const code = bounds[k] as number
    for (let i = 0; i < set.length; i += 2) {
      if (code >= (set[i] as number) && code <= (set[i + 1] as number)) holds[k] = 1
    }
  }
  return holds
}

/**
 * Adds to `into` the states reachable from `state` without consuming: the `Char` and `Match`
 * states, and the `End` states when the value's end is not known yet (`atEnd` false).
 */
function close(
  nfa: ConstraintNfa,
  state: number,
  atStart: boolean,
  atEnd: boolean,
  seen: Uint8Array,
  into: number[],
): void {
  const stack = [state]
  while (stack.length !== 0) {
    const s = stack.pop() as number
    if (seen[s] === 1) continue
    seen[s] = 1
    switch (nfa.kinds[s]) {
      case StateKind.Split:
        stack.push(nfa.other[s] as number, nfa.next[s] as number)
        break
      case StateKind.Start:
        if (atStart) stack.push(nfa.next[s] as number)
        break
      case StateKind.End:
        if (atEnd) stack.push(nfa.next[s] as number)
        else into.push(s)
        break
      default:
        into.push(s)
    }
  }
}

/** Whether the states `set`, at the value's end, reach `Match`. */
function accepting(nfa: ConstraintNfa, set: readonly number[], atStart: boolean): boolean {
  const seen = new Uint8Array(nfa.kinds.length)
  const reached: number[] = []
  for (const s of set) close(nfa, s, atStart, true, seen, reached)
  return reached.some((s) => nfa.kinds[s] === StateKind.Match)
}

/** Subset construction, or `null` past `MAX_DFA_STATES`. */
function buildDfa(
  nfa: ConstraintNfa,
  holds: readonly (Uint8Array | null)[],
  classes: number,
): { next: Int32Array; accepts: Uint8Array } | null {
  const sets: number[][] = []
  const ids = new Map<string, number>()
  const rows: number[] = []
  const idOf = (set: number[]): number => {
    if (set.length === 0) return DEAD
    set.sort((a, b) => a - b)
    const key = set.join(',')
    let id = ids.get(key)
    if (id === undefined) {
      id = sets.length
      ids.set(key, id)
      sets.push(set)
    }
    return id
  }
  const first: number[] = []
  close(nfa, 0, true, false, new Uint8Array(nfa.kinds.length), first)
  idOf(first)
  if (sets.length === 0) sets.push([]) // a constraint that matches nothing still has a start state
  for (let d = 0; d < sets.length; d++) {
    if (sets.length > MAX_DFA_STATES) return null
    for (let k = 0; k < classes; k++) {
      const seen = new Uint8Array(nfa.kinds.length)
      const to: number[] = []
      for (const s of sets[d] as number[]) {
        if (nfa.kinds[s] === StateKind.Char && (holds[s] as Uint8Array)[k] === 1)
          close(nfa, nfa.next[s] as number, false, false, seen, to)
      }
      rows.push(idOf(to))
    }
  }
  const accepts = Uint8Array.from(sets, (set, d) => (accepting(nfa, set, d === 0) ? 1 : 0))
  return { next: Int32Array.from(rows), accepts }
}

/** Runs the NFA as a set of states, for constraints whose DFA would be too large. */
class NfaRunner {
  readonly #nfa: ConstraintNfa
  readonly #holds: readonly (Uint8Array | null)[]
  // Two state lists swapped at each code unit, and the code unit at which each state was last added.
  #current: Int32Array
  #following: Int32Array
  readonly #addedAt: Float64Array
  readonly #stack: Int32Array
  #stamp = 0

  constructor(nfa: ConstraintNfa, holds: readonly (Uint8Array | null)[]) {
    this.#nfa = nfa
    this.#holds = holds
    const size = nfa.kinds.length
    this.#current = new Int32Array(size)
    this.#following = new Int32Array(size)
    this.#addedAt = new Float64Array(size)
    this.#stack = new Int32Array(size * 2 + 1)
  }

  matches(text: string, start: number, end: number, classes: Constraint): boolean {
    const nfa = this.#nfa
    let count = this.#add(0, 0, this.#current, start === end, true)
    for (let i = start; i < end && count !== 0; i++) {
      const k = classes.classAt(text, i)
      const atEnd = i + 1 === end
      let following = 0
      this.#stamp++
      for (let n = 0; n < count; n++) {
        const s = this.#current[n] as number
        if (nfa.kinds[s] === StateKind.Char && (this.#holds[s] as Uint8Array)[k] === 1) {
          following = this.#add(nfa.next[s] as number, following, this.#following, atEnd, false)
        }
      }
      const swap = this.#current
      this.#current = this.#following
      this.#following = swap
      count = following
    }
    for (let n = 0; n < count; n++) if (nfa.kinds[this.#current[n] as number] === StateKind.Match) return true
    return false
  }

  /** The closure of `state` appended to `list` from `count` on; returns the new count. */
  #add(state: number, count: number, list: Int32Array, atEnd: boolean, atStart: boolean): number {
    const nfa = this.#nfa
    if (atStart) this.#stamp++
    const stack = this.#stack
    let top = 0
    stack[top++] = state
    while (top !== 0) {
      const s = stack[--top] as number
      if (this.#addedAt[s] === this.#stamp) continue
      this.#addedAt[s] = this.#stamp
      const kind = nfa.kinds[s]
      if (kind === StateKind.Split) {
        stack[top++] = nfa.other[s] as number
        stack[top++] = nfa.next[s] as number
      } else if (kind === StateKind.Start) {
        if (atStart) stack[top++] = nfa.next[s] as number
      } else if (kind === StateKind.End) {
        if (atEnd) stack[top++] = nfa.next[s] as number
      } else {
        list[count++] = s
      }
    }
    return count
  }
}
