import { visitBody } from './body-values.js'
import { WafInvalidOptionError } from './errors.js'
import { BUILTIN_RULES, Place, inspectValue, inspectedText } from './inspect-value.js'
import { HeaderKind, headerKindOf } from './header-kind.js'
import { fromLatin1 } from './normalize/decode-value.js'
import { visitPairs, type ValueVisitor } from './query-args.js'
import { compileRules, type CompiledRule, type CustomRule } from './rule.js'
import type { WafCategory, WafEvent, WafVerdict } from './verdict.js'

/**
 * `off` checks nothing; `monitor` runs every check and reports through `onBlock` without blocking;
 * `basic` runs the cheap structural checks (length, characters, traversal, NUL, CRLF, body size);
 * `strict` adds every attack category.
 */
export type WafMode = 'off' | 'monitor' | 'basic' | 'strict'

/** The parsed request head the Session hands to `checkHead`. */
export interface WafRequestHead {
  readonly method: string
  /** Request-target exactly as received (a latin1 string); may contain `?query`. */
  readonly target: string
  /** Flat `[name, value, name, value, …]` as received; names are not lower-cased. */
  readonly headers: readonly string[]
}

/** Options of `new Waf(…)`. */
export interface WafOptions {
  /** Default mode; a route may override it per request. Default `basic`. */
  mode?: WafMode
  /** Longest request-target allowed, in characters. Default 8192. */
  maxTargetLength?: number
  /** Largest body allowed, in bytes. Default 10 MiB. */
  maxBodyBytes?: number
  /** User rules, checked after the built-in ones. */
  rules?: readonly CustomRule[]
  /** Called for every finding: blocked ones, and in monitor mode the ones that were let through. */
  onBlock?: (event: WafEvent) => void
}

const MODES: ReadonlySet<string> = new Set(['off', 'monitor', 'basic', 'strict'])
const OPTION_KEYS: ReadonlySet<string> = new Set(['mode', 'maxTargetLength', 'maxBodyBytes', 'rules', 'onBlock'])
const RESERVED_IDS: ReadonlySet<string> = new Set([
  ...BUILTIN_RULES.map(([id]) => id).filter((id) => id !== ''),
  'target-length', 'target-chars', 'body-size', 'header-injection',
])
const MATCHED_LIMIT = 256
/** Header values seen clean in strict mode; bounded, and emptied when full. */
const CLEAN_CACHE_LIMIT = 2048

/**
 * A web application firewall for one server: the Session calls `checkHead` after parsing the head
 * and `checkBody` after reading the body, before routing, and answers a blocked request with 400
 * `{"message":"Request blocked","rule":"<id>"}`. Built-in rule ids: `target-length`, `target-chars`,
 * `overlong-utf8`, `nul-byte`, `crlf`, `header-injection`, `traversal`, `body-size` (basic and up);
 * `lfi`, `rfi`, `ssti`, `code-injection`, `xss`, `sqli`, `cmdi` (strict and monitor).
 *
 * @example
 * ```ts
 * const waf = new Waf({ mode: 'strict', onBlock: (e) => console.warn(e.ruleId, e.requestLine) })
 * const verdict = waf.checkHead({ method: 'GET', target: "/items?id=1'%20or%201=1--", headers: [] })
 * verdict?.ruleId // 'sqli'
 * ```
 */
export class Waf {
  readonly #mode: WafMode
  readonly #maxTargetLength: number
  readonly #maxBodyBytes: number
  readonly #rules: readonly CompiledRule[]
  readonly #onBlock: ((event: WafEvent) => void) | undefined
  readonly #cleanHeaders = new Map<string, number>()
  readonly #visit: ValueVisitor
  // Per-check state. Checks are synchronous, so one set of fields serves every request.
  #head: WafRequestHead = { method: '', target: '', headers: [] }
  #checkMode: WafMode = 'basic'
  #strict = false
  #verdict: WafVerdict | null = null
  #reported: string[] | null = null

