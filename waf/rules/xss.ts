import { BACKTICK, BRACKET, BSLASH, COLON, DOT, EQ, GT, LT, PAREN, SLASH, STAR, charClasses } from '../char-class.js'
import { decodeHtmlEntities } from '../normalize/html-entities.js'
import { Family, scanSignatures } from '../signatures.js'
import { codeAt } from '../char-code.js'

/** Elements that run or load code by merely being present. */
const DANGEROUS_TAGS = new Set([
  'script',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'base',
  'meta',
  'isindex',
  'bgsound',
  'import',
  'vmlframe',
  'xss',
  'layer',
  'ilayer',
  'xml',
  'portal',
  'handler',
  'listener',
  'style',
  'link',
  'svg',
  'math',
  'animate',
])
/** Attributes whose value is a URL a browser may navigate to or load. */
const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'data',
  'xlink:href',
  'background',
  'dynsrc',
  'lowsrc',
  'poster',
  'code',
  'codebase',
  'to',
  'from',
  'values',
  'by',
  'content',
  'srcset',
  'ping',
  'style',
])
const SCRIPT_SCHEME =
  /(?:java|vb|live)script:|data:(?:text\/html|image\/svg|application\/(?:x-)?(?:javascript|xhtml|ecmascript))/
const COMPACT_SCHEME = /(?:java|vb|live)script:/
const CALLS = /(?:alert|prompt|confirm|eval|atob|settimeout|setinterval|fetch|import)[(`]/g
const EVENT = /(?:^|[\s/"'`;,(=0-9])(on[a-z]{3,48})\s{0,8}=/g
const MARKUP = /[<"'`/]/
/** DOM event handlers attackers use; these count even without markup around them. */
const KNOWN_EVENTS = new Set([
  'onerror',
  'onload',
  'onclick',
  'onmouseover',
  'onfocus',
  'onblur',
  'onchange',
  'onsubmit',
  'oninput',
  'onkeydown',
  'onkeyup',
  'onkeypress',
  'onmouseout',
  'onmouseenter',
  'onmouseleave',
  'onmousemove',
  'onmousedown',
  'onmouseup',
  'ondblclick',
  'oncontextmenu',
  'onwheel',
  'onscroll',
  'onresize',
  'onunload',
  'onbeforeunload',
  'onhashchange',
  'onpageshow',
  'onanimationstart',
  'onanimationend',
  'ontransitionend',
  'ontoggle',
  'onbegin',
  'onpointerover',
  'onpointerdown',
  'onpointerenter',
  'ontouchstart',
  'onafterscriptexecute',
  'onbeforescriptexecute',
  'onreadystatechange',
  'onpopstate',
  'onmessage',
  'onpaste',
  'oncopy',
  'oncut',
  'ondrag',
  'ondrop',
  'onselect',
  'oninvalid',
  'onsearch',
  'onplay',
  'onpause',
  'onended',
  'onloadstart',
  'onprogress',
  'oncanplay',
  'onfocusin',
  'onfocusout',
  'onauxclick',
  'onformdata',
  'onselectstart',
  'onbounce',
  'onfinish',
  'onactivate',
  'onstart',
])
/** Words that start with "on" but name no DOM event. */
const NOT_EVENTS = new Set([
  'online',
  'onion',
  'onset',
  'onto',
  'onward',
  'onwards',
  'ongoing',
  'onsite',
  'onboarding',
  'onerous',
  'oneself',
  'ontology',
])
const CALL_ARGUMENT =
  /^(?:[^a-z)]|\)(?!\s{1,4}[a-z])|document|window|this|self|top|location|string|eval|atob|origin|name)/

/**
 * HTML and JavaScript injection detection: the value is read as markup (a dangerous element, an
 * `on…=` handler, a `javascript:` URL in any attribute — after HTML entities and the whitespace
 * browsers ignore inside a scheme are removed) and as script (DOM sinks, `alert(…)` after a
 * break-out). Markdown, `<b>` and prose about JavaScript stay clean. Linear in the value's length.
 *
 * @param value - the normalised (decoded, lower-cased) value
 * @param hits - the value's `scanSignatures` result, when the caller already has it
 * @param classes - the value's `charClasses`, when the caller already has them
 * @returns whether the value reads as cross-site scripting
 * @example
 * ```ts
 * detectXss('<img src=x onerror=alert(1)>')       // true
 * detectXss('use <b>bold</b> and 2 < 3 sparingly') // false
 * ```
 */
