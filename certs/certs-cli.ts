import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ensureDevCertificate } from './dev-certificate.js'
import { CertificateError } from './errors.js'
import { EXPIRY_WARNING_DAYS, inspectCertificate } from './inspect-certificate.js'
import { loadPem } from './load-pem.js'

const DAY_MS = 86_400_000

/** Where `runCertsCli` writes: lines for the report, lines for failures. */
export interface CliOutput {
  /** Receives each report line. */
  log(line: string): void
  /** Receives each error line. */
  error(line: string): void
}

/**
 * `npm run certs`: prints the subject, names, validity, issuer and SHA-256 fingerprint of the
 * certificate given by `--cert <path>`, else by `GATEHOUSE_TLS_CERT`, else of the development
 * certificate (generated when missing or close to expiry).
 *
 * @param args - command-line arguments after the script name
 * @param env - environment variables
 * @param out - where to print
 * @param now - the time validity is reported against. Default: now
 * @returns the exit code: 0 when printed, 1 when the certificate cannot be read, 2 for bad usage
 * @example
 * ```ts
 * process.exitCode = await runCertsCli(['--cert', 'site.crt'], process.env, console)
 * ```
 */
export async function runCertsCli(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  out: CliOutput,
  now: Date = new Date(),
): Promise<number> {
  const parsed = parseArgs(args)
  const given = parsed === undefined ? undefined : (parsed.cert ?? env.GATEHOUSE_TLS_CERT)
  if (parsed === undefined || given === '') {
    out.error('usage: certs [--cert <path>]   (or set GATEHOUSE_TLS_CERT)')
    return 2
  }
  try {
    let source: string
    let pem: string
    if (given === undefined) {
      const dev = await ensureDevCertificate({ now })
      source = `${dev.certPath} (development certificate${dev.generated ? ', generated now' : ''})`
      pem = dev.cert
    } else {
      source = given
      pem = loadPem(given, parsed.cert === undefined ? 'GATEHOUSE_TLS_CERT' : '--cert')
    }
    const info = inspectCertificate(pem)
    out.log(`certificate  ${source}`)
    out.log(`subject      ${info.subject}`)
    out.log(`names        ${info.subjectAltNames.length > 0 ? info.subjectAltNames.join(', ') : '(none)'}`)
    out.log(`valid from   ${info.validFrom.toISOString()}`)
    out.log(`valid to     ${info.validTo.toISOString()} (${describeValidity(info.validFrom, info.validTo, now)})`)
    out.log(`issuer       ${info.issuer}${info.issuer === info.subject ? ' (self-signed)' : ''}`)
    out.log(`serial       ${info.serialNumber}`)
    out.log(`sha-256      ${info.fingerprint256}`)
    return 0
  } catch (err) {
    if (!(err instanceof CertificateError)) throw err
    out.error(`${err.code}: ${err.message}`)
    return 1
  }
}

/** The `--cert` value, or undefined for anything the command does not know. */
function parseArgs(args: readonly string[]): { cert?: string } | undefined {
  let cert: string | undefined
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--cert' && i + 1 < args.length) cert = args[++i]
    else if (arg.startsWith('--cert=')) cert = arg.slice('--cert='.length)
    else return undefined
  }
  return { cert }
}

function describeValidity(validFrom: Date, validTo: Date, now: Date): string {
  if (now < validFrom) return 'NOT YET VALID'
  if (now > validTo) return 'EXPIRED'
  const days = Math.floor((validTo.getTime() - now.getTime()) / DAY_MS)
  const left = `${days} day${days === 1 ? '' : 's'} left`
  return days < EXPIRY_WARNING_DAYS ? `${left}, renew soon` : left
}

// Run only when started as a script, not when imported by a test.
const entry = process.argv[1]
if (entry !== undefined && realpathSync(entry) === fileURLToPath(import.meta.url)) {
  process.exitCode = await runCertsCli(process.argv.slice(2), process.env, console)
}
