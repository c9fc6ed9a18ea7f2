import { expect } from 'chai'
import { randomBytes } from 'node:crypto'
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { App, MemoryTransport } from '../../../index.js'
import type { InjectResponse } from '../../../index.js'

// 2020-01-02T03:04:05Z: whole seconds, so the ETag and Last-Modified below are exact.
const OLD_MTIME_S = 1577934245
const OLD_ETAG = 'W/"d-16f6435cc88"'
const OLD_DATE = 'Thu, 02 Jan 2020 03:04:05 GMT'
const BIG_BYTES = 5 * 1024 * 1024

function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length
}

/** The headers without `date`, which changes every second. */
function stableHeaders(r: InjectResponse): Record<string, string | string[]> {
  const { date: _date, ...rest } = r.headers
  return rest
}

// Names whose type comes from the registry (the `mime-types` package): common and rarer types, upper
// case, names without an extension (a bare `json` is not JSON) and names that are Object.prototype's keys.
const REGISTRY_TYPES: Record<string, string> = {
  'sheet.CSS': 'text/css; charset=utf-8',
  'legacy.cjs': 'text/javascript; charset=utf-8',
  'feed.xml': 'application/xml; charset=utf-8',
  'graph.jsonld': 'application/ld+json; charset=utf-8',
  'site.webmanifest': 'application/manifest+json; charset=utf-8',
  'notes.md': 'text/markdown; charset=utf-8',
  'REPORT.PDF': 'application/pdf',
  'app.wasm': 'application/wasm',
  'photo.avif': 'image/avif',
  'model.glb': 'model/gltf-binary',
  'book.epub': 'application/epub+zip',
  'backup.tar.gz': 'application/gzip',
  'song.opus': 'audio/ogg',
  json: 'application/octet-stream',
  '.gitignore': 'application/octet-stream',
  'ends-with-dot.': 'application/octet-stream',
  'x.__proto__': 'application/octet-stream',
  'x.constructor': 'application/octet-stream',
  'x.hasOwnProperty': 'application/octet-stream',
}

