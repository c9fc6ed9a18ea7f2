import { readFileSync } from 'node:fs'

/** A PEM certificate and key read from the files the runner named. */
export interface BenchCertificate {
  /** Certificate PEM. */
  readonly cert: string
  /** Private key PEM. */
  readonly key: string
}

/**
 * Reads the certificate written by `make-cert.js`, so every server offers the same one (and the
 * same key type: the cost of a handshake depends on it).
 *
 * @param env - the environment holding `CERT` and `KEY` (file paths)
 * @returns the PEM pair
 * @throws RangeError when either variable is missing
 * @example
 * ```ts
 * const { cert, key } = certificateFromEnv(process.env) // CERT=/tmp/x/localhost.crt KEY=…
 * ```
 */
export function certificateFromEnv(env: NodeJS.ProcessEnv): BenchCertificate {
  const { CERT, KEY } = env
  if (CERT === undefined || KEY === undefined) throw new RangeError('CERT and KEY must name the PEM files')
  return { cert: readFileSync(CERT, 'utf8'), key: readFileSync(KEY, 'utf8') }
}
