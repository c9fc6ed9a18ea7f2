import { expect } from 'chai'
import { decodeValue, fromLatin1 } from '../../waf/normalize/decode-value.js'
import { decodeHtmlEntities } from '../../waf/normalize/html-entities.js'

describe('decodeValue', () => {
  const cases: readonly [string, boolean, string, boolean][] = [
    ['Hello%20World', false, 'hello world', false],
    ['a+b%2Bc', true, 'a b+c', false],
    ['a+b', false, 'a+b', false],
    ['%252e%252e%252f', false, '../', false],
    ['%25252e', false, '.', false],
    ['%u002e%u002E/', false, '../', false],
    ['%c0%ae%c0%ae/', false, '\ufffd\ufffd\ufffd\ufffd/', true],
    ['%e0%80%af', false, '\ufffd\ufffd\ufffd', true],
    ['caf%C3%A9', false, 'café', false],
    ['\uff1cSCRIPT\uff1e', false, '<script>', false],
    ['..\u2215..\u2216', false, '../..\\', false],
    ['100%', false, '100%', false],
    ['%zz%4', false, '%zz%4', false],
    ['a%00b', false, 'a\0b', false],
  ]
  for (const [input, plus, text, overlong] of cases) {
    it(`reads ${JSON.stringify(input)}${plus ? ' (form)' : ''} as ${JSON.stringify(text)}${overlong ? ', flagging overlong UTF-8' : ''}`, () => {
      const result = decodeValue(input, plus)
      expect([result.text, result.overlong]).to.deep.equal([text, overlong])
    })
  }

  it('reads a latin1 string of UTF-8 bytes as UTF-8 and leaves ASCII untouched', () => {
    expect([fromLatin1('caf\u00c3\u00a9'), fromLatin1('/plain')]).to.deep.equal(['café', '/plain'])
  })
})

describe('decodeHtmlEntities', () => {
  const cases: readonly [string, string][] = [
    ['&lt;script&gt;', '<script>'],
    ['jav&#x09;ascript&colon;', 'jav\tascript:'],
    ['&#0000106&#0000097', 'ja'],
    ['&#X3C;&#60;', '<<'],
    ['tom &amp; jerry', 'tom & jerry'],
    ['at&t and &unknown; and &', 'at&t and &unknown; and &'],
    ['&#99999999999;', '&#99999999999;'],
  ]
  for (const [input, output] of cases) {
    it(`decodes ${JSON.stringify(input)} to ${JSON.stringify(output)}`, () => {
      expect(decodeHtmlEntities(input)).to.equal(output)
    })
  }
})
