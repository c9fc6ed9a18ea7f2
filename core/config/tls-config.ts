import { InvalidConfigError, UnknownConfigKeyError } from '../errors.js'

/** A certificate served for the host names of one `tls.sni` entry. */
export interface SniCertificateConfig {
  /** Certificate PEM text or the path of a PEM file (a chain may follow the leaf). */
  readonly cert: string
  /** Private key PEM text or the path of a PEM file. */
  readonly key: string
  /** Passphrase of an encrypted key. Default: none. */
  readonly passphrase?: string
}

/**
 * HTTPS settings. With `tls` set, `app.listen()` serves HTTPS; every certificate is checked at
 * start-up (dates, key match, names), so a bad one stops the server before it accepts anything.
 *
 * @example
 * ```ts
 * const tls: TlsConfig = {
 *   cert: '/etc/gatehouse/site.crt',
 *   key: '/etc/gatehouse/site.key',
 *   port: 8443,
 *   redirectHttp: true,
 *   sni: { 'api.example.com': { cert: 'api.crt', key: 'api.key' } },
 * }
 * ```
 */
export interface TlsConfig {
  /** Default certificate: PEM text or the path of a PEM file (a chain may follow the leaf). */
  readonly cert: string
  /** Private key of the default certificate: PEM text or the path of a PEM file. */
  readonly key: string
  /** CA certificates (PEM text or path) that client certificates must chain to. Default: none. */
  readonly ca?: string
  /** Passphrase of an encrypted default key. Default: none. */
  readonly passphrase?: string
  /**
   * Port for HTTPS. Default: none, and the main port serves HTTPS alone; when set, the main port
   * serves plain HTTP side by side with HTTPS on this one.
   */
  readonly port?: number
  /** Answer every plain-HTTP request with 308 to the HTTPS URL. Needs `port`. Default: false. */
  readonly redirectHttp?: boolean
  /**
   * Certificates chosen by the client's server name (SNI): exact names first, then `*.` wildcards
   * (one label), then the default certificate. Default: none.
   */
  readonly sni?: Readonly<Record<string, SniCertificateConfig>>
  /** Ask clients for a certificate (mutual TLS). Default: false. */
  readonly requestCert?: boolean
  /** Refuse clients whose certificate does not chain to `ca`; applies with `requestCert`. Default: true. */
  readonly rejectUnauthorized?: boolean
  /** Lowest protocol version accepted. Default: `'TLSv1.2'`. */
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3'
  /** Time allowed for a handshake before the connection is dropped. Default: 10000. */
  readonly handshakeTimeoutMs?: number
  /** Reload the certificates when their files change. Default: false. */
  readonly watch?: boolean
  /** Host names the certificates must cover, checked at start-up. Default: none. */
  readonly hostnames?: readonly string[]
}

const TLS_KEYS = new Set([
  'cert',
  'key',
  'ca',
  'passphrase',
  'port',
  'redirectHttp',
  'sni',
  'requestCert',
  'rejectUnauthorized',
  'minVersion',
  'handshakeTimeoutMs',
  'watch',
  'hostnames',
])
const SNI_KEYS = new Set(['cert', 'key', 'passphrase'])
const MIN_VERSIONS = new Set(['TLSv1.2', 'TLSv1.3'])
/** An SNI name: an optional `*.` then dot-separated LDH labels (RFC 1123 §2.1). */
const SNI_NAME = /^(\*\.)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i

/**
 * Checks a `tls` configuration value and returns it typed. Files are not read here; that happens
 * in `createTlsSetup`, which also checks the certificates themselves.
 *
 * @param value - the raw `tls` value from the user's configuration
 * @param keyPrefix - dotted path of the value, used in error messages. Default `tls`
 * @returns a copy of the value as a `TlsConfig`
 * @throws InvalidConfigError (`ERR_CONFIG_INVALID`) or UnknownConfigKeyError
 *   (`ERR_CONFIG_UNKNOWN_KEY`) naming the key, e.g. `tls.port`
 * @example
 * ```ts
 * const tls = validateTlsConfig(JSON.parse(text).tls)
 * ```
 */
