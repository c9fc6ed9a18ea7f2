import { expect } from 'chai'
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureDevCertificate } from '../../certs/dev-certificate.js'
import { inspectCertificate, verifyCertificate } from '../../certs/inspect-certificate.js'
import { makeCertificate } from './make-certificate.js'

const NOW = new Date('2026-11-24T12:00:00.000Z')
const DAY_MS = 86_400_000

describe('ensureDevCertificate()', () => {
  let root: string
  let count = 0
  const freshDir = (): string => join(root, `dev-${++count}`)

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'gatehouse-dev-cert-'))
  })

  after(() => {
    rmSync(root, { recursive: true, force: true })
  })

  it('generates a localhost certificate for 365 days when the folder is empty', async () => {
    const dir = freshDir()
    const dev = await ensureDevCertificate({ dir, now: NOW })
    expect(dev.generated).to.equal(true)
    expect(dev.certPath).to.equal(join(dir, 'localhost.crt'))
    expect(dev.keyPath).to.equal(join(dir, 'localhost.key'))
    expect(readFileSync(dev.certPath, 'utf8')).to.equal(dev.cert)
    expect(readFileSync(dev.keyPath, 'utf8')).to.equal(dev.key)
    const info = inspectCertificate(dev.cert)
    expect(info.subject).to.equal('CN=localhost')
    expect(info.subjectAltNames).to.deep.equal(['DNS:localhost', 'IP:127.0.0.1', 'IP:::1'])
    expect(info.validFrom).to.deep.equal(NOW)
    expect(info.validTo).to.deep.equal(new Date(NOW.getTime() + 365 * DAY_MS))
    const hostnames = ['localhost', '127.0.0.1', '::1']
    expect(verifyCertificate({ cert: dev.cert, key: dev.key, hostnames, now: NOW }).warnings).to.deep.equal([])
  })

  it('keeps the private key readable by its owner only', async () => {
    const dev = await ensureDevCertificate({ dir: freshDir(), now: NOW })
    expect(statSync(dev.keyPath).mode & 0o777).to.equal(0o600)
  })

  it('leaves a renewed key readable by its owner only when the old file was readable by all', async () => {
    const dir = freshDir()
    const first = await ensureDevCertificate({ dir, now: NOW })
    chmodSync(first.keyPath, 0o644)
    const renewed = await ensureDevCertificate({ dir, now: new Date(NOW.getTime() + 352 * DAY_MS) })
    expect(renewed.generated).to.equal(true)
    expect(statSync(renewed.keyPath).mode & 0o777).to.equal(0o600)
    expect(readFileSync(renewed.keyPath, 'utf8')).to.equal(renewed.key)
  })

  it('reuses the stored pair while it has more than 14 days left', async () => {
    const dir = freshDir()
    const first = await ensureDevCertificate({ dir, now: NOW })
    const again = await ensureDevCertificate({ dir, now: new Date(NOW.getTime() + 350 * DAY_MS) })
    expect(again.generated).to.equal(false)
    expect(again.cert).to.equal(first.cert)
    expect(again.key).to.equal(first.key)
  })

  it('regenerates the pair when it has 14 days or fewer left', async () => {
    const dir = freshDir()
    const first = await ensureDevCertificate({ dir, now: NOW })
    const later = new Date(NOW.getTime() + 352 * DAY_MS)
    const renewed = await ensureDevCertificate({ dir, now: later })
    expect(renewed.generated).to.equal(true)
    expect(renewed.cert).to.not.equal(first.cert)
    expect(inspectCertificate(renewed.cert).validFrom).to.deep.equal(later)
  })

  it('regenerates the pair when the stored key does not match the certificate', async () => {
    const dir = freshDir()
    const first = await ensureDevCertificate({ dir, now: NOW })
    const stranger = await makeCertificate()
    writeFileSync(first.keyPath, stranger.key)
    const renewed = await ensureDevCertificate({ dir, now: NOW })
    expect(renewed.generated).to.equal(true)
    expect(verifyCertificate({ cert: renewed.cert, key: renewed.key, now: NOW }).info.subject).to.equal('CN=localhost')
  })

  it('regenerates the pair when the certificate file is not a certificate', async () => {
    const dir = freshDir()
    const first = await ensureDevCertificate({ dir, now: NOW })
    writeFileSync(first.certPath, 'not a certificate')
    expect((await ensureDevCertificate({ dir, now: NOW })).generated).to.equal(true)
  })
})
