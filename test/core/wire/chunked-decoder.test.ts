import { expect } from 'chai'
import { BodyCollector } from '../../../core/wire/body-collector.js'
import {
  ChunkedDecoder,
  FRAMING_ALLOWANCE_BYTES,
  MAX_CHUNK_EXTENSION_BYTES,
} from '../../../core/wire/chunked-decoder.js'
import { ParseResult } from '../../../core/wire/parse-result.js'

function decodeAll(
  text: string,
  maxBody = 1024,
  splitEvery = 0,
): { result: number; body: string; decoder: ChunkedDecoder } {
  const decoder = new ChunkedDecoder(maxBody, 1024)
  const collector = new BodyCollector()
  const bytes = Buffer.from(text, 'latin1')
  const step = splitEvery > 0 ? splitEvery : bytes.length
  let result = 0
  for (let start = 0; start < bytes.length && !decoder.done; start += step) {
    const piece = bytes.subarray(start, Math.min(bytes.length, start + step))
    result = decoder.decode(piece, 0, piece.length, collector)
    if (result < 0) break
  }
  return { result, body: collector.take().toString('latin1'), decoder }
}

describe('ChunkedDecoder (RFC 9112 §7.1)', () => {
  it('decodes chunks, extensions and trailers', () => {
    const { body, decoder } = decodeAll('5;name=value\r\nhello\r\n6 ; q="x y"\r\n world\r\n0\r\nX-Sum: 11\r\n\r\n')
    expect(body).to.equal('hello world')
    expect(decoder.done).to.equal(true)
    expect(decoder.trailers).to.deep.equal(['X-Sum', '11'])
  })

  it('decodes the same body when it arrives one byte at a time', () => {
    const { body, decoder } = decodeAll('a\r\n0123456789\r\n0\r\n\r\n', 1024, 1)
    expect(body).to.equal('0123456789')
    expect(decoder.done).to.equal(true)
  })

  it('stops exactly after the last chunk, leaving the next request unread', () => {
    const text = '1\r\nx\r\n0\r\n\r\nGET / HTTP/1.1'
    const decoder = new ChunkedDecoder(1024, 1024)
    const buf = Buffer.from(text)
    const next = decoder.decode(buf, 0, buf.length, new BodyCollector())
    expect(buf.subarray(next).toString()).to.equal('GET / HTTP/1.1')
  })

  it('refuses a chunk that would cross the body limit before its bytes arrive', () => {
    expect(decodeAll('5\r\nhello\r\n6\r\n', 10).result).to.equal(ParseResult.BodyTooLarge)
  })

  const malformed: [string, string][] = [
    ['a size that is not hex', 'g\r\n'],
    ['a missing size', '\r\n'],
    ['a bare LF after the size', '5\nhello\r\n'],
    ['data longer than its size', '2\r\nabc\r\n0\r\n\r\n'],
    ['a size followed by a word (`1 x`)', '1 x\r\nx\r\n0\r\n\r\n'],
    ['whitespace after the size with no extension', '1 \r\nx\r\n0\r\n\r\n'],
    ['a tab after the size with no extension', '1\t\r\nx\r\n0\r\n\r\n'],
    ['a `;` with no extension name', '1;\r\nx\r\n0\r\n\r\n'],
    ['a `;` followed by `=`', '1;=v\r\nx\r\n0\r\n\r\n'],
    ['an extension name that is not a token', '1;a@b\r\nx\r\n0\r\n\r\n'],
    ['an `=` with no value', '1;a=\r\nx\r\n0\r\n\r\n'],
    ['whitespace after an extension value with nothing after it', '1;a=b \r\nx\r\n0\r\n\r\n'],
    ['a word after an extension value', '1;a=b c\r\nx\r\n0\r\n\r\n'],
    ['an unbalanced quoted extension value, at its CR', '1;a="b\r\nx\r\n0\r\n\r\n'],
    ['bytes after a closing quote', '1;a="b"c\r\nx\r\n0\r\n\r\n'],
    ['a control character escaped in a quoted value', '1;a="\\\x01"\r\nx\r\n'],
    ['a control character in an extension', '1;a\x01\r\nx\r\n'],
    ['a trailer without a colon', '0\r\nbad trailer\r\n\r\n'],
    ['a negative-looking size', '-1\r\n'],
  ]
  for (const [what, text] of malformed) {
    it(`refuses ${what}`, () => {
      expect(decodeAll(text).result).to.equal(ParseResult.Malformed)
    })
  }

  const accepted: [string, string, string][] = [
    ['leading zeros in a size, however many', `${'0'.repeat(40)}5\r\nhello\r\n${'0'.repeat(30)}\r\n\r\n`, 'hello'],
    ['BWS around `;` and `=`', '5 \t; a \t= b\r\nhello\r\n0\r\n\r\n', 'hello'],
    ['several extensions, with and without values', '5;a;b=c;d="e;f"\r\nhello\r\n0;last\r\n\r\n', 'hello'],
    ['a quoted value with an escaped quote and backslash', '5;a="x\\"y\\\\"\r\nhello\r\n0\r\n\r\n', 'hello'],
    ['an extension name with BWS before the next `;`', '5;a ;b\r\nhello\r\n0\r\n\r\n', 'hello'],
  ]
  for (const [what, text, body] of accepted) {
    it(`accepts ${what}, split anywhere`, () => {
      for (const split of [0, 1, 2, 3, 7]) {
        const decoded = decodeAll(text, 1024, split)
        expect(decoded.result, `split every ${split}`).to.be.at.least(0)
        expect(decoded.body).to.equal(body)
        expect(decoded.decoder.done).to.equal(true)
      }
    })
  }

  it('refuses an unbalanced quote at the CR, not later, one byte at a time too', () => {
    expect(decodeAll('1;a="b\r', 1024, 1).result).to.equal(ParseResult.Malformed)
  })

  it('bounds the size by its value: a size one past the limit is refused while its digits arrive', () => {
    expect(decodeAll(`${'0'.repeat(20)}401`, 1024, 1).result).to.equal(ParseResult.BodyTooLarge)
    expect(decodeAll('fffffffffffffffffffffffff', Number.MAX_SAFE_INTEGER).result).to.equal(ParseResult.BodyTooLarge)
  })

  it(`refuses more than ${MAX_CHUNK_EXTENSION_BYTES} bytes of extensions in one body, however they are spread`, () => {
    const chunk = `1;${'e'.repeat(1000)}\r\nx\r\n`
    const few = chunk.repeat(Math.floor(MAX_CHUNK_EXTENSION_BYTES / 1001))
    expect(decodeAll(`${few}0\r\n\r\n`, 1 << 20).result).to.be.at.least(0)
    expect(decodeAll(`${few}${chunk}${chunk}0\r\n\r\n`, 1 << 20).result).to.equal(ParseResult.Malformed)
    expect(decodeAll(`1;${'e'.repeat(MAX_CHUNK_EXTENSION_BYTES + 1)}\r\n`, 1 << 20).result).to.equal(
      ParseResult.Malformed,
    )
  })

  it('bounds the framing a body may spend per byte of data: zeros padding every size are refused', () => {
    expect(decodeAll(`${'0'.repeat(FRAMING_ALLOWANCE_BYTES + 1)}1\r\nx\r\n0\r\n\r\n`, 1 << 20).result).to.equal(
      ParseResult.Malformed,
    )
    // 1-byte chunks spend 5 bytes of framing each: accepted at any length.
    const oneByteChunks = '1\r\nx\r\n'.repeat(50_000)
    const decoded = decodeAll(`${oneByteChunks}0\r\n\r\n`, 1 << 20)
    expect(decoded.result).to.be.at.least(0)
    expect(decoded.body.length).to.equal(50_000)
  })

  it('keeps an NBSP at the ends of a trailer value: only SP and HTAB are OWS', () => {
    const { decoder } = decodeAll('0\r\nX-A: \xa0v\xa0 \r\n\r\n')
    expect(decoder.trailers).to.deep.equal(['X-A', '\xa0v\xa0'])
  })

  it('hands a body of many chunks over as one piece', () => {
    const decoder = new ChunkedDecoder(1024, 1024)
    const collector = new BodyCollector()
    const buf = Buffer.from('1\r\na\r\n1\r\nb\r\n2\r\ncd\r\n0\r\n\r\n')
    decoder.decode(buf, 0, buf.length, collector)
    expect(collector.length).to.equal(4)
    expect(collector.take().toString()).to.equal('abcd')
    expect(collector.length).to.equal(0)
  })

  it('refuses a trailer section over its limit', () => {
    const decoder = new ChunkedDecoder(1024, 8)
    const buf = Buffer.from('0\r\nX-Long: 123456789\r\n\r\n')
    expect(decoder.decode(buf, 0, buf.length, new BodyCollector())).to.equal(ParseResult.HeadTooLarge)
  })
})
