import { decodeValue } from './normalize/decode-value.js'
import { ALONE_COMMANDS, detectCmdi } from './rules/cmdi.js'
import { detectCodeInjection } from './rules/code-injection.js'
import { detectCrlf } from './rules/crlf.js'
import { detectRfi } from './rules/rfi.js'
import { OVERFLOW_PROBES, detectSqli, isCatalogName } from './rules/sqli.js'
import { detectSsti } from './rules/ssti.js'
import { Climb, detectLocalFile, detectTraversal, hasHiddenSegment } from './rules/traversal.js'
import { detectXss } from './rules/xss.js'
import { detectJava } from './rules/java.js'
import { setsCookie } from './rules/session-fixation.js'
import { scanSignatures } from './signatures.js'
import type { WafCategory } from './verdict.js'
import {
  AT,
  BACKTICK,
  BANG,
  BRACE,
  BRACKET,
  BSLASH,
  CARET,
  COLON,
  CTRL,
  DASH,
  DOLLAR,
  DOT,
  EQ,
  GT,
  HASH,
  HIGH,
  LT,
  PAREN,
  PCT,
  PIPE,
  PLUS,
  QMARK,
  QUOTE,
  SEMI,
  SLASH,
  SPACE,
  STAR,
  TILDE,
  UNDERSCORE,
  charClasses,
} from './char-class.js'

/**
 * Where a value came from; each place tunes a few rules.
 *
 * @example
 * ```ts
 * inspectValue('../../etc/passwd', Place.Arg, true, false, 'file') // 4 (traversal)
 * ```
 */
export const enum Place {
  /** The request path. */
  Path,
  /** A parameter, cookie, JSON key or form field name. */
  Name,
  /** A query, cookie or form value. */
  Arg,
  /** A whole header value. */
  Header,
  /** A JSON string, multipart text part or text body. */
  Body,
  /** The file name of a multipart upload. */
  FileName,
}

/**
 * The built-in rules: index → [id, category]. Index 0 means clean. Ids are stable and documented in the
 * verdict: `overlong-utf8`, `nul-byte`, `crlf`, `traversal` run in basic mode; the rest in strict.
 *
 * @example
 * ```ts
 * BUILTIN_RULES[10] // ['sqli', 'sqli']
 * ```
 */
export const BUILTIN_RULES: readonly (readonly [string, WafCategory])[] = [
  ['', 'protocol'],
  ['overlong-utf8', 'protocol'],
  ['nul-byte', 'protocol'],
  ['crlf', 'header-injection'],
  ['traversal', 'traversal'],
  ['lfi', 'traversal'],
  ['rfi', 'rfi'],
  ['ssti', 'ssti'],
  ['code-injection', 'code-injection'],
  ['xss', 'xss'],
  ['sqli', 'sqli'],
  ['cmdi', 'cmdi'],
  ['java', 'code-injection'],
  ['session-fixation', 'session-fixation'],
]

// Script extensions by the server that runs them, for SCRIPT_UPLOAD.
const PHP_EXTENSION = ['php[0-9]{0,4}', 'phps', 'phpt', 'phtml', 'phar', 'pht', 'inc']
const JSP_EXTENSION = ['jspx?', 'jspf', 'jsw', 'jsv', 'jtml']
const ASP_EXTENSION = ['aspx?', 'asa', 'asax', 'ascx', 'ashx', 'asmx', 'axd', 'cer']
/** ColdFusion, server-side includes, CGI and Perl. */
const OTHER_SCRIPT_EXTENSION = ['cfml?', 'cfc', 'shtml', 'stm', 'cgi', 'pl']
const SCRIPT_EXTENSION = [...PHP_EXTENSION, ...JSP_EXTENSION, ...ASP_EXTENSION, ...OTHER_SCRIPT_EXTENSION].join('|')
/** A server-side script extension, alone or before another one (Apache runs `x.php.png`), or a `.ht*` file. */
const SCRIPT_UPLOAD = new RegExp(String.raw`\.(?:${SCRIPT_EXTENSION})(?:\.|$)|^\.ht`)
/** A UTF-7 `<` opening a tag or a closing tag. */
const UTF7_TAG = /[\s+]adw-\s{0,2}[a-z/!]/
// The file names CONFIG_UPLOAD refuses, by who reads them.
const DOT_FILE = String.raw`\.[a-z0-9_][a-z0-9_.-]{0,64}`
const SERVER_CONFIG_NAME = String.raw`web\.config|php\.ini|httpd\.conf|nginx\.conf`
const APP_CONFIG_NAME = String.raw`config\.ya?ml|settings\.py|application\.(?:properties|ya?ml)|appsettings\.json`
const SYSTEM_CONFIG_NAME = 'authorized_keys|crontab'
/** Dot-files, and configuration file names that servers and tools read from the folder they sit in. */
const CONFIG_UPLOAD = new RegExp(`^(?:${DOT_FILE}|${SERVER_CONFIG_NAME}|${APP_CONFIG_NAME}|${SYSTEM_CONFIG_NAME})$`)
const SQLI_GATE = QUOTE | SEMI | PAREN | EQ | HASH | DASH | STAR | AT | PIPE | SPACE | LT | GT | CTRL
const XSS_GATE = LT | COLON | EQ | PAREN | BACKTICK | DOT | BRACKET | BSLASH
const CMDI_GATE =
  SEMI | PIPE | QUOTE | DOLLAR | CTRL | SPACE | BRACE | QMARK | PAREN | PCT | BSLASH | BRACKET | TILDE | BANG
const SSTI_GATE = BRACE | LT | HASH | AT | DOLLAR | QMARK
const LFI_GATE = SLASH | BSLASH | DOT

