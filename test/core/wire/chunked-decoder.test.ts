import { expect } from 'chai'
import { ChunkedDecoder } from '../../../core/wire/chunked-decoder.js'
import { ParseResult } from '../../../core/wire/parse-result.js'

function decodeAll(text: string, maxBody = 1024, splitEvery = 0): { result: number; body: string; decoder: ChunkedDecoder } {
  const decoder = new ChunkedDecoder(maxBody, 1024)
  const parts: Buffer[] = []
  const bytes = Buffer.from(text, 'latin1')
  const step = splitEvery > 0 ? splitEvery : bytes.length
  let result = 0
  for (let start = 0; start < bytes.length && !decoder.done; start += step) {
    const piece = bytes.subarray(start, Math.min(bytes.length, start + step))
    result = decoder.decode(piece, 0, piece.length, parts)
    if (result < 0) break
  }
  return { result, body: Buffer.concat(parts).toString('latin1'), decoder }
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
    const next = decoder.decode(buf, 0, buf.length, [])
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
    ['more than 16 size digits', `${'0'.repeat(17)}1\r\nx\r\n`],
    ['a control character in an extension', '1;a\x01\r\nx\r\n'],
    ['a trailer without a colon', '0\r\nbad trailer\r\n\r\n'],
    ['a negative-looking size', '-1\r\n'],
  ]
  for (const [what, text] of malformed) {
    it(`refuses ${what}`, () => {
      expect(decodeAll(text).result).to.equal(ParseResult.Malformed)
    })
  }

  it('refuses a size line longer than 4096 bytes', () => {
    expect(decodeAll(`1;${'a'.repeat(5000)}\r\nx\r\n`).result).to.equal(ParseResult.Malformed)
  })

  it('refuses a trailer section over its limit', () => {
    const decoder = new ChunkedDecoder(1024, 8)
    const buf = Buffer.from('0\r\nX-Long: 123456789\r\n\r\n')
    expect(decoder.decode(buf, 0, buf.length, [])).to.equal(ParseResult.HeadTooLarge)
  })
})
