import { expect } from 'chai'
import { matchHostname, type CertificateNames } from '../../certs/match-hostname.js'

const names = (dnsNames: string[], ipAddresses: string[] = [], commonName?: string): CertificateNames => ({
  dnsNames,
  ipAddresses,
  commonName,
})

const CASES: Array<[string, CertificateNames, string, boolean]> = [
  ['an exact DNS name', names(['api.example.com']), 'api.example.com', true],
  ['a name in another case', names(['API.Example.com']), 'api.EXAMPLE.com', true],
  ['a host name with a trailing dot', names(['api.example.com']), 'api.example.com.', true],
  ['a different name', names(['api.example.com']), 'www.example.com', false],
  ['one label under a wildcard', names(['*.example.com']), 'www.example.com', true],
  ['two labels under a wildcard', names(['*.example.com']), 'a.b.example.com', false],
  ['the bare domain of a wildcard', names(['*.example.com']), 'example.com', false],
  ['a wildcard under a top-level domain', names(['*.com']), 'example.com', false],
  ['a wildcard that is not the whole left-most label', names(['w*.example.com']), 'www.example.com', false],
  ['a wildcard in an inner label', names(['api.*.com']), 'api.example.com', false],
  ['an IPv4 address in the SAN', names(['localhost'], ['127.0.0.1']), '127.0.0.1', true],
  ['an IPv4 address only as a DNS name', names(['127.0.0.1']), '127.0.0.1', false],
  ['an IPv6 address spelled differently', names([], ['::1']), '0:0:0:0:0:0:0:1', true],
  ['an IPv6 address that differs', names([], ['::1']), '::2', false],
  ['an IPv4 address against an IPv6 entry', names([], ['::1']), '127.0.0.1', false],
  ['the CN when there is no dNSName', names([], [], 'legacy.example.com'), 'legacy.example.com', true],
  ['the CN when a dNSName exists', names(['api.example.com'], [], 'legacy.example.com'), 'legacy.example.com', false],
]

describe('matchHostname()', () => {
  for (const [what, certNames, hostname, expected] of CASES) {
    it(`${expected ? 'matches' : 'does not match'} ${what} (${hostname})`, () => {
      expect(matchHostname(certNames, hostname)).to.equal(expected)
    })
  }
})
