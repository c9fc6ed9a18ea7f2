import { WafInvalidRuleError } from './errors.js'
import type { WafMode } from './waf-mode.js'

/**
 * The parts of a request a custom rule can look at.
 *
 * @example
 * ```ts
 * const where: RulePlace[] = ['target', 'header']
 * ```
 */
export type RulePlace = 'target' | 'header' | 'body'

/**
 * A user rule: an id plus a pattern or a test function. Custom rules run in every mode but `off`
 * unless `modes` narrows them, and see values as received: the request-target (and, when it holds
 * `%`, its percent-decoded form), each header value, and the body as UTF-8 text.
 * A pattern runs as given, so its cost is the rule author's to bound.
 *
 * @example
 * ```ts
 * const rules: CustomRule[] = [
 *   { id: 'no-wp-admin', where: ['target'], pattern: /\/wp-admin\b/i },
 *   { id: 'no-huge-cookie', where: ['header'], test: (v) => v.length > 4096, modes: ['strict'] },
 * ]
 * ```
 */
export interface CustomRule {
  /** Stable id reported in verdicts and in the 400 body; letters, digits, `.`, `_`, `-`. */
  readonly id: string
  /** Where the rule looks; all three places when omitted. */
  readonly where?: readonly RulePlace[]
  /** A pattern that blocks when it matches. */
  readonly pattern?: RegExp
  /** A function that blocks when it returns `true`. */
  readonly test?: (value: string) => boolean
  /** Modes the rule runs in; `monitor`, `basic` and `strict` when omitted. */
  readonly modes?: readonly WafMode[]
}

/**
 * A validated custom rule with its places and modes resolved to flags.
 *
 * @example
 * ```ts
 * for (const rule of compileRules(rules, reserved)) if (rule.inBody && rule.matches(text)) block(rule.id)
 * ```
 */
export interface CompiledRule {
  readonly id: string
  readonly inTarget: boolean
  readonly inHeader: boolean
  readonly inBody: boolean
  readonly modes: ReadonlySet<WafMode>
  readonly matches: (value: string) => boolean
}

const RULE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
const PLACES: ReadonlySet<string> = new Set(['target', 'header', 'body'])
const MODES: ReadonlySet<string> = new Set(['monitor', 'basic', 'strict'])

/**
 * Validates custom rules once, when the WAF is built, so the request path only calls `matches`.
 *
 * @param rules - the rules as the user wrote them
 * @param reservedIds - ids of the built-in rules, which a custom rule may not reuse
 * @returns the compiled rules, in the order given
 * @throws WafInvalidRuleError naming the rule and the bad value
 * @example
 * ```ts
 * const [rule] = compileRules([{ id: 'no-admin', pattern: /admin/ }], new Set(['sqli']))
 * rule.matches('/admin') // true
 * ```
 */
export function compileRules(rules: readonly CustomRule[], reservedIds: ReadonlySet<string>): CompiledRule[] {
  const seen = new Set<string>()
  return rules.map((rule) => {
    // A missing id must not become the string "undefined", which would pass the id pattern.
    if (typeof rule?.id !== 'string') throw new WafInvalidRuleError(String(rule?.id), 'needs an id (a string)')
    const id = rule.id
    if (!RULE_ID.test(id)) throw new WafInvalidRuleError(id, 'id must be 1-64 letters, digits, ".", "_" or "-"')
    if (reservedIds.has(id)) throw new WafInvalidRuleError(id, 'id is a built-in rule id')
    if (seen.has(id)) throw new WafInvalidRuleError(id, 'id is used by another rule')
    seen.add(id)
    const where = rule.where ?? ['target', 'header', 'body']
    for (const place of where) {
      if (!PLACES.has(place)) throw new WafInvalidRuleError(id, `where has unknown place ${JSON.stringify(place)}`)
    }
    const modes = rule.modes ?? ['monitor', 'basic', 'strict']
    for (const mode of modes) {
      if (!MODES.has(mode))
        throw new WafInvalidRuleError(id, `modes has ${JSON.stringify(mode)}; use monitor, basic or strict`)
    }
    return {
      id,
      inTarget: where.includes('target'),
      inHeader: where.includes('header'),
      inBody: where.includes('body'),
      modes: new Set(modes),
      matches: toMatcher(id, rule),
    }
  })
}

function toMatcher(id: string, rule: CustomRule): (value: string) => boolean {
  const { pattern, test } = rule
  if (pattern !== undefined && test !== undefined)
    throw new WafInvalidRuleError(id, 'has both a pattern and a test; give one')
  if (pattern instanceof RegExp) {
    // A global or sticky pattern keeps lastIndex between calls; reset it so every value is read from the start.
    return (value) => {
      pattern.lastIndex = 0
      return pattern.test(value)
    }
  }
  if (typeof test === 'function') return (value) => test(value) === true
  if (pattern !== undefined) throw new WafInvalidRuleError(id, 'pattern must be a RegExp')
  if (test !== undefined) throw new WafInvalidRuleError(id, 'test must be a function')
  throw new WafInvalidRuleError(id, 'needs a pattern or a test function')
}
