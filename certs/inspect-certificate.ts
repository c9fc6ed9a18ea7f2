import type * as X509 from '@peculiar/x509'
import { createRequire } from 'node:module'
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import {
  CertificateExpiredError,
  CertificateKeyMismatchError,
  CertificateNameMismatchError,
  CertificateNotYetValidError,
  CertificateUnreadableError,
} from './errors.js'
import { matchHostname, type CertificateNames } from './match-hostname.js'

/** A certificate closer than this to its notAfter date draws a warning (and a new dev cert). */
export const EXPIRY_WARNING_DAYS = 14

const DAY_MS = 86_400_000

let x509: typeof X509 | undefined

/**
 * @peculiar/x509, loaded at the first certificate read rather than when the package is imported:
 * it takes a few hundred milliseconds to load and resolves its services through tsyringe, which
 * needs the global Reflect metadata polyfill in place first. A user who never touches
 * certificates pays for neither.
 */
function x509Library(): typeof X509 {
  if (x509 === undefined) {
    const require = createRequire(import.meta.url)
    require('reflect-metadata')
    x509 = require('@peculiar/x509') as typeof X509
  }
  return x509
}
const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/

/** What `inspectCertificate` reads from a certificate. */
export interface CertificateInfo {
  /** Subject distinguished name, e.g. `CN=localhost`. */
  readonly subject: string
  /** Issuer distinguished name; equal to the subject for a self-signed certificate. */
  readonly issuer: string
  /** subjectAltName entries as `DNS:<name>`, `IP:<address>`, `email:<address>` or `URI:<uri>`. */
  readonly subjectAltNames: readonly string[]
  /** Start of validity (notBefore). */
  readonly validFrom: Date
  /** End of validity (notAfter). */
  readonly validTo: Date
  /** SHA-256 of the DER encoding, as colon-separated upper-case hex. */
  readonly fingerprint256: string
  /** Serial number as upper-case hex. */
  readonly serialNumber: string
}

/** Input of `verifyCertificate`. */
export interface VerifyCertificateOptions {
  /** The certificate PEM; with a chain, the first block is the one checked. */
  readonly cert: string
  /** The private key PEM. */
  readonly key: string
  /** Passphrase of an encrypted private key. */
  readonly passphrase?: string
  /** Host names the certificate must cover. Default: none. */
  readonly hostnames?: readonly string[]
  /** The time to check validity against. Default: now. */
  readonly now?: Date
  /** Names the checked pair in messages, e.g. `tls.sni["api.example.com"]`. Default `tls`. */
  readonly label?: string
}

/** Result of a successful `verifyCertificate`. */
export interface CertificateReport {
  /** The certificate's details. */
  readonly info: CertificateInfo
  /** Problems that do not stop start-up, in plain words (e.g. expiry within 14 days). */
  readonly warnings: readonly string[]
}

/**
 * Reads the subject, names, validity and fingerprint of a certificate.
 *
 * @param certPem - PEM text holding at least one certificate; the first one is read
 * @returns the certificate's details
 * @throws CertificateUnreadableError (`ERR_CERT_UNREADABLE`) when there is no valid certificate
 * @example
 * ```ts
 * const { subject, validTo } = inspectCertificate(readFileSync('site.crt', 'utf8'))
 * ```
 */
export function inspectCertificate(certPem: string): CertificateInfo {
  return describe(parseCertificate(certPem, 'certificate'))
}

/**
 * Checks a certificate and its key before they are served: validity dates, that the key belongs
 * to the certificate, and that every configured host name is covered.
 *
 * @param options - the PEM pair, passphrase, host names and the time to check against
 * @returns the certificate's details and any warnings
 * @throws CertificateError with code `ERR_CERT_UNREADABLE`, `ERR_CERT_NOT_YET_VALID`,
 *   `ERR_CERT_EXPIRED`, `ERR_CERT_KEY_MISMATCH` or `ERR_CERT_NAME_MISMATCH`
 * @example
 * ```ts
 * const { warnings } = verifyCertificate({ cert, key, hostnames: ['api.example.com'] })
 * for (const warning of warnings) console.warn(warning)
 * ```
 */
