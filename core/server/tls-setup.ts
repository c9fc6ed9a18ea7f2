import { watch, type FSWatcher } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import { createSecureContext, type SecureContext, type Server as TlsServer, type TlsOptions } from 'node:tls'
import { verifyCertificate } from '../../certs/inspect-certificate.js'
import { isPemText, loadPem } from '../../certs/load-pem.js'
import { SniTable } from '../../certs/sni-table.js'
import type { TlsConfig } from '../config/tls-config.js'

const DEFAULT_MIN_VERSION = 'TLSv1.2'
const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000
/** Certificate renewals write the cert and key one after the other: wait for both. */
const WATCH_DEBOUNCE_MS = 100
/** RFC 7301: the one application protocol served. */
const ALPN_PROTOCOLS = ['http/1.1']

/** Callbacks through which a TlsSetup reports what happens after start-up. */
export interface TlsSetupHooks {
  /** A certificate problem that does not stop serving. Default: `process.emitWarning`. */
  onWarning?(message: string): void
  /** New certificates are in use for new handshakes. */
  onReload?(): void
}

/** The server side of HTTPS: checked certificates, their contexts, and reloading. */
export interface TlsSetup {
  /** Options for `tls.createServer`; read again after `reload()` for the current certificates. */
  readonly serverOptions: TlsOptions
  /**
   * Makes `reload()` also renew the context `server` uses for clients that send no server name.
   *
   * @param server - a server created with `serverOptions`
   */
  attach(server: TlsServer): void
  /**
   * Re-reads and re-checks every certificate, then swaps all contexts at once. New handshakes use
   * the new certificates; open connections keep theirs. On failure the old ones stay and it throws.
   */
  reload(): void
  /** Reloads when a certificate, key or CA file changes; failures go to `onWarning`. Idempotent. */
  startWatching(): void
  /** Stops watching and forgets attached servers. Idempotent. */
  close(): void
}

interface LoadedCertificate {
  readonly label: string
  readonly cert: string
  readonly key: string
  readonly passphrase: string | undefined
  /** Configured host names that SNI lookup would serve from this certificate. */
  readonly hostnames: string[]
}

interface ServedCertificates {
  readonly table: SniTable<SecureContext>
  readonly fallback: LoadedCertificate
  readonly ca: string | undefined
}

/**
 * Loads and checks every certificate in `config` and builds the TLS contexts to serve them.
 * Any bad certificate fails here, at start-up, with its `CertificateError`. Starts watching the
 * files when `config.watch` is true.
 *
 * @param config - a validated `TlsConfig`
 * @param hooks - where warnings and reloads are reported
 * @returns the setup; its `serverOptions` go to `tls.createServer`
 * @throws CertificateError (`ERR_CERT_*`) for an unreadable, expired, not yet valid,
 *   mismatched or misnamed certificate
 * @example
 * ```ts
 * const setup = createTlsSetup(validateTlsConfig(config.tls), { onWarning: log.warn })
 * const server = tls.createServer(setup.serverOptions, onSecureConnection)
 * setup.attach(server)
 * process.on('SIGHUP', () => setup.reload())
 * ```
 */
export function createTlsSetup(config: TlsConfig, hooks: TlsSetupHooks = {}): TlsSetup {
  const setup = new ReloadableTlsSetup(config, hooks)
  if (config.watch === true) setup.startWatching()
  return setup
}

class ReloadableTlsSetup implements TlsSetup {
  #config: TlsConfig
  #hooks: TlsSetupHooks
  #served: ServedCertificates
  #servers = new Set<TlsServer>()
  #watchers: FSWatcher[] = []
  #debounce: NodeJS.Timeout | undefined
  // Created once: tls calls it for every handshake that carries a server name.
  #sniCallback = (servername: string, done: (err: Error | null, ctx?: SecureContext) => void): void => {
    done(null, this.#served.table.pick(servername))
  }

  constructor(config: TlsConfig, hooks: TlsSetupHooks) {
    this.#config = config
    this.#hooks = hooks
    this.#served = this.#load()
  }

  get serverOptions(): TlsOptions {
    const { fallback, ca } = this.#served
    return {
      cert: fallback.cert,
      key: fallback.key,
      passphrase: fallback.passphrase,
      ca,
      minVersion: this.#config.minVersion ?? DEFAULT_MIN_VERSION,
      ALPNProtocols: ALPN_PROTOCOLS,
      handshakeTimeout: this.#config.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
      requestCert: this.#config.requestCert === true,
      rejectUnauthorized: this.#config.rejectUnauthorized !== false,
      SNICallback: this.#sniCallback,
    }
  }