/**
 * The normalised text the last `inspectValue` call looked at; the verdict quotes it.
 *
 * @example
 * ```ts
 * if (inspectValue(raw, Place.Arg, true, true, '') !== 0) log(inspectedText)
 * ```
 */
export let inspectedText = ''

/**
 * Runs the built-in rules over one value. This is the hot path: one char-class pass decides which
 * rules can possibly match, and a value with nothing suspicious costs that pass alone — no decoding,
 * no allocation.
 *
 * @param raw - the value as received (a JavaScript string; UTF-8 already decoded)
 * @param place - where it came from
 * @param plusAsSpace - whether `+` means a space (query and form values)
 * @param strict - run every category, not just the structural ones
 * @param name - the parameter name for `rfi`, '' when there is none
 * @returns the index into `BUILTIN_RULES` of the first matching rule, 0 when clean
 * @example
 * ```ts
 * const hit = inspectValue("1' or '1'='1", Place.Arg, true, true, 'id')
 * BUILTIN_RULES[hit][0] // 'sqli'
 * ```
 */
export function inspectValue(raw: string, place: Place, plusAsSpace: boolean, strict: boolean, name: string): number {
  let mask = charClasses(raw)
  if (!strict && (mask & (PCT | PLUS | HIGH | CTRL | DOT)) === 0) return 0
  let text = raw
  let cased = raw
  let overlong = false
  if ((mask & (PCT | HIGH)) !== 0 || (plusAsSpace && (mask & PLUS) !== 0)) {
    const decoded = decodeValue(raw, plusAsSpace)
    text = decoded.text
    cased = decoded.cased
    overlong = decoded.overlong
    mask = charClasses(text)
  } else {
    text = raw.toLowerCase()
  }
  inspectedText = text
  // 1. Structural rules, basic mode and up.
  if (overlong) return 1
  if ((mask & CTRL) !== 0) {
    if (text.indexOf('\0') !== -1) return 2
    // A body string is text, where line breaks and header-like lines ("Content-Type: …" in a support
    // ticket, markup in a bio) are ordinary: it reaches a response header only through the
    // application, so basic mode, which must not block ordinary input, leaves it to strict.
    if ((strict || place !== Place.Body) && detectCrlf(text, place === Place.Path || place === Place.Name)) return 3
  }
  if ((mask & (DOT | BSLASH)) !== 0 && detectTraversal(text, climbOf(place))) return 4
  if (!strict) return 0
  // 2. Attack categories, strict and monitor modes. A plain word or number can only be a bare command,
  //    an overflow probe or a serialized-object blob; anything else gets one literal scan for all rules.
  // A caret has its own class only for the shell reading's gates; alone it still makes no value suspicious.
  if ((mask & ~CARET) === 0) {
    // Four letters can only be a catalog name (`msdb`); the full readings start at five.
    if (text.length < 5) return text.length === 4 && isCatalogName(text) ? 10 : 0
    if (ALONE_COMMANDS.has(text)) return 11
    if (OVERFLOW_PROBES.has(text)) return 10
    if (text.startsWith('ro0ab') || text.startsWith('aced0005')) return 8
    if (detectSqli(text, 0, mask)) return 10
    return detectJava(text, cased) ? 12 : 0
  }
  const hits = scanSignatures(text)
  if (detectJava(text, cased, hits)) return 12
  if ((mask & LFI_GATE) !== 0 && (detectLocalFile(text, hits) || (place === Place.Path && hasHiddenSegment(text))))
    return 5
  if ((mask & (COLON | BSLASH)) !== 0 && place !== Place.Path && detectRfi(text, name)) return 6
  if ((mask & SSTI_GATE) !== 0 && detectSsti(text)) return 7
  if (detectCodeInjection(text, hits)) return 8
  // An uploaded server script is code injection waiting for a request (OWASP CRS 933110, 944140).
  // Windows and some servers drop spaces and trailing dots from a name (`a.php. .`, `a. php`).
  if (place === Place.FileName) {
    const file = text.replace(/\s/g, '').replace(/[.\s]+$/, '')
    if (SCRIPT_UPLOAD.test(file)) return 8
    // A dot-file or a server's own configuration file, uploaded, reconfigures a tool or the server
    // that reads it from the upload folder (OWASP CRS 932180): `.boto`, `.npmrc`, `web.config`.
    if (CONFIG_UPLOAD.test(file.slice(file.lastIndexOf('/') + 1))) return 11
  }
  if ((mask & EQ) !== 0 && setsCookie(text)) return 13
  if ((mask & XSS_GATE) !== 0 && detectXss(text, hits, mask)) return 9
  // UTF-7 spells `<` as `+ADw-` (the `+` a space once a query is decoded); a page read as UTF-7 runs it.
  if ((mask & DASH) !== 0 && UTF7_TAG.test(text)) return 9
  if (
    (mask & (SQLI_GATE | DOLLAR | UNDERSCORE | DOT | COLON)) !== 0 &&
    text.length > 1 &&
    (place === Place.Path ? sqliInPath(text, mask) : detectSqli(text, hits, mask))
  )
    return 10
  if ((mask & CMDI_GATE) !== 0 && detectCmdi(text, place !== Place.Body, hits, mask)) return 11
  return 0
}

/** Each segment of a path is a value of its own (`/items/1 or 1=1`); a slash is no SQL operator. */
function sqliInPath(path: string, mask: number): boolean {
  let start = 0
  while (start < path.length) {
    let end = path.indexOf('/', start)
    if (end === -1) end = path.length
    if (end - start > 1 && detectSqli(path.slice(start, end), undefined, mask)) return true
    start = end + 1
  }
  return false
}

function climbOf(place: Place): Climb {
  if (place === Place.Path) return Climb.Path
  return Climb.Value
}
