import { WafInvalidOptionError } from './errors.js'
import { BUILTIN_RULES } from './inspect-value.js'
import { compileRules, type CompiledRule } from './rule.js'
import type { WafEvent } from './verdict.js'
import type { WafMode } from './waf-mode.js'
import type { WafOptions } from './waf-options.js'

/**
 * `WafOptions` with defaults applied and custom rules compiled.
 *
 * @example
 * ```ts
 * const { mode, rules } = resolveOptions({ mode: 'strict' })
 * ```
 */
export interface ResolvedOptions {
  readonly mode: WafMode
  readonly maxTargetLength: number
  readonly maxBodyBytes: number
  readonly rules: readonly CompiledRule[]
  readonly onBlock: ((event: WafEvent) => void) | undefined
}

const MODES: ReadonlySet<string> = new Set(['off', 'monitor', 'basic', 'strict'])
const OPTION_KEYS: ReadonlySet<string> = new Set(['mode', 'maxTargetLength', 'maxBodyBytes', 'rules', 'onBlock'])
/** Ids of the built-in rules; custom rules may not take them. */
const RESERVED_IDS: ReadonlySet<string> = new Set([
  ...BUILTIN_RULES.map(([id]) => id).filter((id) => id !== ''),
  'target-length',
  'target-chars',
  'body-size',
  'header-injection',
])

/**
 * Validates `WafOptions` once, when the WAF is built, and applies the defaults: mode `basic`,
 * 8192 characters of target, 10 MiB of body.
 *
 * @param options - the options as given
 * @returns the resolved options
 * @throws WafInvalidOptionError naming the bad key; WafInvalidRuleError for a bad custom rule
 * @example
 * ```ts
 * resolveOptions({ mode: 'strict' }).maxBodyBytes // 10485760
 * ```
 */
export function resolveOptions(options: WafOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') throw new WafInvalidOptionError('options', options, 'an object')
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key))
      throw new WafInvalidOptionError(key, (options as Record<string, unknown>)[key], 'no such option')
  }
  const { mode = 'basic', maxTargetLength = 8192, maxBodyBytes = 10 * 1024 * 1024, rules = [], onBlock } = options
  assertMode(mode)
  if (!Number.isSafeInteger(maxTargetLength) || maxTargetLength < 1)
    throw new WafInvalidOptionError('maxTargetLength', maxTargetLength, 'a positive integer')
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0)
    throw new WafInvalidOptionError('maxBodyBytes', maxBodyBytes, 'a non-negative integer')
  if (!Array.isArray(rules)) throw new WafInvalidOptionError('rules', rules, 'an array of rules')
  if (onBlock !== undefined && typeof onBlock !== 'function')
    throw new WafInvalidOptionError('onBlock', onBlock, 'a function')
  return { mode, maxTargetLength, maxBodyBytes, rules: compileRules(rules, RESERVED_IDS), onBlock }
}

/**
 * @param mode - a mode from options or from a route
 * @throws WafInvalidOptionError when it is not one of the four modes
 * @example
 * ```ts
 * assertMode('strict') // returns
 * ```
 */
export function assertMode(mode: unknown): asserts mode is WafMode {
  if (typeof mode !== 'string' || !MODES.has(mode))
    throw new WafInvalidOptionError('mode', mode, "'off', 'monitor', 'basic' or 'strict'")
}
