import { expect } from 'chai'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CertificateUnreadableError } from '../../certs/errors.js'
import { isPemText, loadPem } from '../../certs/load-pem.js'

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'

describe('loadPem()', () => {
  let dir: string

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-load-pem-'))
  })

  after(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('returns PEM text unchanged without touching the file system', () => {
    expect(loadPem(PEM, 'tls.cert')).to.equal(PEM)
  })

  it('reads a PEM file when given its path', () => {
    const path = join(dir, 'site.crt')
    writeFileSync(path, PEM)
    expect(loadPem(path, 'tls.cert')).to.equal(PEM)
  })

  it('throws ERR_CERT_UNREADABLE naming the path of a missing file', () => {
    const path = join(dir, 'missing.crt')
    expect(() => loadPem(path, 'tls.cert'))
      .to.throw(CertificateUnreadableError, `tls.cert (${path}) cannot be read: no such file`)
      .with.property('code', 'ERR_CERT_UNREADABLE')
  })

  it('throws ERR_CERT_UNREADABLE when the path is a directory', () => {
    const path = join(dir, 'a-folder')
    mkdirSync(path)
    expect(() => loadPem(path, 'tls.key')).to.throw(
      CertificateUnreadableError,
      `tls.key (${path}) cannot be read: it is a directory, not a file`,
    )
  })

  it('throws ERR_CERT_UNREADABLE when the file holds no PEM block', () => {
    const path = join(dir, 'site.der')
    writeFileSync(path, Buffer.from([0x30, 0x82, 0x01, 0x0a]))
    expect(() => loadPem(path, 'tls.ca'))
      .to.throw(CertificateUnreadableError, `tls.ca (${path}) cannot be read: the file holds no PEM block`)
      .with.property('code', 'ERR_CERT_UNREADABLE')
  })
})

describe('isPemText()', () => {
  it('tells PEM text from a file path', () => {
    expect(isPemText(PEM)).to.equal(true)
    expect(isPemText('/etc/ssl/site.crt')).to.equal(false)
    expect(isPemText('certs/BEGIN.crt')).to.equal(false)
  })
})
