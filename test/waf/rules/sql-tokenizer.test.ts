import { expect } from 'chai'
import { TYPES, Tok, UNKNOWN_WORD, WORDS, tokenize, wordText } from '../../../waf/rules/sql-tokenizer.js'

describe('SQL tokenizer words', () => {
  it('classifies known words from the table and hands out the table string', () => {
    const n = tokenize('select café from t where a like b', 0, 16)
    expect(TYPES.slice(0, n)).to.deep.equal([
      Tok.Keyword,
      Tok.Word,
      Tok.Keyword,
      Tok.Word,
      Tok.Keyword,
      Tok.Word,
      Tok.Cmp,
      Tok.Word,
    ])
    expect(WORDS.slice(0, n)).to.deep.equal([
      'select',
      UNKNOWN_WORD,
      'from',
      UNKNOWN_WORD,
      'where',
      UNKNOWN_WORD,
      'like',
      UNKNOWN_WORD,
    ])
  })

  it('gives the text of an unknown word, cut from the value only when asked', () => {
    const n = tokenize("exec xp_dirtreex 'a' immediate sleep(1) selectx", 0, 16)
    expect(Array.from({ length: n }, (_, k) => wordText(k))).to.deep.equal([
      'exec',
      'xp_dirtreex',
      '',
      'immediate',
      'sleep',
      '(',
      '',
      ')',
      'selectx',
    ])
    expect(TYPES[4]).to.equal(Tok.Func)
    expect(wordText(n)).to.equal('')
  })

  it('tells words apart that share a hash slot, a prefix or a length', () => {
    const words = ['or', 'ord', 'order', 'orders', 'ro', 'sleep', 'sleepy', 'peels', 'union', 'unino']
    const n = tokenize(words.join(' '), 0, 16)
    expect(Array.from({ length: n }, (_, k) => wordText(k))).to.deep.equal(words)
    expect(TYPES.slice(0, n)).to.deep.equal([
      Tok.Logic,
      Tok.Word,
      Tok.Keyword,
      Tok.Word,
      Tok.Word,
      Tok.Word,
      Tok.Word,
      Tok.Word,
      Tok.Union,
      Tok.Word,
    ])
  })
})
