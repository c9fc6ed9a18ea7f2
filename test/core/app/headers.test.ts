import { expect } from 'chai'
import { App } from '../../../core/app/app.js'

function masked(raw: Buffer): string {
  return raw.toString('latin1').replace(/\r\nDate: [^\r]+\r\n/, '\r\nDate: *\r\n')
}

describe('response headers', () => {
  it('appendHeader() adds a field line per value after earlier ones, never joined', async () => {
    const app = new App({ serverHeader: false })
    app.use(async (_req, res, next) => {
      res.appendHeader('Set-Cookie', 'a=1')
      await next()
    })
    app.get('/', (_req, res) => {
      res.appendHeader('Set-Cookie', ['b=2; Path=/', 'c=3'])
      res.text('ok')
    })
    const res = await app.inject({ path: '/' })
    expect(masked(res.raw)).to.equal(
      'HTTP/1.1 200 OK\r\nDate: *\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2; Path=/\r\nSet-Cookie: c=3\r\n' +
        'Content-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\n\r\nok',
    )
  })

  it('exposes a field sent several times as an array in inject(), one sent once as a string', async () => {
    const app = new App({ serverHeader: false })
    app.get('/', (_req, res) =>
      res.appendHeader('Set-Cookie', 'a=1, b').appendHeader('set-cookie', 'c=3').header('X-One', 'x').text('ok'),
    )
    const res = await app.inject({ path: '/' })
    expect(res.headers['set-cookie']).to.deep.equal(['a=1, b', 'c=3'])
    expect(res.headers['x-one']).to.equal('x')
  })

  it('getHeaders() reads each value; removeHeader() drops every field of the name', async () => {
    const app = new App({ serverHeader: false })
    let seen: unknown
    app.get('/', (_req, res) => {
      res
        .appendHeader('Vary', 'Origin')
        .appendHeader('Vary', 'Accept-Encoding')
        .header('X-Drop', '1')
        .removeHeader('x-drop')
      seen = [res.getHeaders('vary'), res.getHeader('vary'), res.getHeader('x-drop')]
      res.send()
    })
    const res = await app.inject({ path: '/' })
    expect(seen).to.deep.equal([['Origin', 'Accept-Encoding'], 'Origin, Accept-Encoding', undefined])
    expect(res.rawHeaders.filter(([n]) => n.toLowerCase() === 'x-drop')).to.deep.equal([])
  })

  it('appendHeader() refuses a bad name or value, and a head already sent', async () => {
    const app = new App({ serverHeader: false })
    const codes: string[] = []
    app.get('/', (_req, res) => {
      for (const f of [() => res.appendHeader('Bad Name', 'x'), () => res.appendHeader('X', 'a\r\nb')]) {
        try {
          f()
        } catch (err) {
          codes.push((err as { code: string }).code)
        }
      }
      res.text('ok')
      try {
        res.appendHeader('X', 'late')
      } catch (err) {
        codes.push((err as { code: string }).code)
      }
    })
    await app.inject({ path: '/' })
    expect(codes).to.deep.equal(['ERR_INVALID_HEADER', 'ERR_INVALID_HEADER', 'ERR_RESPONSE_ALREADY_SENT'])
  })
})