export function detectXss(
  value: string,
  hits: number = scanSignatures(value),
  classes: number = charClasses(value),
): boolean {
  const text = decodeHtmlEntities(value)
  const sinks = text === value ? (hits & Family.XssSink) !== 0 : (scanSignatures(text) & Family.XssSink) !== 0
  // Each gate on `chars` stands for the character its check needs; without it the check cannot match.
  const chars = text === value ? classes : charClasses(text)
  if ((chars & LT) !== 0 && hasDangerousTag(text)) return true
  if ((chars & EQ) !== 0 && hasEventHandler(text)) return true
  if ((chars & COLON) !== 0 && hasScriptUrl(text)) return true
  if (sinks) return true
  if (text.indexOf('url') !== -1 && CSS_SCRIPT_URL.test(text)) return true
  if (
    (((chars & (SLASH | STAR)) === (SLASH | STAR) && text.indexOf('/*') !== -1) ||
      (chars & BRACKET) !== 0 ||
      text.indexOf(')') !== -1 ||
      ((chars & DOT) !== 0 && text.indexOf(' .') !== -1)) &&
    SCRIPT_OBJECT.test(text)
  ) {
    const script = asScript(text)
    if (script !== text && (scanSignatures(script) & Family.XssSink) !== 0) return true
  }
  if ((chars & GT) !== 0 && ATTRIBUTE_BREAKOUT.test(text)) return true
  if ((chars & BSLASH) !== 0 && ESCAPED_TAG.test(text)) return true
  if ((chars & PAREN) !== 0 && INDIRECT_DIALOG.test(text)) return true
  if ((text.indexOf('function') !== -1 || text.indexOf('fromcharcode') !== -1) && CODE_FROM_TEXT.test(text)) return true
  return (chars & (PAREN | BACKTICK)) !== 0 ? hasBreakoutCall(text) : false
}

/**
 * A value that opens by closing an attribute and its tag, then starts a tag of its own: `"><img …`,
 * `'/><svg`. Markup a user writes opens with its own tag; only a reflected break-out starts so.
 */
