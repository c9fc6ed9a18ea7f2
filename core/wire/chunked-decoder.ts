import { CR, HTAB, LF, SP, FIELD_VALUE_CLASS, HEX_VALUE, TCHAR } from './char-tables.js'
import type { BodyCollector } from './body-collector.js'
import { ParseResult } from './parse-result.js'
import type {} from './buffer-slices.js'
import { trimOws } from './ows.js'

const SEMICOLON = 59
const EQUALS = 61
const DQUOTE = 34
const BACKSLASH = 92

// States of the size line: chunk-size [ chunk-ext ] CRLF (RFC 9112 §7.1, §7.1.1).
const SIZE = 0 // the first hex digit
const SIZE_DIGITS = 1 // more hex digits, ';', BWS or CR
const BWS_BEFORE_SEMICOLON = 2 // BWS after the size or a value: only ';' may follow
const EXT_NAME_START = 3 // after ';': BWS, then a token
const EXT_NAME = 4 // the name's token
const BWS_AFTER_NAME = 5 // BWS after a name: '=' or ';' may follow
const EXT_VALUE_START = 6 // after '=': BWS, then a token or a quoted-string
const EXT_TOKEN_VALUE = 7
const EXT_QUOTED_VALUE = 8
const EXT_QUOTED_PAIR = 9 // after a backslash in a quoted-string
const EXT_VALUE_END = 10 // after the closing quote
const SIZE_LF = 11
const DATA = 12
const DATA_CR = 13
const DATA_LF = 14
const TRAILER_START = 15
const TRAILER_LINE = 16
const TRAILER_LF = 17
const END_LF = 18
const DONE = 19

/**
 * Chunk extensions carry nothing this server uses: all of a body's together may hold this many
 * bytes. Unbounded, a client could make the server parse without end for a body of no bytes
 * (the class of CVE-2024-22019; node allows 16 KiB too).
 */
export const MAX_CHUNK_EXTENSION_BYTES = 16 * 1024
/**
 * Every byte that is not body data or trailer (sizes, extensions, CRLFs) counts as framing, and a
 * body may spend on framing this many bytes plus {@link FRAMING_BYTES_PER_DATA_BYTE} per byte of
 * data: 1-byte chunks (5 bytes of framing each) pass, a size padded with a million zeros does not.
 */
export const FRAMING_ALLOWANCE_BYTES = 64 * 1024
/** See {@link FRAMING_ALLOWANCE_BYTES}. */
export const FRAMING_BYTES_PER_DATA_BYTE = 8

/**
 * qdtext and the bytes a quoted-pair may escape (RFC 9110 §5.6.4): HTAB, SP, VCHAR and obs-text,
 * 2 for DQUOTE and backslash, which end or escape; 0 for the rest (CR, LF and every other control).
 */
const QUOTED_CLASS = new Uint8Array(256)
QUOTED_CLASS[HTAB] = 1
for (let c = 0x20; c <= 0x7e; c++) QUOTED_CLASS[c] = 1
for (let c = 0x80; c <= 0xff; c++) QUOTED_CLASS[c] = 1
QUOTED_CLASS[DQUOTE] = 2
QUOTED_CLASS[BACKSLASH] = 2

/**
 * Incremental decoder for the chunked transfer coding (RFC 9112 §7.1). It is fed whatever bytes
 * have arrived, hands the chunk data to a {@link BodyCollector}, and stops exactly after the final
 * CRLF so that bytes of a pipelined next request stay in the buffer. The answer never depends on
 * how the bytes were split into reads: every state is kept between calls, and a line that cannot
 * become valid is refused at its first wrong byte, never by waiting for more.
 */
export class ChunkedDecoder {
  #state = SIZE
  #remaining = 0
  #trailerBytes = 0
  #extensionBytes = 0
  #framingBytes = 0
  #total = 0
  #line = ''
  readonly #maxBodyBytes: number
  readonly #maxTrailerBytes: number
  /** Trailer fields as a flat `[name, value, …]` list, once the body is done. */
  readonly trailers: string[] = []

