import { readFileSync } from 'node:fs'
import { CertificateUnreadableError } from './errors.js'

/** Every PEM block starts with this encapsulation boundary (RFC 7468 §2). */
const PEM_BEGIN = '-----BEGIN '

/**
 * Tells PEM text from a file path: configuration accepts either for `cert`, `key` and `ca`.
 *
 * @param valueOrPath - a configured value
 * @returns true when the value holds a PEM block rather than naming a file
 * @example
 * ```ts
 * isPemText('-----BEGIN CERTIFICATE-----\n…') // true
 * isPemText('/etc/ssl/site.crt')              // false
 * ```
 */
export function isPemText(valueOrPath: string): boolean {
  return valueOrPath.includes(PEM_BEGIN)
}

/**
 * Returns PEM text given either the text itself or the path of a file holding it. Runs once at
 * start-up or on reload, so it reads synchronously.
 *
 * @param valueOrPath - PEM text, or a path to a PEM file
 * @param what - what the value is, for the error message (e.g. `tls.cert`)
 * @returns the PEM text
 * @throws CertificateUnreadableError (`ERR_CERT_UNREADABLE`) naming the path when the file is
 *   missing or unreadable, or holds no PEM block
 * @example
 * ```ts
 * const cert = loadPem(config.cert, 'tls.cert')
 * ```
 */
export function loadPem(valueOrPath: string, what: string): string {
  if (isPemText(valueOrPath)) return valueOrPath
  let text: string
  try {
    text = readFileSync(valueOrPath, 'utf8')
  } catch (err) {
    throw new CertificateUnreadableError(what, valueOrPath, describeFsError(err))
  }
  if (!isPemText(text)) {
    throw new CertificateUnreadableError(what, valueOrPath, 'the file holds no PEM block')
  }
  return text
}

/** Turns the usual fs failures into plain words; anything else keeps its own message. */
function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code
  switch (code) {
    case 'ENOENT':
      return 'no such file'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EISDIR':
      return 'it is a directory, not a file'
    default:
      return (err as Error).message
  }
}
