import { expect } from 'chai'
import { execFileSync } from 'node:child_process'
import * as root from '../index.js'
import { repositoryRoot } from './helpers/repository-root.js'

const cwd = repositoryRoot(import.meta.url)

/** Runs a module script in a fresh process from the repository, so the package resolves itself by name. */
function runFresh(script: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8' }).trim()
}

describe('package entry points', () => {
  for (const subpath of ['router', 'waf', 'certs', 'transports', 'sessions']) {
    it(`gatehouse/${subpath} exports names that the root exports too, the same objects`, async () => {
      const module = (await import(`gatehouse/${subpath}`)) as Record<string, unknown>
      const names = Object.keys(module)
      expect(names).to.not.be.empty
      for (const name of names) expect((root as Record<string, unknown>)[name], name).to.equal(module[name])
    })
  }

  it('gatehouse/router routes on its own in a fresh process', () => {
    const out = runFresh(
      "const { Router } = await import('gatehouse/router'); const r = new Router(); r.on('GET', '/a/:id', 1);" +
        " console.log(JSON.stringify(r.find('GET', '/a/7')?.params ?? null))",
    )
    expect(out).to.equal('{"id":"7"}')
  })

  it('importing the root installs no global polyfill and loads no certificate library', () => {
    const out = runFresh(
      "await import('gatehouse'); const { createRequire } = await import('node:module');" +
        ' const cache = Object.keys(createRequire(import.meta.url).cache);' +
        " console.log(typeof Reflect.getMetadata, cache.some((p) => p.includes('@peculiar') || p.includes('reflect-metadata')))",
    )
    expect(out).to.equal('undefined false')
  })

  // Every dependency that is heavy to load or has a side effect (a global polyfill), none of which an
  // import should pay for: each is loaded by the first call that needs it.
  const LAZY = ['redis', '@redis/', 'ws', 'busboy', 'mime-types', 'mime-db', '@peculiar/', 'reflect-metadata']
  const LOADED =
    "const { createRequire } = await import('node:module'); const loaded = () =>" +
    ' [...new Set(Object.keys(createRequire(import.meta.url).cache).flatMap((p) =>' +
    " p.split('/node_modules/').slice(1).map((s) => s.match(/^(@[^/]+\\/)?[^/]+/)[0])))].sort();"
  const lazyIn = (packages: string[]): string[] =>
    packages.filter((p) => LAZY.some((lazy) => (lazy.endsWith('/') ? p.startsWith(lazy) : p === lazy)))

  for (const specifier of [
    'gatehouse',
    ...['router', 'waf', 'certs', 'transports', 'sessions'].map((s) => `gatehouse/${s}`),
  ]) {
    it(`importing ${specifier} loads none of the dependencies a call loads when it needs them`, () => {
      const out = runFresh(`${LOADED} await import('${specifier}'); console.log(JSON.stringify(loaded()))`)
      expect(lazyIn(JSON.parse(out) as string[])).to.deep.equal([])
    })
  }

  it('loads ws at the first app.ws() route, busboy at the first form, mime-types at the first file type', () => {
    const out = runFresh(
      `${LOADED} const { App } = await import('gatehouse'); const app = new App();` +
        " const seen = () => lazyIn(loaded()); const lazyIn = (ps) => ps.filter((p) => ['ws', 'busboy', 'mime-types'].includes(p));" +
        " const steps = [seen()]; app.ws('/chat', () => undefined); steps.push(seen());" +
        " app.post('/form', async (req) => (await req.form()).fields);" +
        " const res = await app.inject({ method: 'POST', path: '/form', headers: { 'Content-Type': 'multipart/form-data; boundary=b' }," +
        ` body: '--b\\r\\nContent-Disposition: form-data; name="a"\\r\\n\\r\\n1\\r\\n--b--\\r\\n' });` +
        " steps.push(seen()); app.get('/file', (req, res) => res.file('package.json'));" +
        " const file = await app.inject({ path: '/file' }); steps.push(seen());" +
        ' console.log(JSON.stringify({ steps, form: res.text(), status: file.status, type: file.headers["content-type"] }))',
    )
    expect(JSON.parse(out)).to.deep.equal({
      steps: [[], ['ws'], ['busboy', 'ws'], ['busboy', 'mime-types', 'ws']],
      form: '{"a":"1"}',
      status: 200,
      type: 'application/json; charset=utf-8',
    })
  })

  it('loads node-redis when redisStore() is called, before it connects', () => {
    const out = runFresh(
      `${LOADED} const { redisStore } = await import('gatehouse/sessions'); const before = loaded().includes('redis');` +
        // Port 1 refuses: the store would go on reconnecting, so the process ends once it has been looked at.
        " redisStore({ url: 'redis://127.0.0.1:1' }).catch(() => undefined);" +
        " console.log(before, loaded().includes('redis'), loaded().includes('@redis/client')); process.exit(0)",
    )
    expect(out).to.equal('false true true')
  })

  it('loads the certificate library at the first certificate read', () => {
    const out = runFresh(
      "const { inspectCertificate } = await import('gatehouse/certs');" +
        " try { inspectCertificate('-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----') } catch (err) { console.log(err.code) }" +
        ' console.log(typeof Reflect.getMetadata)',
    )
    expect(out).to.equal('ERR_CERT_UNREADABLE\nfunction')
  })
})
