import { codeAt } from '../char-code.js'
const NAMED: Readonly<Record<string, string>> = Object.assign(Object.create(null) as Record<string, string>, {
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  amp: '&',
  colon: ':',
  tab: '\t',
  newline: '\n',
  sol: '/',
  bsol: '\\',
  lpar: '(',
  rpar: ')',
  lsqb: '[',
  rsqb: ']',
  lcub: '{',
  rcub: '}',
  equals: '=',
  period: '.',
  comma: ',',
  semi: ';',
  excl: '!',
  num: '#',
  dollar: '$',
  percnt: '%',
  grave: '`',
  plus: '+',
  vert: '|',
  nbsp: ' ',
  ast: '*',
  quest: '?',
  lowbar: '_',
  hyphen: '-',
  dash: '-',
})

/** Longest name in `NAMED`; a longer run of letters cannot be an entity we map. */
const MAX_NAME = 7

/**
 * Decodes HTML character references the way a browser does inside markup: named ones that matter
 * for script (`&lt;`, `&colon;`, `&Tab;`), decimal and hex with or without `;` and with any number of
 * leading zeros (`&#0000106`). One linear pass.
 *
 * @param text - a lower-cased value
 * @returns the decoded text, or `text` itself when it holds no `&`
 * @example
 * ```ts
 * decodeHtmlEntities('&lt;a href=&quot;jav&#x61;script&colon;x&quot;&gt;') // '<a href="javascript:x">'
 * ```
 */
export function decodeHtmlEntities(text: string): string {
  let at = text.indexOf('&')
  if (at === -1) return text
  let out = ''
  let from = 0
  while (at !== -1) {
    out += text.slice(from, at)
    const end = readEntity(text, at + 1)
    if (end === -1) {
      out += '&'
      from = at + 1
    } else {
      out += DECODED
      from = end
    }
    at = text.indexOf('&', from)
  }
  return out + text.slice(from)
}

let DECODED = ''

/** Reads one reference after `&`; sets DECODED and returns the index after it, or -1. */
function readEntity(text: string, at: number): number {
  if (codeAt(text, at) === 35) {
    const hex = (codeAt(text, at + 1) | 0x20) === 120
    let i = hex ? at + 2 : at + 1
    const start = i
    let value = 0
    for (; i < text.length; i++) {
      const d = digit(codeAt(text, i), hex)
      if (d < 0) break
      if (value <= 0x10ffff) value = value * (hex ? 16 : 10) + d
    }
    if (i === start || value > 0x10ffff) return -1
    DECODED = String.fromCodePoint(value === 0 ? 0xfffd : value)
    return codeAt(text, i) === 59 ? i + 1 : i
  }
  let i = at
  while (i < text.length && i - at <= MAX_NAME && isLetter(codeAt(text, i))) i++
  const name = text.slice(at, i).toLowerCase()
  const value = NAMED[name]
  if (value === undefined) return -1
  DECODED = value
  return codeAt(text, i) === 59 ? i + 1 : i
}

function digit(code: number, hex: boolean): number {
  if (code >= 48 && code <= 57) return code - 48
  if (!hex) return -1
  const lower = code | 0x20
  return lower >= 97 && lower <= 102 ? lower - 87 : -1
}

function isLetter(code: number): boolean {
  const lower = code | 0x20
  return lower >= 97 && lower <= 122
}
