import { expect } from 'chai'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCertsCli, type CliOutput } from '../../certs/certs-cli.js'
import { inspectCertificate } from '../../certs/inspect-certificate.js'
import { makeCertificate } from './make-certificate.js'

const NOW = new Date('2026-11-24T12:00:00.000Z')

function capture(): CliOutput & { lines: string[]; errors: string[] } {
  const lines: string[] = []
  const errors: string[] = []
  return { lines, errors, log: (line) => lines.push(line), error: (line) => errors.push(line) }
}

describe('runCertsCli()', () => {
  let dir: string
  let certPath: string
  let fingerprint: string
  let serial: string

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-certs-cli-'))
    const site = await makeCertificate({
      cn: 'site.test',
      dns: ['site.test'],
      ips: ['10.0.0.1'],
      notBefore: new Date('2026-11-01T00:00:00.000Z'),
      notAfter: new Date('2026-12-01T00:00:00.000Z'),
    })
    certPath = join(dir, 'site.crt')
    writeFileSync(certPath, site.cert)
    ;({ fingerprint256: fingerprint, serialNumber: serial } = inspectCertificate(site.cert))
  })

  after(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  const expectedReport = (source: string): string[] => [
    `certificate  ${source}`,
    'subject      CN=site.test',
    'names        DNS:site.test, IP:10.0.0.1',
    'valid from   2026-11-01T00:00:00.000Z',
    'valid to     2026-12-01T00:00:00.000Z (6 days left, renew soon)',
    'issuer       CN=site.test (self-signed)',
    `serial       ${serial}`,
    `sha-256      ${fingerprint}`,
  ]

  it('prints the certificate given by --cert', async () => {
    const out = capture()
    expect(await runCertsCli(['--cert', certPath], {}, out, NOW)).to.equal(0)
    expect(out.lines).to.deep.equal(expectedReport(certPath))
    expect(out.errors).to.deep.equal([])
  })

  it('prints the certificate named by GATEHOUSE_TLS_CERT when there is no --cert', async () => {
    const out = capture()
    expect(await runCertsCli([], { GATEHOUSE_TLS_CERT: certPath }, out, NOW)).to.equal(0)
    expect(out.lines).to.deep.equal(expectedReport(certPath))
  })

  it('prefers --cert=<path> over GATEHOUSE_TLS_CERT', async () => {
    const out = capture()
    expect(await runCertsCli([`--cert=${certPath}`], { GATEHOUSE_TLS_CERT: '/nope.crt' }, out, NOW)).to.equal(0)
    expect(out.lines[0]).to.equal(`certificate  ${certPath}`)
  })

  it('reports an unreadable certificate with its code and exits 1', async () => {
    const out = capture()
    const missing = join(dir, 'missing.crt')
    expect(await runCertsCli(['--cert', missing], {}, out, NOW)).to.equal(1)
    expect(out.lines).to.deep.equal([])
    expect(out.errors).to.deep.equal([`ERR_CERT_UNREADABLE: --cert (${missing}) cannot be read: no such file`])
  })

  it('prints usage and exits 2 for an unknown argument', async () => {
    const out = capture()
    expect(await runCertsCli(['--verbose'], {}, out, NOW)).to.equal(2)
    expect(out.errors).to.deep.equal(['usage: certs [--cert <path>]   (or set GATEHOUSE_TLS_CERT)'])
  })
})
