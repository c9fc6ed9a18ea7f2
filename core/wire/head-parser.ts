import {
  CR,
  HTAB,
  LF,
  SP,
  FIELD_VALUE_CLASS,
  FIELD_VALUE_PERCENT,
  TARGET_CLASS,
  TARGET_ESCAPE,
  TARGET_QUERY,
  TCHAR,
} from './char-tables.js'
import { type RequestHead } from './request-head.js'
import { ParseResult } from './parse-result.js'
import type {} from './buffer-slices.js'
import { isHostAndPort } from './host-syntax.js'
import { trimOws } from './ows.js'

const COLON = 58

/** The limits the parser enforces; a subset of `Config.limits`. */
export interface HeadLimits {
  readonly maxHeaderBytes: number
  readonly maxHeaderCount: number
  readonly maxTargetBytes: number
}

/**
 * Looks for the end of a header block, resuming where the previous call stopped so that a head
 * arriving one byte at a time costs linear, not quadratic, time.
 *
 * This is the hot path. The terminator is found in JavaScript, not with a native `indexOf`, whose
 * call costs more than scanning a whole ordinary head: the scan looks at every fourth byte until
 * one could belong to a CRLF CRLF. The bytes before the terminator are left to {@link parseHead},
 * which refuses a bare CR or LF anywhere in them. Only while the head is incomplete are the new
 * bytes' line ends inspected here, so that a bare LF or CR is refused at once, not when a terminator
 * that may never come arrives.
 *
 * @param buf - the receive buffer (bytes past `end` are not received ones)
 * @param from - first byte not yet scanned (at least the head's first byte)
 * @param end - end of the received bytes
 * @param headStart - first byte of the head
 * @param checkEnd - bare line ends of an incomplete head are looked for below this index only
 * @returns the index just past the terminating CRLF CRLF, `ParseResult.Incomplete`, or an error
 */
export function scanHead(buf: Buffer, from: number, end: number, headStart: number, checkEnd = end): number {
  // `i` is where the terminator's final LF would be; one may have begun in bytes already scanned.
  let i = from > headStart + 3 ? from : headStart + 3
  while (i < end) {
    const c = buf[i]!
    if (c === LF) {
      if (buf[i - 1] === CR && buf[i - 2] === LF && buf[i - 3] === CR) return i + 1
      // This LF can only be the terminator's second byte: its end is two bytes on.
      i += 2
    } else if (c === CR) {
      i += 1
    } else {
      // A byte that is neither CR nor LF is in no terminator: the next ends at least four bytes on.
      i += 4
    }
  }
  return hasBareLineEnd(buf, from > headStart ? from : headStart, end < checkEnd ? end : checkEnd, headStart)
    ? ParseResult.Malformed
    : ParseResult.Incomplete
}

/**
 * Whether `buf[from..end)` holds a bare LF or a bare CR (one followed by anything but LF) of the head
 * that starts at `headStart`. RFC 9112 §2.2: a bare LF as a line terminator is refused; a lenient
 * parser that accepted it would disagree with a strict proxy about where fields end (a
 * request-smuggling vector). A bare CR is invalid too.
 */
export function hasBareLineEnd(buf: Buffer, from: number, end: number, headStart: number): boolean {
  for (let j = from; j < end; j++) {
    const c = buf[j]
    if (c === LF ? j === headStart || buf[j - 1] !== CR : j > headStart && buf[j - 1] === CR) return true
  }
  return false
}

/**
 * Skips the empty lines a client may send between pipelined requests (RFC 9112 §2.2).
 * @returns the first index that is not part of a leading CRLF, or `end`
 */
export function skipLeadingEmptyLines(buf: Buffer, start: number, end: number): number {
  while (start + 1 < end && buf[start] === CR && buf[start + 1] === LF) start += 2
  return start
}

/**
 * Whether the bytes received so far can still begin a request line: a method token, then a space.
 * @param buf - the receive buffer
 * @param start - first byte of the request
 * @param end - end of the received bytes
 */
export function isRequestLinePrefix(buf: Buffer, start: number, end: number): boolean {
  let i = start
  while (i < end && TCHAR[buf[i]!] === 1) i++
  return i === end || (i > start && buf[i] === SP)
}

/** The method as a string: the common ones are constants, the rest cut from the head's text. */
function internMethod(buf: Buffer, start: number, length: number, text: string): string {
  const c0 = buf[start]
  switch (length) {
    case 3:
      if (c0 === 71 && buf[start + 1] === 69 && buf[start + 2] === 84) return 'GET'
      if (c0 === 80 && buf[start + 1] === 85 && buf[start + 2] === 84) return 'PUT'
      break
    case 4:
      if (c0 === 80 && buf[start + 1] === 79 && buf[start + 2] === 83 && buf[start + 3] === 84) return 'POST'
      if (c0 === 72 && buf[start + 1] === 69 && buf[start + 2] === 65 && buf[start + 3] === 68) return 'HEAD'
      break
  }
  return text.slice(0, length)
}

