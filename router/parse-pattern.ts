/** One piece of a route pattern, in order from left to right. */
export type PatternToken =
  | { readonly kind: 'static'; readonly text: string }
  | { readonly kind: 'param'; readonly name: string; readonly constraint: string | null }
  | { readonly kind: 'wildcard' }

const COLON = 58 // ':'
const STAR = 42 // '*'
const OPEN = 40 // '('
const CLOSE = 41 // ')'
const BACKSLASH = 92 // '\\'
const BRACKET_OPEN = 91 // '['
const BRACKET_CLOSE = 93 // ']'

/**
 * Splits a route pattern into static text, params and a trailing wildcard.
 *
 * Syntax: `:name` is a param (name of `[A-Za-z0-9_]`), `:name(regex)` a constrained param,
 * a final `*` the wildcard, and `::` a literal colon. A param ends at the first character
 * that cannot be in a name, so `/files/:name.:ext` holds two params separated by `.`.
 *
 * @param pattern - the route as registered, e.g. `/orders/:id(\\d+)`
 * @returns the tokens, adjacent static text merged
 * @throws string - the reason the pattern is invalid; the caller wraps it in a typed error
 * @example
 * ```ts
 * parsePattern('/f/:name.:ext')
 * // [{kind:'static',text:'/f/'}, {kind:'param',name:'name',constraint:null},
 * //  {kind:'static',text:'.'}, {kind:'param',name:'ext',constraint:null}]
 * ```
 */
export function parsePattern(pattern: string): PatternToken[] {
  if (pattern.charCodeAt(0) !== 47) throw 'must start with "/"'
  const tokens: PatternToken[] = []
  const names = new Set<string>()
  let text = ''
  let i = 0
  while (i < pattern.length) {
    const code = pattern.charCodeAt(i)
    if (code === COLON && pattern.charCodeAt(i + 1) === COLON) {
      text += ':'
      i += 2
    } else if (code === COLON) {
      const last = tokens[tokens.length - 1]
      if (text === '' && last !== undefined && last.kind === 'param') {
        throw `param at ${i} follows another param without static text between them`
      }
      const end = nameEnd(pattern, i + 1)
      const name = pattern.slice(i + 1, end)
      if (name === '') throw `param at ${i} has no name`
      if (names.has(name)) throw `param "${name}" appears twice`
      names.add(name)
      let constraint: string | null = null
      i = end
      if (pattern.charCodeAt(i) === OPEN) {
        const close = constraintEnd(pattern, i)
        constraint = pattern.slice(i + 1, close)
        if (constraint === '') throw `param "${name}" has an empty constraint`
        i = close + 1
      }
      if (text !== '') tokens.push({ kind: 'static', text })
      text = ''
      tokens.push({ kind: 'param', name, constraint })
    } else if (code === STAR) {
      if (i !== pattern.length - 1) throw `"*" at ${i} is not the last character`
      if (text === '') throw 'the wildcard follows a param directly'
      tokens.push({ kind: 'static', text }, { kind: 'wildcard' })
      return tokens
    } else {
      // RFC 9112 section 3.2: a request target carries no whitespace or fragment, and
      // the query never takes part in matching, so a route containing them could never match.
      if (code <= 32 || code === 35 || code === 63 || code === 127) {
        throw `character ${JSON.stringify(pattern[i])} at ${i} can never match a request path`
      }
      text += pattern[i]
      i++
    }
  }
  if (text !== '') tokens.push({ kind: 'static', text })
  return tokens
}

function nameEnd(pattern: string, start: number): number {
  let i = start
  while (i < pattern.length && isNameChar(pattern.charCodeAt(i))) i++
  return i
}

function isNameChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95
}

/** Finds the `)` closing the constraint opened at `open`, skipping escapes, classes and groups. */
function constraintEnd(pattern: string, open: number): number {
  let depth = 0
  let inClass = false
  for (let i = open; i < pattern.length; i++) {
    const code = pattern.charCodeAt(i)
    if (code === BACKSLASH) i++
    else if (inClass) inClass = code !== BRACKET_CLOSE
    else if (code === BRACKET_OPEN) inClass = true
    else if (code === OPEN) depth++
    else if (code === CLOSE && --depth === 0) return i
  }
  throw `constraint at ${open} is not closed`
}
