import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { ALL_CLASSES, APOSTROPHE, CARET, DOUBLE_QUOTE, HIGH, QUOTE, SPACE, charClasses } from '../../waf/char-class.js'
import { decodeValue } from '../../waf/normalize/decode-value.js'
import { detectCmdi } from '../../waf/rules/cmdi.js'
import { detectSqli } from '../../waf/rules/sqli.js'
import { detectXss } from '../../waf/rules/xss.js'
import { scanSignatures } from '../../waf/signatures.js'
import { ATTACKS } from './corpus/attacks.js'
import { BENIGN_VALUES } from './corpus/benign.js'

interface CorpusRecord {
  readonly uri: string
  readonly headers: Readonly<Record<string, string>>
  readonly body_base64?: string
}

const DIR = new URL('../../../test/waf/dev-corpus/', import.meta.url)

/**
 * The development corpus cut into the values the WAF inspects: target, query names and values,
 * headers, body and its fields.
 */
function corpusValues(): string[] {
  const values: string[] = []
  for (const file of ['attacks.json', 'benign.json', 'benign-crs.json']) {
    for (const record of JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as CorpusRecord[]) {
      values.push(record.uri, ...Object.values(record.headers))
      const query = record.uri.indexOf('?')
      if (query !== -1) for (const pair of record.uri.slice(query + 1).split('&')) values.push(...pair.split('='))
      const body = Buffer.from(record.body_base64 ?? '', 'base64').toString('utf8')
      if (body !== '') values.push(body, ...body.split('&').flatMap((pair) => pair.split('=')))
    }
  }
  return values
}

/**
 * Fragments of SQL, shell and prose glued at random: each gate's character next to and away from
 * its check's syntax.
 */
const FRAGMENTS = [
  "'",
  '"',
  '`',
  ' or ',
  ' and ',
  '1=1',
  'union',
  ' select ',
  '--',
  '#',
  '/*',
  '*/',
  '/*!',
  ';',
  '|',
  '&&',
  '$(',
  '${ifs}',
  '$',
  '::int',
  '->>',
  "'@>'",
  '@@version',
  '(',
  ')',
  'sleep(5)',
  'cat',
  '/etc/passwd',
  '?',
  '.e(',
  ' like ',
  ' regexp ',
  ' glob ',
  'program',
  'copy',
  ' to program ',
  'x',
  '1',
  ' ',
  '\t',
  '\n',
  '\\',
  '^',
  'who',
  'ami',
  'ls',
  'id',
  ' from ',
  ' then ',
  'case when',
  ' as ',
  'xp_cmdshell',
  'immediate',
  'exec ',
  ' order by ',
  'limit ',
  "it's",
  "o'neill",
  'café',
  '+',
  '=',
  '<',
  '>',
  '{',
  '}',
  '!',
  '~',
  '@',
  'admin',
  'null',
  ' is ',
  'not',
  'exists',
  'master.',
  'sp_x',
  'xor',
  '0x616263',
  'python3.exe',
  'nc',
  'ping',
  '\u00a0',
]

function generated(count: number): string[] {
  let state = 15
  const next = (n: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0
    return state % n
  }
  return Array.from({ length: count }, () => {
    let value = ''
    for (let k = 1 + next(8); k > 0; k--) value += FRAGMENTS[next(FRAGMENTS.length)]
    return value
  })
}

describe('charClasses', () => {
  it('sets one bit per class, quotes both as QUOTE and as their own kind', () => {
    expect(charClasses('')).to.equal(0)
    expect(charClasses('abc019')).to.equal(0)
    expect(charClasses("it's")).to.equal(QUOTE | APOSTROPHE)
    expect(charClasses('"')).to.equal(QUOTE | DOUBLE_QUOTE)
    expect(charClasses('a^b c')).to.equal(CARET | SPACE)
    expect(charClasses('café')).to.equal(HIGH)
  })
})

describe('the character gates of the SQL, shell and XSS readings', function () {
  this.timeout(60_000)
  // Each gate skips a check when a character it needs is absent. Opening every gate (ALL_CLASSES)
  // runs every check, so equal verdicts prove that no gate skips a check that would have matched.
  const raw = [
    ...corpusValues(),
    ...Object.values(ATTACKS).flatMap((samples) => samples.map((sample) => sample.payload)),
    ...BENIGN_VALUES,
    ...generated(30_000),
  ]
  const values = [...new Set(raw.flatMap((value) => [value.toLowerCase(), decodeValue(value, true).text]))]

  it('run over more than 40,000 values, attacks among them', () => {
    expect(values.length).to.be.above(40_000)
    expect(values.filter((value) => detectSqli(value)).length).to.be.above(1000)
    expect(values.filter((value) => detectCmdi(value, true)).length).to.be.above(1000)
    expect(values.filter((value) => detectXss(value)).length).to.be.above(300)
  })

  it('never change an SQL verdict', () => {
    const changed = values.filter((value) => {
      const hits = scanSignatures(value)
      return detectSqli(value, hits, charClasses(value)) !== detectSqli(value, hits, ALL_CLASSES)
    })
    expect(changed).to.deep.equal([])
  })

  it('never change an XSS verdict', () => {
    const changed = values.filter((value) => {
      const hits = scanSignatures(value)
      return detectXss(value, hits, charClasses(value)) !== detectXss(value, hits, ALL_CLASSES)
    })
    expect(changed).to.deep.equal([])
  })

  it('never change a shell verdict, with and without line breaks as separators', () => {
    const changed = values.filter((value) => {
      const hits = scanSignatures(value)
      const chars = charClasses(value)
      return (
        detectCmdi(value, true, hits, chars) !== detectCmdi(value, true, hits, ALL_CLASSES) ||
        detectCmdi(value, false, hits, chars) !== detectCmdi(value, false, hits, ALL_CLASSES)
      )
    })
    expect(changed).to.deep.equal([])
  })
})
