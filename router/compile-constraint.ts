const BACKSLASH = 92 // '\\'
const OPEN = 40 // '('
const CLOSE = 41 // ')'
const BRACKET_OPEN = 91 // '['
const BRACKET_CLOSE = 93 // ']'
const BRACE_OPEN = 123 // '{'

/**
 * Compiles a param constraint once, at registration, into a regular expression anchored at
 * both ends, so `:id(\d+)` accepts `42` and refuses `42a`.
 *
 * Constraints run on request data, so a pattern that can backtrack exponentially is refused:
 * a repeated group that itself contains a quantifier (`(a+)+`, `(\w*)*`, `(a{1,3}){2,}`), and
 * backreferences, which make matching NP-hard.
 *
 * @param source - the text between the parentheses of `:name(...)`
 * @returns the anchored expression
 * @throws string - the reason the constraint is refused; the caller wraps it in a typed error
 * @example
 * ```ts
 * compileConstraint('\\d+').test('42') // true
 * compileConstraint('(a+)+')           // throws 'constraint "(a+)+" nests quantifiers ...'
 * ```
 */
export function compileConstraint(source: string): RegExp {
  let compiled: RegExp
  try {
    compiled = new RegExp(`^(?:${source})$`)
  } catch (error) {
    throw `constraint ${JSON.stringify(source)} is not a regular expression (${(error as Error).message})`
  }
  checkSafety(source)
  return compiled
}

/**
 * Walks the source once, keeping for each open group whether it holds a quantifier,
 * and refuses a quantifier applied to such a group (star height above one).
 */
function checkSafety(source: string): void {
  const groups: boolean[] = []
  let quantified = false // whether the innermost open group holds a quantifier so far
  let lastGroupQuantified = false // whether the group that just closed held one
  let afterGroup = false
  for (let i = 0; i < source.length; i++) {
    const code = source.charCodeAt(i)
    const repeats = repeatingQuantifierAt(source, i)
    if (repeats !== 0) {
      if (afterGroup && lastGroupQuantified) {
        throw `constraint ${JSON.stringify(source)} nests quantifiers, which can backtrack exponentially`
      }
      quantified = true
      afterGroup = false
      i += repeats - 1
      continue
    }
    afterGroup = false
    if (code === BACKSLASH) {
      const next = source.charCodeAt(i + 1)
      if ((next >= 49 && next <= 57) || next === 107) {
        throw `constraint ${JSON.stringify(source)} uses a backreference`
      }
      i++
    } else if (code === BRACKET_OPEN) {
      i = classEnd(source, i)
    } else if (code === OPEN) {
      groups.push(quantified)
      quantified = false
    } else if (code === CLOSE) {
      lastGroupQuantified = quantified
      quantified = (groups.pop() ?? false) || quantified
      afterGroup = true
    }
  }
}

/** Length of a quantifier at `i` that repeats its atom a variable number of times (`*`, `+`, `{n,}`, `{n,m}` with m > 1), or 0. */
function repeatingQuantifierAt(source: string, i: number): number {
  const code = source.charCodeAt(i)
  if (code === 42 || code === 43) return lazySuffix(source, i + 1) + 1
  if (code !== BRACE_OPEN) return 0
  const match = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i))
  if (match === null) return 0
  // A fixed count `{n}` cannot be split in more than one way, so it cannot backtrack.
  const repeats = match[2] !== undefined && (match[3] === '' || Number(match[3]) > 1)
  return repeats ? match[0].length + lazySuffix(source, i + match[0].length) : 0
}

function lazySuffix(source: string, i: number): number {
  return source.charCodeAt(i) === 63 ? 1 : 0 // '?' makes a quantifier lazy
}

function classEnd(source: string, open: number): number {
  for (let i = open + 1; i < source.length; i++) {
    const code = source.charCodeAt(i)
    if (code === BACKSLASH) i++
    else if (code === BRACKET_CLOSE) return i
  }
  return source.length
}
