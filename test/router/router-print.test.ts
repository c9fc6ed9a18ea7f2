import { expect } from 'chai'
import { Router } from '../../router/router.js'

describe('Router.print', () => {
  it('draws one node per line, indented by depth, with the methods routed there', () => {
    const router = new Router<number>()
    router.on('GET', '/users', 1)
    router.on('GET', '/users/me', 2)
    router.on(['GET', 'PUT'], '/users/:id', 3)
    router.on('GET', '/users/:id(\\d+)/posts', 4)
    router.on('*', '/assets/*', 5)
    router.on('GET', '/files/:name.:ext', 6)
    expect(router.print()).to.equal(
      [
        '/',
        '  assets/',
        '    * [*]',
        '  files/',
        '    :name',
        '      .',
        '        :ext [GET]',
        '  users [GET]',
        '    /',
        '      me [GET]',
        '      :id(\\d+)',
        '        /posts [GET]',
        '      :id [GET, PUT]',
      ].join('\n'),
    )
  })

  it('draws an empty router as an empty string', () => {
    expect(new Router<number>().print()).to.equal('')
  })
})
