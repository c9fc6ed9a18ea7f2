import { Constraint } from './constraint.js'
import { buildNfa } from './constraint-nfa.js'
import { parseConstraint } from './constraint-syntax.js'

// Counted repeats copy their item (`[a-z]{1,64}` is 64 copies): this bounds the automaton, and
// the work of building it at registration.
const MAX_NFA_STATES = 4096

/**
 * Compiles a param constraint once, at registration, into an automaton that decides a whole
 * value, as if anchored at both ends: `:id(\d+)` accepts `42` and refuses `42a`.
 *
 * Constraints run on request data, so they never run on a backtracking engine: deciding a value
 * reads each code unit once, whatever the constraint (`(\w|\d)+`, `(a+)+` and `\d+\d+\d+` are
 * all linear). The syntax is JavaScript's, without flags; what no finite automaton can run is
 * refused: backreferences, lookarounds and word boundaries.
 *
 * @param source - the text between the parentheses of `:name(...)`
 * @returns the compiled constraint
 * @throws string - the reason the constraint is refused; the caller wraps it in a typed error
 * @example
 * ```ts
 * compileConstraint('\\d+').matches('42', 0, 2) // true
 * compileConstraint('(a)\\1')                  // throws 'constraint "(a)\\\\1" uses a backreference'
 * ```
 */
export function compileConstraint(source: string): Constraint {
  try {
    // JavaScript's own parser decides what is a pattern at all, and words its errors.
    new RegExp(`^(?:${source})$`)
  } catch (error) {
    throw `constraint ${JSON.stringify(source)} is not a regular expression (${(error as Error).message})`
  }
  const tree = parseConstraint(source)
  try {
    return new Constraint(source, buildNfa(tree, MAX_NFA_STATES))
  } catch (reason) {
    if (reason !== 'too large') throw reason
    throw `constraint ${JSON.stringify(source)} is too large: its automaton passes ${MAX_NFA_STATES} states`
  }
}