  /**
   * @param maxBodyBytes - the decoded body may not exceed this many bytes
   * @param maxTrailerBytes - the trailer section may not exceed this many bytes
   */
  constructor(maxBodyBytes: number, maxTrailerBytes: number) {
    this.#maxBodyBytes = maxBodyBytes
    this.#maxTrailerBytes = maxTrailerBytes
  }

  /** Whether the last chunk and the trailer section have been read. */
  get done(): boolean {
    return this.#state === DONE
  }

  /** Decoded body bytes so far (data of the chunk being read included once its size line ended). */
  get bodyBytes(): number {
    return this.#total
  }

  /**
   * Decodes `buf[start..end)`.
   * @param body - receives the body's data
   * @returns the index of the first byte not consumed, or a negative {@link ParseResult} error
   */
  decode(buf: Buffer, start: number, end: number, body: BodyCollector): number {
    let pos = start
    while (pos < end) {
      const state = this.#state
      if (state === DATA) {
        const take = Math.min(this.#remaining, end - pos)
        body.add(buf, pos, pos + take)
        pos += take
        this.#remaining -= take
        if (this.#remaining === 0) this.#state = DATA_CR
        continue
      }
      if (state === TRAILER_LINE) {
        // A trailer line is taken as a run of bytes, not one string per byte.
        let run = pos
        while (run < end && FIELD_VALUE_CLASS[buf[run]!] !== 0) run++
        if (run > pos) {
          if ((this.#trailerBytes += run - pos) > this.#maxTrailerBytes) return ParseResult.HeadTooLarge
          this.#line += buf.latin1Slice(pos, run)
          pos = run
          continue
        }
      }
      if (state === DONE) return pos
      const b = buf[pos++]!
      const result = this.#step(state, b)
      if (result !== ParseResult.Ok) return result
    }
    return pos
  }

  #step(state: number, b: number): number {
    if (
      state < TRAILER_START &&
      ++this.#framingBytes > FRAMING_ALLOWANCE_BYTES + FRAMING_BYTES_PER_DATA_BYTE * this.#total
    ) {
      return ParseResult.Malformed
    }
    if (state > SIZE_DIGITS && state < SIZE_LF && b !== CR && ++this.#extensionBytes > MAX_CHUNK_EXTENSION_BYTES) {
      return ParseResult.Malformed
    }
    switch (state) {
      case SIZE:
      case SIZE_DIGITS: {
        const digit = HEX_VALUE[b]!
        if (digit !== 255) {
          // The value is bounded, not the digit count: leading zeros are as valid as any digit.
          const size = this.#remaining * 16 + digit
          if (size > this.#maxBodyBytes - this.#total) return ParseResult.BodyTooLarge
          this.#remaining = size
          this.#state = SIZE_DIGITS
          return ParseResult.Ok
        }
        if (state === SIZE) return ParseResult.Malformed
        if (b === CR) return this.#endSizeLine()
        if (b === SEMICOLON) return this.#to(EXT_NAME_START)
        // RFC 9112 §7.1.1: chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ); whitespace
        // after the size is BWS before a ';', nothing else (`1 x` and `1 ` CRLF are refused).
        if (b === SP || b === HTAB) return this.#to(BWS_BEFORE_SEMICOLON)
        return ParseResult.Malformed
      }
      case BWS_BEFORE_SEMICOLON:
        if (b === SEMICOLON) return this.#to(EXT_NAME_START)
        return b === SP || b === HTAB ? ParseResult.Ok : ParseResult.Malformed
      case EXT_NAME_START:
        if (TCHAR[b] === 1) return this.#to(EXT_NAME)
        return b === SP || b === HTAB ? ParseResult.Ok : ParseResult.Malformed
      case EXT_NAME:
        if (TCHAR[b] === 1) return ParseResult.Ok
        if (b === CR) return this.#endSizeLine()
        if (b === EQUALS) return this.#to(EXT_VALUE_START)
        if (b === SEMICOLON) return this.#to(EXT_NAME_START)
        return b === SP || b === HTAB ? this.#to(BWS_AFTER_NAME) : ParseResult.Malformed
      case BWS_AFTER_NAME:
        if (b === EQUALS) return this.#to(EXT_VALUE_START)
        if (b === SEMICOLON) return this.#to(EXT_NAME_START)
        return b === SP || b === HTAB ? ParseResult.Ok : ParseResult.Malformed
      case EXT_VALUE_START:
        if (TCHAR[b] === 1) return this.#to(EXT_TOKEN_VALUE)
        if (b === DQUOTE) return this.#to(EXT_QUOTED_VALUE)
        return b === SP || b === HTAB ? ParseResult.Ok : ParseResult.Malformed
      case EXT_TOKEN_VALUE:
      case EXT_VALUE_END:
        if (state === EXT_TOKEN_VALUE && TCHAR[b] === 1) return ParseResult.Ok
        if (b === CR) return this.#endSizeLine()
        if (b === SEMICOLON) return this.#to(EXT_NAME_START)
        return b === SP || b === HTAB ? this.#to(BWS_BEFORE_SEMICOLON) : ParseResult.Malformed
      case EXT_QUOTED_VALUE: {
        // A CR inside the quotes is refused at once: an unbalanced quote never waits for more.
        const c = QUOTED_CLASS[b]
        if (c === 1) return ParseResult.Ok
        if (c === 0) return ParseResult.Malformed
        return this.#to(b === DQUOTE ? EXT_VALUE_END : EXT_QUOTED_PAIR)
      }
      case EXT_QUOTED_PAIR:
        return QUOTED_CLASS[b] === 0 ? ParseResult.Malformed : this.#to(EXT_QUOTED_VALUE)
      case SIZE_LF:
        if (b !== LF) return ParseResult.Malformed
        return this.#to(this.#remaining === 0 ? TRAILER_START : DATA)
      case DATA_CR:
        return b === CR ? this.#to(DATA_LF) : ParseResult.Malformed
      case DATA_LF:
        return b === LF ? this.#to(SIZE) : ParseResult.Malformed
      case TRAILER_START:
        if (b === CR) return this.#to(END_LF)
        if (TCHAR[b] !== 1) return ParseResult.Malformed
        this.#state = TRAILER_LINE
        if (++this.#trailerBytes > this.#maxTrailerBytes) return ParseResult.HeadTooLarge
        this.#line = String.fromCharCode(b)
        return ParseResult.Ok
      case TRAILER_LINE:
        // decode() took the line's field bytes; anything but its CR is refused.
        if (b !== CR) return ParseResult.Malformed
        this.#state = TRAILER_LF
        return this.#endTrailerLine()
      case TRAILER_LF:
        return b === LF ? this.#to(TRAILER_START) : ParseResult.Malformed
      case END_LF:
        return b === LF ? this.#to(DONE) : ParseResult.Malformed
    }
    return ParseResult.Malformed
  }

  #to(state: number): number {
    this.#state = state
    return ParseResult.Ok
  }

  #endSizeLine(): number {
    // The size was checked against the limit digit by digit, before any of the chunk's bytes arrive.
    this.#total += this.#remaining
    this.#state = SIZE_LF
    return ParseResult.Ok
  }

  #endTrailerLine(): number {
    const line = this.#line
    this.#line = ''
    const colon = line.indexOf(':')
    if (colon <= 0 || !isToken(line, colon)) return ParseResult.Malformed
    this.trailers.push(line.slice(0, colon), trimOws(line.slice(colon + 1)))
    return ParseResult.Ok
  }
}

function isToken(line: string, end: number): boolean {
  for (let i = 0; i < end; i++) if (TCHAR[line.charCodeAt(i)] !== 1) return false
  return true
}
