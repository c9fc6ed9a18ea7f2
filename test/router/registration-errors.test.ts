import { expect } from 'chai'
import {
  RouteDuplicateError,
  RouteInvalidMethodError,
  RouteInvalidPatternError,
  RouteParamConflictError,
  RouterInvalidOptionError,
  type RouterErrorCode,
} from '../../router/errors.js'
import { Router } from '../../router/router.js'

function thrownBy(action: () => void): Error & { code?: string } {
  try {
    action()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

describe('Router registration errors', () => {
  it('refuses the same route twice for a method, naming both routes', () => {
    const router = new Router<number>()
    router.on('GET', '/users/:id', 1)
    const error = thrownBy(() => router.on(['POST', 'GET'], '/users/:id', 2))
    expect(error).to.be.instanceOf(RouteDuplicateError)
    expect(error.code).to.equal('ERR_ROUTE_DUPLICATE')
    expect(error.message).to.equal('route GET /users/:id duplicates GET /users/:id')
    expect(router.find('POST', '/users/1')).to.deep.equal({ status: 405, allow: 'GET, HEAD, OPTIONS' })
  })

  it('treats routes differing only in a trailing slash as the same when it is ignored', () => {
    const router = new Router<number>({ ignoreTrailingSlash: true })
    router.on('GET', '/a', 1)
    expect(thrownBy(() => router.on('GET', '/a/', 2)).message).to.equal('route GET /a/ duplicates GET /a')
  })

  it("accepts the same path for '*' and for a specific method", () => {
    const router = new Router<number>()
    router.on('*', '/x', 1)
    router.on('GET', '/x', 2)
    expect(thrownBy(() => router.on('*', '/x', 3)).message).to.equal('route * /x duplicates * /x')
  })

  it('refuses two different param names at the same place, naming both routes', () => {
    const router = new Router<number>()
    router.on('GET', '/users/:id', 1)
    const error = thrownBy(() => router.on('GET', '/users/:userId/posts', 2))
    expect(error).to.be.instanceOf(RouteParamConflictError)
    expect(error.code).to.equal('ERR_ROUTE_PARAM_CONFLICT')
    expect(error.message).to.equal('param "userId" in /users/:userId/posts conflicts with param "id" in /users/:id')
  })

  it('lets params with different constraints sit at the same place under different names', () => {
    const router = new Router<number>()
    router.on('GET', '/o/:id(\\d+)', 1)
    router.on('GET', '/o/:slug', 2)
    expect(router.find('GET', '/o/x')).to.deep.include({ store: 2 })
  })

  const INVALID: readonly [string, string][] = [
    ['users', 'must start with "/"'],
    ['/a/:', 'param at 3 has no name'],
    ['/a/:x:y', 'param at 5 follows another param without static text between them'],
    ['/a/:x/:x', 'param "x" appears twice'],
    ['/a/*/b', '"*" at 3 is not the last character'],
    ['/a/:x*', 'the wildcard follows a param directly'],
    ['/a/:x(\\d+', 'constraint at 5 is not closed'],
    ['/a/:x()', 'param "x" has an empty constraint'],
    ['/a?b', 'character "?" at 2 can never match a request path'],
    ['/a b', 'character " " at 2 can never match a request path'],
    ['/a/:x([)', 'constraint at 5 is not closed'],
    ['/a/:x(a(?=b)b)', 'constraint "a(?=b)b" uses a lookaround, which the router does not run'],
    ['/a/:x(\\bx)', 'constraint "\\\\bx" uses a word boundary, which the router does not run'],
    ['/a/:x((a)\\1)', 'constraint "(a)\\\\1" uses a backreference'],
  ]
  for (const [pattern, reason] of INVALID) {
    it(`refuses the invalid pattern ${JSON.stringify(pattern)}: ${reason}`, () => {
      const error = thrownBy(() => new Router<number>().on('GET', pattern, 1))
      expect(error).to.be.instanceOf(RouteInvalidPatternError)
      expect(error.code).to.equal('ERR_ROUTE_INVALID_PATTERN')
      expect(error.message).to.equal(`invalid route pattern ${JSON.stringify(pattern)}: ${reason}`)
    })
  }

  it('refuses a constraint that is not a regular expression', () => {
    const error = thrownBy(() => new Router<number>().on('GET', '/a/:x(+)', 1))
    expect(error.code).to.equal('ERR_ROUTE_INVALID_PATTERN')
    expect(error.message).to.match(
      /^invalid route pattern "\/a\/:x\(\+\)": constraint "\+" is not a regular expression \(/,
    )
  })

  it('refuses a method that is not a token, and an empty method list', () => {
    const router = new Router<number>()
    const error = thrownBy(() => router.on('GE T', '/a', 1))
    expect(error).to.be.instanceOf(RouteInvalidMethodError)
    expect(error.code).to.equal('ERR_ROUTE_INVALID_METHOD')
    expect(error.message).to.equal('invalid method "GE T" for route /a')
    expect(thrownBy(() => router.on([], '/a', 1)).message).to.equal('invalid method "" for route /a')
  })

  it('gives every error class a stable code, status 500 and a name', () => {
    const errors = [
      new RouteDuplicateError('GET', '/a', '/a'),
      new RouteParamConflictError('/a/:x', 'x', '/a/:y', 'y'),
      new RouteInvalidPatternError('a', 'must start with "/"'),
      new RouteInvalidMethodError('', '/a'),
      new RouterInvalidOptionError('maxParamLength', 0, 'a positive integer'),
    ]
    const codes: RouterErrorCode[] = errors.map((error) => error.code)
    expect(codes).to.deep.equal([
      'ERR_ROUTE_DUPLICATE',
      'ERR_ROUTE_PARAM_CONFLICT',
      'ERR_ROUTE_INVALID_PATTERN',
      'ERR_ROUTE_INVALID_METHOD',
      'ERR_ROUTER_INVALID_OPTION',
    ])
    expect(errors.map((error) => error.status)).to.deep.equal([500, 500, 500, 500, 500])
    expect(errors.map((error) => error.name)).to.deep.equal(errors.map((error) => error.constructor.name))
  })
})
