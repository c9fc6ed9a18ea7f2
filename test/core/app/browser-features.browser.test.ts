import { expect } from 'chai'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import type { HTTPResponse, Page } from 'puppeteer-core'
import { App } from '../../../core/app/app.js'
import { CookieSigner } from '../../../core/request/cookie-signer.js'
import type { HttpServer } from '../../../core/server/http-server.js'
import { chromiumAvailable, launchChromium, type LaunchedChromium } from '../../helpers/chromium.js'

// The page's globals, for the functions that run in it (the project compiles without the DOM's types).
declare const document: { cookie: string }
interface PageSocket {
  onopen: (() => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onerror: (() => void) | null
  onclose: ((event: { code: number }) => void) | null
  send(data: string): void
  close(): void
}
declare const WebSocket: new (url: string) => PageSocket

/** What the page learns of a cross-origin fetch: the status and body it can read, or the failure. */
interface Seen {
  readonly status: number
  readonly body: string
}

/** What the API server sent, as its `onFinish` hook saw it. */
interface Sent {
  readonly method: string
  readonly path: string
  readonly status: number
  readonly bytes: number
  readonly allowOrigin: string | undefined
}

const hasChromium = chromiumAvailable('browser features spec')

// A script big enough to be worth compressing, and different from its siblings' decoding only if a
// sibling were served wrongly.
const SCRIPT = `window.loaded = ${JSON.stringify('x'.repeat(2048))}\n`
const PAGE = '<!doctype html><html><head><title>features</title></head><body>features</body></html>\n'
const ITEMS = Array.from({ length: 2000 }, (_, i) => ({ id: i, title: `item number ${i}`, done: i % 3 === 0 }))
const SIGNER = new CookieSigner(['a signing key of more than sixteen characters'])

if (hasChromium) {
  describe('App features in headless Chromium: a page on one origin, an API on another', function () {
    this.timeout(60_000)
    let chromium: LaunchedChromium
    let site: HttpServer
    let api: HttpServer
    let folder: string
    let page: Page
    let siteOrigin: string
    let apiOrigin: string
    const responses: HTTPResponse[] = []
    const sent: Sent[] = []
    const siteStatuses: { path: string; status: number }[] = []

    /** The browser's record of the last response to `method url`. */
    function responseTo(method: string, url: string): HTTPResponse {
      const found = responses.filter((r) => r.url() === url && r.request().method() === method).at(-1)
      if (found === undefined) throw new Error(`the browser saw no response to ${method} ${url}`)
      return found
    }

    /**
     * Runs `fetch` in the page and reports what the page can read, or the failure's message; once
     * it has read a response, the browser's record of it (which arrives on its own) is in too.
     */
    async function pageFetch(url: string, init: RequestInit = {}): Promise<Seen> {
      const method = init.method ?? 'GET'
      const recorded = page.waitForResponse((r) => r.url() === url && r.request().method() === method, {
        timeout: 20_000,
      })
      const seen = await page.evaluate(
        async (target: string, options: RequestInit) => {
          try {
            const res = await fetch(target, options)
            return { status: res.status, body: await res.text() }
          } catch (err) {
            return { status: 0, body: String(err) }
          }
        },
        url,
        init as never,
      )
      if (seen.status === 0) recorded.catch(() => {})
      else await recorded
      return seen
    }

    before(async () => {
      folder = mkdtempSync(join(tmpdir(), 'gatehouse-browser-'))
      writeFileSync(join(folder, 'index.html'), PAGE)
      writeFileSync(join(folder, 'app.js'), SCRIPT)
      writeFileSync(join(folder, 'app.js.br'), brotliCompressSync(SCRIPT))
      writeFileSync(join(folder, 'app.js.gz'), gzipSync(SCRIPT))
      writeFileSync(join(folder, 'legacy.js'), SCRIPT)
      writeFileSync(join(folder, 'legacy.js.gz'), gzipSync(SCRIPT))

      const siteApp = new App({ serverHeader: false })
      siteApp.static('/', folder)
      siteApp.onFinish((req, _res, info) => siteStatuses.push({ path: req.path, status: info.status }))
      site = await siteApp.listen({ port: 0, host: '127.0.0.1' })
      siteOrigin = `http://127.0.0.1:${site.port}`

      const apiApp = new App({ serverHeader: false })
      apiApp.cors({ origin: [siteOrigin], credentials: true, exposedHeaders: ['X-Todo-Id'] })
      apiApp.compression()
      apiApp.onFinish((req, res, info) =>
        sent.push({
          method: req.method,
          path: req.path,
          status: info.status,
          bytes: info.bytes,
          allowOrigin: res.getHeader('access-control-allow-origin'),
        }),
      )
      apiApp.put('/api/todos/:id', (req, res) => {
        const todo = req.json<{ title: string }>()
        res
          .header('X-Todo-Id', req.params.id)
          .json({ id: req.params.id, title: todo.title, by: req.header('x-client') })
      })
      apiApp.post('/api/tiny', { bodyLimit: 16 }, (_req, res) => res.status(201).json({}))
      apiApp.post('/api/login', (_req, res) => {
        res
          .cookie('sid', 's-1', { httpOnly: true, sameSite: 'strict' })
          .cookie('theme', 'dark', { sameSite: 'lax' })
          .cookie('uid', '42', { signer: SIGNER, httpOnly: true, sameSite: 'lax' })
          .status(204)
          .send()
      })
      apiApp.get('/api/whoami', (req) => ({
        cookies: { ...req.cookies },
        uid: req.signedCookie('uid', SIGNER) ?? null,
      }))
      apiApp.get('/api/items', () => ({ items: ITEMS }))
      apiApp.ws('/ws/echo', (ws) => ws.on('message', (m) => ws.send(`echo ${String(m)}`)))
      api = await apiApp.listen({ port: 0, host: '127.0.0.1' })
      apiOrigin = `http://127.0.0.1:${api.port}`

      chromium = await launchChromium()
      page = await chromium.browser.newPage()
      page.on('response', (r) => void responses.push(r))
    })

    after(async () => {
      await chromium?.close()
      await Promise.all([site?.close(), api?.close()])
      rmSync(folder, { recursive: true, force: true })
    })

    it('loads the page from app.static with an ETag, and revalidates it with a 304 on reload', async () => {
      const first = await page.goto(`${siteOrigin}/`)
      expect(first!.status()).to.equal(200)
      const etag = first!.headers()['etag']
      expect(etag).to.match(/^W\/"[0-9a-f]+-[0-9a-f]+"$/)
      expect(first!.headers()['cache-control']).to.equal('public, max-age=0')
      expect(first!.headers()['content-type']).to.equal('text/html; charset=utf-8')
      const again = await page.reload()
      expect(again!.request().headers()['if-none-match']).to.equal(etag)
      expect(again!.status()).to.equal(304)
      expect(siteStatuses.filter((s) => s.path === '/').map((s) => s.status)).to.deep.equal([200, 304])
      // The page the browser shows is the cached copy the 304 confirmed.
      expect(await page.content()).to.include('<title>features</title>')
    })

    it('gets the precompressed sibling the browser accepts, decoded to the original', async () => {
      for (const name of ['app.js', 'legacy.js']) {
        const seen = await pageFetch(`${siteOrigin}/${name}`)
        expect(seen).to.deep.equal({ status: 200, body: SCRIPT })
        const res = responseTo('GET', `${siteOrigin}/${name}`)
        const accepts = res.request().headers()['accept-encoding'] ?? ''
        // app.js has both siblings: brotli when the browser accepts it; legacy.js has only .gz.
        const expected = name === 'app.js' && accepts.includes('br') ? 'br' : 'gzip'
        expect(accepts).to.include('gzip')
        expect(res.headers()['content-encoding']).to.equal(expected)
        expect(res.headers()['content-type']).to.equal('text/javascript; charset=utf-8')
        expect(res.headers()['vary']).to.equal('Accept-Encoding')
      }
    })

    it('passes a credentialed PUT with a custom header through its preflight', async () => {
      const seen = await pageFetch(`${apiOrigin}/api/todos/7`, {
        method: 'PUT',
        credentials: 'include',
        headers: { 'Content-Type': 'application/json', 'X-Client': 'page' },
        body: JSON.stringify({ title: 'buy milk' }),
      })
      expect(seen).to.deep.equal({ status: 200, body: '{"id":"7","title":"buy milk","by":"page"}' })
      const calls = sent.filter((s) => s.path === '/api/todos/7')
      expect(calls).to.deep.equal([
        { method: 'OPTIONS', path: '/api/todos/7', status: 204, bytes: 0, allowOrigin: siteOrigin },
        { method: 'PUT', path: '/api/todos/7', status: 200, bytes: 41, allowOrigin: siteOrigin },
      ])
      const headers = responseTo('PUT', `${apiOrigin}/api/todos/7`).headers()
      expect(headers['access-control-allow-origin']).to.equal(siteOrigin)
      expect(headers['access-control-allow-credentials']).to.equal('true')
      expect(headers['access-control-expose-headers']).to.equal('X-Todo-Id')
      // Field lines as the browser received them, one per line: CORS's, then compression's.
      expect(headers['vary']?.split('\n')).to.deep.equal(['Origin', 'Accept-Encoding'])
      // The exposed header is readable by the page, as CORS allows.
      const exposed = await page.evaluate(async (url: string) => {
        const res = await fetch(url, {
          method: 'PUT',
          credentials: 'include',
          headers: { 'Content-Type': 'application/json', 'X-Client': 'page' },
          body: '{"title":"again"}',
        })
        return res.headers.get('x-todo-id')
      }, `${apiOrigin}/api/todos/8`)
      expect(exposed).to.equal('8')
    })

    it("lets the page read the status of the Session's own 404 and 413, not a failed fetch", async () => {
      const missing = await pageFetch(`${apiOrigin}/api/missing`, { credentials: 'include' })
      expect(missing).to.deep.equal({ status: 404, body: '{"message":"Not Found"}' })
      const tooLarge = await pageFetch(`${apiOrigin}/api/tiny`, {
        method: 'POST',
        credentials: 'include',
        headers: { 'Content-Type': 'text/plain' },
        body: 'x'.repeat(64),
      })
      expect(tooLarge).to.deep.equal({ status: 413, body: '{"message":"Payload too large"}' })
      for (const [method, path, status] of [
        ['GET', '/api/missing', 404],
        ['POST', '/api/tiny', 413],
      ] as const) {
        const res = responseTo(method, `${apiOrigin}${path}`)
        expect(res.status()).to.equal(status)
        expect(res.headers()['access-control-allow-origin']).to.equal(siteOrigin)
        expect(res.headers()['access-control-allow-credentials']).to.equal('true')
      }
    })

    it('keeps the cookies res.cookie() set and sends them back to req.cookies, signed ones verified', async () => {
      const login = await pageFetch(`${apiOrigin}/api/login`, { method: 'POST', credentials: 'include' })
      expect(login).to.deep.equal({ status: 204, body: '' })
      const setCookie = responseTo('POST', `${apiOrigin}/api/login`).headers()['set-cookie']
      expect(setCookie?.split('\n')).to.deep.equal([
        'sid=s-1; Path=/; HttpOnly; SameSite=Strict',
        'theme=dark; Path=/; SameSite=Lax',
        `uid=${SIGNER.sign('42')}; Path=/; HttpOnly; SameSite=Lax`,
      ])
      const jar = await page.browserContext().cookies()
      const byName = Object.fromEntries(jar.map((c) => [c.name, { httpOnly: c.httpOnly, sameSite: c.sameSite }]))
      expect(byName).to.deep.equal({
        sid: { httpOnly: true, sameSite: 'Strict' },
        theme: { httpOnly: false, sameSite: 'Lax' },
        uid: { httpOnly: true, sameSite: 'Lax' },
      })
      // The page's script sees only the cookie that is not HttpOnly (cookies ignore the port).
      expect(await page.evaluate(() => document.cookie)).to.equal('theme=dark')
      const whoami = await pageFetch(`${apiOrigin}/api/whoami`, { credentials: 'include' })
      expect(whoami.status).to.equal(200)
      expect(JSON.parse(whoami.body)).to.deep.equal({
        cookies: { sid: 's-1', theme: 'dark', uid: SIGNER.sign('42') },
        uid: '42',
      })
      // A value the client changed no longer verifies.
      await page.browserContext().setCookie({ name: 'uid', value: '43.forged', domain: '127.0.0.1', path: '/' })
      const forged = await pageFetch(`${apiOrigin}/api/whoami`, { credentials: 'include' })
      expect(JSON.parse(forged.body).uid).to.equal(null)
    })

    it('decodes a large JSON response app.compression() encoded', async () => {
      const seen = await pageFetch(`${apiOrigin}/api/items`, { credentials: 'include' })
      expect(seen.status).to.equal(200)
      expect(JSON.parse(seen.body)).to.deep.equal({ items: ITEMS })
      const res = responseTo('GET', `${apiOrigin}/api/items`)
      const accepts = res.request().headers()['accept-encoding'] ?? ''
      expect(res.headers()['content-encoding']).to.equal(accepts.includes('br') ? 'br' : 'gzip')
      expect(res.headers()['vary']?.split('\n')).to.deep.equal(['Origin', 'Accept-Encoding'])
      const raw = Buffer.byteLength(JSON.stringify({ items: ITEMS }))
      const record = sent.find((s) => s.path === '/api/items')!
      expect(record.bytes).to.be.below(raw / 5)
    })

    it('echoes over a WebSocket opened by app.ws from the page', async () => {
      const echoed = await page.evaluate(
        (url: string) =>
          new Promise<string[]>((resolve, reject) => {
            const ws = new WebSocket(url)
            const got: string[] = []
            ws.onerror = () => reject(new Error('WebSocket error'))
            ws.onopen = () => ws.send('hello')
            ws.onmessage = (event) => {
              got.push(String(event.data))
              if (got.length === 1) ws.send('again')
              else ws.close()
            }
            ws.onclose = (event) => resolve([...got, `closed ${event.code}`])
          }),
        `ws://127.0.0.1:${api.port}/ws/echo`,
      )
      expect(echoed).to.deep.equal(['echo hello', 'echo again', 'closed 1005'])
      expect(sent.filter((s) => s.path === '/ws/echo').map((s) => s.status)).to.deep.equal([101])
    })
  })
}
