import { expect } from 'chai'
import { compileParamsFactory } from '../../router/params-factory.js'
import { withoutCodeGeneration } from './without-code-generation.js'

describe('compileParamsFactory', () => {
  it('cuts each value out of the path at its offsets and stores it under its name, in path order', () => {
    const Factory = compileParamsFactory(['owner', 'repo'])
    const params = new Factory('/repos/octocat/hi', [7, 15], [14, 17])
    expect(Object.entries(params)).to.deep.equal([
      ['owner', 'octocat'],
      ['repo', 'hi'],
    ])
  })

  it('builds objects without Object.prototype members, where __proto__ and "*" are plain keys', () => {
    const Factory = compileParamsFactory(['__proto__', '*'])
    const params = new Factory('/a/b', [1, 3], [2, 4])
    expect(Object.getPrototypeOf(Object.getPrototypeOf(params))).to.equal(null)
    expect(Object.keys(params)).to.deep.equal(['__proto__', '*'])
    expect(params['__proto__']).to.equal('a')
    expect(params['*']).to.equal('b')
    expect('toString' in params).to.equal(false)
  })

  it('gives routes with the same names one shared constructor', () => {
    expect(compileParamsFactory(['id', 'x'])).to.equal(compileParamsFactory(['id', 'x']))
    expect(compileParamsFactory(['id', 'x'])).to.not.equal(compileParamsFactory(['x', 'id']))
  })

  it('keeps a name that looks like code as a plain key', () => {
    const name = "a'];throw 1;//"
    const params = new (compileParamsFactory([name]))('/v', [1], [2])
    expect(params[name]).to.equal('v')
  })

  it('builds the same params with a loop over the names when code generation is disallowed', () => {
    // Names no other test uses, so that no constructor for them is cached yet.
    const Factory = withoutCodeGeneration(
      new EvalError('Code generation from strings disallowed for this context'),
      () => compileParamsFactory(['loopOwner', '__proto__']),
    )
    const params = new Factory('/repos/octocat/hi', [7, 15], [14, 17])
    expect(Object.entries(params)).to.deep.equal([
      ['loopOwner', 'octocat'],
      ['__proto__', 'hi'],
    ])
    expect(Object.getPrototypeOf(Object.getPrototypeOf(params))).to.equal(null)
  })
})