/** `true` when `buf[start..start+lower.length)` equals `lower` ignoring ASCII case. */
function equalsLower(buf: Buffer, start: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    // OR-ing 0x20 folds A–Z onto a–z and leaves '-' and digits as they are.
    if ((buf[start + i]! | 0x20) !== lower.charCodeAt(i)) return false
  }
  return true
}

/**
 * Parses a complete header block found by {@link scanHead} into `head`.
 *
 * This is the hot path: bytes are classified by table, the head is decoded (latin1) once as a whole
 * and its strings are cut from that text, since each decode is a call into native code; the
 * handful of fields that decide framing are recognised by length before any comparison.
 *
 * @param buf - the receive buffer
 * @param start - first byte of the request line
 * @param headEnd - index just past the terminating CRLF CRLF
 * @param limits - header count and target length limits
 * @param head - the object to fill
 * @returns `ParseResult.Ok` or an error result
 */
export function parseHead(buf: Buffer, start: number, headEnd: number, limits: HeadLimits, head: RequestHead): number {
  head.headBytes = headEnd - start
  const text = buf.latin1Slice(start, headEnd)
  // 1. Request line (RFC 9112 §3): method SP request-target SP HTTP-version CRLF.
  let i = start
  while (TCHAR[buf[i]!] === 1) i++
  if (i === start || buf[i] !== SP) return ParseResult.Malformed
  head.method = internMethod(buf, start, i - start, text)
  const targetStart = ++i
  let classes = 0
  // `> 0` rather than `!== 0`: past the buffer's end a lookup is undefined, which must stop the scan too.
  for (let k = TARGET_CLASS[buf[i]!]!; k > 0; k = TARGET_CLASS[buf[++i]!]!) classes |= k
  if (i === targetStart || buf[i] !== SP)
    return i - targetStart > limits.maxTargetBytes ? ParseResult.TargetTooLong : ParseResult.Malformed
  if (i - targetStart > limits.maxTargetBytes) return ParseResult.TargetTooLong
  head.target = text.slice(targetStart - start, i - start)
  i++
  // HTTP-version = "HTTP/" DIGIT "." DIGIT, then CRLF (RFC 9112 §2.3).
  if (
    buf[i] !== 72 ||
    buf[i + 1] !== 84 ||
    buf[i + 2] !== 84 ||
    buf[i + 3] !== 80 ||
    buf[i + 4] !== 47 ||
    buf[i + 6] !== 46 ||
    buf[i + 8] !== CR ||
    buf[i + 9] !== LF
  )
    return ParseResult.Malformed
  const major = buf[i + 5]! - 48
  const minor = buf[i + 7]! - 48
  if (major < 0 || major > 9 || minor < 0 || minor > 9) return ParseResult.Malformed
  if (major !== 1 || minor > 1) return ParseResult.VersionNotSupported
  head.versionMinor = minor
  head.targetIsPlain = (classes & TARGET_ESCAPE) === 0
  const targetResult = splitTarget(head, (classes & TARGET_QUERY) !== 0)
  if (targetResult !== ParseResult.Ok) return targetResult
  return parseFields(buf, i + 10, headEnd - 2, limits.maxHeaderCount, head, text, start)
}

/**
 * Sorts the target into its RFC 9112 §3.2 form and extracts path and query.
 * @param hasQuestionMark - whether the target holds a `?` anywhere
 */
