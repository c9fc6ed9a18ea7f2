import { visitBody } from './body-values.js'
import { BUILTIN_RULES, Place, inspectValue, inspectedText } from './inspect-value.js'
import { HeaderKind, headerKindOf } from './header-kind.js'
import { fromLatin1 } from './normalize/decode-value.js'
import { visitPairs, type ValueVisitor } from './query-args.js'
import { assertMode, resolveOptions } from './resolve-options.js'
import type { CompiledRule } from './rule.js'
import type { WafCategory, WafEvent, WafVerdict } from './verdict.js'
import type { WafMode } from './waf-mode.js'
import type { WafOptions } from './waf-options.js'
import { codeAt } from './char-code.js'
import { isSessionName } from './rules/session-fixation.js'

/**
 * The parsed request head the Session hands to `checkHead`.
 *
 * @example
 * ```ts
 * const head: WafRequestHead = { method: 'GET', target: '/a?b=1', headers: ['Host', 'x'] }
 * ```
 */
export interface WafRequestHead {
  /** The request method, as received (`GET`). */
  readonly method: string
  /** Request-target exactly as received (a latin1 string); may contain `?query`. */
  readonly target: string
  /** Flat `[name, value, name, value, …]` as received; names are not lower-cased. */
  readonly headers: readonly string[]
  /**
   * `true` only when the target is known to hold no `%`, `.` or `\` and no character outside
   * visible ASCII, as a parser that has looked at every byte knows: basic mode then has nothing to
   * look for in it. Leave it out when unsure.
   */
  readonly targetIsPlain?: boolean
  /** `true` only when no header value is known to hold a `%`. Leave it out when unsure. */
  readonly valuesArePlain?: boolean
}

