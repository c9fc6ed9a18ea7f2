import { expect } from 'chai'
import {
  WafInvalidOptionError,
  WafInvalidRuleError,
  WafRequestBlockedError,
  type WafErrorCode,
} from '../../waf/errors.js'

const CATALOG: readonly [Error & { code: WafErrorCode; status: number }, WafErrorCode, number, string][] = [
  [
    new WafInvalidOptionError('mode', 'loud', 'a mode'),
    'ERR_WAF_INVALID_OPTION',
    500,
    'waf option mode is "loud"; expected a mode',
  ],
  [new WafInvalidRuleError('r1', 'needs a pattern'), 'ERR_WAF_INVALID_RULE', 500, 'waf rule "r1": needs a pattern'],
  [new WafRequestBlockedError('sqli'), 'ERR_WAF_REQUEST_BLOCKED', 400, 'request blocked by waf rule "sqli"'],
]

describe('waf errors', () => {
  for (const [error, code, status, message] of CATALOG) {
    it(`${error.name} has code ${code}, status ${status} and a message naming the value`, () => {
      expect([error.code, error.status, error.message, error instanceof Error]).to.deep.equal([
        code,
        status,
        message,
        true,
      ])
    })
  }

  it('gives every error class its own code', () => {
    expect(new Set(CATALOG.map(([error]) => error.code)).size).to.equal(CATALOG.length)
  })

  it('serialises a blocked request as the 400 body the Session sends, without the matched value', () => {
    expect(JSON.stringify(new WafRequestBlockedError('xss'))).to.equal('{"message":"Request blocked","rule":"xss"}')
  })
})
