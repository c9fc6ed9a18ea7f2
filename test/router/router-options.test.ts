import { expect } from 'chai'
import { RouterInvalidOptionError } from '../../router/errors.js'
import { Router, type RouterOptions } from '../../router/router.js'

describe('Router options', () => {
  it('is case-sensitive by default', () => {
    const router = new Router<number>()
    router.on('GET', '/Users/:id', 1)
    expect(router.find('GET', '/users/A').status).to.equal(404)
    expect(router.find('GET', '/Users/A')).to.deep.include({ params: { id: 'A' } })
  })

  it('folds ASCII case of static text with caseSensitive false, keeping params as received', () => {
    const router = new Router<number>({ caseSensitive: false })
    router.on('GET', '/Users/:id', 1)
    router.on('GET', '/ABOUT', 2)
    expect(router.find('GET', '/USERS/MixedCase')).to.deep.include({ store: 1, params: { id: 'MixedCase' } })
    expect(router.find('GET', '/about')).to.deep.include({ store: 2 })
    expect(router.find('GET', '/ÀBOUT').status).to.equal(404)
  })

  it('keeps the trailing slash significant by default', () => {
    const router = new Router<number>()
    router.on('GET', '/a', 1)
    expect(router.find('GET', '/a/').status).to.equal(404)
  })

  it('matches with or without a trailing slash with ignoreTrailingSlash, the wildcard still taking an empty rest', () => {
    const router = new Router<number>({ ignoreTrailingSlash: true })
    router.on('GET', '/a/', 1)
    router.on('GET', '/b/:id', 2)
    router.on('GET', '/files/*', 3)
    expect(router.find('GET', '/a')).to.deep.include({ store: 1 })
    expect(router.find('GET', '/a/?x=1')).to.deep.include({ store: 1 })
    expect(router.find('GET', '/b/7/')).to.deep.include({ store: 2, params: { id: '7' } })
    expect(router.find('GET', '/files/')).to.deep.include({ store: 3, params: { '*': '' } })
    expect(router.find('POST', '/a/')).to.deep.equal({ status: 405, allow: 'GET, HEAD, OPTIONS' })
  })

  it('does not match params longer than maxParamLength (100 by default)', () => {
    const router = new Router<number>()
    router.on('GET', '/p/:id', 1)
    expect(router.find('GET', `/p/${'x'.repeat(100)}`).status).to.equal(200)
    expect(router.find('GET', `/p/${'x'.repeat(101)}`).status).to.equal(404)
    const short = new Router<number>({ maxParamLength: 3 })
    short.on('GET', '/p/:id', 1)
    short.on('GET', '/f/:name.:ext', 2)
    expect(short.find('GET', '/p/abc').status).to.equal(200)
    expect(short.find('GET', '/p/abcd').status).to.equal(404)
    expect(short.find('GET', '/f/abc.txt')).to.deep.include({ params: { name: 'abc', ext: 'txt' } })
    expect(short.find('GET', '/f/abcd.txt').status).to.equal(404)
  })

  const BAD: readonly [RouterOptions, string][] = [
    [{ caseSensitive: 'yes' as unknown as boolean }, 'router option caseSensitive must be a boolean; got "yes"'],
    [{ ignoreTrailingSlash: 1 as unknown as boolean }, 'router option ignoreTrailingSlash must be a boolean; got 1'],
    [{ maxParamLength: 0 }, 'router option maxParamLength must be a positive integer; got 0'],
    [{ maxParamLength: 1.5 }, 'router option maxParamLength must be a positive integer; got 1.5'],
    [
      { maxParamLenght: 5 } as RouterOptions,
      'router option maxParamLenght must be one of caseSensitive, ignoreTrailingSlash, maxParamLength; got "unknown"',
    ],
  ]
  for (const [options, message] of BAD) {
    it(`refuses ${JSON.stringify(options)} with ERR_ROUTER_INVALID_OPTION naming the key`, () => {
      let caught: unknown
      try {
        new Router<number>(options)
      } catch (error) {
        caught = error
      }
      expect(caught).to.be.instanceOf(RouterInvalidOptionError)
      expect((caught as RouterInvalidOptionError).code).to.equal('ERR_ROUTER_INVALID_OPTION')
      expect((caught as Error).message).to.equal(message)
    })
  }
})
