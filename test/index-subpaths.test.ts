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

  it('loads the certificate library at the first certificate read', () => {
    const out = runFresh(
      "const { inspectCertificate } = await import('gatehouse/certs');" +
        " try { inspectCertificate('-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----') } catch (err) { console.log(err.code) }" +
        ' console.log(typeof Reflect.getMetadata)',
    )
    expect(out).to.equal('ERR_CERT_UNREADABLE\nfunction')
  })
})
