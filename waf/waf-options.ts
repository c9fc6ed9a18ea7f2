import type { CustomRule } from './rule.js'
import type { WafEvent } from './verdict.js'
import type { WafMode } from './waf-mode.js'

/**
 * Options of `new Waf(…)`.
 *
 * @example
 * ```ts
 * const options: WafOptions = { mode: 'monitor', onBlock: (e) => metrics.count(e.ruleId) }
 * ```
 */
export interface WafOptions {
  /** Default mode; a route may override it per request. Default `basic`. */
  mode?: WafMode
  /** Longest request-target allowed, in characters. Default 8192. */
  maxTargetLength?: number
  /** Largest body allowed, in bytes. Default 10 MiB. */
  maxBodyBytes?: number
  /** User rules, checked after the built-in ones. */
  rules?: readonly CustomRule[]
  /**
   * Called for every finding: blocked ones, and in monitor mode the ones that were let through. It runs
   * synchronously inside the check, once per rule per check; an exception it throws reaches the caller.
   */
  onBlock?: (event: WafEvent) => void
}