export function verifyCertificate(options: VerifyCertificateOptions): CertificateReport {
  const label = options.label ?? 'tls'
  const now = options.now ?? new Date()
  const certificate = parseCertificate(options.cert, `${label}.cert`)
  const info = describe(certificate)
  // 1. Dates: an out-of-date certificate fails every handshake, whatever else is right.
  if (now < info.validFrom) throw new CertificateNotYetValidError(info.subject, info.validFrom, now)
  if (now > info.validTo) throw new CertificateExpiredError(info.subject, info.validTo, now)
  // 2. Key: compare SubjectPublicKeyInfo encodings, which are canonical DER.
  const certKey = createPublicKey(firstCertificateBlock(options.cert, `${label}.cert`))
  const ownKey = createPublicKey(readPrivateKey(options.key, options.passphrase, `${label}.key`))
  if (!spki(certKey).equals(spki(ownKey))) throw new CertificateKeyMismatchError(info.subject)
  // 3. Names.
  const names = readNames(certificate)
  for (const hostname of options.hostnames ?? []) {
    if (!matchHostname(names, hostname)) {
      throw new CertificateNameMismatchError(hostname, info.subject, coveredNames(names))
    }
  }
  const warnings: string[] = []
  const daysLeft = Math.floor((info.validTo.getTime() - now.getTime()) / DAY_MS)
  if (daysLeft < EXPIRY_WARNING_DAYS) {
    warnings.push(
      `certificate ${info.subject} expires on ${info.validTo.toISOString()}, ` +
        `in ${daysLeft} day${daysLeft === 1 ? '' : 's'}; renew it soon`,
    )
  }
  return { info, warnings }
}

function firstCertificateBlock(pem: string, what: string): string {
  const block = CERTIFICATE_BLOCK.exec(pem)
  if (block === null) throw new CertificateUnreadableError(what, undefined, 'no CERTIFICATE block')
  return block[0]
}

function parseCertificate(pem: string, what: string): X509.X509Certificate {
  const block = firstCertificateBlock(pem, what)
  try {
    return new (x509Library().X509Certificate)(block)
  } catch {
    throw new CertificateUnreadableError(what, undefined, 'not a valid X.509 certificate')
  }
}

function readPrivateKey(pem: string, passphrase: string | undefined, what: string): KeyObject {
  try {
    return createPrivateKey(passphrase === undefined ? pem : { key: pem, passphrase })
  } catch (err) {
    throw new CertificateUnreadableError(what, undefined, describeKeyError(err))
  }
}

function describeKeyError(err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    // OpenSSL cancels its passphrase prompt when none was given for an encrypted key.
    case 'ERR_MISSING_PASSPHRASE':
    case 'ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED':
      return 'the private key is encrypted and no passphrase was given'
    case 'ERR_OSSL_BAD_DECRYPT':
      return 'the passphrase does not decrypt the private key'
    default:
      return 'not a valid private key'
  }
}

function spki(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' })
}

function readNames(certificate: X509.X509Certificate): CertificateNames {
  const dnsNames: string[] = []
  const ipAddresses: string[] = []
  const san = certificate.getExtension(x509Library().SubjectAlternativeNameExtension)
  for (const name of san?.names.items ?? []) {
    if (name.type === 'dns') dnsNames.push(name.value)
    else if (name.type === 'ip') ipAddresses.push(name.value)
  }
  return { dnsNames, ipAddresses, commonName: certificate.subjectName.getField('CN')[0] }
}

function coveredNames(names: CertificateNames): string[] {
  if (names.dnsNames.length === 0 && names.commonName !== undefined) {
    return [`CN ${names.commonName}`, ...names.ipAddresses]
  }
  return [...names.dnsNames, ...names.ipAddresses]
}

const SAN_PREFIX: Readonly<Record<string, string>> = { dns: 'DNS', ip: 'IP', email: 'email', url: 'URI' }

function describe(certificate: X509.X509Certificate): CertificateInfo {
  const san = certificate.getExtension(x509Library().SubjectAlternativeNameExtension)
  const subjectAltNames = (san?.names.items ?? []).map((name) => `${SAN_PREFIX[name.type] ?? name.type}:${name.value}`)
  const digest = createHash('sha256').update(new Uint8Array(certificate.rawData)).digest('hex')
  return {
    subject: certificate.subject,
    issuer: certificate.issuer,
    subjectAltNames,
    validFrom: certificate.notBefore,
    validTo: certificate.notAfter,
    fingerprint256: digest.toUpperCase().replace(/(..)(?!$)/g, '$1:'),
    serialNumber: certificate.serialNumber.toUpperCase(),
  }
}
