/**
 * Every error code the WAF can raise. Codes never change once released, so a
 * `switch (err.code)` over this union can be exhaustive.
 *
 * @example
 * ```ts
 * if (err.code === 'ERR_WAF_INVALID_RULE') console.error(err.message)
 * ```
 */
export type WafErrorCode = 'ERR_WAF_INVALID_OPTION' | 'ERR_WAF_INVALID_RULE' | 'ERR_WAF_REQUEST_BLOCKED'

/**
 * The brand every error of the project carries (core's `GATEHOUSE_ERROR`): this folder imports
 * nothing else of the project, so it registers the same symbol rather than importing it.
 */
const GATEHOUSE_ERROR = Symbol.for('gatehouse.error')

/** What the client of a blocked request is told; the rule goes beside it, the matched value never. */
const REQUEST_BLOCKED = 'Request blocked'

/**
 * The base of every WAF error: a stable `code`, the HTTP `status` it maps to, and the project's brand.
 *
 * @example
 * ```ts
 * if (err instanceof WafError && err.code === 'ERR_WAF_REQUEST_BLOCKED') console.warn(err.message)
 * ```
 */
export abstract class WafError extends Error {
  /** The project's brand. */
  readonly [GATEHOUSE_ERROR] = true
  /** Stable machine-readable code. */
  abstract readonly code: WafErrorCode
  /** The HTTP status this error maps to. */
  abstract readonly status: number
}

/**
 * A `WafOptions` value has the wrong type or is out of range. The message names the key and the value.
 *
 * @example
 * ```ts
 * new Waf({ mode: 'loud' as WafMode }) // throws WafInvalidOptionError
 * ```
 */
export class WafInvalidOptionError extends WafError {
  readonly code = 'ERR_WAF_INVALID_OPTION'
  readonly status = 500
  /**
   * @param key - the option key, e.g. `maxTargetLength`
   * @param value - the value that was given
   * @param expected - what the key accepts, in plain words
   * @example
   * ```ts
   * throw new WafInvalidOptionError('mode', 'paranoid', "'off', 'monitor', 'basic' or 'strict'")
   * ```
   */
  constructor(
    readonly key: string,
    value: unknown,
    expected: string,
  ) {
    super(`waf option ${key} is ${describe(value)}; expected ${expected}`)
    this.name = 'WafInvalidOptionError'
  }
}

/**
 * A custom rule is malformed: bad id, duplicate id, no pattern or test, unknown place or mode.
 *
 * @example
 * ```ts
 * new Waf({ rules: [{ id: 'x' }] }) // throws WafInvalidRuleError
 * ```
 */
export class WafInvalidRuleError extends WafError {
  readonly code = 'ERR_WAF_INVALID_RULE'
  readonly status = 500
  /**
   * @param ruleId - the id of the rule as given (may itself be the bad value)
   * @param reason - what is wrong, naming the bad value
   * @example
   * ```ts
   * throw new WafInvalidRuleError('no-admin', 'needs a pattern or a test function')
   * ```
   */
  constructor(
    readonly ruleId: string,
    reason: string,
  ) {
    super(`waf rule ${JSON.stringify(ruleId)}: ${reason}`)
    this.name = 'WafInvalidRuleError'
  }
}

/**
 * A request was blocked. The Session builds one from every blocking verdict and answers from it, as
 * the App answers one a handler throws: 400 and the JSON body from `toJSON()`,
 * `{"message":"Request blocked","rule":"<id>"}`. Code that runs the WAF alone throws it on a verdict.
 *
 * @example
 * ```ts
 * if (verdict?.blocked) throw new WafRequestBlockedError(verdict.ruleId)
 * ```
 */
export class WafRequestBlockedError extends WafError {
  readonly code = 'ERR_WAF_REQUEST_BLOCKED'
  readonly status = 400
  /**
   * @param ruleId - id of the rule that blocked the request
   * @example
   * ```ts
   * const body = JSON.stringify(new WafRequestBlockedError('sqli')) // {"message":"Request blocked","rule":"sqli"}
   * ```
   */
  constructor(readonly ruleId: string) {
    super(`request blocked by waf rule ${JSON.stringify(ruleId)}`)
    this.name = 'WafRequestBlockedError'
  }

  /**
   * @returns the client-facing body; it names the rule but never echoes the matched value
   */
  toJSON(): { message: string; rule: string } {
    return { message: REQUEST_BLOCKED, rule: this.ruleId }
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'function') return 'a function'
  if (Array.isArray(value)) return 'an array'
  return String(value)
}
