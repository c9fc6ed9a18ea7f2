import { expect } from 'chai'
import { X509Certificate } from 'node:crypto'
import {
  CertificateExpiredError,
  CertificateKeyMismatchError,
  CertificateNameMismatchError,
  CertificateNotYetValidError,
  CertificateUnreadableError,
} from '../../certs/errors.js'
import { inspectCertificate, verifyCertificate } from '../../certs/inspect-certificate.js'
import { makeCertificate, type TestCertificate } from './make-certificate.js'

const NOW = new Date('2026-11-24T12:00:00.000Z')
const DAY_MS = 86_400_000
const daysFromNow = (days: number): Date => new Date(NOW.getTime() + days * DAY_MS)

describe('inspectCertificate()', () => {
  let site: TestCertificate
  let ca: TestCertificate
  let signed: TestCertificate

  before(async () => {
    site = await makeCertificate({
      cn: 'site.test',
      dns: ['site.test', '*.site.test'],
      ips: ['10.0.0.1'],
      notBefore: new Date('2026-11-01T00:00:00.000Z'),
      notAfter: new Date('2027-11-01T00:00:00.000Z'),
    })
    ca = await makeCertificate({ cn: 'Test CA', dns: [], isCa: true })
    signed = await makeCertificate({ cn: 'leaf.test', ca })
  })

  it('reads subject, issuer, names, validity, serial and fingerprint', () => {
    const native = new X509Certificate(site.cert)
    expect(inspectCertificate(site.cert)).to.deep.equal({
      subject: 'CN=site.test',
      issuer: 'CN=site.test',
      subjectAltNames: ['DNS:site.test', 'DNS:*.site.test', 'IP:10.0.0.1'],
      validFrom: new Date('2026-11-01T00:00:00.000Z'),
      validTo: new Date('2027-11-01T00:00:00.000Z'),
      fingerprint256: native.fingerprint256,
      serialNumber: native.serialNumber.toUpperCase(),
    })
  })

  it('reads the first certificate of a chain and names its issuer', () => {
    const info = inspectCertificate(signed.cert + ca.cert)
    expect(info.subject).to.equal('CN=leaf.test')
    expect(info.issuer).to.equal('CN=Test CA')
  })

  it('throws ERR_CERT_UNREADABLE for text without a certificate block', () => {
    expect(() => inspectCertificate(site.key))
      .to.throw(CertificateUnreadableError, 'certificate cannot be read: no CERTIFICATE block')
      .with.property('code', 'ERR_CERT_UNREADABLE')
  })

  it('throws ERR_CERT_UNREADABLE for a certificate block that is not X.509', () => {
    const garbage = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'
    expect(() => inspectCertificate(garbage)).to.throw(
      CertificateUnreadableError,
      'certificate cannot be read: not a valid X.509 certificate',
    )
  })
})

