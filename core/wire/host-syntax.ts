import { HEX_VALUE } from './char-tables.js'

const COLON = 58
const PERCENT = 37
const OPEN_BRACKET = 91
const CLOSE_BRACKET = 93

/** RFC 3986 §3.2.2 reg-name bytes other than pct-encoded: unreserved / sub-delims. */
const REG_NAME = new Uint8Array(256)
for (let c = 0x30; c <= 0x39; c++) REG_NAME[c] = 1
for (let c = 0x41; c <= 0x5a; c++) REG_NAME[c] = 1
for (let c = 0x61; c <= 0x7a; c++) REG_NAME[c] = 1
for (const c of "-._~!$&'()*+,;=") REG_NAME[c.charCodeAt(0)] = 1

/** Bytes of an IPv6address in an IP-literal (hex digits, `:` and the `.` of an embedded IPv4). */
const IPV6 = new Uint8Array(256)
for (const c of '0123456789abcdefABCDEF:.') IPV6[c.charCodeAt(0)] = 1

/** Bytes of an IPvFuture after its `v`: HEXDIG, `.`, unreserved, sub-delims and `:`. */
const IPV_FUTURE = new Uint8Array(REG_NAME)
IPV_FUTURE[COLON] = 1

/**
 * Whether `text[start..end)` is `uri-host [ ":" port ]` (RFC 9110 §7.2, RFC 3986 §3.2.2–3.2.3) with
 * a host that is not empty (RFC 9110 §4.2.1: an http URI with an empty host is invalid). Userinfo
 * (`user@`), whitespace, a path, a query or a fragment make it invalid: a Host that carries them is
 * read differently by every component that later builds a URL from it.
 *
 * @param text - a latin1 string (a field value or a request-target)
 * @param start - first character of the authority
 * @param end - end of the authority
 */
export function isHostAndPort(text: string, start: number, end: number): boolean {
  let i = start
  if (text.charCodeAt(i) === OPEN_BRACKET) {
    // IP-literal = "[" ( IPv6address / IPvFuture ) "]"; the address's own grammar is left to
    // whoever connects to it: what matters here is that nothing can hide inside the brackets.
    const literalStart = ++i
    const first = text.charCodeAt(i) | 0x20
    const table = first === 0x76 /* v */ ? IPV_FUTURE : IPV6
    while (i < end && table[text.charCodeAt(i)] === 1) i++
    if (i === literalStart || i === end || text.charCodeAt(i) !== CLOSE_BRACKET) return false
    i++
  } else {
    while (i < end) {
      const c = text.charCodeAt(i)
      if (c < 256 && REG_NAME[c] === 1) i++
      else if (
        c === PERCENT &&
        i + 2 < end &&
        HEX_VALUE[text.charCodeAt(i + 1) & 0xff] !== 255 &&
        HEX_VALUE[text.charCodeAt(i + 2) & 0xff] !== 255
      )
        i += 3
      else break
    }
    if (i === start) return false
  }
  if (i === end) return true
  if (text.charCodeAt(i) !== COLON) return false
  // port = *DIGIT: an empty port is allowed and means the scheme's default. Its value is a TCP
  // port (at most 65535), bounded by value so that leading zeros are no reason to refuse it.
  let port = 0
  for (i++; i < end; i++) {
    const d = text.charCodeAt(i) - 48
    if (d < 0 || d > 9) return false
    port = port * 10 + d
    if (port > 65535) return false
  }
  return true
}