  /**
   * @param options - see `WafOptions`; every value is validated here, once
   * @throws WafInvalidOptionError naming the bad key; WafInvalidRuleError for a bad custom rule
   */
  constructor(options: WafOptions = {}) {
    if (options === null || typeof options !== 'object') throw new WafInvalidOptionError('options', options, 'an object')
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.has(key)) throw new WafInvalidOptionError(key, (options as Record<string, unknown>)[key], 'no such option')
    }
    const { mode = 'basic', maxTargetLength = 8192, maxBodyBytes = 10 * 1024 * 1024, rules = [], onBlock } = options
    if (!MODES.has(mode)) throw new WafInvalidOptionError('mode', mode, "'off', 'monitor', 'basic' or 'strict'")
    if (!Number.isSafeInteger(maxTargetLength) || maxTargetLength < 1) throw new WafInvalidOptionError('maxTargetLength', maxTargetLength, 'a positive integer')
    if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0) throw new WafInvalidOptionError('maxBodyBytes', maxBodyBytes, 'a non-negative integer')
    if (!Array.isArray(rules)) throw new WafInvalidOptionError('rules', rules, 'an array of rules')
    if (onBlock !== undefined && typeof onBlock !== 'function') throw new WafInvalidOptionError('onBlock', onBlock, 'a function')
    this.#mode = mode
    this.#maxTargetLength = maxTargetLength
    this.#maxBodyBytes = maxBodyBytes
    this.#rules = compileRules(rules, RESERVED_IDS)
    this.#onBlock = onBlock
    this.#visit = this.#inspect.bind(this)
  }

  /**
   * Checks the request-target and the headers that attacks ride in. Hot path: a clean request costs
   * one char-class pass per value and allocates nothing but the query's name/value slices.
   *
   * @param head - the parsed head
   * @param mode - the route's mode, overriding the default
   * @returns `null` when clean, else the first finding (`blocked: false` in monitor mode)
   * @example
   * ```ts
   * waf.checkHead({ method: 'GET', target: '/a/../../etc/passwd', headers: [] }) // { ruleId: 'traversal', … }
   * ```
   */
  checkHead(head: WafRequestHead, mode: WafMode = this.#mode): WafVerdict | null {
    if (mode === 'off') return null
    this.#begin(head, mode)
    if (!this.#checkTarget(head.target) && !this.#checkHeaders(head.headers)) this.#checkCustomHead(head)
    return this.#verdict
  }

  /**
   * Checks a body that has been read in full: its size, then every value the content type exposes
   * (form pairs, JSON keys and strings, multipart names and text parts, text bodies). Linear in the body.
   *
   * @param head - the head of the same request
   * @param body - the body bytes
   * @param contentType - the Content-Type header value
   * @param mode - the route's mode, overriding the default
   * @returns `null` when clean, else the first finding (`blocked: false` in monitor mode)
   * @example
   * ```ts
   * waf.checkBody(head, Buffer.from('q=%3Cscript%3E'), 'application/x-www-form-urlencoded', 'strict') // xss
   * ```
   */
  checkBody(head: WafRequestHead, body: Buffer, contentType: string | undefined, mode: WafMode = this.#mode): WafVerdict | null {
    if (mode === 'off') return null
    this.#begin(head, mode)
    if (body.length > this.#maxBodyBytes) {
      this.#found('body-size', 'protocol', `${body.length} bytes; maxBodyBytes is ${this.#maxBodyBytes}`)
    } else if (body.length > 0 && !visitBody(body, contentType, this.#visit) && this.#rules.length > 0) {
      this.#checkCustom('body', body.toString('utf8'))
    }
    return this.#verdict
  }

  #begin(head: WafRequestHead, mode: WafMode): void {
    if (!MODES.has(mode)) throw new WafInvalidOptionError('mode', mode, "'off', 'monitor', 'basic' or 'strict'")
    this.#head = head
    this.#checkMode = mode
    this.#strict = mode !== 'basic'
    this.#verdict = null
    this.#reported = null
  }

  #checkTarget(target: string): boolean {
    if (target.length > this.#maxTargetLength) {
      return this.#found('target-length', 'protocol', `${target.length} characters; maxTargetLength is ${this.#maxTargetLength}`)
    }
    let query = -1
    for (let i = 0; i < target.length; i++) {
      const c = target.charCodeAt(i)
      // RFC 9112 section 3.2: the request-target holds no whitespace or control characters.
      if (c <= 0x20 || c === 0x7f) return this.#found('target-chars', 'protocol', target.slice(0, MATCHED_LIMIT))
      if (c === 63 && query === -1) query = i
    }
    const text = fromLatin1(target)
    if (text !== target) query = text.indexOf('?')
    const path = query === -1 ? text : text.slice(0, query)
    if (this.#inspect(path, Place.Path, false, '')) return true
    return query !== -1 && visitPairs(text, query + 1, Place.Arg, this.#visit)
  }

  #checkHeaders(headers: readonly string[]): boolean {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      const value = headers[i + 1]
      if (!this.#strict) {
        // Basic mode only looks for encoded CR, LF and NUL smuggled into a header.
        if (value.indexOf('%') !== -1 && this.#inspect(fromLatin1(value), Place.Header, false, '')) return true
        continue
      }
      const kind = headerKindOf(headers[i])
      if (kind === HeaderKind.Skip || (this.#cleanHeaders.get(value) ?? 0) & kind) continue
      const text = fromLatin1(value)
      let stop: boolean
      if (kind === HeaderKind.Cookie) stop = this.#checkCookie(text)
      else if (kind === HeaderKind.Url) stop = text.indexOf('?') !== -1 && visitPairs(text, text.indexOf('?') + 1, Place.Arg, this.#visit)
      else stop = this.#inspect(text, Place.Header, false, '')
      if (stop) return true
      if (this.#verdict === null) this.#rememberClean(value, kind)
    }
    return false
  }

  /** RFC 6265 section 4.2.1: `name=value; name=value`. */
  #checkCookie(text: string): boolean {
    let start = 0
    while (start < text.length) {
      let end = text.indexOf(';', start)
      if (end === -1) end = text.length
      const eq = text.indexOf('=', start)
      const split = eq === -1 || eq > end ? end : eq
      const name = text.slice(start, split).trim()
      if (name !== '' && this.#inspect(name, Place.Name, false, '')) return true
      if (split < end && this.#inspect(text.slice(split + 1, end).trim(), Place.Arg, false, name)) return true
      start = end + 1
    }
    return false
  }

  #rememberClean(value: string, kind: HeaderKind): void {
    if (this.#cleanHeaders.size >= CLEAN_CACHE_LIMIT) this.#cleanHeaders.clear()
    this.#cleanHeaders.set(value, (this.#cleanHeaders.get(value) ?? 0) | kind)
  }

  #checkCustomHead(head: WafRequestHead): boolean {
    if (this.#rules.length === 0) return false
    if (this.#checkCustom('target', head.target)) return true
    if (head.target.indexOf('%') !== -1 && this.#checkCustom('target', safeDecode(head.target))) return true
    for (let i = 1; i < head.headers.length; i += 2) if (this.#checkCustom('header', head.headers[i])) return true
    return false
  }

  #checkCustom(place: 'target' | 'header' | 'body', value: string): boolean {
    for (const rule of this.#rules) {
      const applies = place === 'target' ? rule.inTarget : place === 'header' ? rule.inHeader : rule.inBody
      if (applies && rule.modes.has(this.#checkMode) && rule.matches(value) && this.#found(rule.id, 'custom', value)) return true
    }
    return false
  }

  /** The visitor every value goes through; returns `true` to stop the check. */
  #inspect(value: string, place: Place, plusAsSpace: boolean, name: string): boolean {
    const hit = inspectValue(value, place, plusAsSpace, this.#strict, name)
    if (hit === 0) return false
    const [id, category] = BUILTIN_RULES[hit]
    const inHeader = place === Place.Header && id === 'crlf'
    return this.#found(inHeader ? 'header-injection' : id, category, inspectedText)
  }

  /** Records a finding and tells `onBlock`; returns whether checking stops (always, except in monitor mode). */
  #found(ruleId: string, category: WafCategory, matched: string): boolean {
    const blocked = this.#checkMode !== 'monitor'
    if (this.#reported?.includes(ruleId)) return false
    ;(this.#reported ??= []).push(ruleId)
    const verdict: WafVerdict = { ruleId, category, matched: matched.slice(0, MATCHED_LIMIT), blocked }
    this.#verdict ??= verdict
    if (this.#onBlock !== undefined) {
      const { method, target } = this.#head
      this.#onBlock({ ...verdict, requestLine: `${method} ${target}`, mode: this.#checkMode })
    }
    return blocked
  }
}

function safeDecode(target: string): string {
  try {
    return decodeURIComponent(target)
  } catch {
    return target
  }
}