function splitTarget(head: RequestHead, hasQuestionMark: boolean): number {
  const target = head.target
  const first = target.charCodeAt(0)
  let pathStart = 0
  // CONNECT takes the authority-form and only it (RFC 9112 §3.2.3): `CONNECT /x` is refused, and
  // `*a.example:80` is a host (RFC 3986 allows `*` in a reg-name), not the asterisk-form.
  if (head.method === 'CONNECT') {
    // uri-host ":" port and nothing else.
    const colon = target.lastIndexOf(':')
    if (colon <= 0 || colon === target.length - 1 || !isHostAndPort(target, 0, target.length))
      return ParseResult.Malformed
    if (target.charCodeAt(0) === 91 && target.charCodeAt(colon - 1) !== 93) return ParseResult.Malformed
    head.authority = target
    head.path = ''
    return ParseResult.Ok
  } else if (first === 47 /* '/' origin-form */) {
    pathStart = 0
  } else if (first === 42 /* '*' asterisk-form */) {
    if (target.length !== 1 || head.method !== 'OPTIONS') return ParseResult.Malformed
    head.path = '*'
    return ParseResult.Ok
  } else {
    // absolute-form: scheme "://" authority [path-abempty] ["?" query].
    const scheme = target.indexOf('://')
    if (scheme <= 0 || !/^[A-Za-z][A-Za-z0-9+.-]*$/.test(target.slice(0, scheme))) return ParseResult.Malformed
    const slash = target.indexOf('/', scheme + 3)
    const question = target.indexOf('?', scheme + 3)
    const authorityEnd =
      slash === -1
        ? question === -1
          ? target.length
          : question
        : question !== -1 && question < slash
          ? question
          : slash
    // RFC 9110 §4.2.4: userinfo in an http(s) URI is an error, and so is an empty or invalid host.
    if (!isHostAndPort(target, scheme + 3, authorityEnd)) return ParseResult.Malformed
    head.authority = target.slice(scheme + 3, authorityEnd)
    if (slash === -1 || (question !== -1 && question < slash)) {
      head.path = '/'
      head.query = question === -1 ? '' : target.slice(question + 1)
      return ParseResult.Ok
    }
    pathStart = slash
  }
  const question = hasQuestionMark ? target.indexOf('?', pathStart) : -1
  if (question === -1) {
    head.path = pathStart === 0 ? target : target.slice(pathStart)
  } else {
    head.path = target.slice(pathStart, question)
    head.query = target.slice(question + 1)
  }
  return ParseResult.Ok
}

/**
 * Parses the field lines between `pos` and `fieldsEnd` (the start of the final CRLF); `text` is the
 * head decoded from `buf[textStart]` on.
 */