describe('res.file()', () => {
  let dir: string
  let big: Buffer
  let app: App
  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    app.inject({ method, path, headers })

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-file-'))
    writeFileSync(join(dir, 'hello.txt'), 'hello, world\n')
    utimesSync(join(dir, 'hello.txt'), OLD_MTIME_S, OLD_MTIME_S)
    writeFileSync(join(dir, 'digits.txt'), '0123456789')
    utimesSync(join(dir, 'digits.txt'), OLD_MTIME_S, OLD_MTIME_S)
    writeFileSync(join(dir, 'empty.txt'), '')
    for (const name of [
      'page.html',
      'style.css',
      'app.js',
      'mod.mjs',
      'data.json',
      'logo.svg',
      'photo.JPG',
      'font.woff2',
      'clip.mp4',
      'blob.xyz',
      'blob.qqq',
      'noext',
      ...Object.keys(REGISTRY_TYPES),
    ]) {
      writeFileSync(join(dir, name), 'x')
    }
    mkdirSync(join(dir, 'sub'))
    big = randomBytes(BIG_BYTES)
    writeFileSync(join(dir, 'big.bin'), big)

    app = new App({ serverHeader: false })
    app.get('/files/:name', (req, res) => res.file(join(dir, req.params.name)))
    app.get('/typed', (_req, res) =>
      res.file(join(dir, 'digits.txt'), { contentType: 'application/x-digits', cacheControl: 'max-age=60' }),
    )
    app.get('/not-a-dir', (_req, res) => res.file(join(dir, 'hello.txt', 'inside')))
    app.get('/error-page', (_req, res) => res.status(404).file(join(dir, 'hello.txt')))
  })

  after(() => rmSync(dir, { recursive: true, force: true }))

  describe('whole files', () => {
    it('answers 200 with the exact bytes, type, length, validators and Accept-Ranges', async () => {
      const r = await get('/files/hello.txt')
      expect(r.status).to.equal(200)
      expect(r.text()).to.equal('hello, world\n')
      expect(stableHeaders(r)).to.deep.equal({
        'content-type': 'text/plain; charset=utf-8',
        'content-length': '13',
        etag: OLD_ETAG,
        'last-modified': OLD_DATE,
        'accept-ranges': 'bytes',
      })
    })

    const types: Record<string, string> = {
      'page.html': 'text/html; charset=utf-8',
      'style.css': 'text/css; charset=utf-8',
      'app.js': 'text/javascript; charset=utf-8',
      'mod.mjs': 'text/javascript; charset=utf-8',
      'data.json': 'application/json; charset=utf-8',
      'logo.svg': 'image/svg+xml; charset=utf-8',
      'photo.JPG': 'image/jpeg',
      'font.woff2': 'font/woff2',
      'clip.mp4': 'video/mp4',
      // The registry knows .xyz (chemistry's XYZ format); an unregistered extension is bytes.
      'blob.xyz': 'chemical/x-xyz',
      'blob.qqq': 'application/octet-stream',
      noext: 'application/octet-stream',
      ...REGISTRY_TYPES,
    }
    for (const [name, type] of Object.entries(types)) {
      it(`sends ${name} as ${type}`, async () => {
        const r = await get(`/files/${name}`)
        expect(r.headers['content-type']).to.equal(type)
      })
    }

    it('uses the contentType and cacheControl options', async () => {
      const r = await get('/typed')
      expect(r.headers['content-type']).to.equal('application/x-digits')
      expect(r.headers['cache-control']).to.equal('max-age=60')
      expect(r.text()).to.equal('0123456789')
    })

    it('sends an empty file as 200 with Content-Length 0', async () => {
      const r = await get('/files/empty.txt')
      expect([r.status, r.headers['content-length'], r.body.length]).to.deep.equal([200, '0', 0])
    })

    it('streams a 5 MiB file whole, byte for byte, and closes it', async () => {
      const before = openDescriptors()
      const r = await get('/files/big.bin')
      expect(r.status).to.equal(200)
      expect(r.headers['content-length']).to.equal(String(BIG_BYTES))
      expect(r.headers['transfer-encoding']).to.equal(undefined)
      expect(r.body.equals(big)).to.equal(true)
      expect(openDescriptors()).to.equal(before)
    })

    it('answers HEAD with the GET headers and no body, ignoring Range', async () => {
      const r = await get('/files/hello.txt', { range: 'bytes=0-1' }, 'HEAD')
      expect(r.status).to.equal(200)
      expect(r.body.length).to.equal(0)
      expect(stableHeaders(r)).to.deep.equal({
        'content-type': 'text/plain; charset=utf-8',
        'content-length': '13',
        etag: OLD_ETAG,
        'last-modified': OLD_DATE,
        'accept-ranges': 'bytes',
      })
    })

    it('keeps a status set before file() and then ignores conditionals and Range', async () => {
      const r = await get('/error-page', { 'if-none-match': OLD_ETAG, range: 'bytes=0-1' })
      expect(r.status).to.equal(404)
      expect(r.text()).to.equal('hello, world\n')
    })
  })

  describe('404', () => {
    const cases: Record<string, string> = {
      'a missing file': '/files/nothing.txt',
      'a directory': '/files/sub',
      'a path through a file': '/not-a-dir',
    }
    for (const [what, path] of Object.entries(cases)) {
      it(`answers 404 with a JSON message for ${what}`, async () => {
        const r = await get(path)
        expect(r.status).to.equal(404)
        expect(r.json()).to.deep.equal({ message: 'Not Found' })
        expect(r.headers.etag).to.equal(undefined)
      })
    }
  })

  describe('conditional requests', () => {
    const notModified: Record<string, Record<string, string>> = {
      'If-None-Match holds the ETag': { 'if-none-match': OLD_ETAG },
      'If-None-Match holds the ETag without W/ among others': { 'if-none-match': '"other", "d-16f6435cc88" , W/"x"' },
      'If-None-Match is *': { 'if-none-match': '*' },
      'If-Modified-Since equals Last-Modified': { 'if-modified-since': OLD_DATE },
      'If-Modified-Since is later than Last-Modified': { 'if-modified-since': 'Fri, 03 Jan 2020 00:00:00 GMT' },
    }
    for (const [when, headers] of Object.entries(notModified)) {
      it(`answers 304 with the validators and no body when ${when}`, async () => {
        const r = await get('/files/hello.txt', headers)
        expect(r.status).to.equal(304)
        expect(r.body.length).to.equal(0)
        expect(stableHeaders(r)).to.deep.equal({ etag: OLD_ETAG, 'last-modified': OLD_DATE })
      })
    }

    it('sends Cache-Control with a 304', async () => {
      const r = await get('/typed', { 'if-none-match': OLD_ETAG.replace('d-', 'a-') })
      expect([r.status, r.headers['cache-control']]).to.deep.equal([304, 'max-age=60'])
    })

    const modified: Record<string, Record<string, string>> = {
      'If-None-Match holds other tags only': { 'if-none-match': '"d-0", W/"e-16f6435cc88"' },
      'If-None-Match does not match, whatever If-Modified-Since says': {
        'if-none-match': '"other"',
        'if-modified-since': OLD_DATE,
      },
      'If-Modified-Since is earlier than Last-Modified': { 'if-modified-since': 'Thu, 02 Jan 2020 03:04:04 GMT' },
      'If-Modified-Since is not a date': { 'if-modified-since': 'yesterday' },
      'If-Modified-Since is a bare number that Date.parse reads as a year': { 'if-modified-since': '3000' },
      'If-Modified-Since is a date in a form HTTP does not define': { 'if-modified-since': '2999-01-01T00:00:00Z' },
      'If-Match is *': { 'if-match': '*' },
      'If-Unmodified-Since equals Last-Modified': { 'if-unmodified-since': OLD_DATE },
      'If-Unmodified-Since is not a date': { 'if-unmodified-since': '1' },
    }
    for (const [when, headers] of Object.entries(modified)) {
      it(`answers 200 with the body when ${when}`, async () => {
        const r = await get('/files/hello.txt', headers)
        expect([r.status, r.text()]).to.deep.equal([200, 'hello, world\n'])
      })
    }
  })

  describe('preconditions (RFC 9110 §13.2.2)', () => {
    const failed: Record<string, Record<string, string>> = {
      'If-Match names another tag': { 'if-match': '"other"' },
      'If-Match names the weak ETag, which strong comparison never matches': { 'if-match': OLD_ETAG },
      'If-Unmodified-Since is earlier than Last-Modified': { 'if-unmodified-since': 'Thu, 02 Jan 2020 03:04:04 GMT' },
      'If-Match fails, whatever If-None-Match says': { 'if-match': '"other"', 'if-none-match': OLD_ETAG },
      'If-Unmodified-Since fails in the obsolete RFC 850 form': {
        'if-unmodified-since': 'Wednesday, 01-Jan-20 00:00:00 GMT',
      },
    }
    for (const [when, headers] of Object.entries(failed)) {
      it(`answers 412 when ${when}`, async () => {
        const r = await get('/files/hello.txt', headers)
        expect([r.status, r.json()]).to.deep.equal([412, { message: 'Precondition Failed' }])
      })
    }

    it('reads If-Modified-Since in the asctime form, and ignores it when If-None-Match is there', async () => {
      expect((await get('/files/hello.txt', { 'if-modified-since': 'Thu Jan  2 03:04:05 2020' })).status).to.equal(304)
      expect(
        (await get('/files/hello.txt', { 'if-modified-since': 'Thu Jan  2 03:04:05 2020', 'if-none-match': '"x"' }))
          .status,
      ).to.equal(200)
    })
  })

  describe('root', () => {
    let outside: string
    let rooted: App
    const fetch = (path: string) => rooted.inject({ method: 'GET', path })

    before(() => {
      outside = mkdtempSync(join(tmpdir(), 'gatehouse-outside-'))
      writeFileSync(join(outside, 'secret.txt'), 'secret')
      symlinkSync(join(outside, 'secret.txt'), join(dir, 'leak.txt'))
      symlinkSync(join(dir, 'hello.txt'), join(dir, 'alias.txt'))
      writeFileSync(join(dir, '..secret'), 'dots in a name')
      // The WAF is off so that only the root stands between a request and the parent folder.
      rooted = new App({ serverHeader: false, waf: { mode: 'off' } })
      rooted.get('/static/*', (req, res) => res.file(req.params['*'], { root: dir }))
      rooted.get('/linked/*', (req, res) => res.file(req.params['*'], { root: dir, followSymlinks: true }))
      rooted.get('/nul', (_req, res) => res.file('hello.txt\0.png'))
    })

    after(() => rmSync(outside, { recursive: true, force: true }))

    it('serves a file inside the root, by a path relative to it', async () => {
      const r = await fetch('/static/hello.txt')
      expect([r.status, r.text()]).to.deep.equal([200, 'hello, world\n'])
      expect((await fetch('/static/sub/../hello.txt')).status).to.equal(200)
      expect((await fetch('/static/..secret')).text()).to.equal('dots in a name')
    })

    const escapes = ['../x', './../x', 'sub/../../x', '%2e%2e/x', 'sub/%2E%2E/%2e%2e/x', '..%2fx']
    for (const escape of escapes) {
      it(`answers 404 for ${escape}, which climbs out of the root`, async () => {
        // x is the folder beside the root that holds secret.txt.
        const r = await fetch(`/static/${escape.replace(/x$/, basename(outside))}/secret.txt`)
        expect([r.status, r.json()]).to.deep.equal([404, { message: 'Not Found' }])
      })
    }

    it('refuses a symbolic link that leads out of the root unless followSymlinks says so; one inside is served', async () => {
      expect((await fetch('/static/leak.txt')).status).to.equal(404)
      expect((await fetch('/linked/leak.txt')).text()).to.equal('secret')
      expect((await fetch('/static/alias.txt')).text()).to.equal('hello, world\n')
    })

    it('answers 400 for a path with a NUL, with a root or without', async () => {
      const viaParam = await fetch('/static/hello.txt%00.png')
      expect(viaParam.status).to.equal(400)
      expect(viaParam.json()).to.have.property('message').that.includes('NUL')
      expect((await fetch('/nul')).status).to.equal(400)
    })

    it("answers a missing file through the App's notFound handler", async () => {
      const app = new App({ serverHeader: false })
      app.notFound((_req, res) => res.status(404).text('custom 404'))
      app.get('/static/*', (req, res) => res.file(req.params['*'], { root: dir }))
      const r = await app.inject({ method: 'GET', path: '/static/nothing.txt' })
      expect([r.status, r.text()]).to.deep.equal([404, 'custom 404'])
    })
  })

  describe('ranges', () => {
    const partial: Record<string, [string, string, string]> = {
      'bytes=2-5': ['bytes 2-5/10', '4', '2345'],
      'bytes=7-': ['bytes 7-9/10', '3', '789'],
      'bytes=-3': ['bytes 7-9/10', '3', '789'],
      'bytes=-30': ['bytes 0-9/10', '10', '0123456789'],
      'bytes=8-100': ['bytes 8-9/10', '2', '89'],
      'BYTES=0-0': ['bytes 0-0/10', '1', '0'],
    }
    for (const [range, [contentRange, length, body]] of Object.entries(partial)) {
      it(`answers ${range} with 206 and Content-Range ${contentRange}`, async () => {
        const r = await get('/files/digits.txt', { range })
        expect(r.status).to.equal(206)
        expect(r.headers['content-range']).to.equal(contentRange)
        expect(r.headers['content-length']).to.equal(length)
        expect(r.headers.etag).to.equal('W/"a-16f6435cc88"')
        expect(r.text()).to.equal(body)
      })
    }

    for (const range of ['bytes=10-', 'bytes=10-20', 'bytes=-0']) {
      it(`answers ${range} with 416 and Content-Range bytes */10`, async () => {
        const r = await get('/files/digits.txt', { range })
        expect(r.status).to.equal(416)
        expect(r.headers['content-range']).to.equal('bytes */10')
        expect(r.json()).to.deep.equal({ message: 'Range Not Satisfiable' })
      })
    }

    it('answers 416 to bytes=0- on an empty file', async () => {
      const r = await get('/files/empty.txt', { range: 'bytes=0-' })
      expect([r.status, r.headers['content-range']]).to.deep.equal([416, 'bytes */0'])
    })

    const ignored: Record<string, string> = {
      'several ranges': 'bytes=0-1, 4-5',
      'another unit': 'items=0-1',
      'no numbers': 'bytes=-',
      'a last position before the first': 'bytes=5-2',
      'non-digits': 'bytes=a-b',
    }
    for (const [what, range] of Object.entries(ignored)) {
      it(`ignores a Range of ${what} and answers 200 with the whole file`, async () => {
        const r = await get('/files/digits.txt', { range })
        expect([r.status, r.headers['content-range'], r.text()]).to.deep.equal([200, undefined, '0123456789'])
      })
    }

    it('honours Range when If-Range is the Last-Modified date', async () => {
      const r = await get('/files/digits.txt', { range: 'bytes=0-1', 'if-range': OLD_DATE })
      expect([r.status, r.text()]).to.deep.equal([206, '01'])
    })

    const stale: Record<string, string> = {
      'another date': 'Wed, 01 Jan 2020 00:00:00 GMT',
      'the current (weak) ETag': 'W/"a-16f6435cc88"',
      'a strong ETag': '"a-16f6435cc88"',
    }
    for (const [what, ifRange] of Object.entries(stale)) {
      it(`ignores Range and answers 200 when If-Range is ${what}`, async () => {
        const r = await get('/files/digits.txt', { range: 'bytes=0-1', 'if-range': ifRange })
        expect([r.status, r.text()]).to.deep.equal([200, '0123456789'])
      })
    }
  })

  describe('failures while streaming', () => {
    function request(path: string): string {
      return `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`
    }

    it('stops reading and closes the file when the connection fails half-way', async () => {
      const before = openDescriptors()
      let sending: Promise<void> | undefined
      // The transport's EPIPE reaches the error hook; keep it off the console.
      const cutApp = new App().onError(() => undefined)
      cutApp.get('/big', (_req, res) => (sending = res.file(join(dir, 'big.bin'))))
      const transport = new MemoryTransport({ input: request('/big'), failWriteAfterBytes: 300_000 })
      await cutApp.serve(transport)
      await sending
      expect(transport.output.length).to.be.at.most(300_000)
      expect(openDescriptors()).to.equal(before)
    })

    it('closes the connection and the file when the file shrinks while it is sent', async () => {
      const path = join(dir, 'shrinking.bin')
      copyFileSync(join(dir, 'big.bin'), path)
      const before = openDescriptors()
      let sending: Promise<void> | undefined
      const cutApp = new App().onError(() => undefined)
      cutApp.get('/shrinking', (_req, res) => (sending = res.file(path)))
      const transport = new MemoryTransport({ input: request('/shrinking'), endAfterInput: false })
      const served = cutApp.serve(transport)
      await transport.waitForOutput(200_000)
      truncateSync(path, 1000)
      await served
      const failure = await sending!.then(
        () => undefined,
        (err: unknown) => err,
      )
      expect((failure as { code?: string } | undefined)?.code).to.equal('ERR_CONTENT_LENGTH_MISMATCH')
      expect(transport.output.length).to.be.below(BIG_BYTES)
      expect(openDescriptors()).to.equal(before)
    })
  })
})
