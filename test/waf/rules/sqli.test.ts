import { expect } from 'chai'
import { detectSqli } from '../../../waf/rules/sqli.js'
import { Waf } from '../../../waf/waf.js'
import { head } from '../corpus/request-builder.js'

describe('detectSqli by dialect and position', () => {
  const cases: readonly [string, string, boolean][] = [
    ['a MongoDB operator as a JSON key', '$type', true],
    ['a MongoDB operator in a bracketed name', 'age[$size]', true],
    ['a dollar word that is no operator', '$sizeable', false],
    ['a catalog name sent alone', 'pg_catalog', true],
    ['a PostgreSQL cast of a literal', "x'::int8 + 1", true],
    ['a PostgreSQL cast of a call', 'md5(x)::text', true],
    ['a C++ scope', 'std::vector<int>', false],
    ['a JSON containment operator between literals', '\'{"k":1}\' @> \'{"k":1}\'', true],
    ['a JSON path extraction', "'[4,5]' ->> 1", true],
    ['an oracle function left open', 'version(', true],
    ['a conditional on a comparison', 'if(7=7,sleep(1),0)', true],
    ['a conditional in code', 'if (a < b) { x() }', false],
    ['a spliced condition', ') rlike (', true],
    ['a select list opening with a function', 'select substr(', true],
    ['a select of a function in prose', 'select concat(s) is handy to know', false],
    ['a statement opening the value', 'truncate table audit_log', true],
    ['an ordering in prose', 'order by name', false],
    ['a dynamic statement', 'execute immediate :q', true],
    ['literals compared', "'p'<>'q", true],
    ['an apostrophe in prose', "it's 'fine' = ok", false],
  ]
  for (const [label, value, attack] of cases) {
    it(`${attack ? 'flags' : 'passes'} ${label}: ${JSON.stringify(value)}`, () => {
      expect(detectSqli(value)).to.equal(attack)
    })
  }

  it('reads each path segment as a value of its own', () => {
    const waf = new Waf({ mode: 'strict' })
    expect(waf.checkHead(head('GET', "/items/1%20or%20'a'%3D'a'/view"))?.ruleId).to.equal('sqli')
    expect(waf.checkHead(head('GET', '/docs/select/from/where'))).to.equal(null)
  })
})
