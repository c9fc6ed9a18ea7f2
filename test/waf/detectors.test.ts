import { expect } from 'chai'
import { detectCmdi } from '../../waf/rules/cmdi.js'
import { TYPES, Tok, tokenize } from '../../waf/rules/sql-tokenizer.js'
import { detectSqli } from '../../waf/rules/sqli.js'
import { detectXss } from '../../waf/rules/xss.js'

describe('SQL tokenizer', () => {
  it('reads a value after a quote as a closed string followed by SQL', () => {
    const n = tokenize("x' or 1=1--", 39, 16)
    expect(TYPES.slice(0, n)).to.deep.equal([Tok.String, Tok.Logic, Tok.Number, Tok.Cmp, Tok.Number, Tok.Comment])
  })

  it('drops inline comments and runs MySQL versioned comments as code', () => {
    const n = tokenize('1 union/**/select /*!50000all*/', 0, 16)
    expect(TYPES.slice(0, n)).to.deep.equal([Tok.Number, Tok.Union, Tok.Keyword, Tok.Keyword])
  })
})

describe('detectSqli', () => {
  const cases: readonly [string, boolean][] = [
    ["o'brien", false],
    ["rock 'n' roll", false],
    ['select the best option from the list', false],
    ['the union of workers will select a leader from among them', false],
    ["it's 5 o'clock; see you -- bye", false],
    ['1 or 2 items', false],
    ["1' or '1'='1", true],
    ['1 union/**/select 1,2', true],
    ["admin'--", true],
    ['1 and sleep(5)', true],
    ["'; drop table users--", true],
    ["') or ('a'='a", true],
    ['user[$ne]', true],
  ]
  for (const [value, attack] of cases) {
    it(`${attack ? 'flags' : 'passes'} ${JSON.stringify(value)}`, () => {
      expect(detectSqli(value)).to.equal(attack)
    })
  }
})

describe('detectXss', () => {
  const cases: readonly [string, boolean][] = [
    ['<b>bold</b> and <i>italic</i>', false],
    ['list<object> items = new arraylist<>();', false],
    ['javascript: the good parts', false],
    ['set alert(s) for new orders', false],
    ['<img src=x onerror=alert(1)>', true],
    ['<a href="jav&#x09;ascript:alert(1)">x</a>', true],
    ['" onmouseover="alert(1)', true],
    ["';alert(1)//", true],
  ]
  for (const [value, attack] of cases) {
    it(`${attack ? 'flags' : 'passes'} ${JSON.stringify(value)}`, () => {
      expect(detectXss(value)).to.equal(attack)
    })
  }
})

describe('detectCmdi', () => {
  const cases: readonly [string, boolean, boolean][] = [
    ['dog; cat; bird', true, false],
    ['ready; set; go!', true, false],
    ['| id | name |', true, false],
    ['git log --oneline | head -5', true, false],
    ['run `npm install` first', true, false],
    ['ls -la shows hidden files', true, false],
    ['sleep 8 hours', true, false],
    [';cat /etc/passwd', true, true],
    ['|id', true, true],
    ['$(whoami)', true, true],
    [";c'a't /etc/pas's'wd", true, true],
    ['\nid', true, true],
    ['\nid', false, false],
  ]
  for (const [value, newlines, attack] of cases) {
    it(`${attack ? 'flags' : 'passes'} ${JSON.stringify(value)}${newlines ? '' : ' in a text body'}`, () => {
      expect(detectCmdi(value, newlines)).to.equal(attack)
    })
  }
})
