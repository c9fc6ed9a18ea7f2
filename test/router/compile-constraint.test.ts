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

describe('compileConstraint', () => {
  it('anchors the expression at both ends', () => {
    const digits = compileConstraint('\\d+')
    expect([digits.test('42'), digits.test('42a'), digits.test('a42')]).to.deep.equal([true, false, false])
    const either = compileConstraint('a|b')
    expect([either.test('a'), either.test('ab')]).to.deep.equal([true, false])
  })

  const SAFE = ['\\d+', '[a-z]{2}(-[A-Z]{2})?', '(?:jpg|png)', '(ab)+', '(a+)?', '(a{2}){3}', '[(+]+', '\\(a+\\)+']
  for (const source of SAFE) {
    it(`accepts the safe constraint ${JSON.stringify(source)}`, () => {
      expect(refusal(source)).to.equal(undefined)
    })
  }

  const NESTED = ['(a+)+', '(\\w*)*', '(a|b+)*', '((ab)+c)+', '(a{1,3}){2,}', '(?:x+y)+?']
  for (const source of NESTED) {
    it(`refuses the nested quantifiers of ${JSON.stringify(source)}`, () => {
      expect(refusal(source)).to.equal(`constraint ${JSON.stringify(source)} nests quantifiers, which can backtrack exponentially`)
    })
  }

  it('refuses backreferences, numbered and named', () => {
    expect(refusal('(a)\\1')).to.equal('constraint "(a)\\\\1" uses a backreference')
    expect(refusal('(?<x>a)\\k<x>')).to.equal('constraint "(?<x>a)\\\\k<x>" uses a backreference')
  })
})
