/**
 * `gatehouse/waf`: the WAF, usable alone.
 *
 * @packageDocumentation
 */
/** The WAF, usable alone: request checks, their modes, custom rules and findings. */
export { Waf } from './waf.js'
export type { WafRequestHead } from './waf.js'
export type { WafMode } from './waf-mode.js'
export type { WafOptions } from './waf-options.js'
export type { WafVerdict, WafEvent, WafCategory } from './verdict.js'
export type { CustomRule, RulePlace } from './rule.js'
export { WafError, WafInvalidOptionError, WafInvalidRuleError, WafRequestBlockedError } from './errors.js'
export type { WafErrorCode } from './errors.js'
