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
    ['a built-in left open', 'nullif (', true],
    ['a built-in on literals alone', 'char(104,105)', true],
    ['a spreadsheet formula', 'sum(4, 5)', false],
    ['a word with a parenthesis in prose', 'count (on me) twice', false],
    ['a conditional left open on a comparison', 'iif(9>', true],
    ['xor opening a value', 'xor 7<', true],
    ['a conjunction and a bare number opening a value', 'or 41', true],
    ['a conjunction in prose', 'or 41 more', false],
    ['an injected IN list', 'in (3,4,5)', true],
    ['a stacked statement after a leading semicolon', '; update accounts set role=1', true],
    ['an alias before FROM', '7 as "amount" from ledger', true],
    ['an alias after a parenthesis', ') as n from', true],
    ['"as" and "from" in prose', 'such as gifts from home', false],
    ['CASE WHEN THEN opening a value', 'case when 3>2 then 1 end', true],
    ['WHEN THEN after a parenthesis', ') when 77 then', true],
    ['when and then in prose', 'call (me) when ready, then go', false],
    ['HAVING on a call', 'having max(price) > 10', true],
    ['a sub-select as an argument', 'cast(7 as int),(select name from t)', true],
    ['a 0x literal spelling text', '0x73656c656374', true],
    ['a 0x colour', '0xff00ff', false],
    ['a quote opening a statement keyword', "'drop b", true],
    ['a quoted keyword that closes', '"Select all" is the button', false],
    ['an escaped quote before a conjunction', "\\'and'2", true],
    ['an SQL-only built-in called inside prose', 'name then group_concat (x) later', true],
    ['an SQL-only built-in called through a comment', 'json_build_object/**/(1)', true],
    ['a generic name called in prose', 'sleep(8 hours) helps', false],
    ['an empty inline comment as whitespace', 'union/**/all', true],
    ['a comment without spaces', '/*x*/', true],
    ['a comment written for a reader', 'a /* note */ b', false],
    ['the first quote ending the statement', 'bob@example.org" ;', true],
    ['a semicolon later in quoted prose', 'say "hi"; then go', false],
    ['MySQL scientific notation glued to a call', '3.e(version())', true],
    ['a version number', 'version 1.e', false],
    ['COPY TO PROGRAM', "copy t to program 'nc h 1'", true],
    ['IS NOT NULL after a break-out', "x' is not null#", true],
    ['a number matched as text', "5 rlike '5'", true],
    ['a compared call of an unknown function after a conjunction', "1 or json_length('[1]')>0", true],
    ['MySQL DIV called as a function on literals', 'div(7,2)', true],
    ['a literal equal to itself inside a list', 'x,8=8', true],
    ['a name matched against itself', 'q rlike q', true],
    ['a whole value that states an equality', '2=2', false],
    ['an increment in code', 'n = n + 1', false],
    ['a base64 data URL', 'data:text/plain;base64,QUJD=', false],
    ['an alias after a closing backtick', '` as `n` from', true],
    [
      'a quoted 32-letter name matched against itself with RLIKE after prose',
      `${'prose '.repeat(20)}'${'n'.repeat(32)}'    rlike '${'n'.repeat(32)}'`,
      true,
    ],
    ['a name matched against itself after a LIKE that is not', 'feels like home, x like x', true],
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
