import { expect } from 'chai'
import { detectJava } from '../../../waf/rules/java.js'

/** The base64 of `text` placed after `offset` filler bytes, with the filler's characters cut off. */
function encodedAt(text: string, offset: number): string {
  const encoded = Buffer.from('x'.repeat(offset) + text)
    .toString('base64')
    .replace(/=+$/, '')
  return encoded.slice(Math.ceil((offset * 4) / 3))
}

describe('detectJava', () => {
  const cases: readonly [string, boolean][] = [
    ['org.springframework.context.support.ClassPathXmlApplicationContext', true],
    ['${T(java.lang.System).exit(0)}', true],
    ['x=new javax.naming.InitialContext()', true],
    ['a LazyMap wrapped in a proxy', true],
    ['\u00ac\u00ed\u0000\u0005sr', true],
    ['Java is fun', false],
    ['Runtime error in line 3', false],
    ['class.classLoader.resources.dirContext.docBase=x', true],
    ['System.getProperty("os.name")', true],
    ['freemarker.template.utility.ObjectConstructor', true],
    ['the class loader of the system', false],
    ['I read javascript.info daily', false],
    ['eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0', false],
    ['SUDoLongRandomString', false],
  ]
  for (const [value, attack] of cases) {
    it(`${attack ? 'flags' : 'passes'} ${JSON.stringify(value)}`, () => {
      expect(detectJava(value.toLowerCase(), value)).to.equal(attack)
    })
  }

  for (const word of ['Runtime', 'ProcessBuilder', 'ChainedTransformer']) {
    for (const offset of [0, 1, 2]) {
      it(`finds ${word} base64-encoded at byte offset ${offset}`, () => {
        const token = encodedAt(word, offset)
        expect(detectJava(token.toLowerCase(), token)).to.equal(true)
      })
    }
  }
})
