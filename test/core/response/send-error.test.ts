import { expect } from 'chai'
import { App } from '../../../core/app/app.js'
import { InvalidStatusError } from '../../../core/errors.js'

describe('res.sendError()', () => {
  for (const status of [200, 302, 399, 600, 999, 404.5]) {
    it(`throws ERR_INVALID_STATUS when called with ${status}, and nothing of it is sent`, async () => {
      const thrown: unknown[] = []
      const app = new App({ serverHeader: false })
      app.get('/e', (_req, res) => {
        try {
          res.sendError(status, 'x')
        } catch (err) {
          thrown.push(err)
          throw err
        }
      })
      const res = await app.inject({ method: 'GET', path: '/e' })
      expect(thrown).to.have.length(1)
      expect(thrown[0]).to.be.instanceOf(InvalidStatusError).with.property('code', 'ERR_INVALID_STATUS')
      expect((thrown[0] as Error).message).to.equal(
        `invalid status code: ${status} (sendError() needs a status from 400 to 599)`,
      )
      expect([res.status, res.text()]).to.deep.equal([500, '{"message":"Internal Server Error"}'])
    })
  }

  it('sends 400 and 599 with the error body', async () => {
    const app = new App({ serverHeader: false })
    app.get('/400', (_req, res) => res.sendError(400, 'bad'))
    app.get('/599', (_req, res) => res.sendError(599, 'odd'))
    const low = await app.inject({ method: 'GET', path: '/400' })
    const high = await app.inject({ method: 'GET', path: '/599' })
    expect([low.status, low.text(), high.status, high.text()]).to.deep.equal([
      400,
      '{"message":"bad"}',
      599,
      '{"message":"odd"}',
    ])
  })
})
