import { expect } from 'chai'
import type { RouteMatch } from '../../router/route-match.js'
import { Router } from '../../router/router.js'

/** A route: its method(s) and pattern; the store is the pattern prefixed with the method list. */
type Route = readonly [method: string | readonly string[], pattern: string]
/** A request and its expected answer, written compactly: a store name with params, or a status. */
type Case = readonly [method: string, path: string, expected: Expected]
type Expected =
  | { readonly store: string; readonly params?: Record<string, string> }
  | { readonly status: 404 }
  | { readonly status: 405; readonly allow: string }
  | { readonly status: 400; readonly reason: string }

interface Scenario {
  readonly rule: string
  readonly routes: readonly Route[]
  readonly cases: readonly Case[]
}

const SCENARIOS: readonly Scenario[] = [
  {
    rule: 'static routes match exactly',
    routes: [
      ['GET', '/'],
      ['GET', '/users'],
      ['GET', '/users/me'],
      ['GET', '/user'],
    ],
    cases: [
      ['GET', '/', { store: '/' }],
      ['GET', '/users', { store: '/users' }],
      ['GET', '/users/me', { store: '/users/me' }],
      ['GET', '/user', { store: '/user' }],
      ['GET', '/users/', { status: 404 }],
      ['GET', '/use', { status: 404 }],
      ['GET', '/users/me/x', { status: 404 }],
      ['GET', '', { status: 404 }],
      ['GET', '*', { status: 404 }],
    ],
  },
  {
    rule: 'a param takes one non-empty segment',
    routes: [
      ['GET', '/users/:id'],
      ['GET', '/users/:id/posts/:post'],
    ],
    cases: [
      ['GET', '/users/42', { store: '/users/:id', params: { id: '42' } }],
      ['GET', '/users/42/posts/7', { store: '/users/:id/posts/:post', params: { id: '42', post: '7' } }],
      ['GET', '/users/', { status: 404 }],
      ['GET', '/users//posts/7', { status: 404 }],
      ['GET', '/users/42/posts', { status: 404 }],
    ],
  },
  {
    rule: 'several params share a segment, split at the first static text that lets the rest match',
    routes: [
      ['GET', '/files/:name.:ext'],
      ['GET', '/range/:from-:to'],
      ['GET', '/v/:major.:minor.:patch'],
    ],
    cases: [
      ['GET', '/files/report.pdf', { store: '/files/:name.:ext', params: { name: 'report', ext: 'pdf' } }],
      ['GET', '/files/archive.tar.gz', { store: '/files/:name.:ext', params: { name: 'archive', ext: 'tar.gz' } }],
      ['GET', '/range/10-20', { store: '/range/:from-:to', params: { from: '10', to: '20' } }],
      ['GET', '/v/1.22.3', { store: '/v/:major.:minor.:patch', params: { major: '1', minor: '22', patch: '3' } }],
      ['GET', '/files/report', { status: 404 }],
      ['GET', '/files/.pdf', { status: 404 }],
      ['GET', '/files/report.', { status: 404 }],
      ['GET', '/v/1.2', { status: 404 }],
    ],
  },
  {
    rule: 'a constrained param matches only values its anchored expression accepts',
    routes: [
      ['GET', '/orders/:id(\\d+)'],
      ['GET', '/orders/:slug'],
      ['GET', '/codes/:code([a-z]{2}(-[A-Z]{2})?)'],
    ],
    cases: [
      ['GET', '/orders/123', { store: '/orders/:id(\\d+)', params: { id: '123' } }],
      ['GET', '/orders/12a', { store: '/orders/:slug', params: { slug: '12a' } }],
      ['GET', '/codes/en-GB', { store: '/codes/:code([a-z]{2}(-[A-Z]{2})?)', params: { code: 'en-GB' } }],
      ['GET', '/codes/en', { store: '/codes/:code([a-z]{2}(-[A-Z]{2})?)', params: { code: 'en' } }],
      ['GET', '/codes/eng', { status: 404 }],
    ],
  },
  {
    rule: 'a wildcard takes the rest of the path, possibly empty',
    routes: [
      ['GET', '/assets/*'],
      ['GET', '/assets/logo.png'],
      ['GET', '/dl-*'],
    ],
    cases: [
      ['GET', '/assets/css/site.css', { store: '/assets/*', params: { '*': 'css/site.css' } }],
      ['GET', '/assets/', { store: '/assets/*', params: { '*': '' } }],
      ['GET', '/assets/logo.png', { store: '/assets/logo.png' }],
      ['GET', '/dl-2024/x', { store: '/dl-*', params: { '*': '2024/x' } }],
      ['GET', '/assets', { status: 404 }],
    ],
  },
  {
    rule: 'static beats a constrained param, which beats a param, which beats a wildcard',
    routes: [
      ['GET', '/p/me'],
      ['GET', '/p/:id(\\d+)'],
      ['GET', '/p/:name'],
      ['GET', '/p/*'],
    ],
    cases: [
      ['GET', '/p/me', { store: '/p/me' }],
      ['GET', '/p/7', { store: '/p/:id(\\d+)', params: { id: '7' } }],
      ['GET', '/p/you', { store: '/p/:name', params: { name: 'you' } }],
      ['GET', '/p/you/too', { store: '/p/*', params: { '*': 'you/too' } }],
      ['GET', '/p/', { store: '/p/*', params: { '*': '' } }],
    ],
  },
  {
    rule: 'a failed static branch backtracks into the param branch',
    routes: [
      ['GET', '/a/:x/c'],
      ['GET', '/a/b/d'],
      ['GET', '/users/me'],
      ['GET', '/users/:id'],
      ['GET', '/s/static/x'],
      ['GET', '/s/*'],
    ],
    cases: [
      ['GET', '/a/b/c', { store: '/a/:x/c', params: { x: 'b' } }],
      ['GET', '/a/b/d', { store: '/a/b/d' }],
      ['GET', '/users/me', { store: '/users/me' }],
      ['GET', '/users/mel', { store: '/users/:id', params: { id: 'mel' } }],
      ['GET', '/s/static/y', { store: '/s/*', params: { '*': 'static/y' } }],
    ],
  },
  {
    rule: 'matching is method-aware: a path routed for other methods falls through to the next route',
    routes: [
      ['POST', '/users/me'],
      ['GET', '/users/:id'],
    ],
    cases: [
      ['GET', '/users/me', { store: '/users/:id', params: { id: 'me' } }],
      ['POST', '/users/me', { store: 'POST /users/me' }],
    ],
  },
  {
    rule: 'the query string never takes part in matching',
    routes: [
      ['GET', '/search'],
      ['GET', '/items/:id'],
    ],
    cases: [
      ['GET', '/search?q=a/b', { store: '/search' }],
      ['GET', '/items/9?x=1', { store: '/items/:id', params: { id: '9' } }],
      ['GET', '/search?', { store: '/search' }],
      ['GET', '/?q', { status: 404 }],
    ],
  },
  {
    rule: 'params are percent-decoded; static text is compared as received',
    routes: [
      ['GET', '/users/me'],
      ['GET', '/users/:id'],
      ['GET', '/files/*'],
    ],
    cases: [
      ['GET', '/users/caf%C3%A9', { store: '/users/:id', params: { id: 'café' } }],
      ['GET', '/users/a%2Fb', { store: '/users/:id', params: { id: 'a/b' } }],
      ['GET', '/users/%6De', { store: '/users/:id', params: { id: 'me' } }],
      ['GET', '/files/a%20b/c', { store: '/files/*', params: { '*': 'a b/c' } }],
      ['GET', '/users/%zz', { status: 400, reason: 'param "id" is not valid percent-encoding: "%zz"' }],
      ['GET', '/files/%E0%A4%A', { status: 400, reason: 'param "*" is not valid percent-encoding: "%E0%A4%A"' }],
    ],
  },
  {
    rule: 'a path routed only for other methods answers 405 with the Allow value',
    routes: [
      [['GET', 'PUT'], '/users/:id'],
      ['POST', '/users'],
      ['DELETE', '/users/me'],
    ],
    cases: [
      ['PATCH', '/users/42', { status: 405, allow: 'GET, HEAD, OPTIONS, PUT' }],
      ['GET', '/users', { status: 405, allow: 'OPTIONS, POST' }],
      ['PATCH', '/users/me', { status: 405, allow: 'DELETE, GET, HEAD, OPTIONS, PUT' }],
      ['GET', '/nobody', { status: 404 }],
    ],
  },
  {
    rule: 'HEAD falls back to GET; OPTIONS is answered with Allow unless routed',
    routes: [
      ['GET', '/a'],
      [['HEAD', 'GET'], '/b'],
      ['OPTIONS', '/c'],
      ['GET', '/c'],
    ],
    cases: [
      ['HEAD', '/a', { store: '/a' }],
      ['HEAD', '/b', { store: 'HEAD,GET /b' }],
      ['OPTIONS', '/a', { status: 405, allow: 'GET, HEAD, OPTIONS' }],
      ['OPTIONS', '/c', { store: 'OPTIONS /c' }],
    ],
  },
  {
    rule: "'*' answers every method without a route of its own",
    routes: [
      ['*', '/any'],
      ['GET', '/any'],
      ['*', '/w/*'],
    ],
    cases: [
      ['GET', '/any', { store: '/any' }],
      ['HEAD', '/any', { store: '/any' }],
      ['PURGE', '/any', { store: '* /any' }],
      ['OPTIONS', '/any', { store: '* /any' }],
      ['DELETE', '/w/x', { store: '* /w/*', params: { '*': 'x' } }],
    ],
  },
  {
    rule: 'params named like Object.prototype members are plain keys',
    routes: [['GET', '/o/:__proto__/:constructor']],
    cases: [
      ['GET', '/o/a/b', { store: '/o/:__proto__/:constructor', params: { ['__proto__']: 'a', constructor: 'b' } }],
    ],
  },
]

