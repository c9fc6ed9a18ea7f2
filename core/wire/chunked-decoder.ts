import { CR, HTAB, LF, SP, FIELD_VALUE_CLASS, HEX_VALUE, TCHAR } from './char-tables.js'
import { ParseResult } from './parse-result.js'

const SEMICOLON = 59

const SIZE = 0
const SIZE_DIGITS = 1
const EXTENSION = 2
const SIZE_LF = 3
const DATA = 4
const DATA_CR = 5
const DATA_LF = 6
const TRAILER_START = 7
const TRAILER_LINE = 8
const TRAILER_LF = 9
const END_LF = 10
const DONE = 11

/**
 * A size line (hex digits plus extensions) longer than this is refused. Extensions carry nothing
 * this server uses, and an unbounded line would let a client hold memory and CPU for free.
 */
const MAX_SIZE_LINE_BYTES = 4096
/** 16 hex digits already exceed any body limit; more digits are a malformed or hostile size. */
const MAX_SIZE_DIGITS = 16

/**
 * Incremental decoder for the chunked transfer coding (RFC 9112 §7.1). It is fed whatever bytes
 * have arrived, pushes views of the chunk data (no copies), and stops exactly after the final CRLF
 * so that bytes of a pipelined next request stay in the buffer.
 */
export class ChunkedDecoder {
  #state = SIZE
  #remaining = 0
  #digits = 0
  #lineBytes = 0
  #trailerBytes = 0
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

  /** Decoded body bytes so far. */
  get bodyBytes(): number {
    return this.#total
  }

  /**
   * Decodes `buf[start..end)`.
   * @param parts - receives views of the body's data
   * @returns the index of the first byte not consumed, or a negative {@link ParseResult} error
   */
  decode(buf: Buffer, start: number, end: number, parts: Buffer[]): number {
    let pos = start
    while (pos < end) {
      const state = this.#state
      if (state === DATA) {
        const take = Math.min(this.#remaining, end - pos)
        parts.push(buf.subarray(pos, pos + take))
        pos += take
        this.#remaining -= take
        if (this.#remaining === 0) this.#state = DATA_CR
        continue
      }
      if (state === DONE) return pos
      const b = buf[pos++]!
      const result = this.#step(state, b)
      if (result !== ParseResult.Ok) return result
    }
    return pos
  }

  #step(state: number, b: number): number {
    switch (state) {
      case SIZE:
      case SIZE_DIGITS: {
        const digit = HEX_VALUE[b]!
        if (digit !== 255) {
          if (++this.#digits > MAX_SIZE_DIGITS) return ParseResult.Malformed
          this.#remaining = this.#remaining * 16 + digit
          this.#state = SIZE_DIGITS
          return this.#countLine()
        }
        if (state === SIZE) return ParseResult.Malformed
        if (b === CR) return this.#endSizeLine()
        // RFC 9112 §7.1.1: chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )
        if (b === SEMICOLON || b === SP || b === HTAB) {
          this.#state = EXTENSION
          return this.#countLine()
        }
        return ParseResult.Malformed
      }
      case EXTENSION:
        if (b === CR) return this.#endSizeLine()
        if (FIELD_VALUE_CLASS[b] === 0) return ParseResult.Malformed
        return this.#countLine()
      case SIZE_LF:
        if (b !== LF) return ParseResult.Malformed
        this.#lineBytes = 0
        this.#digits = 0
        this.#state = this.#remaining === 0 ? TRAILER_START : DATA
        return ParseResult.Ok
      case DATA_CR:
        if (b !== CR) return ParseResult.Malformed
        this.#state = DATA_LF
        return ParseResult.Ok
      case DATA_LF:
        if (b !== LF) return ParseResult.Malformed
        this.#state = SIZE
        return ParseResult.Ok
      case TRAILER_START:
        if (b === CR) {
          this.#state = END_LF
          return ParseResult.Ok
        }
        if (TCHAR[b] !== 1) return ParseResult.Malformed
        this.#state = TRAILER_LINE
        return this.#trailerByte(b)
      case TRAILER_LINE:
        if (b === CR) {
          this.#state = TRAILER_LF
          return this.#endTrailerLine()
        }
        if (FIELD_VALUE_CLASS[b] === 0) return ParseResult.Malformed
        return this.#trailerByte(b)
      case TRAILER_LF:
        if (b !== LF) return ParseResult.Malformed
        this.#state = TRAILER_START
        return ParseResult.Ok
      case END_LF:
        if (b !== LF) return ParseResult.Malformed
        this.#state = DONE
        return ParseResult.Ok
    }
    return ParseResult.Malformed
  }

  #countLine(): number {
    return ++this.#lineBytes > MAX_SIZE_LINE_BYTES ? ParseResult.Malformed : ParseResult.Ok
  }

  #endSizeLine(): number {
    // Refuse the moment the declared chunk would cross the limit, before any of its bytes arrive.
    if (this.#remaining > this.#maxBodyBytes - this.#total) return ParseResult.BodyTooLarge
    this.#total += this.#remaining
    this.#state = SIZE_LF
    return ParseResult.Ok
  }

  #trailerByte(b: number): number {
    if (++this.#trailerBytes > this.#maxTrailerBytes) return ParseResult.HeadTooLarge
    this.#line += String.fromCharCode(b)
    return ParseResult.Ok
  }

  #endTrailerLine(): number {
    const line = this.#line
    this.#line = ''
    const colon = line.indexOf(':')
    // The name is tchar up to the colon (checked byte by byte as the line arrived).
    if (colon <= 0 || !isToken(line, colon)) return ParseResult.Malformed
    this.trailers.push(line.slice(0, colon), line.slice(colon + 1).trim())
    return ParseResult.Ok
  }
}

function isToken(line: string, end: number): boolean {
  for (let i = 0; i < end; i++) if (TCHAR[line.charCodeAt(i)] !== 1) return false
  return true
}