const MATCHED_LIMIT = 256
/** An absolute URL without whitespace, quotes or angle brackets: how a browser sends a Referer. */
const PLAIN_URL = /^[a-z][a-z0-9+.-]{0,16}:\/\/[^\s"<>`]*$/i
/** Header values seen clean in strict mode; bounded, and emptied when full. */
const CLEAN_CACHE_LIMIT = 2048
/** Longer values are checked every time, which keeps the cache under about 1 MiB. */
const CLEAN_VALUE_MAX_LENGTH = 512

/**
 * A web application firewall for one server: the Session calls `checkHead` once the head is parsed
 * and routed (a route may choose its own mode), and `checkBody` after reading the body, before the
 * handler runs, and answers a blocked request with 400
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
  /** Whether names now being inspected are the request's own parameters (not cookie or Referer names). */
  #ownParameters = false
  /** Whether the request's Referer names its own Host: -1 not yet known, 0 no, 1 yes. */
  #sameSite = -1

  /**
   * @param options - see `WafOptions`; every value is validated here, once
   * @throws WafInvalidOptionError naming the bad key; WafInvalidRuleError for a bad custom rule
   */
  constructor(options: WafOptions = {}) {
    const resolved = resolveOptions(options)
    this.#mode = resolved.mode
    this.#maxTargetLength = resolved.maxTargetLength
    this.#maxBodyBytes = resolved.maxBodyBytes
    this.#rules = resolved.rules
    this.#onBlock = resolved.onBlock
    this.#visit = this.#inspect.bind(this)
  }

  /**
   * Checks the request-target and the headers that attacks ride in. Hot path: in basic mode a clean
   * request costs one pass over the target and allocates nothing; strict mode adds one char-class
   * pass and one literal scan for the path and each query name and value, and remembers clean headers.
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
    if (!this.#checkTarget(head.target, head.targetIsPlain === true)) {
      this.#ownParameters = false
      if (!this.#checkHeaders(head.headers, head.valuesArePlain === true)) this.#checkCustomHead(head)
    }
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
  checkBody(
    head: WafRequestHead,
    body: Buffer,
    contentType: string | undefined,
    mode: WafMode = this.#mode,
  ): WafVerdict | null {
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
    if (mode !== 'basic' && mode !== 'strict' && mode !== 'monitor') assertMode(mode)
    this.#head = head
    this.#checkMode = mode
    this.#strict = mode !== 'basic'
    this.#verdict = null
    this.#reported = null
    this.#ownParameters = true
    this.#sameSite = -1
  }

  #checkTarget(target: string, isPlain: boolean): boolean {
    if (target.length > this.#maxTargetLength) {
      return this.#found(
        'target-length',
        'protocol',
        `${target.length} characters; maxTargetLength is ${this.#maxTargetLength}`,
      )
    }
    // What basic mode looks for (below) can only be where the parser saw `%`, `.`, `\` or a raw byte.
    if (isPlain && !this.#strict) return false
    // Hot path: one pass finds bad characters, the query and anything basic mode could match.
    let query = -1
    let encoded = false
    for (let i = 0; i < target.length; i++) {
      const c = codeAt(target, i)
      // RFC 9112 section 3.2: the request-target holds no whitespace or control characters.
      if (c <= 0x20 || c === 0x7f) return this.#found('target-chars', 'protocol', target.slice(0, MATCHED_LIMIT))
      if (c === 63) {
        if (query === -1) query = i
      } else if (c === 37 || c === 46 || c === 92 || c > 0x7f) {
        encoded = true
      }
    }
    // Basic mode matches only through `%`, `.`, `\` or raw bytes; a target without them is clean.
    if (!this.#strict && !encoded) return false
    const text = fromLatin1(target)
    if (text !== target) query = text.indexOf('?')
    const path = query === -1 ? text : text.slice(0, query)
    if (this.#inspect(path, Place.Path, false, '')) return true
    return query !== -1 && visitPairs(text, query + 1, Place.Arg, this.#visit)
  }

  #checkHeaders(headers: readonly string[], valuesArePlain: boolean): boolean {
    // Basic mode looks only at values with a `%` (below): none, when the parser saw none.
    if (valuesArePlain && !this.#strict) return false
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
      else if (kind === HeaderKind.Url) stop = this.#checkUrlHeader(text)
      else if (kind === HeaderKind.FileName) stop = this.#inspect(text, Place.FileName, false, 'filename')
      else stop = this.#inspect(text, Place.Header, false, '')
      if (stop) return true
      if (this.#verdict === null) this.#rememberClean(value, kind)
    }
    return false
  }

  /** A Referer is a URL whose query is checked pair by pair; one that is no plain URL is checked whole. */
  #checkUrlHeader(text: string): boolean {
    if (!PLAIN_URL.test(text) && this.#inspect(text, Place.Header, false, '')) return true
    return text.indexOf('?') !== -1 && visitPairs(text, text.indexOf('?') + 1, Place.Arg, this.#visit)
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
    if (value.length > CLEAN_VALUE_MAX_LENGTH) return
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
      if (applies && rule.modes.has(this.#checkMode) && rule.matches(value) && this.#found(rule.id, 'custom', value))
        return true
    }
    return false
  }

  /** The visitor every value goes through; returns `true` to stop the check. */
  #inspect(value: string, place: Place, plusAsSpace: boolean, name: string): boolean {
    const hit = inspectValue(value, place, plusAsSpace, this.#strict, name)
    if (hit === 0) {
      if (
        place !== Place.Name ||
        !this.#strict ||
        !this.#ownParameters ||
        !isSessionName(inspectedText) ||
        this.#refererIsSameSite()
      )
        return false
      return this.#found('session-fixation', 'session-fixation', inspectedText)
    }
    const [id, category] = BUILTIN_RULES[hit]
    const inHeader = place === Place.Header && id === 'crlf'
    return this.#found(inHeader ? 'header-injection' : id, category, inspectedText)
  }

  /** A session id in a parameter is the site's own when the Referer names the Host (a same-site form or link). */
  #refererIsSameSite(): boolean {
    if (this.#sameSite === -1) {
      const headers = this.#head.headers
      let host = ''
      let referer = ''
      for (let i = 0; i + 1 < headers.length; i += 2) {
        const name = headers[i].toLowerCase()
        if (name === 'host') host = headers[i + 1]
        else if (name === 'referer') referer = headers[i + 1]
      }
      this.#sameSite = host !== '' && hostOf(referer) === hostOf('//' + host) ? 1 : 0
    }
    return this.#sameSite === 1
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

/** The host of a URL or `//authority`, lower-cased, without port or user info; '' when there is none. */
function hostOf(url: string): string {
  const slashes = url.indexOf('//')
  if (slashes === -1) return ''
  let end = slashes + 2
  while (end < url.length && !'/?#'.includes(url[end])) end++
  let start = slashes + 2
  const at = url.lastIndexOf('@', end - 1)
  if (at >= start) start = at + 1
  const authority = url.slice(start, end)
  const colon = authority.lastIndexOf(':')
  return (colon > authority.lastIndexOf(']') ? authority.slice(0, colon) : authority).toLowerCase()
}

function safeDecode(target: string): string {
  try {
    return decodeURIComponent(target)
  } catch {
    return target
  }
}
