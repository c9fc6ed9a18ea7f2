import type { WafMode } from './waf-mode.js'

/**
 * What kind of attack a rule recognises. `protocol` covers the structural checks
 * (length, characters, NUL, overlong UTF-8, body size); `custom` is every user rule.
 *
 * @example
 * ```ts
 * const counts: Partial<Record<WafCategory, number>> = {}
 * ```
 */
export type WafCategory =
  | 'protocol'
  | 'traversal'
  | 'rfi'
  | 'sqli'
  | 'xss'
  | 'cmdi'
  | 'ssti'
  | 'code-injection'
  | 'header-injection'
  | 'session-fixation'
  | 'custom'

/**
 * The outcome of a check that found something. `null` is returned instead when the request is clean.
 *
 * @example
 * ```ts
 * const verdict = waf.checkHead(head)
 * if (verdict?.blocked) respond(400, { message: 'Request blocked', rule: verdict.ruleId })
 * ```
 */
export interface WafVerdict {
  /** Stable id of the rule that matched, e.g. `sqli`, `traversal`, or a custom rule's id. */
  readonly ruleId: string
  /** The attack class the rule belongs to. */
  readonly category: WafCategory
  /** The value the rule matched, normalised and cut to at most 256 characters. */
  readonly matched: string
  /** `false` in monitor mode (the request goes on), `true` otherwise. */
  readonly blocked: boolean
}

/**
 * What `onBlock` receives for every finding: the verdict plus where and how it was found.
 *
 * @example
 * ```ts
 * new Waf({ onBlock: (e) => log.warn(`${e.mode} ${e.ruleId} ${e.requestLine} ${e.matched}`) })
 * ```
 */
export interface WafEvent extends WafVerdict {
  /** `METHOD target` of the request, the target as received. */
  readonly requestLine: string
  /** The mode the check ran in (after any per-route override). */
  readonly mode: WafMode
}