export function validateTlsConfig(value: unknown, keyPrefix = 'tls'): TlsConfig {
  const input = requireObject(value, keyPrefix)
  for (const key of Object.keys(input)) {
    if (!TLS_KEYS.has(key)) throw new UnknownConfigKeyError(`${keyPrefix}.${key}`)
  }
  const at = (key: string): string => `${keyPrefix}.${key}`
  const config: Record<string, unknown> = {
    cert: requireText(input.cert, at('cert')),
    key: requireText(input.key, at('key')),
  }
  if (input.ca !== undefined) config.ca = requireText(input.ca, at('ca'))
  if (input.passphrase !== undefined) config.passphrase = requirePassphrase(input.passphrase, at('passphrase'))
  if (input.port !== undefined) config.port = requirePort(input.port, at('port'))
  for (const key of ['redirectHttp', 'requestCert', 'rejectUnauthorized', 'watch']) {
    if (input[key] !== undefined) config[key] = requireBoolean(input[key], at(key))
  }
  if (config.redirectHttp === true && config.port === undefined) {
    throw new InvalidConfigError(
      at('redirectHttp'),
      `needs ${at('port')}: HTTP and HTTPS must listen on different ports`,
    )
  }
  if (input.minVersion !== undefined) {
    if (typeof input.minVersion !== 'string' || !MIN_VERSIONS.has(input.minVersion)) {
      throw new InvalidConfigError(at('minVersion'), `must be 'TLSv1.2' or 'TLSv1.3', got ${show(input.minVersion)}`)
    }
    config.minVersion = input.minVersion
  }
  if (input.handshakeTimeoutMs !== undefined) {
    const ms = input.handshakeTimeoutMs
    if (typeof ms !== 'number' || !Number.isInteger(ms) || ms <= 0) {
      throw new InvalidConfigError(
        at('handshakeTimeoutMs'),
        `must be a positive integer of milliseconds, got ${show(ms)}`,
      )
    }
    config.handshakeTimeoutMs = ms
  }
  if (input.hostnames !== undefined) config.hostnames = requireHostnames(input.hostnames, at('hostnames'))
  if (input.sni !== undefined) config.sni = requireSni(input.sni, at('sni'))
  return config as unknown as TlsConfig
}

function requireSni(value: unknown, key: string): Record<string, SniCertificateConfig> {
  const entries = requireObject(value, key)
  const sni: Record<string, SniCertificateConfig> = {}
  for (const [name, entry] of Object.entries(entries)) {
    const entryKey = `${key}[${JSON.stringify(name)}]`
    if (!SNI_NAME.test(name)) {
      throw new InvalidConfigError(entryKey, 'must be a host name or a wildcard like *.example.com')
    }
    const fields = requireObject(entry, entryKey)
    for (const field of Object.keys(fields)) {
      if (!SNI_KEYS.has(field)) throw new UnknownConfigKeyError(`${entryKey}.${field}`)
    }
    const cert = requireText(fields.cert, `${entryKey}.cert`)
    const keyText = requireText(fields.key, `${entryKey}.key`)
    sni[name] =
      fields.passphrase === undefined
        ? { cert, key: keyText }
        : { cert, key: keyText, passphrase: requirePassphrase(fields.passphrase, `${entryKey}.passphrase`) }
  }
  return sni
}

function requireHostnames(value: unknown, key: string): string[] {
  if (!Array.isArray(value)) throw new InvalidConfigError(key, `must be an array of host names, got ${show(value)}`)
  return value.map((name, i) => requireText(name, `${key}[${i}]`))
}

function requireObject(value: unknown, key: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidConfigError(key, `must be an object, got ${show(value)}`)
  }
  return value as Record<string, unknown>
}

/** Names only the type of a bad passphrase: its value may be a secret. */
function requirePassphrase(value: unknown, key: string): string {
  if (typeof value !== 'string') throw new InvalidConfigError(key, `must be a string, got a ${typeof value}`)
  return value
}

/** A non-empty string: PEM text, a file path or a host name. */
function requireText(value: unknown, key: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidConfigError(key, `must be a non-empty string, got ${show(value)}`)
  }
  return value
}

function requireBoolean(value: unknown, key: string): boolean {
  if (typeof value !== 'boolean') throw new InvalidConfigError(key, `must be true or false, got ${show(value)}`)
  return value
}

function requirePort(value: unknown, key: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) {
    throw new InvalidConfigError(key, `must be an integer port from 0 to 65535, got ${show(value)}`)
  }
  return value
}

/** Shows a bad value in a message without echoing a whole PEM block or a secret. */
function show(value: unknown): string {
  if (typeof value === 'string') return value.length > 40 ? 'a long string' : JSON.stringify(value)
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  return typeof value === 'object' ? 'an object' : String(value)
}
