import { codeAt } from './char-code.js'

// Character classes, one bit each; a value's mask is the OR over its characters. The rules' gates test
// these bits instead of searching the value once per character they need.
/** `%` */
export const PCT = 1
/** `+` */
export const PLUS = 2
/** Any code unit above 127. */
export const HIGH = 4
/** Control characters below 32 (tab and line breaks included) and DEL. */
export const CTRL = 8
/** `.` */
export const DOT = 16
/** `\` */
export const BSLASH = 32
/** Any of `'`, `"`, backtick. */
export const QUOTE = 64
/** `<` */
export const LT = 128
/** `;` */
export const SEMI = 256
/** `|` or `&`. */
export const PIPE = 512
/** `$` */
export const DOLLAR = 1024
/** `{` */
export const BRACE = 2048
/** `(` */
export const PAREN = 4096
/** `=` */
export const EQ = 8192
/** `#` */
export const HASH = 16384
/** `:` */
export const COLON = 32768
/** A space or a tab. */
export const SPACE = 65536
/** `@` */
export const AT = 1 << 17
/** `-` */
export const DASH = 1 << 18
/** `*` */
export const STAR = 1 << 19
/** `/` */
export const SLASH = 1 << 20
/** `?` */
export const QMARK = 1 << 21
/** `>` */
export const GT = 1 << 22
/** `_` */
export const UNDERSCORE = 1 << 23
/** A backtick (also QUOTE). */
export const BACKTICK = 1 << 24
/** `[` */
export const BRACKET = 1 << 25
/** `~` */
export const TILDE = 1 << 26
/** `!` */
export const BANG = 1 << 27
/** `'` (also QUOTE). */
export const APOSTROPHE = 1 << 28
/** `"` (also QUOTE). */
export const DOUBLE_QUOTE = 1 << 29
/** `^` */
export const CARET = 1 << 30
/** Every class: a mask that opens every gate, as if nothing were known about the value. */
export const ALL_CLASSES = -1

const CLASS = new Int32Array(128)
for (let c = 0; c < 32; c++) CLASS[c] = CTRL
const CLASS_OF: Record<string, number> = {
  '%': PCT,
  '+': PLUS,
  '.': DOT,
  '\\': BSLASH,
  "'": QUOTE | APOSTROPHE,
  '"': QUOTE | DOUBLE_QUOTE,
  '`': QUOTE | BACKTICK,
  '<': LT,
  ';': SEMI,
  '|': PIPE,
  '&': PIPE,
  $: DOLLAR,
  '{': BRACE,
  '(': PAREN,
  '=': EQ,
  '#': HASH,
  ':': COLON,
  ' ': SPACE,
  '\t': SPACE | CTRL,
  '@': AT,
  '-': DASH,
  '*': STAR,
  '/': SLASH,
  '?': QMARK,
  '>': GT,
  _: UNDERSCORE,
  '\x7f': CTRL,
  '[': BRACKET,
  '~': TILDE,
  '!': BANG,
  '^': CARET,
}
for (const [char, bits] of Object.entries(CLASS_OF)) CLASS[codeAt(char, 0)] = bits

/**
 * The OR of the classes of a value's characters: one pass that tells every rule which characters
 * exist. Lower-casing a value keeps every bit but possibly HIGH (`K` Kelvin becomes `k`), so the mask
 * of a value before lower-casing opens at least the gates of the lower-cased one.
 *
 * @param text - any string
 * @returns the class bits of its characters
 * @example
 * ```ts
 * (charClasses("it's") & APOSTROPHE) !== 0 // true
 * ```
 */
export function charClasses(text: string): number {
  let mask = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    mask |= c < 128 ? CLASS[c] : HIGH
  }
  return mask
}
