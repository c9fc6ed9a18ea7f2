import { expect } from 'chai'
import { compileMatcher } from '../../router/compiled-matcher.js'
import type { Matcher } from '../../router/matcher.js'
import { matcherSource } from '../../router/matcher-source.js'
import { RadixNode } from '../../router/radix-node.js'
import type { RouteMatch } from '../../router/route-match.js'
import { Router } from '../../router/router.js'
import { walkMatcher } from '../../router/walk-matcher.js'
import { addRouteWithNames, buildTree } from './tree-builder.js'
import { withoutCodeGeneration } from './without-code-generation.js'

function comparable(match: RouteMatch<string>): unknown {
  return match.status === 200 ? { ...match, params: { ...match.params } } : match
}

function compiled(root: RadixNode<string>): Matcher<string> {
  const match = compileMatcher(root, 100)
  if (match === null) throw new Error('code generation is disallowed in this process')
  return match
}

// Text that would change the generated code if it were pasted into it unquoted.
const HOSTILE = [
  'a"]){}//',
  "a'];globalThis.pwned=1;//",
  '__proto__',
  'constructor',
  '\\',
  '${globalThis.pwned=1}',
  '\u2028',
  '*/',
  '</script>',
  '"\\"',
]

describe('compileMatcher', () => {
  afterEach(() => {
    delete (globalThis as Record<string, unknown>).pwned
  })

  it('keeps param names that look like code as plain keys, in path order', () => {
    const root = RadixNode.root<string>()
    addRouteWithNames(root, 'GET', '/h/', HOSTILE)
    const path = `/h/${HOSTILE.map((_, k) => `v${k}`).join('/')}`
    const match = compiled(root)('GET', path, path)
    expect(match.status).to.equal(200)
    const params = match.status === 200 ? match.params : {}
    expect(Object.keys(params)).to.deep.equal(HOSTILE)
    expect(Object.values(params)).to.deep.equal(HOSTILE.map((_, k) => `v${k}`))
    expect(Object.getPrototypeOf(Object.getPrototypeOf(params))).to.equal(null)
    expect(globalThis).to.not.have.property('pwned')
  })

  it('matches static text holding quotes, backslashes, ${, U+2028 and U+2029 as plain text', () => {
    const router = new Router<string>()
    const text = `/q"uote/'/back\\slash/\${globalThis.pwned=1}/\`/\u2028\u2029/</script>/`
    router.on('GET', `${text}:id`, 'hostile')
    expect(comparable(router.find('GET', `${text}7`))).to.deep.equal({
      status: 200,
      store: 'hostile',
      params: { id: '7' },
      pattern: `${text}:id`,
    })
    expect(router.find('GET', `${text.replace('uote', 'uotE')}7`).status).to.equal(404)
    expect(globalThis).to.not.have.property('pwned')
  })

  it('reads constraints and methods that look like code as data', () => {
    const router = new Router<string>()
    router.on("A'`|~", '/m/:x', 'odd method')
    router.on('__proto__', '/m/:x', 'proto method')
    router.on('GET', '/c/:x(["\'`${}\\\\]+)', 'quotes')
    expect(router.find("A'`|~", '/m/1')).to.deep.include({ store: 'odd method' })
    expect(router.find('__proto__', '/m/1')).to.deep.include({ store: 'proto method' })
    expect(router.find('GET', '/m/1')).to.deep.equal({ status: 405, allow: "A'`|~, OPTIONS, __proto__" })
    expect(router.find('GET', '/c/"\'`${}\\')).to.deep.include({ store: 'quotes' })
    expect(router.find('GET', '/c/a').status).to.equal(404)
  })

  it('answers like the walk on a route set large enough to be split into several functions', () => {
    const routes: [string, string][] = []
    for (let i = 0; i < 400; i++) {
      routes.push(['GET', `/r${i % 23}/s${i}/:id/t${i % 7}`], [i % 3 === 0 ? 'POST' : 'PUT', `/r${i % 23}/s${i}/:id`])
      if (i % 5 === 0) routes.push(['*', `/r${i % 23}/s${i}/:id/files/*`], ['GET', `/r${i % 23}/s${i}/:name.:ext`])
    }
    const root = buildTree(routes)
    const { source } = matcherSource(root, 100)
    const functions = source.split(/(?=function C\d+\()|(?=return function compiledMatch)/).slice(1)
    expect(functions.length).to.be.greaterThan(3)
    // Every function stays near the size V8 optimises quickly; none approaches its 60 KiB bytecode limit.
    for (const code of functions) expect(code.length).to.be.lessThan(20 * 1024)
    const match = compiled(root)
    const walk = walkMatcher(root, 100)
    for (let i = 0; i < 400; i += 3) {
      for (const [method, path] of [
        ['GET', `/r${i % 23}/s${i}/42/t${i % 7}`],
        ['PUT', `/r${i % 23}/s${i}/42`],
        ['DELETE', `/r${i % 23}/s${i}/42`],
        ['GET', `/r${i % 23}/s${i}/42/files/a/b`],
        ['GET', `/r${i % 23}/s${i}/a.b.c`],
        ['GET', `/r${i % 23}/s${i}/42/t${(i + 1) % 7}`],
      ] as const) {
        expect(comparable(match(method, path, path)), `${method} ${path}`).to.deep.equal(
          comparable(walk(method, path, path)),
        )
      }
    }
  })

  it('answers routes without params like the walk, one length at a time or by hash when many share a length', () => {
    const routes: [string, string][] = [
      ['GET', '/a'],
      ['PUT', '/ab'],
      ['*', '/abc'],
      ['GET', '/abc/:x'],
    ]
    for (let i = 10; i < 30; i++) routes.push([i % 2 === 0 ? 'GET' : 'POST', `/s${i}`])
    const root = buildTree(routes)
    const match = compiled(root)
    const walk = walkMatcher(root, 100)
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PURGE']) {
      for (const path of ['/a', '/ab', '/abc', '/abc/1', '/abd', '/s10', '/s11', '/s29', '/s30', '/s1', '/']) {
        expect(comparable(match(method, path, path)), `${method} ${path}`).to.deep.equal(
          comparable(walk(method, path, path)),
        )
      }
    }
  })

  it('returns null when new Function throws an EvalError, as with --disallow-code-generation-from-strings', () => {
    const root = buildTree([['GET', '/users/:id']])
    expect(
      withoutCodeGeneration(new EvalError('Code generation from strings disallowed for this context'), () =>
        compileMatcher(root, 100),
      ),
    ).to.equal(null)
  })

  it('lets any other failure of code generation surface', () => {
    const root = buildTree([['GET', '/users/:id']])
    expect(() => withoutCodeGeneration(new SyntaxError('bad source'), () => compileMatcher(root, 100))).to.throw(
      SyntaxError,
      'bad source',
    )
  })
})

