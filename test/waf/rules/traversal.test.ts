import { expect } from 'chai'
import { Climb, detectTraversal, hasHiddenSegment } from '../../../waf/rules/traversal.js'
import { Waf } from '../../../waf/waf.js'
import { head } from '../corpus/request-builder.js'

describe('detectTraversal', () => {
  const cases: readonly [string, boolean][] = [
    ['./../.env', true],
    ['sub/../../x', true],
    ['a/b/../../../c', true],
    ['..\\..\\boot.ini', true],
    ['..;/..;/admin', true],
    ['x/..;.\\..', true],
    ['/srv/../../etc', true],
    ['name=./../secret', true],
    ['....//....//x', true],
    ['see ../readme.md', false],
    ['back to [index](../../readme.md)', false],
    ['https://example.com/a/../b', false],
    ['sub/./x/../y', false],
    ['wait... what', false],
    ['v1..v2', false],
  ]
  for (const [value, attack] of cases) {
    it(`${attack ? 'flags' : 'passes'} ${JSON.stringify(value)}`, () => {
      expect(detectTraversal(value, Climb.Value)).to.equal(attack)
    })
  }
})

describe('traversal in basic mode, through every encoding', () => {
  const waf = new Waf({ mode: 'basic' })
  const encodings: readonly [string, string][] = [
    ['plain', 'f=./../.env'],
    ['a descent first', 'f=docs/../../.env'],
    ['percent-encoded', 'f=.%2f..%2f.env'],
    ['double-encoded', 'f=docs%252f..%252f..%252f.env'],
    ['IIS %u', 'f=docs/%u002e%u002e/%u002e%u002e/.env'],
    ['backslashes', 'f=docs%5c..%5c..%5c.env'],
    ['fullwidth', 'f=docs%ef%bc%8f%ef%bc%8e%ef%bc%8e%ef%bc%8f%ef%bc%8e%ef%bc%8e%ef%bc%8f.env'],
    ['Tomcat path parameters', 'f=docs/..;x/..;/.env'],
  ]
  for (const [label, query] of encodings) {
    it(`blocks a value that climbs out, ${label}`, () => {
      expect(waf.checkHead(head('GET', `/files?${query}`))?.ruleId).to.equal('traversal')
    })
  }

  it('passes a value that climbs and descends again without leaving its start', () => {
    expect(waf.checkHead(head('GET', '/files?f=docs/img/../guide.md'))).to.equal(null)
  })
})

describe('hasHiddenSegment', () => {
  it('finds a dot-folder or dot-file anywhere in a path, except /.well-known/', () => {
    expect(
      ['/.cursor/mcp.json', '/app/.env', '/a/.git/config', '/.well-known/security.txt', '/a.b/c', '/x/..'].map(
        hasHiddenSegment,
      ),
    ).to.deep.equal([true, true, true, false, false, false])
  })

  it('blocks a hidden path in strict mode as lfi and lets basic mode through', () => {
    const target = '/static/.toolstate/settings.json'
    expect(new Waf({ mode: 'strict' }).checkHead(head('GET', target))?.ruleId).to.equal('lfi')
    expect(new Waf({ mode: 'basic' }).checkHead(head('GET', target))).to.equal(null)
  })
})
