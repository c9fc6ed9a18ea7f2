import { expect } from 'chai'
import { App } from '../../../core/app/app.js'
import { RouteGroup } from '../../../core/app/route-group.js'
import { InvalidConfigError, InvalidOptionError, isGatehouseError } from '../../../core/errors.js'

describe('App registration refuses what is not a function, at once', () => {
  const cases: readonly [string, (app: App) => unknown, string][] = [
    ['app.group()', (app) => app.group('/a', 5 as never), "app.group('/a'): expected a function, got number"],
    ['a nested group()', (app) => app.group('/a').group('/b', 'x' as never), "group('/b'): expected a function"],
    ['app.ws()', (app) => app.ws('/w', 5 as never), "app.ws('/w'): expected a function, got number"],
    ['app.upgrade()', (app) => app.upgrade('/u', null as never), "app.upgrade('/u'): expected a function, got null"],
    ['app.onConnection()', (app) => app.onConnection(5 as never), 'app.onConnection(): expected a function'],
    ['app.onClose()', (app) => app.onClose(5 as never), 'app.onClose(): expected a function'],
    ['app.onResponse()', (app) => app.onResponse(5 as never), 'app.onResponse(): expected a function'],
    ['app.onFinish()', (app) => app.onFinish(5 as never), 'app.onFinish(): expected a function'],
    ['app.onError()', (app) => app.onError('x' as never), 'app.onError(): expected a function, got string'],
    ['app.notFound()', (app) => app.notFound({} as never), 'app.notFound(): expected a function, got object'],
  ]
  for (const [name, register, message] of cases) {
    it(`${name} throws ERR_OPTION_INVALID`, () => {
      expect(() => register(new App()))
        .to.throw(InvalidOptionError, message)
        .with.property('code', 'ERR_OPTION_INVALID')
    })
  }

  it('a refused hook leaves requests answered as before, with no hook run', async () => {
    const app = new App({ serverHeader: false }).get('/a', () => 'ok')
    expect(() => app.onResponse(5 as never)).to.throw(InvalidOptionError)
    expect(() => app.onError(5 as never)).to.throw(InvalidOptionError)
    const res = await app.inject({ method: 'GET', path: '/a' })
    expect([res.status, res.text()]).to.deep.equal([200, 'ok'])
  })

  it('still takes a group without a definition', () => {
    expect(new App().group('/a')).to.be.instanceOf(RouteGroup)
  })
})

describe('new App(config)', () => {
  it('refuses a null config with ERR_CONFIG_INVALID, as every non-object; an absent one means defaults', () => {
    let thrown: unknown
    try {
      new App(null as never)
    } catch (err) {
      thrown = err
    }
    expect(thrown).to.be.instanceOf(InvalidConfigError)
    expect(isGatehouseError(thrown) && thrown.code).to.equal('ERR_CONFIG_INVALID')
    expect((thrown as Error).message).to.equal('config config: expected an object, got null')
    expect(new App(undefined).config.serverHeader).to.equal(new App().config.serverHeader)
  })
})
