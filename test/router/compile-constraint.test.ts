import { expect } from 'chai'
import { compileConstraint } from '../../router/compile-constraint.js'

function refusal(source: string): unknown {
  try {
    compileConstraint(source)
  } catch (reason) {
    return reason
  }
  return undefined
}

function accepts(source: string, value: string): boolean {
  return compileConstraint(source).matches(value, 0, value.length)
}

/** A string whose `charCodeAt` counts its calls: the work of a matcher that reads it. */
function countingText(text: string): { text: string; reads: () => number } {
  let reads = 0
  const counting = Object.assign(new String(text), {
    charCodeAt(i: number): number {
      reads++
      return text.charCodeAt(i)
    },
  })
  return { text: counting as unknown as string, reads: () => reads }
}

describe('compileConstraint', () => {
  it('decides the whole value, as if anchored at both ends', () => {
    expect([accepts('\\d+', '42'), accepts('\\d+', '42a'), accepts('\\d+', 'a42')]).to.deep.equal([true, false, false])
    expect([accepts('a|b', 'a'), accepts('a|b', 'ab')]).to.deep.equal([true, false])
  })

  it('decides the value between two offsets of a longer string', () => {
    const digits = compileConstraint('\\d+')
    expect([digits.matches('/orders/42/x', 8, 10), digits.matches('/orders/42/x', 8, 11)]).to.deep.equal([true, false])
  })

  const ACCEPTED = [
    '\\d+',
    '[a-z]{2}(-[A-Z]{2})?',
    '(?:jpg|png)',
    '(ab)+',
    '(a+)?',
    '(a{2}){3}',
    '[(+]+',
    '\\(a+\\)+',
    '(a+)+',
    '(\\w*)*',
    '(\\w|\\d)+',
    '\\d+\\d+\\d+',
    '(?<year>\\d{4})',
    '^v\\d+$',
    '[^]',
    '[]',
    'a{,2}',
    '\\u00e9|\\x41',
  ]
  for (const source of ACCEPTED) {
    it(`accepts ${JSON.stringify(source)}, which no value can make backtrack`, () => {
      expect(refusal(source)).to.equal(undefined)
    })
  }

  const REFUSED: [string, string][] = [
    ['(a)\\1', 'uses a backreference'],
    ['(?<x>a)\\k<x>', 'uses a backreference'],
    ['a(?=b)b', 'uses a lookaround, which the router does not run'],
    ['a(?!b)', 'uses a lookaround, which the router does not run'],
    ['(?<=a)b', 'uses a lookaround, which the router does not run'],
    ['(?<!a)b', 'uses a lookaround, which the router does not run'],
    ['\\bword', 'uses a word boundary, which the router does not run'],
    ['\\p{L}+', 'uses the escape \\p, which means only "p" without the u flag'],
    ['[\\1]', 'uses a legacy octal escape at 1'],
    ['\\x4', 'has an incomplete hexadecimal escape at 0'],
    ['[a-z]{1,5000}', 'is too large: its automaton passes 4096 states'],
  ]
  for (const [source, reason] of REFUSED) {
    it(`refuses ${JSON.stringify(source)}: ${reason}`, () => {
      expect(refusal(source)).to.equal(`constraint ${JSON.stringify(source)} ${reason}`)
    })
  }

  it('refuses what is not a regular expression with the reason JavaScript gives', () => {
    expect(refusal('a**')).to.match(
      /^constraint "a\*\*" is not a regular expression \(Invalid regular expression: .*Nothing to repeat\)$/,
    )
  })

  const LINEAR = ['(\\w|\\d)+', '(a+)+', '(\\w*)*', '\\d+\\d+\\d+', '(a|a)*b', '(a|b)*a(a|b){12}']
  for (const source of LINEAR) {
    it(`reads each code unit of a failing value once for ${JSON.stringify(source)}, however long the value`, () => {
      const constraint = compileConstraint(source)
      for (const length of [29, 116, 464, 1856]) {
        const value = countingText(`${'a'.repeat(length)}!`)
        expect(constraint.matches(value.text, 0, length + 1), `length ${length}`).to.equal(false)
        expect(value.reads(), `length ${length}`).to.be.at.most(length + 1)
      }
    })
  }

  it('decides what RegExp decides, for generated constraints and values', () => {
    let seed = 13
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const ATOMS = [
      'a',
      'b',
      '.',
      '\\d',
      '\\w',
      '\\s',
      '\\W',
      '[ab]',
      '[^a]',
      '[a-c-]',
      '[\\d-]',
      '\\.',
      '-',
      'é',
      '^',
      '$',
    ]
    const QUANTIFIERS = ['', '', '*', '+', '?', '{2}', '{1,3}', '{2,}', '*?']
    const piece = (depth: number): string => {
      const kind = random(depth > 2 ? 2 : 4)
      if (kind < 2) return ATOMS[random(ATOMS.length)] as string
      const inner = Array.from({ length: 1 + random(3) }, () => piece(depth + 1)).join('')
      return kind === 2 ? `(${inner}|${piece(depth + 1)})` : `(?:${inner})`
    }
    const VALUE_CHARS = 'ab1 .-_é\n'
    let compared = 0
    for (let n = 0; n < 400; n++) {
      let source = ''
      for (let k = 1 + random(4); k > 0; k--) {
        const atom = piece(0)
        source += atom === '^' || atom === '$' ? atom : atom + (QUANTIFIERS[random(QUANTIFIERS.length)] as string)
      }
      if (refusal(source) !== undefined) continue
      const constraint = compileConstraint(source)
      const expected = new RegExp(`^(?:${source})$`)
      for (let v = 0; v < 30; v++) {
        const value = Array.from({ length: random(7) }, () => VALUE_CHARS[random(VALUE_CHARS.length)]).join('')
        expect(constraint.matches(value, 0, value.length), `${source} on ${JSON.stringify(value)}`).to.equal(
          expected.test(value),
        )
        compared++
      }
    }
    expect(compared).to.be.above(5000)
  })
})