function parseFields(
  buf: Buffer,
  pos: number,
  fieldsEnd: number,
  maxCount: number,
  head: RequestHead,
  text: string,
  textStart: number,
): number {
  // Made by the first field, at its size: a list grown from empty by push() reserves 16 slots.
  let headers: string[] | undefined
  let hosts = 0
  let contentTypes = 0
  let host = ''
  let connectionClose = false
  let connectionKeepAlive = false
  let connectionUpgrade = false
  let hasUpgradeField = false
  let transferEncoding: string | undefined
  let valueClasses = 0
  while (pos < fieldsEnd) {
    // RFC 9112 §5.2: obs-fold (a line starting with whitespace) is refused.
    const c = buf[pos]
    if (c === SP || c === HTAB) return ParseResult.Malformed
    const nameStart = pos
    while (TCHAR[buf[pos]!] === 1) pos++
    // RFC 9112 §5.1: no whitespace between name and colon; a proxy might strip it and disagree.
    if (pos === nameStart || buf[pos] !== COLON) return ParseResult.Malformed
    const nameEnd = pos++
    if (headers !== undefined && headers.length >= maxCount * 2) return ParseResult.TooManyHeaders
    while (buf[pos] === SP || buf[pos] === HTAB) pos++
    const valueStart = pos
    for (let k = FIELD_VALUE_CLASS[buf[pos]!]!; k > 0; k = FIELD_VALUE_CLASS[buf[++pos]!]!) valueClasses |= k
    // A CR that does not end the line is a bare CR: refused like a bare LF.
    if (buf[pos] !== CR || buf[pos + 1] !== LF) return ParseResult.Malformed
    const lineEnd = pos
    let valueEnd = pos
    while (valueEnd > valueStart && (buf[valueEnd - 1] === SP || buf[valueEnd - 1] === HTAB)) valueEnd--
    pos = lineEnd + 2
    const name = text.slice(nameStart - textStart, nameEnd - textStart)
    const value = text.slice(valueStart - textStart, valueEnd - textStart)
    if (headers === undefined) {
      headers = [name, value]
      head.headers = headers
    } else {
      headers.push(name, value)
    }
    switch (nameEnd - nameStart) {
      case 4:
        if (equalsLower(buf, nameStart, 'host')) {
          // RFC 9112 §3.2: a Host with an invalid value is refused; empty is allowed (checked below).
          if (value.length > 0 && !isHostAndPort(value, 0, value.length)) return ParseResult.Malformed
          host = value
          hosts++
        }
        break
      case 6:
        if (equalsLower(buf, nameStart, 'expect')) {
          if (value.toLowerCase() !== '100-continue') return ParseResult.ExpectationFailed
          head.expectContinue = true
        }
        break
      case 7:
        if (equalsLower(buf, nameStart, 'upgrade')) hasUpgradeField = true
        break
      case 10:
        if (equalsLower(buf, nameStart, 'connection')) {
          // A browser's one-token value is compared in place: splitting it cost about 200 ns.
          const length = valueEnd - valueStart
          if (length === 10 && equalsLower(buf, valueStart, 'keep-alive')) {
            connectionKeepAlive = true
            break
          }
          if (length === 5 && equalsLower(buf, valueStart, 'close')) {
            connectionClose = true
            break
          }
          for (const token of value.toLowerCase().split(',')) {
            const t = trimOws(token)
            if (t === 'close') connectionClose = true
            else if (t === 'keep-alive') connectionKeepAlive = true
            else if (t === 'upgrade') connectionUpgrade = true
          }
        }
        break
      case 12:
        // RFC 9110 §8.3: a singleton; two could make the WAF and the handler read different types.
        if (equalsLower(buf, nameStart, 'content-type') && ++contentTypes > 1) return ParseResult.Malformed
        break
      case 14:
        if (equalsLower(buf, nameStart, 'content-length')) {
          const length = parseContentLength(buf, valueStart, valueEnd)
          // RFC 9112 §6.3: differing lengths mean the framing cannot be trusted.
          if (length < 0 || (head.contentLength !== -1 && head.contentLength !== length)) return ParseResult.Malformed
          head.contentLength = length
        }
        break
      case 17:
        if (equalsLower(buf, nameStart, 'transfer-encoding')) {
          transferEncoding = transferEncoding === undefined ? value : `${transferEncoding},${value}`
        }
        break
    }
  }
  const http11 = head.versionMinor === 1
  // RFC 9112 §3.2: exactly one Host in HTTP/1.1; never more than one.
  if (hosts > 1 || (http11 && hosts === 0)) return ParseResult.Malformed
  // RFC 9112 §3.2.2: a target's own authority (absolute- or authority-form) is the host, and Host
  // is ignored; it must not be empty then, since a client sends an empty Host only for a target
  // without one.
  if (head.authority === '') head.authority = host
  else if (hosts === 1 && host === '') return ParseResult.Malformed
  if (transferEncoding !== undefined) {
    // RFC 9112 §6.1 / §6.3: both lengths present is the classic CL.TE / TE.CL smuggling setup, and
    // Transfer-Encoding in HTTP/1.0 cannot be trusted either: refuse both and close.
    if (head.contentLength !== -1 || !http11) return ParseResult.Malformed
    const framing = chunkedFraming(transferEncoding)
    if (framing !== ParseResult.Ok) return framing
    head.chunked = true
  }
  // RFC 9110 §9.3.6: a CONNECT request has no content, and what follows its head is the tunnel's.
  // A length or a coding on one would make this server and a proxy in front of it disagree on
  // where the tunnel starts (bytes read as a body here, passed through there): refused.
  if (head.method === 'CONNECT' && (head.chunked || head.contentLength > 0)) return ParseResult.Malformed
  head.valuesArePlain = (valueClasses & FIELD_VALUE_PERCENT) === 0
  head.keepAlive = !connectionClose && (http11 || connectionKeepAlive)
  // RFC 9110 §7.8: an Upgrade in an HTTP/1.0 request is ignored (no 101 to a 1.0 client), and
  // §10.1.1: so is a 100-continue expectation (a 1.0 client may not understand an interim answer).
  head.upgrade = http11 && connectionUpgrade && hasUpgradeField
  if (!http11) head.expectContinue = false
  return ParseResult.Ok
}

/**
 * Digits only (RFC 9110 §8.6), any number of them: the value is bounded (by the largest integer a
 * double holds exactly; the body limit then applies), not the digit count, so leading zeros pass.
 * Anything else is -1.
 */
function parseContentLength(buf: Buffer, start: number, end: number): number {
  if (start === end) return -1
  let n = 0
  for (let i = start; i < end; i++) {
    const d = buf[i]! - 48
    if (d < 0 || d > 9) return -1
    n = n * 10 + d
    if (n > Number.MAX_SAFE_INTEGER) return -1
  }
  return n
}

/**
 * RFC 9112 §6.1: `chunked` must be the final coding and appear once. Any other transfer coding is
 * one this server does not implement (501). Empty list elements (`, chunked`) are skipped, as
 * RFC 9110 §5.6.1.2 requires of a recipient.
 */
function chunkedFraming(value: string): number {
  const codings = value.split(',')
  let chunkedCount = 0
  let others = 0
  let last = ''
  for (let k = 0; k < codings.length; k++) {
    const coding = trimOws(codings[k]!).toLowerCase()
    if (coding === '') continue
    if (coding === 'chunked') chunkedCount++
    else others++
    last = coding
  }
  if (chunkedCount !== 1 || last !== 'chunked') return ParseResult.Malformed
  return others > 0 ? ParseResult.NotImplemented : ParseResult.Ok
}
