/**
 * What every benchmark server answers, so the servers differ only in how they get there.
 * The content types match Gatehouse's defaults for `res.text()` and `res.json()`.
 */

/** Body of `GET /plaintext`. */
export const PLAINTEXT_BODY = 'Hello, World!'

/** Value serialised for `GET /json` (each server calls its own JSON serialiser per request). */
export const JSON_VALUE = Object.freeze({ message: 'Hello, World!' })

/** Content-Type of the plaintext answer. */
export const TEXT_TYPE = 'text/plain; charset=utf-8'

/** Content-Type of the JSON answer. */
export const JSON_TYPE = 'application/json; charset=utf-8'

let canned: Buffer | undefined

/**
 * The whole plaintext response as the bare (ceiling) servers write it without parsing, rebuilt
 * once a second so its Date field stays as current as the other servers'.
 *
 * @returns the response bytes
 * @example
 * ```ts
 * socket.write(cannedPlaintext())
 * ```
 */
export function cannedPlaintext(): Buffer {
  if (canned === undefined) {
    setInterval(() => (canned = buildCanned()), 1000).unref()
    canned = buildCanned()
  }
  return canned
}

/**
 * `count` plaintext responses back to back, for requests that arrived together.
 *
 * @param count - how many
 * @returns the response bytes
 * @example
 * ```ts
 * socket.write(cannedPlaintextTimes(16))
 * ```
 */
export function cannedPlaintextTimes(count: number): Buffer {
  const one = cannedPlaintext()
  return Buffer.allocUnsafe(count * one.length).fill(one)
}

function buildCanned(): Buffer {
  return Buffer.from(
    'HTTP/1.1 200 OK\r\nServer: bare\r\n' +
      `Date: ${new Date().toUTCString()}\r\n` +
      `Content-Type: ${TEXT_TYPE}\r\nContent-Length: ${Buffer.byteLength(PLAINTEXT_BODY)}\r\n\r\n${PLAINTEXT_BODY}`,
    'latin1',
  )
}

/**
 * Reads the port the runner chose.
 *
 * @param env - the environment holding `PORT`
 * @returns the port number
 * @throws RangeError when `PORT` is missing or not a port number
 * @example
 * ```ts
 * const port = portFromEnv(process.env) // PORT=8080 → 8080
 * ```
 */
export function portFromEnv(env: NodeJS.ProcessEnv): number {
  const port = Number(env.PORT)
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`PORT must be an integer from 1 to 65535; got ${JSON.stringify(env.PORT)}`)
  }
  return port
}

/**
 * Exits on SIGTERM or SIGINT through `process.exit`, so that `node --cpu-prof` writes its profile
 * (a process killed by a signal writes none).
 *
 * @example
 * ```ts
 * exitOnSignals()
 * ```
 */
export function exitOnSignals(): void {
  const exit = (): never => process.exit(0)
  process.once('SIGTERM', exit)
  process.once('SIGINT', exit)
}