const ATTRIBUTE_BREAKOUT = /^[^<>\s]{0,32}["'`]\s{0,4}\/?>\s{0,8}<[a-z!/?]/
/** `\x3cscript`, `\u003cimg`, `\u{3c}svg`: a tag written in JavaScript string escapes, for a sink that unescapes it. */
const ESCAPED_TAG = /\\(?:x3c|u003c|u\{0{0,4}3c\})\s{0,2}[a-z/!]/
// INDIRECT_DIALOG's ways of reaching a dialog or eval, each over DIALOG_NAME.
const DIALOG_NAME = '(?:alert|prompt|confirm|eval)'
/** `alert?.(1)`, `(alert)(1)`, `alert.call(…)`. */
const CALL_WITHOUT_PLAIN_PARENS =
  String.raw`(?:^|[^a-z0-9_$.])${DIALOG_NAME}` +
  String.raw`(?:\s{0,4}\?\.\s{0,4}\(|\s{0,4}\)\s{0,4}\(|\.(?:call|apply|bind)\s{0,4}\()`
/** `x=alert;x(1)`. */
const CALL_THROUGH_ALIAS = String.raw`=\s{0,4}${DIALOG_NAME}\s{0,4}[;,]\s{0,8}[a-z_$][a-z0-9_$]{0,16}\s{0,4}\(`
const QUOTABLE_DIALOG_NAME = String.raw`["'${'`'}]?${DIALOG_NAME}["'${'`'}]?`
/** `setTimeout(alert, 0)`, `[1].find(alert)`: handed over as the first or a later argument. */
const FIRST_ARGUMENT = String.raw`[a-z0-9_$\])]\(\s{0,4}${QUOTABLE_DIALOG_NAME}\s{0,4}[,)]`
const LATER_ARGUMENT = String.raw`,\s{0,4}${QUOTABLE_DIALOG_NAME}\s{0,4}[,)]`
/**
 * A dialog or eval reached without its plain call: `alert?.(1)`, `(alert)(1)`, `x=alert;x(1)` — the
 * probes a filter for `alert(` misses, and one handed over as a callback (`setTimeout(alert, 0)`,
 * `[1].find(alert)`). Only these names: they are what an injection test calls.
 */
const INDIRECT_DIALOG = new RegExp(
  [CALL_WITHOUT_PLAIN_PARENS, CALL_THROUGH_ALIAS, FIRST_ARGUMENT, LATER_ARGUMENT].join('|'),
)
/**
 * `new Function(…)` and `` new Function`…` ``: a string compiled to code;
 * `String.fromCharCode(97,…)`: a payload spelled in codes.
 */
const CODE_FROM_TEXT = /new\s{1,4}function\s{0,4}[(`]|fromcharcode\s{0,4}\(\s{0,4}\d{2,3}\s{0,4},/

/** The globals a sink hangs off; only a value naming one is read again as script. */
const SCRIPT_OBJECT = /document|window|self|top|parent|frames|location|globalthis|string|constructor/

/** A CSS `url(…)` that loads a script URL, the colon optional as old engines read it. */
const CSS_SCRIPT_URL = /url\s{0,8}\(\s{0,8}["']?\s{0,8}(?:java|vb|live)script/

/**
 * The value as a JavaScript engine reads it: comments and whitespace gone, `(document)` as `document`,
 * `["cookie"]` as `.cookie`; so `document`, a comment, ` . cookie` meets the same sinks as `document.cookie`.
 */
function asScript(text: string): string {
  return text
    .replace(/\/\*[^*]{0,256}\*\//g, '')
    .replace(/\s+/g, '')
    .replace(/\((document|window|self|top|parent|this|globalthis|location)\)/g, '$1')
    .replace(/\[["'`]([a-z_$][a-z0-9_$]{0,32})["'`]\]/g, '.$1')
}

/** A tag name right after `<` or `</` (a dangerous one), or any tag carrying a script URL attribute. */
function hasDangerousTag(text: string): boolean {
  let at = text.indexOf('<')
  while (at !== -1) {
    let i = at + 1
    if (codeAt(text, i) === 47) i++
    const start = i
    while (i < text.length && i - start < 16 && isNameChar(codeAt(text, i))) i++
    // `List<Object>` in a code snippet is a generic type, not an element: markup starts after a non-word.
    const prior = at === 0 ? 32 : codeAt(text, at - 1)
    if (i > start && !isWordChar(prior)) {
      const end = codeAt(text, i)
      const ended = i >= text.length || end <= 32 || end === 47 || end === 62 || end === 0
      const tag = text.slice(start, i)
      // `<v:vmlframe>`, `<:x>`: a namespace prefix names the same element.
      if (ended && (DANGEROUS_TAGS.has(tag) || DANGEROUS_TAGS.has(tag.slice(tag.lastIndexOf(':') + 1)))) return true
      if (ended && hasUrlAttribute(text, i)) return true
    }
    at = text.indexOf('<', at + 1)
  }
  return false
}

/** Reads attributes up to the end of the tag or the next `<`; spans of different tags never overlap. */
function hasUrlAttribute(text: string, from: number): boolean {
  let end = from
  while (end < text.length && codeAt(text, end) !== 62 && codeAt(text, end) !== 60) end++
  const span = text.slice(from, end)
  for (const name of URL_ATTRIBUTES) {
    const at = span.indexOf(name + '=')
    if (at !== -1 && SCRIPT_SCHEME.test(compact(span.slice(at + name.length + 1)))) return true
  }
  return false
}

/** `javascript:` as a value or after `=`, `(` or a quote; split by tabs or line breaks it is always an attack. */
function hasScriptUrl(text: string): boolean {
  const match = SCRIPT_SCHEME.exec(text)
  if (match === null) return hasBrokenLine(text) && COMPACT_SCHEME.test(compact(text))
  const before = match.index === 0 ? 32 : codeAt(text, match.index - 1)
  if (!(
    before <= 32 ||
    before === 61 ||
    before === 40 ||
    before === 34 ||
    before === 39 ||
    before === 96 ||
    before === 62
  ))
    return false
  const after = match.index + match[0].length
  let i = after
  while (i < text.length && codeAt(text, i) <= 32) i++
  // "JavaScript: The Good Parts" is prose; "javascript:alert(1)" and "javascript: x()" are code.
  return i === after || /^[a-z0-9_$.]{0,40}[(.[=`]|^[/%\\'"(`]/.test(text.slice(i, i + 48))
}

/** A known `on…=` handler, or any `on…=` in a value that has markup or quote characters. */
function hasEventHandler(text: string): boolean {
  const mark = text.search(MARKUP)
  EVENT.lastIndex = 0
  let match: RegExpExecArray | null
  while ((match = EVENT.exec(text)) !== null) {
    if (KNOWN_EVENTS.has(match[1])) return true
    if (NOT_EVENTS.has(match[1])) continue
    if (mark !== -1 && mark <= match.index) return true
    // After whitespace inside a value, `on…=` sits where an attribute would: an unknown handler name
    // (browsers add new ones every year) counts as well.
    if (match.index > 0 && codeAt(text, match.index) <= 32 && text.trimStart() !== text.slice(match.index).trimStart())
      return true
  }
  return false
}

/**
 * `alert(1)` and friends at the start of the value or after a break-out character, with a code-like
 * argument: "alert(s)" and "prompt(s)" in prose are not calls.
 */
function hasBreakoutCall(text: string): boolean {
  CALLS.lastIndex = 0
  let match: RegExpExecArray | null
  while ((match = CALLS.exec(text)) !== null) {
    const before = match.index === 0 ? 59 : codeAt(text, match.index - 1)
    const end = match.index + match[0].length
    if (BREAKOUT.includes(String.fromCharCode(before)) && CALL_ARGUMENT.test(text.slice(end, end + 10))) return true
  }
  return false
}

const BREAKOUT = '\'";-+(>|&=*/[{,!:'

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95
}

function hasBrokenLine(text: string): boolean {
  return text.indexOf('\t') !== -1 || text.indexOf('\n') !== -1 || text.indexOf('\r') !== -1
}

/** Drops what the URL parser removes anywhere in a URL (WHATWG URL: ASCII tab and newline) and spaces. */
function compact(text: string): string {
  let out = ''
  let from = 0
  for (let i = 0; i < text.length; i++) {
    const c = codeAt(text, i)
    if (c === 9 || c === 10 || c === 13 || c === 32) {
      out += text.slice(from, i)
      from = i + 1
    }
  }
  return from === 0 ? text : out + text.slice(from)
}

function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 58
}
