import { expect } from 'chai'
import { detectRfi } from '../../../waf/rules/rfi.js'

describe('detectRfi by host and parameter', () => {
  const cases: readonly [string, string, string, boolean][] = [
    ['a bare IPv6 host', 'https://2001:db8:85a3::8a2e:370:7334/x.txt', 'src', true],
    ['a bracketed IPv6 host', 'http://[fe80::1]/a', 'src', true],
    ['a host with a port', 'https://example.com:8443/a', 'src', false],
    ['an include parameter whose name arrives percent-encoded', 'https://a.example/x', 'path%5Bdocroot%5D', true],
    ['the same URL under an ordinary name', 'https://a.example/x', 'website', false],
  ]
  for (const [label, value, name, attack] of cases) {
    it(`${attack ? 'flags' : 'passes'} ${label}: ${JSON.stringify(value)} as ${name}`, () => {
      expect(detectRfi(value, name)).to.equal(attack)
    })
  }
})
