import { InputBuffer } from './input-buffer.js'
import type { HeadLimits } from './head-parser.js'
import { hasBareLineEnd, isRequestLinePrefix, parseHead, scanHead, skipLeadingEmptyLines } from './head-parser.js'
import { RequestHead } from './request-head.js'
import { ParseResult } from './parse-result.js'
import { CR } from './char-tables.js'

/**
 * A connection's receive buffer that finds and parses the next request head in it, however the
 * bytes arrive: it remembers how far it has scanned, so a head sent one byte at a time costs
 * linear time, and it refuses what can never become a head (a bare LF, a bad first byte, too many
 * bytes) as soon as it shows. It is the buffer itself, not a second object beside it: each
 * object is paid for by every idle connection.
 */
export class HeadReader extends InputBuffer {
  readonly #limits: HeadLimits
  // First byte not yet scanned for the end of the head.
  #scanFrom = 0

  /** @param limits - header block, header count and target limits */
  constructor(limits: HeadLimits) {
    super()
    this.#limits = limits
  }

  /**
   * Parses the next head if it is wholly buffered, consuming it.
   * @returns the head; `undefined` when more bytes are needed; a negative {@link ParseResult} when
   *   the bytes are refused
   */
  next(): RequestHead | number | undefined {
    const limits = this.#limits
    if (this.#scanFrom <= this.pos) {
      this.pos = skipLeadingEmptyLines(this.buf, this.pos, this.end)
      this.#scanFrom = this.pos
    }
    if (this.end <= this.pos) return undefined
    // The CR of an empty line whose LF is still on its way (RFC 9112 §2.2): wait for it.
    if (this.end - this.pos === 1 && this.buf[this.pos] === CR) return undefined
    // Only the first maxHeaderBytes are judged for bare line ends, whole or in pieces: past them the
    // head is too large whatever it holds.
    const headEnd = scanHead(this.buf, this.#scanFrom, this.end, this.pos, this.pos + limits.maxHeaderBytes)
    if (headEnd > 0) {
      if (headEnd - this.pos > limits.maxHeaderBytes) return this.#refusal(ParseResult.HeadTooLarge, headEnd)
      const head = new RequestHead()
      const result = parseHead(this.buf, this.pos, headEnd, limits, head)
      if (result !== ParseResult.Ok) return this.#refusal(result, headEnd)
      this.pos = headEnd
      this.#scanFrom = headEnd
      return head
    }
    if (headEnd !== ParseResult.Incomplete) return headEnd
    // A first line that cannot become a request line is refused now, not when a CRLF CRLF
    // that may never come arrives (a TLS ClientHello sent to the plain port, for one).
    if (!isRequestLinePrefix(this.buf, this.pos, this.end)) return ParseResult.Malformed
    if (this.available > limits.maxHeaderBytes) return ParseResult.HeadTooLarge
    if (this.available > limits.maxTargetBytes + 1024 && this.buf.indexOf(10, this.pos) === -1)
      return ParseResult.TargetTooLong
    this.#scanFrom = this.end
    return undefined
  }

  /**
   * The answer to a complete head that was refused. A head that arrives in pieces has its bare CR
   * and LF refused as they arrive, before anything else about it is judged; a whole head must get
   * the same answer, so a bare line end wins over the error the parser met first. Off the hot path:
   * only refused heads are scanned again.
   */
  #refusal(result: number, headEnd: number): number {
    if (result === ParseResult.Malformed) return result
    const checkEnd = Math.min(headEnd, this.pos + this.#limits.maxHeaderBytes)
    return hasBareLineEnd(this.buf, this.pos, checkEnd, this.pos) ? ParseResult.Malformed : result
  }

  /**
   * Appends a received chunk to the buffer, keeping the scan position in step with it.
   * @param chunk - the bytes received
   * @returns how far existing offsets moved
   */
  override append(chunk: Buffer): number {
    const moved = super.append(chunk)
    this.#scanFrom -= moved
    return moved
  }
}
