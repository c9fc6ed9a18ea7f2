import { expect } from 'chai'
import { MemoryTransport } from '../../../transports/memory-transport.js'
import { testApp } from '../../helpers/test-app.js'
import { serveInput, servedText } from '../../helpers/serve-input.js'
import { maskDates } from '../../helpers/mask-dates.js'
import { errorResponse, jsonResponse, response, textResponse } from '../../helpers/expected-response.js'

// The WAF is off here: these specifications are about framing, which the Session decides alone.
const app = testApp({ waf: { mode: 'off' } })
const MALFORMED = errorResponse('400 Bad Request', 'Malformed HTTP request')
const NEXT = 'GET /hello HTTP/1.1\r\nHost: a\r\n\r\n'
const METHOD_NOT_ALLOWED = response(
  '405 Method Not Allowed',
  ['Allow: GET, HEAD, OPTIONS', 'Content-Type: application/json; charset=utf-8', 'Content-Length: 32'],
  '{"message":"Method Not Allowed"}',
)

describe('Session: request framing (RFC 9112)', () => {
  describe('request line', () => {
    const accepted: [string, string, string][] = [
      ['an origin-form target', 'GET /hello HTTP/1.1\r\nHost: a\r\n\r\n', textResponse('hello')],
      [
        'an absolute-form target, routed by its path',
        'GET http://a.example/hello HTTP/1.1\r\nHost: a.example\r\n\r\n',
        textResponse('hello'),
      ],
      ['an origin-form target with a query', 'GET /hello?x=1 HTTP/1.1\r\nHost: a\r\n\r\n', textResponse('hello')],
      ['an extension method token', 'PURGE /hello HTTP/1.1\r\nHost: a\r\n\r\n', METHOD_NOT_ALLOWED],
      [
        'the asterisk-form target of OPTIONS, about the server as a whole (RFC 9110 §9.3.7)',
        'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n',
        response('204 No Content', [], ''),
      ],
      [
        'the authority-form target of CONNECT, refused with 501 and a close: no tunnel is served, and nothing behind it is read as a request',
        'CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n' + NEXT,
        jsonResponse('501 Not Implemented', { message: 'CONNECT is not implemented' }, 'Connection: close'),
      ],
      [
        'HTTP/1.0 without Host, closing after',
        'GET /hello HTTP/1.0\r\n\r\n',
        textResponse('hello', 'Connection: close'),
      ],
    ]
    for (const [what, input, expected] of accepted) {
      it(`accepts ${what}`, async () => {
        expect(await servedText(app, input)).to.equal(expected)
      })
    }

    const versions: [string, string][] = [
      ['HTTP/2.0', 'GET /hello HTTP/2.0\r\nHost: a\r\n\r\n'],
      ['HTTP/1.2', 'GET /hello HTTP/1.2\r\nHost: a\r\n\r\n'],
      ['HTTP/0.9', 'GET /hello HTTP/0.9\r\nHost: a\r\n\r\n'],
    ]
    for (const [version, input] of versions) {
      it(`answers 505 and closes for ${version}`, async () => {
        expect(await servedText(app, input + NEXT)).to.equal(
          errorResponse('505 HTTP Version Not Supported', 'HTTP version not supported'),
        )
      })
    }
  })

  describe('malformed input: 400 {"message":"Malformed HTTP request"}, then close', () => {
    const malformed: [string, string | Buffer][] = [
      ['a method that is not a token', 'G(T /hello HTTP/1.1\r\nHost: a\r\n\r\n'],
      ['two spaces after the method', 'GET  /hello HTTP/1.1\r\nHost: a\r\n\r\n'],
      ['a lower-case version', 'GET /hello http/1.1\r\nHost: a\r\n\r\n'],
      ['a missing version', 'GET /hello\r\nHost: a\r\n\r\n'],
      [
        'a target that is neither origin-, absolute-, asterisk- nor authority-form',
        'GET hello HTTP/1.1\r\nHost: a\r\n\r\n',
      ],
      ['the asterisk-form with GET', 'GET * HTTP/1.1\r\nHost: a\r\n\r\n'],
      ['a field name that is not a token', 'GET /hello HTTP/1.1\r\nHost: a\r\nX@Y: 1\r\n\r\n'],
      ['whitespace before the colon', 'GET /hello HTTP/1.1\r\nHost : a\r\n\r\n'],
      ['an obs-fold continuation line', 'GET /hello HTTP/1.1\r\nHost: a\r\nX-A: b\r\n  c\r\n\r\n'],
      ['a bare LF ending the request line', 'GET /hello HTTP/1.1\nHost: a\r\n\r\n'],
      ['a bare LF ending a field line', 'GET /hello HTTP/1.1\r\nHost: a\nX-A: b\r\n\r\n'],
      ['a bare CR inside a field value', 'GET /hello HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n'],
      ['a NUL inside a field value', Buffer.from('GET /hello HTTP/1.1\r\nHost: a\r\nX-A: b\0c\r\n\r\n', 'latin1')],
      [
        'a control byte (0x01) inside a field value',
        Buffer.from('GET /hello HTTP/1.1\r\nHost: a\r\nX-A: b\x01c\r\n\r\n', 'latin1'),
      ],
      ['DEL inside a field value', Buffer.from('GET /hello HTTP/1.1\r\nHost: a\r\nX-A: b\x7fc\r\n\r\n', 'latin1')],
      ['HTTP/1.1 without Host', 'GET /hello HTTP/1.1\r\nX-A: b\r\n\r\n'],
      ['HTTP/1.1 with two Host fields', 'GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'],
      ['HTTP/1.0 with two Host fields', 'GET /hello HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n'],
      ['a Host with userinfo', 'GET /hello HTTP/1.1\r\nHost: user:pw@evil.example\r\n\r\n'],
      ['a Host with a space, a path, a query and a fragment', 'GET /hello HTTP/1.1\r\nHost: a b/c?d#e\r\n\r\n'],
      ['an empty Host with an absolute-form target', 'GET http://a.example/hello HTTP/1.1\r\nHost: \r\n\r\n'],
      ['a Content-Length with a sign', 'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: +2\r\n\r\nhi'],
      ['a negative Content-Length', 'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\nhi'],
      ['a hexadecimal Content-Length', 'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 0x2\r\n\r\nhi'],
      ['a Content-Length with trailing letters', 'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2a\r\n\r\nhi'],
      ['an empty Content-Length', 'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\nhi'],
      [
        'a Content-Length past 2^53 - 1',
        'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 9007199254740992\r\n\r\nhi',
      ],
      [
        'differing duplicate Content-Length fields',
        'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi!',
      ],
      [
        'both Content-Length and Transfer-Encoding (CL.TE)',
        'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      ],
      [
        'both Transfer-Encoding and Content-Length (TE.CL)',
        'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n',
      ],
      [
        'Transfer-Encoding with chunked not last',
        'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n',
      ],
      [
        'Transfer-Encoding with chunked twice',
        'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n',
      ],
      ['Transfer-Encoding in HTTP/1.0', 'POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
      [
        'a chunk size that is not hexadecimal',
        'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhi\r\n0\r\n\r\n',
      ],
      [
        'a chunk not followed by CRLF',
        'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhiX\r\n0\r\n\r\n',
      ],
      [
        'a chunk-size line with a bare LF',
        'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\nhi\r\n0\r\n\r\n',
      ],
      [
        'chunk extensions over 16 KiB in one body',
        `POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2;x=${'y'.repeat(9000)}\r\nhi\r\n2;x=${'y'.repeat(9000)}\r\nhi\r\n0\r\n\r\n`,
      ],
      [
        'a chunk size followed by a word (`1 x`)',
        'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1 x\r\nh\r\n0\r\n\r\n',
      ],
      [
        'whitespace after a chunk size with no extension',
        'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1 \r\nh\r\n0\r\n\r\n',
      ],
      [
        'a `;` with no chunk extension name',
        'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;\r\nh\r\n0\r\n\r\n',
      ],
      [
        'an unbalanced quoted chunk extension value',
        'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;a="b\r\nh\r\n0\r\n\r\n',
      ],
      [
        'a second Content-Type field',
        'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\nhi',
      ],
    ]
    for (const [what, input] of malformed) {
      it(`refuses ${what}, answering nothing after it`, async () => {
        const t = await serveInput(app, { input: [input, NEXT] })
        expect(maskDates(t.outputText('latin1'))).to.equal(MALFORMED)
        expect(t.isOpen).to.equal(false)
      })
    }

    it('answers 501 and closes for a transfer coding other than chunked', async () => {
      const input = 'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n'
      expect(await servedText(app, input + NEXT)).to.equal(
        errorResponse('501 Not Implemented', 'Transfer coding not implemented'),
      )
    })
  })

  describe('bodies', () => {
    it('reads a Content-Length body', async () => {
      expect(await servedText(app, 'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello')).to.equal(
        textResponse('hello'),
      )
    })

    const leniencies: [string, string][] = [
      [
        'leading zeros in a Content-Length',
        `POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: ${'0'.repeat(30)}2\r\n\r\nhi`,
      ],
      [
        'leading zeros in a chunk size',
        `POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n${'0'.repeat(30)}2\r\nhi\r\n000\r\n\r\n`,
      ],
      [
        'an empty element before chunked (RFC 9110 §5.6.1.2)',
        'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ,chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n',
      ],
      [
        'BWS before a chunk extension',
        'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2 ; a = "b" \t;c\r\nhi\r\n0\r\n\r\n',
      ],
    ]
    for (const [what, input] of leniencies) {
      it(`accepts ${what}`, async () => {
        expect(await servedText(app, input + NEXT)).to.equal(textResponse('hi') + textResponse('hello'))
      })
    }

    it('answers an unbalanced quote in a chunk extension at once, with the connection still open', async () => {
      const t = new MemoryTransport({
        input: ['POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;a="b\r\n'],
        endAfterInput: false,
      })
      const served = app.serve(t)
      await t.waitForOutput((out) => out.includes('}'))
      expect(maskDates(t.outputText('latin1'))).to.equal(MALFORMED)
      await served
    })

    it('accepts identical duplicate Content-Length fields', async () => {
      const input = 'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello'
      expect(await servedText(app, input)).to.equal(textResponse('hello'))
    })

    it('reads a chunked body with chunk extensions and a trailer section', async () => {
      const input =
        'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n' +
        '5;name=value\r\nhello\r\n6;a;b="q"\r\n world\r\n0\r\nX-Checksum: 1\r\nX-Other: 2\r\n\r\n'
      expect(await servedText(app, input)).to.equal(textResponse('hello world'))
    })

    it('accepts upper-case hexadecimal chunk sizes and a case-insensitive coding name', async () => {
      const input = `POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\nA\r\n${'0123456789'}\r\n0\r\n\r\n`
      expect(await servedText(app, input)).to.equal(textResponse('0123456789'))
    })

    it('yields the same response at every split point of a chunked request (two chunks)', async () => {
      const request = Buffer.from(
        'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n4\r\ndefg\r\n0\r\nX-T: 1\r\n\r\n' +
          NEXT,
        'latin1',
      )
      const expected = textResponse('abcdefg') + textResponse('hello')
      for (let split = 1; split < request.length; split++) {
        const text = await servedText(app, { input: [request.subarray(0, split), request.subarray(split)] })
        expect(text, `split at ${split}`).to.equal(expected)
      }
    })
  })

  describe('Expect (RFC 9110 §10.1.1)', () => {
    it('answers 100 Continue before the body is read, then the response', async () => {
      const t = new MemoryTransport({
        input: ['POST /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n'],
        endAfterInput: false,
      })
      const served = app.serve(t)
      await t.waitForOutput((out) => out.includes('\r\n\r\n'))
      expect(t.outputText('latin1')).to.equal('HTTP/1.1 100 Continue\r\n\r\n')
      t.push('hello')
      t.end()
      await served
      expect(maskDates(t.outputText('latin1'))).to.equal(`HTTP/1.1 100 Continue\r\n\r\n${textResponse('hello')}`)
    })

    it('sends no 100 Continue to HTTP/1.0, which must ignore the expectation, and reads the body as it comes', async () => {
      const t = new MemoryTransport({
        input: ['POST /echo HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n'],
        endAfterInput: false,
      })
      const served = app.serve(t)
      t.push('hello')
      t.end()
      await served
      expect(maskDates(t.outputText('latin1'))).to.equal(textResponse('hello', 'Connection: close'))
    })

    it('sends no 100 Continue when the body arrived with the head', async () => {
      const input = 'POST /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello'
      expect(await servedText(app, input)).to.equal(textResponse('hello'))
    })

    it('answers a refused request without inviting its body, and closes', async () => {
      const t = new MemoryTransport({
        input: ['POST /missing HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n'],
        endAfterInput: false,
      })
      await app.serve(t)
      expect(maskDates(t.outputText('latin1'))).to.equal(
        jsonResponse('404 Not Found', { message: 'Not Found' }, 'Connection: close'),
      )
      expect(t.isOpen).to.equal(false)
    })

    it('answers 417 and closes for any other expectation', async () => {
      const input = 'POST /echo HTTP/1.1\r\nHost: a\r\nExpect: something-else\r\nContent-Length: 5\r\n\r\nhello'
      expect(await servedText(app, input + NEXT)).to.equal(
        errorResponse('417 Expectation Failed', 'Expectation failed'),
      )
    })
  })
})
