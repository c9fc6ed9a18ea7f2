import { codeAt } from '../char-code.js'
/**
 * Result of `decodeValue`, reused between calls so the decode path allocates only its strings.
 * Read it before the next call.
 *
 * @example
 * ```ts
 * const { text, overlong } = decodeValue('%c0%ae', false)
 * ```
 */
export interface DecodedValue {
  /** The value percent-decoded until stable, NFKC-folded and lower-cased. */
  text: string
  /** The same before lower-casing, for readings that are case-sensitive (base64). */
  cased: string
  /** Whether any decoding pass met an overlong UTF-8 sequence such as `%c0%ae`. */
  overlong: boolean
}

const RESULT: DecodedValue = { text: '', cased: '', overlong: false }

/** Decoding stops after this many passes: triple encoding is the most any rule set tests for. */
const MAX_PASSES = 4

/**
 * Percent-decodes a value repeatedly (catching `%252e` double encoding and IIS `%u002e`), reads the bytes
 * as UTF-8 while flagging overlong forms (RFC 3629 section 3 forbids them; `%c0%ae` is a dot to lenient
 * decoders), folds Unicode with NFKC (fullwidth `＜` becomes `<`), maps slash look-alikes and lower-cases.
 * Every pass is one linear scan.
 *
 * @param value - the value as a JavaScript string (already UTF-8 decoded when it came from bytes)
 * @param plusAsSpace - `true` for query and form values, where `+` is a space
 * @returns the shared result object
 * @example
 * ```ts
 * decodeValue('..%252F%C0%AE', false) // { text: '../\uFFFD\uFFFD' , overlong: true }
 * ```
 */
export function decodeValue(value: string, plusAsSpace: boolean): DecodedValue {
  RESULT.overlong = false
  let text = value
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const usePlus = plusAsSpace && pass === 0
    if (!hasEscape(text) && !(usePlus && text.indexOf('+') !== -1)) break
    const next = decodeOnce(text, usePlus)
    if (next === text) break
    text = next
  }
  if (needsFolding(text)) text = foldUnicode(text)
  RESULT.cased = text
  RESULT.text = text.toLowerCase()
  return RESULT
}

/**
 * Reads a latin1 string (how the head parser hands over bytes) as UTF-8, so a raw `é` in a target
 * is one character and not two.
 *
 * @param value - a string whose char codes are bytes
 * @returns the UTF-8 reading, or `value` itself when it is ASCII
 * @example
 * ```ts
 * fromLatin1('caf\u00c3\u00a9') // 'café'
 * ```
 */
export function fromLatin1(value: string): string {
  return hasNonAscii(value) ? Buffer.from(value, 'latin1').toString('utf8') : value
}

/** Whether a `%XX` or `%uXXXX` escape exists, so "50% off" costs no decoding pass. */
function hasEscape(text: string): boolean {
  for (let at = text.indexOf('%'); at !== -1; at = text.indexOf('%', at + 1)) {
    if (hexValue(codeAt(text, at + 1)) >= 0 && hexValue(codeAt(text, at + 2)) >= 0) return true
    if ((codeAt(text, at + 1) | 0x20) === 117 && unicodeEscape(text, at + 2) >= 0) return true
  }
  return false
}

/**
 * Whether NFKC or the look-alike maps could change the text: any character outside ASCII except the
 * accented letters of Latin-1 and Latin Extended-A (`é`, `ñ`, `ł`, `ő`), which are already NFKC. Names
 * and prose in European languages then cost no normalization.
 */
function needsFolding(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = codeAt(text, i)
    if (c > 0x7f && (c < 0xc0 || c > 0x17e || c === 0xd7 || c === 0xf7 || isCompatibilityLatin(c))) return true
  }
  return false
}

/** The Latin Extended-A letters with compatibility decompositions: `Ĳ`, `ĳ`, `Ŀ`, `ŀ`, `ŉ`. */
function isCompatibilityLatin(c: number): boolean {
  return c === 0x132 || c === 0x133 || c === 0x13f || c === 0x140 || c === 0x149
}

function hasNonAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (codeAt(text, i) > 0x7f) return true
  return false
}

const SLASH_LOOKALIKES = /[\u2044\u2215\u29f8\u2571]/g
const BACKSLASH_LOOKALIKES = /[\u2216\u29f5\u29f9\u2572]/g

function foldUnicode(text: string): string {
  // Character classes without quantifiers: linear.
  return text.normalize('NFKC').replace(SLASH_LOOKALIKES, '/').replace(BACKSLASH_LOOKALIKES, '\\')
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48
  const lower = code | 0x20
  if (lower >= 97 && lower <= 102) return lower - 87
  return -1
}

function decodeOnce(text: string, plusAsSpace: boolean): string {
  const bytes = new Uint8Array(text.length * 3)
  let n = 0
  let changed = false
  for (let i = 0; i < text.length; i++) {
    const c = codeAt(text, i)
    if (c === 37) {
      const hi = hexValue(codeAt(text, i + 1))
      const lo = hexValue(codeAt(text, i + 2))
      if (hi >= 0 && lo >= 0) {
        bytes[n++] = (hi << 4) | lo
        i += 2
        changed = true
        continue
      }
      const u = (codeAt(text, i + 1) | 0x20) === 117 ? unicodeEscape(text, i + 2) : -1
      if (u >= 0) {
        n = putCodePoint(bytes, n, u)
        i += 5
        changed = true
        continue
      }
    }
    if (c === 43 && plusAsSpace) {
      bytes[n++] = 32
      changed = true
    } else if (c < 0x80) {
      bytes[n++] = c
    } else {
      let cp = c
      const next = codeAt(text, i + 1)
      if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00)
        i++
      }
      n = putCodePoint(bytes, n, cp)
    }
  }
  if (!changed) return text
  if (hasOverlong(bytes, n)) RESULT.overlong = true
  return Buffer.from(bytes.buffer, 0, n).toString('utf8')
}

function unicodeEscape(text: string, at: number): number {
  let value = 0
  for (let k = 0; k < 4; k++) {
    const h = hexValue(codeAt(text, at + k))
    if (h < 0) return -1
    value = (value << 4) | h
  }
  return value
}

function putCodePoint(bytes: Uint8Array, n: number, cp: number): number {
  if (cp < 0x80) {
    bytes[n++] = cp
  } else if (cp < 0x800) {
    bytes[n++] = 0xc0 | (cp >> 6)
    bytes[n++] = 0x80 | (cp & 63)
  } else if (cp < 0x10000) {
    bytes[n++] = 0xe0 | (cp >> 12)
    bytes[n++] = 0x80 | ((cp >> 6) & 63)
    bytes[n++] = 0x80 | (cp & 63)
  } else {
    bytes[n++] = 0xf0 | (cp >> 18)
    bytes[n++] = 0x80 | ((cp >> 12) & 63)
    bytes[n++] = 0x80 | ((cp >> 6) & 63)
    bytes[n++] = 0x80 | (cp & 63)
  }
  return n
}

/** RFC 3629 section 3: C0/C1 leads and E0/F0 leads with a too-small second byte encode a shorter form. */
function hasOverlong(bytes: Uint8Array, n: number): boolean {
  for (let i = 0; i + 1 < n; i++) {
    const b = bytes[i]
    if (b < 0xc0) continue
    const next = bytes[i + 1]
    if (next < 0x80 || next > 0xbf) continue
    if (b === 0xc0 || b === 0xc1) return true
    if (b === 0xe0 && next < 0xa0) return true
    if (b === 0xf0 && next < 0x90) return true
  }
  return false
}