describe('Router without code generation', () => {
  it('registers and answers through the tree walk when new Function throws an EvalError', () => {
    const refused = new EvalError('Code generation from strings disallowed for this context')
    const answers = withoutCodeGeneration(refused, () => {
      const router = new Router<string>()
      // Names no other test uses, so that their params constructor is not cached already.
      router.on('GET', '/walk/:walkOwner/:walkRepo', 'repo')
      router.on('POST', '/walk/:walkOwner', 'owner')
      return [router.find('GET', '/walk/octo/hi'), router.find('GET', '/walk/octo'), router.find('GET', '/nope')].map(
        comparable,
      )
    })
    expect(answers).to.deep.equal([
      {
        status: 200,
        store: 'repo',
        params: { walkOwner: 'octo', walkRepo: 'hi' },
        pattern: '/walk/:walkOwner/:walkRepo',
      },
      { status: 405, allow: 'OPTIONS, POST' },
      { status: 404 },
    ])
  })

  it('finds routes added after lookups, compiled again at the next lookup', () => {
    const router = new Router<string>()
    router.on('GET', '/a/:x', 'a')
    expect(router.find('GET', '/b/1').status).to.equal(404)
    router.on('GET', '/b/:y', 'b')
    expect(router.find('GET', '/b/1')).to.deep.include({ store: 'b' })
    expect(router.find('GET', '/a/1')).to.deep.include({ store: 'a' })
  })
})
