import { generate } from 'selfsigned'

/** What a test certificate should look like; anything left out gets a sensible default. */
export interface TestCertificateOptions {
  /** Subject CN. Default `localhost`. */
  cn?: string
  /** dNSName SAN entries. Default `[cn]`; `[]` leaves the SAN extension out. */
  dns?: string[]
  /** iPAddress SAN entries. Default none. */
  ips?: string[]
  /** Default: one hour ago. */
  notBefore?: Date
  /** Default: 30 days after notBefore. */
  notAfter?: Date
  /** Sign with this CA instead of self-signing. */
  ca?: { cert: string; key: string }
  /** Make a CA certificate (basicConstraints cA, keyCertSign). */
  isCa?: boolean
  /** Make a client certificate (extKeyUsage clientAuth) instead of a server one. */
  isClient?: boolean
  /** Encrypt the private key with this passphrase. */
  passphrase?: string
}

/** A generated certificate and its private key, both PEM. */
export interface TestCertificate {
  cert: string
  key: string
}

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

/**
 * Generates an EC P-256 certificate for tests (milliseconds each, unlike RSA).
 *
 * @param options - names, dates and signer
 * @returns the PEM pair
 * @example
 * ```ts
 * const { cert, key } = await makeCertificate({ cn: 'api.example.com' })
 * ```
 */
export async function makeCertificate(options: TestCertificateOptions = {}): Promise<TestCertificate> {
  const cn = options.cn ?? 'localhost'
  const notBefore = options.notBefore ?? new Date(Date.now() - HOUR_MS)
  const notAfter = options.notAfter ?? new Date(notBefore.getTime() + 30 * DAY_MS)
  const dns = options.dns ?? [cn]
  const altNames = [
    ...dns.map((value) => ({ type: 2 as const, value })),
    ...(options.ips ?? []).map((ip) => ({ type: 7 as const, ip })),
  ]
  const pems = await generate([{ name: 'commonName', value: cn }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    ca: options.ca,
    passphrase: options.passphrase,
    extensions: [
      { name: 'basicConstraints', cA: options.isCa === true, critical: true },
      options.isCa === true
        ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }
        : { name: 'keyUsage', digitalSignature: true, critical: true },
      // OpenSSL applies extKeyUsage along the whole chain, so a CA carries none.
      ...(options.isCa === true
        ? []
        : [{ name: 'extKeyUsage' as const, serverAuth: !options.isClient, clientAuth: options.isClient === true }]),
      ...(altNames.length > 0 ? [{ name: 'subjectAltName' as const, altNames }] : []),
    ],
  })
  return { cert: pems.cert, key: pems.private }
}
