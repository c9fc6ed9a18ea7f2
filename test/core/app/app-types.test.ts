import { expect } from 'chai'
import { App } from '../../../index.js'

// Compile-time checks on the App's route methods: the build fails when param inference breaks.
describe('App route typing (params inferred from the path literal)', () => {
  it('types req.params by the names in the path, and they hold the matched values', async () => {
    const app = new App()
    app.get('/users/:id', (req) => {
      const id: string = req.params.id
      // @ts-expect-error a name that is not in the path is not a param
      void req.params.nope
      return { id }
    })
    app.post('/orgs/:org/repos/:repo', { bodyLimit: 1024 }, (req, res) => {
      res.json({ org: req.params.org, repo: req.params.repo })
    })
    app.get('/assets/*', (req) => req.params['*'])
    expect((await app.inject({ path: '/users/42' })).json()).to.deep.equal({ id: '42' })
    expect((await app.inject({ method: 'POST', path: '/orgs/a/repos/b', body: '' })).json()).to.deep.equal({
      org: 'a',
      repo: 'b',
    })
    expect((await app.inject({ path: '/assets/css/site.css' })).text()).to.equal('css/site.css')
  })
})
