import { expect } from 'chai'
import { App } from '../../../core/app/app.js'
import type { Handler } from '../../../core/route/handler.js'

/** A middleware that records its name in `x-trace`, then passes on. */
function tag(name: string): Handler {
  return async (req, _res, next) => {
    req.state.trace = [...((req.state.trace as string[] | undefined) ?? []), name]
    await next()
  }
}

const trace: Handler = (req) => ({ trace: req.state.trace ?? [], params: req.params })

describe('path-scoped middleware, groups and mounting', () => {
  it('runs app.use(prefix, mw) for the prefix and the paths below it only, segment-wise', async () => {
    const app = new App()
    app.use(tag('all'))
    app.use('/api', tag('api'))
    app.get('/api', trace).get('/api/todos', trace).get('/apix', trace).get('/other', trace)
    const traces = await Promise.all(
      ['/api', '/api/todos', '/apix', '/other'].map(
        async (path) => (await app.inject({ path })).json<{ trace: string[] }>().trace,
      ),
    )
    expect(traces).to.deep.equal([['all', 'api'], ['all', 'api'], ['all'], ['all']])
  })

  it('decides at request time for a route whose param covers the prefix', async () => {
    const app = new App()
    app.use('/admin/', tag('admin'))
    app.get('/:section/users', trace)
    expect((await app.inject({ path: '/admin/users' })).json<{ trace: string[] }>().trace).to.deep.equal(['admin'])
    expect((await app.inject({ path: '/shop/users' })).json<{ trace: string[] }>().trace).to.deep.equal([])
  })

  it('runs path-scoped middleware before a 404 under its prefix only', async () => {
    const app = new App()
    app.use('/api', (_req, res, next) => {
      res.header('X-Api', '1')
      return next()
    })
    expect((await app.inject({ path: '/api/nope' })).headers['x-api']).to.equal('1')
    expect((await app.inject({ path: '/nope' })).headers['x-api']).to.equal(undefined)
  })

  it('prefixes a group’s routes and runs its middleware after the App’s, for its routes only', async () => {
    const app = new App()
    app.use(tag('app'))
    app.group('/api', (api) => {
      api.use(tag('api'))
      api.get('/todos/:id', trace)
      api.group('/v2', (v2) => v2.use(tag('v2')).get('/', trace))
    })
    app.get('/api/plain', trace)
    expect((await app.inject({ path: '/api/todos/7' })).json()).to.deep.equal({
      trace: ['app', 'api'],
      params: { id: '7' },
    })
    expect((await app.inject({ path: '/api/v2' })).json<{ trace: string[] }>().trace).to.deep.equal([
      'app',
      'api',
      'v2',
    ])
    expect((await app.inject({ path: '/api/plain' })).json<{ trace: string[] }>().trace).to.deep.equal(['app'])
  })

  it('mounts an App under a prefix with its middleware, and what it registers later', async () => {
    const admin = new App()
    admin.use(tag('admin'))
    admin.get('/users/:id', trace)
    admin.group('/reports', (g) => g.use(tag('reports')).get('/daily', trace))
    const app = new App()
    app.use(tag('app'))
    app.mount('/admin', admin)
    admin.get('/late', trace)
    admin.use(tag('admin-late'))
    expect((await app.inject({ path: '/admin/users/3' })).json()).to.deep.equal({
      trace: ['app', 'admin', 'admin-late'],
      params: { id: '3' },
    })
    expect((await app.inject({ path: '/admin/reports/daily' })).json<{ trace: string[] }>().trace).to.deep.equal([
      'app',
      'admin',
      'admin-late',
      'reports',
    ])
    expect((await app.inject({ path: '/admin/late' })).status).to.equal(200)
    expect((await app.inject({ path: '/users/3' })).status).to.equal(404)
  })

  it('refuses a prefix without a leading slash, and an App mounted under itself', () => {
    const app = new App()
    expect(() => app.use('api', tag('x')))
      .to.throw()
      .with.property('code', 'ERR_OPTION_INVALID')
    expect(() => app.group('api'))
      .to.throw()
      .with.property('code', 'ERR_OPTION_INVALID')
    expect(() => app.mount('/x', app))
      .to.throw()
      .with.property('code', 'ERR_OPTION_INVALID')
  })
})
