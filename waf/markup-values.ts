import { codeAt } from './char-code.js'
import { Place } from './inspect-value.js'
import { decodeHtmlEntities } from './normalize/html-entities.js'
import type { ValueVisitor } from './query-args.js'

/**
 * Hands every attribute value, text node and CDATA section of an XML or HTML document to the visitor,
 * with character references decoded (`&lt;` `&#x7B;` `&#10;`), as an XML parser hands them to the
 * application. Comments, processing instructions and declarations are skipped (the whole text is
 * inspected before this walk). One linear pass; malformed markup ends the walk where it breaks.
 *
 * @param text - the document
 * @param visit - called for each value; returning `true` stops the walk
 * @returns `true` when the visitor asked to stop
 * @example
 * ```ts
 * visitMarkup('<a probe="x &amp; y">t</a>', (v) => { console.log(v); return false }) // logs 'x & y', 't'
 * ```
 */
export function visitMarkup(text: string, visit: ValueVisitor): boolean {
  let i = 0
  const len = text.length
  while (i < len) {
    const open = text.indexOf('<', i)
    const end = open === -1 ? len : open
    if (end > i && visitPiece(text.slice(i, end), visit)) return true
    if (open === -1) return false
    if (text.startsWith('<![CDATA[', open)) {
      const close = text.indexOf(']]>', open + 9)
      const stop = close === -1 ? len : close
      if (visit(text.slice(open + 9, stop), Place.Body, false, '')) return true
      i = stop + 3
    } else if (text.startsWith('<!--', open)) {
      const close = text.indexOf('-->', open + 4)
      i = close === -1 ? len : close + 3
    } else if (codeAt(text, open + 1) === 0x3f || codeAt(text, open + 1) === 0x21) {
      const close = text.indexOf('>', open + 2)
      i = close === -1 ? len : close + 1
    } else {
      i = visitTag(text, open + 1, visit)
      if (i < 0) return true
    }
  }
  return false
}

/** Reads one tag's attributes; returns the index after the tag, or -1 when the visitor stopped. */
function visitTag(text: string, from: number, visit: ValueVisitor): number {
  const len = text.length
  let i = from
  while (i < len && !isSpace(codeAt(text, i)) && codeAt(text, i) !== 0x3e) i++
  while (i < len) {
    const c = codeAt(text, i)
    if (c === 0x3e) return i + 1
    if (c === 0x3d) {
      i++
      while (i < len && isSpace(codeAt(text, i))) i++
      const quote = codeAt(text, i)
      let stop: number
      let start = i
      if (quote === 0x22 || quote === 0x27) {
        start = i + 1
        stop = text.indexOf(String.fromCharCode(quote), start)
        if (stop === -1) stop = len
        i = stop + 1
      } else {
        while (i < len && !isSpace(codeAt(text, i)) && codeAt(text, i) !== 0x3e) i++
        stop = i
      }
      if (stop > start && visitPiece(text.slice(start, stop), visit)) return -1
    } else {
      i++
    }
  }
  return len
}

function visitPiece(raw: string, visit: ValueVisitor): boolean {
  const value = decodeHtmlEntities(raw)
  return value.trim() !== '' && visit(value, Place.Body, false, '')
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d
}