  attach(server: TlsServer): void {
    this.#servers.add(server)
  }

  reload(): void {
    this.#served = this.#load()
    const options = this.serverOptions
    for (const server of this.#servers) server.setSecureContext(options)
    this.#hooks.onReload?.()
  }

  startWatching(): void {
    if (this.#watchers.length > 0) return
    for (const [dir, names] of this.#watchedFiles()) {
      try {
        // The folder, not the file: renewals often replace a file by renaming over it, which
        // would leave a watch on the old file silent (certbot swaps symlinks the same way).
        const watcher = watch(dir, { persistent: false }, (_event, filename) => {
          if (filename === null || names.has(filename)) this.#scheduleReload()
        })
        watcher.on('error', (err) => this.#warn(`watching ${dir} failed: ${err.message}`))
        this.#watchers.push(watcher)
      } catch (err) {
        this.#warn(`cannot watch ${dir} for certificate changes: ${(err as Error).message}`)
      }
    }
  }

  close(): void {
    for (const watcher of this.#watchers) watcher.close()
    this.#watchers = []
    clearTimeout(this.#debounce)
    this.#debounce = undefined
    this.#servers.clear()
  }

  #scheduleReload(): void {
    if (this.#debounce !== undefined) {
      this.#debounce.refresh()
      return
    }
    this.#debounce = setTimeout(() => {
      this.#debounce = undefined
      try {
        this.reload()
      } catch (err) {
        this.#warn(`certificate reload failed; the previous certificates stay in use: ${(err as Error).message}`)
      }
    }, WATCH_DEBOUNCE_MS)
    this.#debounce.unref()
  }

  #warn(message: string): void {
    if (this.#hooks.onWarning !== undefined) this.#hooks.onWarning(message)
    else process.emitWarning(message, 'GatehouseTlsWarning')
  }

  /** Folder → file names of every value given as a path rather than PEM text. */
  #watchedFiles(): Map<string, Set<string>> {
    const { cert, key, ca, sni = {} } = this.#config
    const values = [cert, key, ca, ...Object.values(sni).flatMap((entry) => [entry.cert, entry.key])]
    const byDir = new Map<string, Set<string>>()
    for (const value of values) {
      if (value === undefined || isPemText(value)) continue
      const path = resolve(value)
      const names = byDir.get(dirname(path)) ?? new Set<string>()
      names.add(basename(path))
      byDir.set(dirname(path), names)
    }
    return byDir
  }

  /** Reads and checks everything before building any context, so a failure changes nothing. */
  #load(): ServedCertificates {
    const config = this.#config
    const ca = config.ca === undefined ? undefined : loadPem(config.ca, 'tls.ca')
    const fallback = readPair('tls', config)
    const byName = new SniTable(fallback)
    const sniPairs: Array<[string, LoadedCertificate]> = []
    for (const [name, entry] of Object.entries(config.sni ?? {})) {
      const pair = readPair(`tls.sni[${JSON.stringify(name)}]`, entry)
      // An SNI entry must cover the name it is chosen for.
      pair.hostnames.push(name)
      byName.add(name, pair)
      sniPairs.push([name, pair])
    }
    // Each configured host name is checked against the certificate its handshake would get.
    for (const hostname of config.hostnames ?? []) byName.pick(hostname).hostnames.push(hostname)
    const warnings: string[] = []
    for (const pair of [fallback, ...sniPairs.map(([, pair]) => pair)]) {
      for (const warning of verifyCertificate(pair).warnings) warnings.push(`${pair.label}: ${warning}`)
    }
    const minVersion = config.minVersion ?? DEFAULT_MIN_VERSION
    const contextOf = (pair: LoadedCertificate): SecureContext =>
      createSecureContext({ cert: pair.cert, key: pair.key, passphrase: pair.passphrase, ca, minVersion })
    const table = new SniTable(contextOf(fallback))
    for (const [name, pair] of sniPairs) table.add(name, contextOf(pair))
    for (const warning of warnings) this.#warn(warning)
    return { table, fallback, ca }
  }
}

function readPair(label: string, source: { cert: string; key: string; passphrase?: string }): LoadedCertificate {
  return {
    label,
    cert: loadPem(source.cert, `${label}.cert`),
    key: loadPem(source.key, `${label}.key`),
    passphrase: source.passphrase,
    hostnames: [],
  }
}
