import { expect } from 'chai'
import {
  CERTIFICATE_ERROR_CODES,
  CertificateError,
  CertificateExpiredError,
  CertificateKeyMismatchError,
  CertificateNameMismatchError,
  CertificateNotYetValidError,
  CertificateUnreadableError,
} from '../../certs/errors.js'

const FROM = new Date('2026-01-01T00:00:00.000Z')
const NOW = new Date('2026-11-24T00:00:00.000Z')

const CATALOG: Array<[string, CertificateError]> = [
  ['CertificateUnreadableError', new CertificateUnreadableError('tls.cert', '/x.pem', 'no such file')],
  ['CertificateExpiredError', new CertificateExpiredError('CN=a', FROM, NOW)],
  ['CertificateNotYetValidError', new CertificateNotYetValidError('CN=a', FROM, NOW)],
  ['CertificateKeyMismatchError', new CertificateKeyMismatchError('CN=a')],
  ['CertificateNameMismatchError', new CertificateNameMismatchError('b.test', 'CN=a', ['a.test'])],
]

describe('certs/errors', () => {
  it('gives every code in CERTIFICATE_ERROR_CODES exactly one error class', () => {
    const codes = CATALOG.map(([, err]) => err.code)
    expect([...codes].sort()).to.deep.equal([...CERTIFICATE_ERROR_CODES].sort())
  })

  for (const [name, err] of CATALOG) {
    it(`${name} is a CertificateError named after its class with status 500`, () => {
      expect(err).to.be.instanceOf(CertificateError)
      expect(err).to.be.instanceOf(Error)
      expect(err.name).to.equal(name)
      expect(err.status).to.equal(500)
    })
  }

  it('names the path and the reason when a file cannot be read', () => {
    const err = new CertificateUnreadableError('tls.key', '/etc/site.key', 'permission denied')
    expect(err.message).to.equal('tls.key (/etc/site.key) cannot be read: permission denied')
  })

  it('leaves out the source when the value was PEM text', () => {
    const err = new CertificateUnreadableError('tls.key', undefined, 'not a valid private key')
    expect(err.message).to.equal('tls.key cannot be read: not a valid private key')
  })

  it('lists the covered names when a host name is not covered', () => {
    const err = new CertificateNameMismatchError('b.test', 'CN=a', ['a.test', '10.0.0.1'])
    expect(err.message).to.equal('certificate CN=a does not cover host name "b.test"; it covers a.test, 10.0.0.1')
  })
})
