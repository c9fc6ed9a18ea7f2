import { expect } from 'chai'
import { isHostAndPort } from '../../../core/wire/host-syntax.js'
import { parseHead, scanHead } from '../../../core/wire/head-parser.js'
import { RequestHead } from '../../../core/wire/request-head.js'
import { ParseResult } from '../../../core/wire/parse-result.js'
import { App } from '../../../core/app/app.js'
import { servedText } from '../../helpers/serve-input.js'

const LIMITS = { maxHeaderBytes: 16384, maxHeaderCount: 100, maxTargetBytes: 8192 }

function parse(text: string): { result: number; head: RequestHead } {
  const buf = Buffer.from(text, 'latin1')
  const head = new RequestHead()
  const end = scanHead(buf, 0, buf.length, 0)
  return end < 0 ? { result: end, head } : { result: parseHead(buf, 0, end, LIMITS, head), head }
}

describe('Host (RFC 9112 §3.2, RFC 9110 §7.2, RFC 3986 uri-host [":" port])', () => {
  describe('isHostAndPort()', () => {
    const valid = [
      'a',
      'example.com',
      'EXAMPLE.com:8080',
      'example.com:',
      '127.0.0.1',
      '127.0.0.1:80',
      '[::1]',
      '[::1]:8080',
      'a:65535',
      'a:000080',
      '[2001:db8::7]',
      '[::ffff:192.0.2.1]:443',
      '[v1.fe80::a+en1]',
      'xn--bcher-kva.example',
      'a-b_c~d',
      "sub!$&'()*+,;=delims",
      'caf%C3%A9.example',
      '%41',
    ]
    for (const text of valid) {
      it(`accepts ${JSON.stringify(text)}`, () => {
        expect(isHostAndPort(text, 0, text.length)).to.equal(true)
      })
    }
    const invalid = [
      '',
      ':80',
      'user:pw@evil.example',
      'user@evil.example',
      'a b/c?d#e',
      'evil.example/x',
      'evil.example?',
      'evil.example#f',
      'a:b',
      'a:80:80',
      'a:65536',
      'a:99999',
      '[::1]:99999',
      'a:1000000000000000000000',
      'a:8 0',
      '[::1',
      '[]',
      '[::1]x',
      '[::1]:a',
      '[::g]',
      'a%',
      'a%4',
      'a%4g',
      'a\\b',
      'a"b',
      'a<b',
      '\xe9',
      'a\tb',
    ]
    for (const text of invalid) {
      it(`refuses ${JSON.stringify(text)}`, () => {
        expect(isHostAndPort(text, 0, text.length)).to.equal(false)
      })
    }
  })

  describe('the head parser', () => {
    it('exposes the Host of an origin-form request as the host it is for', () => {
      const { result, head } = parse('GET / HTTP/1.1\r\nHost: Example.com:8080\r\n\r\n')
      expect(result).to.equal(ParseResult.Ok)
      expect(head.authority).to.equal('Example.com:8080')
    })

    it("takes an absolute-form target's authority over Host (RFC 9112 §3.2.2)", () => {
      expect(parse('GET http://a.example:81/p?q HTTP/1.1\r\nHost: b.example\r\n\r\n').head.authority).to.equal(
        'a.example:81',
      )
      expect(parse('GET http://a.example?q HTTP/1.1\r\nHost: b.example\r\n\r\n').head.authority).to.equal('a.example')
      expect(parse('GET http://[::1]:8/ HTTP/1.1\r\nHost: b\r\n\r\n').head.authority).to.equal('[::1]:8')
    })

    it('takes the authority-form target of CONNECT as the host', () => {
      const { result, head } = parse('CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n')
      expect(result).to.equal(ParseResult.Ok)
      expect(head.authority).to.equal('a.example:443')
    })

    it('reads a CONNECT target as authority-form only: a leading `*` is part of a host', () => {
      const { result, head } = parse('CONNECT *a.example:80 HTTP/1.1\r\nHost: a.example:80\r\n\r\n')
      expect(result).to.equal(ParseResult.Ok)
      expect(head.authority).to.equal('*a.example:80')
      expect(parse('CONNECT /x HTTP/1.1\r\nHost: a\r\n\r\n').result).to.equal(ParseResult.Malformed)
      expect(parse('CONNECT * HTTP/1.1\r\nHost: a\r\n\r\n').result).to.equal(ParseResult.Malformed)
    })

    it('accepts an empty Host for an origin-form target, naming no host', () => {
      const { result, head } = parse('GET / HTTP/1.1\r\nHost: \r\n\r\n')
      expect(result).to.equal(ParseResult.Ok)
      expect(head.authority).to.equal('')
      expect(parse('GET / HTTP/1.0\r\n\r\n').head.authority).to.equal('')
    })

    const refused: [string, string][] = [
      ['userinfo in Host', 'GET / HTTP/1.1\r\nHost: user:pw@evil.example\r\n\r\n'],
      ['a path, a query and a fragment in Host', 'GET / HTTP/1.1\r\nHost: a b/c?d#e\r\n\r\n'],
      ['a Host of a port alone', 'GET / HTTP/1.1\r\nHost: :80\r\n\r\n'],
      ['an invalid Host in HTTP/1.0', 'GET / HTTP/1.0\r\nHost: a/b\r\n\r\n'],
      ['a missing Host in HTTP/1.1', 'GET / HTTP/1.1\r\n\r\n'],
      ['two Host fields, even equal ones', 'GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n'],
      ['an empty Host with an absolute-form target', 'GET http://a.example/ HTTP/1.1\r\nHost: \r\n\r\n'],
      ['an empty Host with an authority-form target', 'CONNECT a.example:443 HTTP/1.1\r\nHost: \r\n\r\n'],
      ['an invalid Host beside an absolute-form target', 'GET http://a.example/ HTTP/1.1\r\nHost: u@b\r\n\r\n'],
      [
        'userinfo in an absolute-form target (RFC 9110 §4.2.4)',
        'GET http://user@a.example/ HTTP/1.1\r\nHost: a.example\r\n\r\n',
      ],
      ['an absolute-form target with no host', 'GET http:///p HTTP/1.1\r\nHost: a\r\n\r\n'],
      ['an authority-form target with no port', 'CONNECT a.example HTTP/1.1\r\nHost: a.example\r\n\r\n'],
      ['an authority-form target with an empty port', 'CONNECT a.example: HTTP/1.1\r\nHost: a.example\r\n\r\n'],
      ['an authority-form target with userinfo', 'CONNECT u@a.example:443 HTTP/1.1\r\nHost: a.example\r\n\r\n'],
      ['an IP-literal authority-form target with no port', 'CONNECT [::1] HTTP/1.1\r\nHost: a\r\n\r\n'],
    ]
    for (const [what, text] of refused) {
      it(`refuses ${what}`, () => {
        expect(parse(text).result).to.equal(ParseResult.Malformed)
      })
    }
  })

  describe('req.host', () => {
    const app = new App({ waf: { mode: 'off' } }).all('/*', (req, res) => res.text(`[${req.host}]`))
    const cases: [string, string, string][] = [
      ['the Host of an origin-form request', 'GET /x HTTP/1.1\r\nHost: example.com:8080\r\n\r\n', '[example.com:8080]'],
      [
        "an absolute-form target's authority, not Host",
        'GET http://a.example/x HTTP/1.1\r\nHost: evil.example\r\n\r\n',
        '[a.example]',
      ],
      ['nothing for HTTP/1.0 without Host', 'GET /x HTTP/1.0\r\n\r\n', '[]'],
    ]
    for (const [what, input, expected] of cases) {
      it(`is ${what}`, async () => {
        const text = await servedText(app, input)
        expect(text.slice(text.indexOf('\r\n\r\n') + 4)).to.equal(expected)
      })
    }

    it('is never reached with an invalid Host: the answer is 400', async () => {
      const text = await servedText(app, 'GET /x HTTP/1.1\r\nHost: user:pw@evil.example\r\n\r\n')
      expect(text).to.match(/^HTTP\/1\.1 400 Bad Request\r\n/)
    })
  })
})
