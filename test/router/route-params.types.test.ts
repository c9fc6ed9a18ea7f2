import { expect } from 'chai'
import type { RouteParams } from '../../router/route-params.js'
import { Router } from '../../router/router.js'

// Compile-time checks: the build fails when inference breaks.
type Equal<A, B> = (<V>() => V extends A ? 1 : 2) extends <V>() => V extends B ? 1 : 2 ? true : false
function assertType<Condition extends true>(): Condition | undefined {
  return undefined
}

assertType<Equal<RouteParams<'/users/:id'>, { id: string }>>()
// A path with no parameter types as the empty object.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
assertType<Equal<RouteParams<'/users/me'>, {}>>()
assertType<Equal<RouteParams<'/assets/*'>, { '*': string }>>()
assertType<Equal<RouteParams<'/orders/:id(\\d+)'>, { id: string }>>()
assertType<Equal<RouteParams<'/v/:id((?:a|b)\\)+)/:rest'>, { id: string; rest: string }>>()
assertType<Equal<RouteParams<'/f/:name.:ext'>, { name: string; ext: string }>>()
assertType<Equal<RouteParams<'/range/:from-:to'>, { from: string; to: string }>>()
assertType<Equal<RouteParams<'/a::b/:c/*'>, { c: string; '*': string }>>()
assertType<Equal<RouteParams<string>, Record<string, string>>>()

/** A handler registration typed the way the App types `app.get`. */
function get<Path extends string>(path: Path, handler: (params: RouteParams<Path>) => string): string {
  const router = new Router<string>()
  router.on('GET', path, path)
  const match = router.find('GET', path.replace(/:(\w+)(\([^)]*\))?/g, '7'))
  return match.status === 200 ? handler(match.params as RouteParams<Path>) : ''
}

describe('RouteParams', () => {
  it('types params by the names in the path literal, and they hold the matched values', () => {
    const id: string = get('/users/:id', (params) => params.id)
    // @ts-expect-error a name that is not in the path is not a param
    get('/users/:id', (params) => params.nope)
    expect(id).to.equal('7')
  })

  it('types both params of a segment holding two', () => {
    expect(get('/f/:name.:ext', (params) => `${params.name}|${params.ext}`)).to.equal('7|7')
  })
})
