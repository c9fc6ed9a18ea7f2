import { expect } from 'chai'
import { parseHead, scanHead, skipLeadingEmptyLines } from '../../../core/wire/head-parser.js'
import { RequestHead } from '../../../core/wire/request-head.js'
import { ParseResult } from '../../../core/wire/parse-result.js'

const LIMITS = { maxHeaderBytes: 16384, maxHeaderCount: 100, maxTargetBytes: 8192 }

function parse(text: string, limits = LIMITS): { result: number; head: RequestHead } {
  const buf = Buffer.from(text, 'latin1')
  const head = new RequestHead()
  const end = scanHead(buf, 0, buf.length, 0)
  if (end < 0) return { result: end, head }
  return { result: parseHead(buf, 0, end, limits, head), head }
}

describe('head parser (RFC 9112)', () => {
  describe('scanHead()', () => {
    it('finds the end of the header block just past CRLF CRLF', () => {
      const buf = Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\nNEXT')
      expect(scanHead(buf, 0, buf.length, 0)).to.equal(buf.length - 4)
    })

    it('reports Incomplete until the terminator arrives, resuming where it stopped', () => {
      const text = 'GET / HTTP/1.1\r\nHost: a\r\n\r\n'
      const buf = Buffer.from(text)
      let from = 0
      for (let end = 1; end < buf.length; end++) {
        expect(scanHead(buf, from, end, 0)).to.equal(ParseResult.Incomplete)
        from = end
      }
      expect(scanHead(buf, from, buf.length, 0)).to.equal(buf.length)
    })

    it('refuses a bare LF line terminator once the head is parsed', () => {
      expect(parse('GET / HTTP/1.1\nHost: a\r\n\r\n').result).to.equal(ParseResult.Malformed)
      expect(parse('GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n').result).to.equal(ParseResult.Malformed)
      expect(parse('GET / HTTP/1.1\r\nHost: a\r\n\n\r\n\r\n').result).to.equal(ParseResult.Malformed)
    })

    it('refuses a bare LF at once while the head is incomplete', () => {
      const buf = Buffer.from('GET / HTTP/1.1\nHost: a')
      expect(scanHead(buf, 0, buf.length, 0)).to.equal(ParseResult.Malformed)
    })

    it('refuses a bare LF in bytes that arrived after an incomplete scan', () => {
      const buf = Buffer.from('GET / HTTP/1.1\r\nHost: a\nX')
      expect(scanHead(buf, 0, 18, 0)).to.equal(ParseResult.Incomplete)
      expect(scanHead(buf, 18, buf.length, 0)).to.equal(ParseResult.Malformed)
    })

    it('finds a terminator that began in bytes already scanned', () => {
      const buf = Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n')
      for (let split = buf.length - 4; split < buf.length; split++) {
        expect(scanHead(buf, 0, split, 0)).to.equal(ParseResult.Incomplete)
        expect(scanHead(buf, split, buf.length, 0)).to.equal(buf.length)
      }
    })

    it("ignores a terminator past the received bytes (a grown buffer's unused tail)", () => {
      const buf = Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n')
      expect(scanHead(buf, 0, buf.length - 1, 0)).to.equal(ParseResult.Incomplete)
      expect(scanHead(buf, 0, buf.length - 3, 0)).to.equal(ParseResult.Incomplete)
    })

    it('refuses a bare CR while the head is incomplete, as soon as the byte after it arrives', () => {
      const buf = Buffer.from('GET / HTTP/1.1\r\nHost: a\rX-A: 1\r\n')
      expect(scanHead(buf, 0, 24, 0)).to.equal(ParseResult.Incomplete)
      expect(scanHead(buf, 24, 25, 0)).to.equal(ParseResult.Malformed)
      expect(scanHead(Buffer.from('GET / HTTP/1.1\r\n\r\r'), 0, 19, 0)).to.equal(ParseResult.Malformed)
    })

    it('skips empty lines before a request line', () => {
      const buf = Buffer.from('\r\n\r\nGET')
      expect(skipLeadingEmptyLines(buf, 0, buf.length)).to.equal(4)
    })
  })

  describe('parseHead()', () => {
    it('parses the request line, fields in order, and the framing facts', () => {
      const { result, head } = parse(
        'POST /a/b?x=1&y=2 HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\nX-Tab:\tv  \r\n\r\n',
      )
      expect(result).to.equal(ParseResult.Ok)
      expect(head.method).to.equal('POST')
      expect(head.target).to.equal('/a/b?x=1&y=2')
      expect(head.path).to.equal('/a/b')
      expect(head.query).to.equal('x=1&y=2')
      expect(head.versionMinor).to.equal(1)
      expect(head.headers).to.deep.equal(['Host', 'example.com', 'Content-Length', '5', 'X-Tab', 'v'])
      expect(head.contentLength).to.equal(5)
      expect(head.keepAlive).to.equal(true)
    })

    it('accepts the absolute form and takes the path from it', () => {
      const { result, head } = parse('GET http://example.com/p?q HTTP/1.1\r\nHost: example.com\r\n\r\n')
      expect(result).to.equal(ParseResult.Ok)
      expect(head.path).to.equal('/p')
      expect(head.query).to.equal('q')
    })

    it('accepts the asterisk form only for OPTIONS', () => {
      expect(parse('OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n').result).to.equal(ParseResult.Ok)
      expect(parse('GET * HTTP/1.1\r\nHost: a\r\n\r\n').result).to.equal(ParseResult.Malformed)
    })

    it('accepts the authority form only for CONNECT', () => {
      expect(parse('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n').result).to.equal(ParseResult.Ok)
      expect(parse('GET example.com:443 HTTP/1.1\r\nHost: a\r\n\r\n').result).to.equal(ParseResult.Malformed)
    })

    it('keeps HTTP/1.0 open only when asked with Connection: keep-alive', () => {
      expect(parse('GET / HTTP/1.0\r\n\r\n').head.keepAlive).to.equal(false)
      expect(parse('GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n').head.keepAlive).to.equal(true)
      expect(parse('GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n').head.keepAlive).to.equal(false)
    })

    it('reads Connection tokens in any case, alone or in a list', () => {
      const facts = (value: string, version = '1.1'): [boolean, boolean] => {
        const { result, head } = parse(`GET / HTTP/${version}\r\nHost: a\r\nConnection: ${value}\r\n\r\n`)
        expect(result).to.equal(ParseResult.Ok)
        return [head.keepAlive, head.upgrade]
      }
      expect(facts('KEEP-ALIVE', '1.0')).to.deep.equal([true, false])
      expect(facts('keep-alive', '1.0')).to.deep.equal([true, false])
      expect(facts('CLOSE')).to.deep.equal([false, false])
      expect(facts('clos')).to.deep.equal([true, false])
      expect(facts('keep-alivex', '1.0')).to.deep.equal([false, false])
      expect(facts('close, keep-alive', '1.0')).to.deep.equal([false, false])
      expect(facts(' keep-alive , Upgrade', '1.0')).to.deep.equal([true, false])
    })

    it('recognises chunked framing, Expect: 100-continue and upgrades', () => {
      const { head } = parse('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n')
      expect(head.chunked).to.equal(true)
      expect(head.expectContinue).to.equal(true)
      const upgrade = parse('GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n').head
      expect(upgrade.upgrade).to.equal(true)
    })

    it('tells whether the target holds a %, . or \\ and whether any field value holds a %', () => {
      const facts = (text: string): [boolean, boolean] => {
        const { result, head } = parse(text)
        expect(result).to.equal(ParseResult.Ok)
        return [head.targetIsPlain, head.valuesArePlain]
      }
      expect(facts('GET /a/b?x=1&y=2 HTTP/1.1\r\nHost: example.com:80\r\nAccept: */*\r\n\r\n')).to.deep.equal([
        true,
        true,
      ])
      expect(facts('GET /a%2fb HTTP/1.1\r\nHost: a\r\n\r\n')).to.deep.equal([false, true])
      expect(facts('GET /a/../b HTTP/1.1\r\nHost: a\r\n\r\n')).to.deep.equal([false, true])
      expect(facts('GET /a\\b HTTP/1.1\r\nHost: a\r\n\r\n')).to.deep.equal([false, true])
      expect(facts('GET /?next=%2e%2e HTTP/1.1\r\nHost: a\r\n\r\n')).to.deep.equal([false, true])
      expect(facts('GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\nX-B: 50%\r\n\r\n')).to.deep.equal([true, false])
      expect(facts('GET / HTTP/1.0\r\n\r\n')).to.deep.equal([true, true])
    })

    it('splits the query at the first ?, also when a later one follows', () => {
      const { head } = parse('GET /p?a=1?b=2 HTTP/1.1\r\nHost: a\r\n\r\n')
      expect([head.path, head.query]).to.deep.equal(['/p', 'a=1?b=2'])
      expect(parse('GET /p? HTTP/1.1\r\nHost: a\r\n\r\n').head.query).to.equal('')
      expect(parse('GET http://a.example/p?q HTTP/1.1\r\nHost: a\r\n\r\n').head.path).to.equal('/p')
    })

    it('bounds a Content-Length by its value, not its digits: leading zeros pass', () => {
      const { result, head } = parse(`POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${'0'.repeat(40)}5\r\n\r\n`)
      expect(result).to.equal(ParseResult.Ok)
      expect(head.contentLength).to.equal(5)
      expect(
        parse('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9007199254740991\r\n\r\n').head.contentLength,
      ).to.equal(Number.MAX_SAFE_INTEGER)
    })

    it('skips empty elements of the Transfer-Encoding list (RFC 9110 §5.6.1.2)', () => {
      for (const value of [',chunked', ', chunked', 'chunked,', ' , ,chunked , ']) {
        const { result, head } = parse(`POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ${value}\r\n\r\n`)
        expect(result, value).to.equal(ParseResult.Ok)
        expect(head.chunked).to.equal(true)
      }
      expect(parse('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ,gzip,,chunked\r\n\r\n').result).to.equal(
        ParseResult.NotImplemented,
      )
    })

    it('strips only SP and HTAB around list elements: NBSP is part of a coding or a token', () => {
      expect(parse('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \xa0chunked\r\n\r\n').result).to.equal(
        ParseResult.Malformed,
      )
      expect(parse('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip,chunked\xa0\r\n\r\n').result).to.equal(
        ParseResult.Malformed,
      )
      expect(parse('GET / HTTP/1.1\r\nHost: a\r\nConnection: x, close\xa0\r\n\r\n').head.keepAlive).to.equal(true)
      expect(parse('GET / HTTP/1.1\r\nHost: a\r\nConnection: x,\t close \r\n\r\n').head.keepAlive).to.equal(false)
    })

    it('answers identical duplicate Content-Length values as one', () => {
      const { result, head } = parse('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n')
      expect(result).to.equal(ParseResult.Ok)
      expect(head.contentLength).to.equal(3)
    })

    const refused: [string, string, number][] = [
      ['a lower-case version', 'GET / http/1.1\r\nHost: a\r\n\r\n', ParseResult.Malformed],
      ['HTTP/2.0', 'GET / HTTP/2.0\r\nHost: a\r\n\r\n', ParseResult.VersionNotSupported],
      ['HTTP/1.2', 'GET / HTTP/1.2\r\nHost: a\r\n\r\n', ParseResult.VersionNotSupported],
      ['a missing Host in HTTP/1.1', 'GET / HTTP/1.1\r\nX: y\r\n\r\n', ParseResult.Malformed],
      ['two Host fields', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', ParseResult.Malformed],
      ['a space before the colon', 'GET / HTTP/1.1\r\nHost : a\r\n\r\n', ParseResult.Malformed],
      ['obs-fold', 'GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n z\r\n\r\n', ParseResult.Malformed],
      ['a NUL in a value', 'GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n', ParseResult.Malformed],
      ['a bare CR in a value', 'GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n', ParseResult.Malformed],
      ['an invalid name character', 'GET / HTTP/1.1\r\nHost: a\r\nX(y): z\r\n\r\n', ParseResult.Malformed],
      ['an empty name', 'GET / HTTP/1.1\r\nHost: a\r\n: z\r\n\r\n', ParseResult.Malformed],
      [
        'differing Content-Length values',
        'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n',
        ParseResult.Malformed,
      ],
      ['a signed Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\n', ParseResult.Malformed],
      ['a Content-Length list', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\n', ParseResult.Malformed],
      [
        'a Content-Length past 2^53 - 1',
        'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9007199254740992\r\n\r\n',
        ParseResult.Malformed,
      ],
      [
        'a second Content-Type field',
        'POST / HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\ncontent-type: application/json\r\n\r\n',
        ParseResult.Malformed,
      ],
      [
        'a Transfer-Encoding of empty elements only',
        'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: , ,\r\n\r\n',
        ParseResult.Malformed,
      ],
      [
        'both Content-Length and Transfer-Encoding',
        'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
        ParseResult.Malformed,
      ],
      [
        'chunked not last',
        'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n',
        ParseResult.Malformed,
      ],
      [
        'chunked twice',
        'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n',
        ParseResult.Malformed,
      ],
      [
        'an unknown transfer coding',
        'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n',
        ParseResult.NotImplemented,
      ],
      ['Transfer-Encoding in HTTP/1.0', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n', ParseResult.Malformed],
      [
        'an expectation other than 100-continue',
        'GET / HTTP/1.1\r\nHost: a\r\nExpect: magic\r\n\r\n',
        ParseResult.ExpectationFailed,
      ],
      ['a space inside the target', 'GET /a b HTTP/1.1\r\nHost: a\r\n\r\n', ParseResult.Malformed],
      ['a non-ASCII byte in the target', 'GET /\xe9 HTTP/1.1\r\nHost: a\r\n\r\n', ParseResult.Malformed],
      ['a method that is not a token', 'G@T / HTTP/1.1\r\nHost: a\r\n\r\n', ParseResult.Malformed],
      ['a TLS ClientHello', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n', ParseResult.Malformed],
    ]
    for (const [what, text, expected] of refused) {
      it(`refuses ${what}`, () => {
        expect(parse(text).result).to.equal(expected)
      })
    }

    it('answers TargetTooLong when the target exceeds maxTargetBytes', () => {
      const text = `GET /${'a'.repeat(20)} HTTP/1.1\r\nHost: a\r\n\r\n`
      expect(parse(text, { ...LIMITS, maxTargetBytes: 20 }).result).to.equal(ParseResult.TargetTooLong)
      expect(parse(text, { ...LIMITS, maxTargetBytes: 21 }).result).to.equal(ParseResult.Ok)
    })

    it('answers TooManyHeaders past maxHeaderCount', () => {
      const text = 'GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n'
      expect(parse(text, { ...LIMITS, maxHeaderCount: 2 }).result).to.equal(ParseResult.TooManyHeaders)
      expect(parse(text, { ...LIMITS, maxHeaderCount: 3 }).result).to.equal(ParseResult.Ok)
    })

    it('keeps a field named __proto__ as an ordinary field', () => {
      const { result, head } = parse('GET / HTTP/1.1\r\nHost: a\r\n__proto__: x\r\n\r\n')
      expect(result).to.equal(ParseResult.Ok)
      expect(head.header('__proto__')).to.equal('x')
    })
  })
})
