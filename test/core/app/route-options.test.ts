import { expect } from 'chai'
import { App } from '../../../core/app/app.js'
import type { Handler } from '../../../core/route/handler.js'
import type { RouteOptions } from '../../../core/route/route-entry.js'

const ok: Handler = (_req, res) => res.text('ok')

function registrationError(options: unknown): { code: string; message: string } | undefined {
  try {
    new App().post('/upload', options as RouteOptions, ok)
    return undefined
  } catch (err) {
    const e = err as { code: string; message: string }
    return { code: e.code, message: e.message }
  }
}

describe('route options', () => {
  it('refuses a body limit that is not a whole number of bytes', () => {
    expect(registrationError({ bodyLimit: Number.NaN })).to.deep.equal({
      code: 'ERR_ROUTE_OPTION_INVALID',
      message: 'route POST /upload: option bodyLimit: expected an integer >= 0 (bytes), got NaN',
    })
    for (const bad of [-1, 1.5, Infinity, '1024'])
      expect(registrationError({ bodyLimit: bad })?.code).to.equal('ERR_ROUTE_OPTION_INVALID')
  })

  it('refuses an unknown WAF mode instead of dropping every request', () => {
    expect(registrationError({ waf: 'of' })).to.deep.equal({
      code: 'ERR_ROUTE_OPTION_INVALID',
      message: 'route POST /upload: option waf: expected one of off, monitor, basic, strict, got "of"',
    })
  })

  it('refuses a streamBody that is not a boolean, and a schema that is not Standard Schema', () => {
    expect(registrationError({ streamBody: 'yes' })?.code).to.equal('ERR_ROUTE_OPTION_INVALID')
    expect(registrationError({ schema: { body: { parse: () => 1 } } })?.message).to.equal(
      'route POST /upload: option schema: body: expected a Standard Schema validator (zod, valibot, arktype …), got an object',
    )
    expect(registrationError({ schema: { header: undefined } })?.code).to.equal('ERR_ROUTE_OPTION_INVALID')
  })

  it('refuses a session param the path does not declare, and accepts one it does', () => {
    expect(registrationError({ session: 'sid' })).to.deep.equal({
      code: 'ERR_ROUTE_OPTION_INVALID',
      message: 'route POST /upload: option session: the path has no param :sid',
    })
    const app = new App()
    expect(() => app.get('/s/:sidx', { session: 'sid' }, ok)).to.throw('the path has no param :sid')
    expect(() => app.get('/s/:sid(\\w+)/x', { session: 'sid' }, ok)).to.not.throw()
    expect(() => app.get('/t/:sid', { session: 'sid' }, ok)).to.not.throw()
  })

  it('names an unknown option (a typo) with its own code', () => {
    expect(registrationError({ bodylimit: 10 })).to.deep.equal({
      code: 'ERR_ROUTE_OPTION_UNKNOWN',
      message: 'route POST /upload: unknown option bodylimit',
    })
  })

  it('accepts valid options and undefined values, which mean the default', async () => {
    const app = new App().post(
      '/upload',
      { bodyLimit: 4, waf: 'off', streamBody: false, schema: undefined as never },
      ok,
    )
    expect(registrationError({ bodyLimit: undefined })).to.equal(undefined)
    const res = await app.inject({ method: 'POST', path: '/upload', body: 'hello' })
    expect(res.status).to.equal(413)
  })
})

describe('route options: handlerTimeoutMs', () => {
  it('refuses what is not a whole number of milliseconds a Node timer can wait, naming the value', () => {
    expect(registrationError({ handlerTimeoutMs: Infinity })).to.deep.equal({
      code: 'ERR_ROUTE_OPTION_INVALID',
      message:
        'route POST /upload: option handlerTimeoutMs: expected an integer from 0 (no timeout) to 2147483647 (milliseconds), got Infinity',
    })
    for (const bad of [-1, 1.5, Number.NaN, '100', 2 ** 31, null])
      expect(registrationError({ handlerTimeoutMs: bad })?.code).to.equal('ERR_ROUTE_OPTION_INVALID')
  })

  it('accepts 0 (no timeout) up to 2147483647, and undefined for the config’s', () => {
    for (const good of [0, 1, 60_000, 2 ** 31 - 1, undefined])
      expect(registrationError({ handlerTimeoutMs: good })).to.equal(undefined)
  })
})
