/**
 * `gatehouse/certs`: certificates, usable alone. Nothing here loads a certificate library until
 * a certificate is read or generated.
 *
 * @packageDocumentation
 */
/** Certificates: loading, the development certificate, inspection and verification. */
export { ensureDevCertificate } from './dev-certificate.js'
export type { DevCertificate, DevCertificateOptions } from './dev-certificate.js'
export { inspectCertificate, verifyCertificate } from './inspect-certificate.js'
export type { CertificateInfo, CertificateReport, VerifyCertificateOptions } from './inspect-certificate.js'
export { loadPem } from './load-pem.js'
export {
  CertificateError,
  CertificateUnreadableError,
  CertificateExpiredError,
  CertificateNotYetValidError,
  CertificateKeyMismatchError,
  CertificateNameMismatchError,
} from './errors.js'
export type { CertificateErrorCode } from './errors.js'
