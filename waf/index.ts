/**
 * `gatehouse/waf`: the WAF, usable alone.
 *
 * @packageDocumentation
 */
/** The WAF, usable alone: request checks, their modes, custom rules and findings. */
export { Waf } from './waf.js'
export type { WafMode, WafRequestHead, WafOptions } from './waf.js'
export type { WafVerdict, WafEvent, WafCategory } from './verdict.js'
export type { CustomRule, RulePlace } from './rule.js'
export { WafError, WafInvalidOptionError, WafInvalidRuleError, WafRequestBlockedError } from './errors.js'
export type { WafErrorCode } from './errors.js'
