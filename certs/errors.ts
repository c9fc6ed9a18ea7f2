/**
 * Every code a certificate check can raise, in one list so tests can prove each error class
 * carries a code from it. Codes never change once released (and the list is frozen).
 */
export const CERTIFICATE_ERROR_CODES = Object.freeze([
  'ERR_CERT_UNREADABLE',
  'ERR_CERT_EXPIRED',
  'ERR_CERT_NOT_YET_VALID',
  'ERR_CERT_KEY_MISMATCH',
  'ERR_CERT_NAME_MISMATCH',
] as const)

/** The union of certificate error codes, so a `switch (err.code)` can be exhaustive. */
export type CertificateErrorCode = (typeof CERTIFICATE_ERROR_CODES)[number]

/**
 * The brand every error of the project carries (core's `GATEHOUSE_ERROR`): this folder imports
 * nothing else of the project, so it registers the same symbol rather than importing it.
 */
const GATEHOUSE_ERROR = Symbol.for('gatehouse.error')

/**
 * The base of every certificate error. All of them are found at start-up or on reload, never
 * while serving, so each maps to 500: the server is misconfigured, the client did nothing wrong.
 *
 * @example
 * ```ts
 * try { verifyCertificate({ cert, key }) } catch (err) {
 *   if (err instanceof CertificateError && err.code === 'ERR_CERT_EXPIRED') renew()
 * }
 * ```
 */
export abstract class CertificateError extends Error {
  /** The project's brand. */
  readonly [GATEHOUSE_ERROR] = true
  /** Stable machine-readable code. */
  abstract readonly code: CertificateErrorCode
  /** The HTTP status this error maps to. */
  readonly status = 500
}

/** A certificate, key or CA could not be read: missing file, no permission, or not PEM. */
export class CertificateUnreadableError extends CertificateError {
  readonly code = 'ERR_CERT_UNREADABLE'
  /**
   * @param what - which value it was, e.g. `tls.cert`
   * @param source - the file path, or undefined when the value was PEM text
   * @param reason - what went wrong, in plain words
   */
  constructor(
    readonly what: string,
    readonly source: string | undefined,
    reason: string,
  ) {
    super(`${what}${source === undefined ? '' : ` (${source})`} cannot be read: ${reason}`)
    this.name = 'CertificateUnreadableError'
  }
}

/** The certificate's notAfter date is in the past. */
export class CertificateExpiredError extends CertificateError {
  readonly code = 'ERR_CERT_EXPIRED'
  /**
   * @param subject - the certificate's subject
   * @param validTo - its notAfter date
   * @param now - the time it was checked against
   */
  constructor(
    readonly subject: string,
    readonly validTo: Date,
    now: Date,
  ) {
    super(`certificate ${subject} expired on ${validTo.toISOString()} ` + `(checked at ${now.toISOString()}); renew it`)
    this.name = 'CertificateExpiredError'
  }
}

/** The certificate's notBefore date is in the future (often a wrong system clock). */
export class CertificateNotYetValidError extends CertificateError {
  readonly code = 'ERR_CERT_NOT_YET_VALID'
  /**
   * @param subject - the certificate's subject
   * @param validFrom - its notBefore date
   * @param now - the time it was checked against
   */
  constructor(
    readonly subject: string,
    readonly validFrom: Date,
    now: Date,
  ) {
    super(
      `certificate ${subject} is not valid until ${validFrom.toISOString()} ` +
        `(checked at ${now.toISOString()}); check the system clock`,
    )
    this.name = 'CertificateNotYetValidError'
  }
}

/** The private key does not belong to the certificate: their public keys differ. */
export class CertificateKeyMismatchError extends CertificateError {
  readonly code = 'ERR_CERT_KEY_MISMATCH'
  /** @param subject - the certificate's subject */
  constructor(readonly subject: string) {
    super(`the private key does not match certificate ${subject}: their public keys differ`)
    this.name = 'CertificateKeyMismatchError'
  }
}

/** A configured host name is not covered by the certificate's names. */
export class CertificateNameMismatchError extends CertificateError {
  readonly code = 'ERR_CERT_NAME_MISMATCH'
  /**
   * @param hostname - the host name that is not covered
   * @param subject - the certificate's subject
   * @param names - the names the certificate does cover
   */
  constructor(
    readonly hostname: string,
    subject: string,
    readonly names: readonly string[],
  ) {
    super(
      `certificate ${subject} does not cover host name ${JSON.stringify(hostname)}; ` +
        `it covers ${names.length === 0 ? 'no names' : names.join(', ')}`,
    )
    this.name = 'CertificateNameMismatchError'
  }
}