describe('verifyCertificate()', () => {
  let good: TestCertificate
  let other: TestCertificate
  let expired: TestCertificate
  let future: TestCertificate
  let expiring: TestCertificate
  let encrypted: TestCertificate

  before(async () => {
    const notBefore = daysFromNow(-10)
    ;[good, other, expired, future, expiring, encrypted] = await Promise.all([
      makeCertificate({
        cn: 'api.example.com',
        dns: ['api.example.com', '*.cdn.example.com'],
        ips: ['::1'],
        notBefore,
      }),
      makeCertificate({ cn: 'api.example.com', notBefore }),
      makeCertificate({ notBefore: daysFromNow(-40), notAfter: new Date('2026-11-20T00:00:00.000Z') }),
      makeCertificate({ notBefore: new Date('2026-12-01T00:00:00.000Z'), notAfter: daysFromNow(60) }),
      makeCertificate({ notBefore, notAfter: new Date('2026-11-29T00:00:00.000Z') }),
      makeCertificate({ notBefore, passphrase: 'open sesame' }),
    ])
  })

  it('returns the certificate details and no warnings for a sound pair', () => {
    const report = verifyCertificate({ cert: good.cert, key: good.key, now: NOW, hostnames: ['api.example.com'] })
    expect(report.warnings).to.deep.equal([])
    expect(report.info.subject).to.equal('CN=api.example.com')
  })

  it('accepts host names covered by a wildcard or an IP address entry', () => {
    const hostnames = ['img.cdn.example.com', '0:0::1']
    expect(verifyCertificate({ cert: good.cert, key: good.key, now: NOW, hostnames }).warnings).to.deep.equal([])
  })

  it('throws ERR_CERT_EXPIRED naming the expiry date', () => {
    expect(() => verifyCertificate({ cert: expired.cert, key: expired.key, now: NOW }))
      .to.throw(
        CertificateExpiredError,
        'certificate CN=localhost expired on 2026-11-20T00:00:00.000Z (checked at 2026-11-24T12:00:00.000Z); renew it',
      )
      .with.property('code', 'ERR_CERT_EXPIRED')
  })

  it('throws ERR_CERT_NOT_YET_VALID naming the start date', () => {
    expect(() => verifyCertificate({ cert: future.cert, key: future.key, now: NOW }))
      .to.throw(
        CertificateNotYetValidError,
        'certificate CN=localhost is not valid until 2026-12-01T00:00:00.000Z (checked at 2026-11-24T12:00:00.000Z); ' +
          'check the system clock',
      )
      .with.property('code', 'ERR_CERT_NOT_YET_VALID')
  })

  it('throws ERR_CERT_KEY_MISMATCH when the key belongs to another certificate', () => {
    expect(() => verifyCertificate({ cert: good.cert, key: other.key, now: NOW }))
      .to.throw(
        CertificateKeyMismatchError,
        'the private key does not match certificate CN=api.example.com: their public keys differ',
      )
      .with.property('code', 'ERR_CERT_KEY_MISMATCH')
  })

  it('throws ERR_CERT_NAME_MISMATCH naming the host and the covered names', () => {
    const hostnames = ['api.example.com', 'www.example.com']
    expect(() => verifyCertificate({ cert: good.cert, key: good.key, now: NOW, hostnames }))
      .to.throw(
        CertificateNameMismatchError,
        'certificate CN=api.example.com does not cover host name "www.example.com"; ' +
          'it covers api.example.com, *.cdn.example.com, ::1',
      )
      .with.property('code', 'ERR_CERT_NAME_MISMATCH')
  })

  it('warns when the certificate expires within 14 days', () => {
    const report = verifyCertificate({ cert: expiring.cert, key: expiring.key, now: NOW })
    expect(report.warnings).to.deep.equal([
      'certificate CN=localhost expires on 2026-11-29T00:00:00.000Z, in 4 days; renew it soon',
    ])
  })

  it('checks an encrypted key with its passphrase', () => {
    const report = verifyCertificate({ cert: encrypted.cert, key: encrypted.key, passphrase: 'open sesame', now: NOW })
    expect(report.warnings).to.deep.equal([])
  })

  it('throws ERR_CERT_UNREADABLE when an encrypted key comes without a passphrase', () => {
    expect(() =>
      verifyCertificate({ cert: encrypted.cert, key: encrypted.key, now: NOW, label: 'tls.sni["a.test"]' }),
    ).to.throw(
      CertificateUnreadableError,
      'tls.sni["a.test"].key cannot be read: the private key is encrypted and no passphrase was given',
    )
  })

  it('throws ERR_CERT_UNREADABLE when the passphrase is wrong', () => {
    expect(() =>
      verifyCertificate({ cert: encrypted.cert, key: encrypted.key, passphrase: 'nope', now: NOW }),
    ).to.throw(CertificateUnreadableError, 'tls.key cannot be read: the passphrase does not decrypt the private key')
  })

  it('throws ERR_CERT_UNREADABLE when the key and certificate are swapped', () => {
    expect(() => verifyCertificate({ cert: good.key, key: good.cert, now: NOW })).to.throw(
      CertificateUnreadableError,
      'tls.cert cannot be read: no CERTIFICATE block',
    )
  })
})
