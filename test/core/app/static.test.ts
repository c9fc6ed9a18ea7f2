import { expect } from 'chai'
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { App } from '../../../core/app/app.js'
import type { WafMode } from '../../../waf/waf-mode.js'

describe('app.static()', () => {
  let dir: string
  let root: string

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-static-'))
    root = join(dir, 'public')
    mkdirSync(join(root, 'docs'), { recursive: true })
    writeFileSync(join(root, 'app.js'), 'console.log(1)\n')
    writeFileSync(join(root, 'app.js.gz'), gzipSync('console.log(1)\n'))
    writeFileSync(join(root, 'style.css'), 'body{}')
    writeFileSync(join(root, 'docs', 'index.html'), '<h1>docs</h1>')
    writeFileSync(join(root, '.env'), 'SECRET=1')
    writeFileSync(join(dir, 'secret.txt'), 'secret')
    symlinkSync(join(dir, 'secret.txt'), join(root, 'link.txt'))
  })

  after(() => rmSync(dir, { recursive: true, force: true }))

  function staticApp(mode: WafMode = 'basic'): App {
    const app = new App({ serverHeader: false, waf: { mode } })
    app.static('/assets', root, { cacheControl: 'public, max-age=60' })
    app.notFound((_req, res) => res.status(404).json({ message: 'custom 404' }))
    return app
  }

  it('serves a file with its type, length, ETag, Last-Modified and Cache-Control', async () => {
    const res = await staticApp().inject({ path: '/assets/style.css' })
    expect(res.status).to.equal(200)
    expect(res.text()).to.equal('body{}')
    expect(res.headers['content-type']).to.equal('text/css; charset=utf-8')
    expect(res.headers['cache-control']).to.equal('public, max-age=60')
    expect(res.headers['etag']).to.match(/^W\/"/)
    expect(res.headers['vary']).to.equal('Accept-Encoding')
  })

  it('types each file from the registry: common and rare types, upper case, no extension, prototype keys', async () => {
    const types: Record<string, string> = {
      'index.HTML': 'text/html; charset=utf-8',
      'module.mjs': 'text/javascript; charset=utf-8',
      'legacy.cjs': 'text/javascript; charset=utf-8',
      'data.json': 'application/json; charset=utf-8',
      'icon.svg': 'image/svg+xml; charset=utf-8',
      'photo.JPEG': 'image/jpeg',
      'font.woff2': 'font/woff2',
      'model.glb': 'model/gltf-binary',
      Makefile: 'application/octet-stream',
      html: 'application/octet-stream',
      'x.__proto__': 'application/octet-stream',
      'x.constructor': 'application/octet-stream',
    }
    const typed = join(dir, 'typed')
    mkdirSync(typed)
    for (const name of Object.keys(types)) writeFileSync(join(typed, name), 'x')
    const app = new App({ serverHeader: false, waf: { mode: 'off' } })
    app.static('/t', typed)
    const seen: Record<string, unknown> = {}
    for (const name of Object.keys(types)) {
      const res = await app.inject({ path: `/t/${name}` })
      seen[name] = res.status === 200 ? res.headers['content-type'] : res.status
    }
    expect(seen).to.deep.equal(types)
  })

  it('answers 304 to a matching If-None-Match, and 206 to a Range', async () => {
    const app = staticApp()
    const first = await app.inject({ path: '/assets/style.css' })
    const again = await app.inject({
      path: '/assets/style.css',
      headers: { 'If-None-Match': first.headers['etag'] as string },
    })
    expect(again.status).to.equal(304)
    const part = await app.inject({ path: '/assets/style.css', headers: { Range: 'bytes=0-3' } })
    expect([part.status, part.text()]).to.deep.equal([206, 'body'])
  })

  it('serves the index file of a directory', async () => {
    const res = await staticApp().inject({ path: '/assets/docs/' })
    expect([res.status, res.text(), res.headers['content-type']]).to.deep.equal([
      200,
      '<h1>docs</h1>',
      'text/html; charset=utf-8',
    ])
  })

  it("answers a file's path with a trailing slash with the App's 404, as a file system would", async () => {
    const app = staticApp()
    for (const path of ['/assets/style.css/', '/assets/docs/index.html/']) {
      const res = await app.inject({ path })
      expect([res.status, res.json()], path).to.deep.equal([404, { message: 'custom 404' }])
    }
  })

  it('serves the .gz sibling to a client that accepts gzip, with the original type', async () => {
    const app = staticApp()
    const gz = await app.inject({ path: '/assets/app.js', headers: { 'Accept-Encoding': 'br;q=0, gzip' } })
    expect([gz.headers['content-encoding'], gz.headers['content-type']]).to.deep.equal([
      'gzip',
      'text/javascript; charset=utf-8',
    ])
    expect(gz.body).to.deep.equal(gzipSync('console.log(1)\n'))
    const plain = await app.inject({ path: '/assets/app.js', headers: { 'Accept-Encoding': 'gzip;q=0' } })
    expect([plain.headers['content-encoding'], plain.text()]).to.deep.equal([undefined, 'console.log(1)\n'])
  })

  for (const mode of ['off', 'monitor', 'basic', 'strict'] as const) {
    it(`never leaves its folder, refuses dotfiles and outward symlinks (WAF ${mode})`, async () => {
      const app = staticApp(mode)
      const attempts = [
        '/assets/../secret.txt',
        '/assets/%2e%2e/secret.txt',
        '/assets/%2E%2E%2Fsecret.txt',
        '/assets/docs/..%2F..%2Fsecret.txt',
        '/assets/./../secret.txt',
        '/assets/..%5csecret.txt',
        '/assets/%252e%252e/secret.txt',
        '/assets/.env',
        '/assets/docs/%2e%2e/.env',
        '/assets/link.txt',
        '/assets/app.js%00.css',
      ]
      for (const path of attempts) {
        const res = await app.inject({ path })
        expect(res.text(), path).to.not.include('secret').and.not.include('SECRET')
        expect(res.status, path).to.be.oneOf([400, 404])
      }
    })
  }

  it("answers a miss with the App's 404", async () => {
    const res = await staticApp().inject({ path: '/assets/missing.txt' })
    expect([res.status, res.json()]).to.deep.equal([404, { message: 'custom 404' }])
  })

  it('refuses bad options with ERR_OPTION_INVALID', () => {
    expect(() => new App().static('/a', root, { index: 'index.html' as never }))
      .to.throw()
      .with.property('code', 'ERR_OPTION_INVALID')
    expect(() => new App().static('/a', root, { maxAge: 1 } as never))
      .to.throw()
      .with.property('code', 'ERR_OPTION_INVALID')
    expect(() => new App().static('a', root))
      .to.throw()
      .with.property('code', 'ERR_OPTION_INVALID')
  })
})
