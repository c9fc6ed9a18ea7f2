import { expect } from 'chai'
import { SniTable } from '../../certs/sni-table.js'

describe('SniTable', () => {
  const table = new SniTable('default')
  table.add('api.example.com', 'api')
  table.add('*.example.com', 'wildcard')
  table.add('*.Internal.Test', 'internal')

  const CASES: Array<[string | undefined, string]> = [
    ['api.example.com', 'api'],
    ['API.EXAMPLE.COM', 'api'],
    ['www.example.com', 'wildcard'],
    ['a.b.example.com', 'default'],
    ['example.com', 'default'],
    ['db.internal.test', 'internal'],
    ['other.test', 'default'],
    ['', 'default'],
    [undefined, 'default'],
  ]

  for (const [servername, expected] of CASES) {
    it(`serves ${expected} for server name ${JSON.stringify(servername)}`, () => {
      expect(table.pick(servername)).to.equal(expected)
    })
  }

  it('prefers an exact name over a wildcard added before it', () => {
    const reversed = new SniTable('default')
    reversed.add('*.example.com', 'wildcard')
    reversed.add('api.example.com', 'api')
    expect(reversed.pick('api.example.com')).to.equal('api')
  })
})
