import { expect } from 'chai'
import { App } from '../../../core/app/app.js'
import { CookieSigner } from '../../../core/request/cookie-signer.js'
import { InvalidOptionError } from '../../../core/errors.js'

const NEW_KEY = 'new-key-0123456789abcdef'
const OLD_KEY = 'old-key-0123456789abcdef'

describe('cookies', () => {
  it('parses req.cookies from every Cookie field, percent-decoded, the first of a name winning', async () => {
    const app = new App().get('/', (req) => ({ ...req.cookies }))
    const res = await app.inject({ path: '/', headers: { Cookie: ['a=1; b=hello%20world', 'a=2; c="q"'] } })
    expect(res.json()).to.deep.equal({ a: '1', b: 'hello world', c: '"q"' })
    expect((await app.inject({ path: '/' })).json()).to.deep.equal({})
  })

  it("sends res.cookie() as Set-Cookie lines of their own, next to a middleware's, with Path=/ by default", async () => {
    const app = new App()
    app.use(async (_req, res, next) => {
      res.cookie('seen', '1', { maxAge: 60 })
      await next()
    })
    app.get('/', (_req, res) =>
      res
        .cookie('theme', 'dark mode', { httpOnly: true, sameSite: 'lax', secure: true })
        .clearCookie('old', { path: '/x' })
        .text('ok'),
    )
    const res = await app.inject({ path: '/' })
    expect(res.headers['set-cookie']).to.deep.equal([
      'seen=1; Max-Age=60; Path=/',
      'theme=dark%20mode; Path=/; HttpOnly; Secure; SameSite=Lax',
      'old=; Path=/x; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ])
  })

  it('serializes every attribute the cookie package knows, leaving Path out when given as undefined', async () => {
    const app = new App()
    app.get('/', (_req, res) =>
      res
        .cookie('all', 'v', {
          maxAge: 10,
          expires: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)),
          domain: 'app.example',
          path: '/p',
          httpOnly: true,
          secure: true,
          partitioned: true,
          priority: 'high',
          sameSite: 'none',
        })
        .cookie('nopath', 'v', { path: undefined })
        .cookie('plain', 'a b')
        .text('ok'),
    )
    const res = await app.inject({ path: '/' })
    expect(res.headers['set-cookie']).to.deep.equal([
      'all=v; Max-Age=10; Domain=app.example; Path=/p; Expires=Wed, 02 Jan 2030 03:04:05 GMT; HttpOnly; Secure; ' +
        'Partitioned; Priority=High; SameSite=None',
      'nopath=v',
      'plain=a%20b; Path=/',
    ])
  })

  it('refuses whatever would put a control or non-ASCII character in the line (its field is not checked again)', async () => {
    const codes: unknown[] = []
    const app = new App()
    app.get('/', (_req, res) => {
      for (const [value, options] of [
        ['x', { encode: () => 'a\r\nInjected: 1' }],
        ['x', { path: '/\r\n' }],
        ['x', { domain: 'a\u00e9.example' }],
        ['x', { encode: () => 'caf\u00e9' }],
      ] as const) {
        try {
          res.cookie('c', value, options as never)
          codes.push('sent')
        } catch (err) {
          codes.push((err as { code: string }).code)
        }
      }
      res.text('ok')
    })
    const res = await app.inject({ path: '/' })
    expect(codes).to.deep.equal([
      'ERR_COOKIE_INVALID',
      'ERR_COOKIE_INVALID',
      'ERR_COOKIE_INVALID',
      'ERR_COOKIE_INVALID',
    ])
    expect(res.headers['set-cookie']).to.equal(undefined)
  })

  it('refuses a cookie name that is not a token with ERR_COOKIE_INVALID', async () => {
    const app = new App()
    let code: unknown
    app.get('/', (_req, res) => {
      try {
        res.cookie('bad name', 'x')
      } catch (err) {
        code = (err as { code: string }).code
      }
      res.text('ok')
    })
    await app.inject({ path: '/' })
    expect(code).to.equal('ERR_COOKIE_INVALID')
  })

  it('signs with the newest key and verifies under any, refusing a tampered value', async () => {
    const before = new CookieSigner([OLD_KEY])
    const rotated = new CookieSigner([NEW_KEY, OLD_KEY])
    const app = new App()
    app.get('/set', (_req, res) => res.cookie('uid', '42', { signer: rotated }).send())
    app.get('/read', (req) => ({ uid: req.signedCookie('uid', rotated) ?? null }))
    const set = await app.inject({ path: '/set' })
    const line = set.headers['set-cookie'] as string
    const signed = decodeURIComponent(/^uid=([^;]+)/.exec(line)![1]!)
    expect(signed).to.equal(rotated.sign('42'))
    expect(new CookieSigner([NEW_KEY]).unsign(signed)).to.equal('42')
    const read = async (value: string) =>
      (await app.inject({ path: '/read', headers: { Cookie: `uid=${encodeURIComponent(value)}` } })).json()
    expect(await read(signed)).to.deep.equal({ uid: '42' })
    expect(await read(before.sign('42'))).to.deep.equal({ uid: '42' })
    expect(await read(signed.replace('42.', '43.'))).to.deep.equal({ uid: null })
    expect(await read('42')).to.deep.equal({ uid: null })
    expect(new CookieSigner([NEW_KEY]).unsign(before.sign('42'))).to.equal(undefined)
  })

  it('refuses a signer without keys or with a short key with ERR_OPTION_INVALID', () => {
    expect(() => new CookieSigner([]))
      .to.throw(InvalidOptionError, 'CookieSigner: expected a list of one or more keys, newest first')
      .with.property('code', 'ERR_OPTION_INVALID')
    expect(() => new CookieSigner(['short']))
      .to.throw(InvalidOptionError, 'CookieSigner: every key must be a string of at least 16 characters')
      .with.property('code', 'ERR_OPTION_INVALID')
  })
})