/** The store of a route: its pattern, prefixed with its methods when they are not a plain GET. */
function storeOf([method, pattern]: Route): string {
  const methods = typeof method === 'string' ? method : method.join(',')
  return methods === 'GET' ? pattern : `${methods} ${pattern}`
}

function actual(match: RouteMatch<string>): unknown {
  if (match.status !== 200) return match
  return { store: match.store, params: { ...match.params } }
}

function wanted(expected: Expected): unknown {
  if (!('store' in expected)) return expected
  // fromEntries defines keys, so a '__proto__' param stays an own key as in the router's answer.
  return { store: expected.store, params: Object.fromEntries(Object.entries(expected.params ?? {})) }
}

describe('Router specification', () => {
  for (const scenario of SCENARIOS) {
    describe(scenario.rule, () => {
      const router = new Router<string>()
      for (const route of scenario.routes) router.on(route[0], route[1], storeOf(route))
      for (const [method, path, expected] of scenario.cases) {
        it(`${method} ${JSON.stringify(path)} -> ${JSON.stringify(expected)}`, () => {
          expect(actual(router.find(method, path))).to.deep.equal(wanted(expected))
        })
      }
    })
  }

  it('returns the same frozen answer object, with shared frozen empty params, on every static hit', () => {
    const router = new Router<string>()
    router.on('GET', '/health', 'ok')
    const first = router.find('GET', '/health')
    const second = router.find('GET', '/health')
    expect(second).to.equal(first)
    expect(Object.isFrozen(first)).to.equal(true)
    expect(first.status === 200 && Object.isFrozen(first.params)).to.equal(true)
    expect(first).to.deep.equal({ status: 200, store: 'ok', params: {}, pattern: '/health' })
  })

  it('gives params objects without Object.prototype members', () => {
    const router = new Router<string>()
    router.on('GET', '/users/:id', 'user')
    const match = router.find('GET', '/users/1')
    expect(match.status === 200 && 'toString' in match.params).to.equal(false)
  })

  it('reports the pattern as registered', () => {
    const router = new Router<string>()
    router.on('GET', '/orders/:id(\\d+)', 'order')
    expect(router.find('GET', '/orders/5')).to.deep.include({ pattern: '/orders/:id(\\d+)' })
  })
})
