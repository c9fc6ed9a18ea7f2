import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CertificateError } from './errors.js'
import { EXPIRY_WARNING_DAYS, verifyCertificate } from './inspect-certificate.js'

/** The names a browser or curl may use for the local machine. */
const DEV_HOSTNAMES = ['localhost', '127.0.0.1', '::1'] as const
const DEV_VALIDITY_DAYS = 365
const DAY_MS = 86_400_000
const CERT_FILE = 'localhost.crt'
const KEY_FILE = 'localhost.key'

/** Input of `ensureDevCertificate`. */
export interface DevCertificateOptions {
  /** Folder holding the certificate and key. Default: `<cwd>/certs/dev`. */
  readonly dir?: string
  /** The time to check expiry against and to start the validity of a new certificate. Default: now. */
  readonly now?: Date
}

/** A development certificate ready to serve. */
export interface DevCertificate {
  /** Certificate PEM. */
  readonly cert: string
  /** Unencrypted private key PEM. */
  readonly key: string
  /** Where the certificate is stored. */
  readonly certPath: string
  /** Where the key is stored (mode 0600). */
  readonly keyPath: string
  /** True when this call created the pair, false when an existing one was reused. */
  readonly generated: boolean
}

/**
 * Returns a self-signed certificate for `localhost`, `127.0.0.1` and `::1`, so HTTPS works on a
 * fresh machine with no setup. A stored pair is reused while it is valid, matches its key and has
 * more than 14 days left; otherwise a new EC P-256 pair valid for 365 days replaces it.
 *
 * @param options - the folder and the current time
 * @returns the PEM pair, where it is stored, and whether it was just generated
 * @example
 * ```ts
 * const dev = await ensureDevCertificate()
 * https.createServer({ cert: dev.cert, key: dev.key }, handler)
 * ```
 */
export async function ensureDevCertificate(options: DevCertificateOptions = {}): Promise<DevCertificate> {
  const dir = options.dir ?? join(process.cwd(), 'certs', 'dev')
  const now = options.now ?? new Date()
  const certPath = join(dir, CERT_FILE)
  const keyPath = join(dir, KEY_FILE)
  const stored = readStored(certPath, keyPath, now)
  if (stored !== undefined) return { ...stored, certPath, keyPath, generated: false }

  // EC P-256 generates in milliseconds where RSA 2048 takes a noticeable pause at start-up.
  // Loaded here, not at import: only a server asking for a development certificate needs it.
  const { generate } = await import('selfsigned')
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + DEV_VALIDITY_DAYS * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  })
  mkdirSync(dir, { recursive: true })
  writeKey(keyPath, pems.private)
  writeFileSync(certPath, pems.cert)
  return { cert: pems.cert, key: pems.private, certPath, keyPath, generated: true }
}

/**
 * Writes the key readable by its owner only, also over an existing file: `mode` applies only to a
 * file being created, so the key goes to a new file (created 0600, never readable by others for
 * an instant) that then replaces the old one.
 */
function writeKey(keyPath: string, key: string): void {
  const fresh = `${keyPath}.${process.pid}.new`
  rmSync(fresh, { force: true })
  writeFileSync(fresh, key, { mode: 0o600, flag: 'wx' })
  renameSync(fresh, keyPath)
}

/** The stored pair when it can be served for at least the warning period, else undefined. */
function readStored(certPath: string, keyPath: string, now: Date): { cert: string; key: string } | undefined {
  let cert: string
  let key: string
  try {
    cert = readFileSync(certPath, 'utf8')
    key = readFileSync(keyPath, 'utf8')
  } catch {
    return undefined
  }
  try {
    const { info } = verifyCertificate({ cert, key, hostnames: DEV_HOSTNAMES, now })
    const renewAt = info.validTo.getTime() - EXPIRY_WARNING_DAYS * DAY_MS
    return now.getTime() < renewAt ? { cert, key } : undefined
  } catch (err) {
    // Any certificate problem means "make a new one"; anything else is a real fault.
    if (err instanceof CertificateError) return undefined
    throw err
  }
}
