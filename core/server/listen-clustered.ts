import cluster from 'node:cluster'
import { createServer, type AddressInfo } from 'node:net'
import { availableParallelism } from 'node:os'
import { InvalidConfigError, UnknownConfigKeyError } from '../errors.js'
import type { HttpServer, ListenOptions } from './http-server.js'
import { CLUSTER_PORT_ENV } from './cluster-messages.js'
import { ClusterPrimary } from './cluster-primary.js'
import type { ClusterListenOptions, ClusterServer } from './cluster-server.js'
import { ClusterWorker } from './cluster-worker.js'
import { assertReusePort } from './reuse-port.js'
import { DEFAULT_RESTART, type RestartOptions } from './restart-policy.js'

/**
 * `app.listen({ workers })`: in the primary, forks and supervises the workers; in a worker (the
 * same module, run again by `node:cluster`), listens on the shared port.
 *
 * @param options - listen options with `workers` (and optionally `restart`, `reusePort`)
 * @param listenHere - binds this process's HttpServer, as a plain `app.listen()` does
 * @param shutdownTimeoutMs - how long a draining worker may take
 * @param report - the App's error hooks (worker exits and crash loops are reported there)
 * @returns the primary's supervisor, or the worker's own server
 * @throws InvalidConfigError / UnknownConfigKeyError for a bad `workers` or `restart`;
 *   ReusePortUnsupportedError for `reusePort` where Node cannot give it
 */
export async function listenClustered(
  options: ClusterListenOptions,
  listenHere: (options: ListenOptions) => Promise<HttpServer>,
  shutdownTimeoutMs: number,
  report: (err: unknown) => void,
): Promise<ClusterServer> {
  const workers = workerCount(options.workers)
  const restart = restartOptions(options.restart)
  if (options.reusePort === true) assertReusePort()
  if (cluster.isWorker) {
    const { workers: _workers, restart: _restart, ...own } = options
    const chosen = process.env[CLUSTER_PORT_ENV]
    if (own.port === 0 && chosen !== undefined) own.port = Number(chosen)
    return ClusterWorker.start(() => listenHere(own))
  }
  // Port 0 is chosen here, once, for every worker: Node's cluster closes a shared socket when its
  // last worker leaves, and a replacement's `listen(0)` would then pick another port.
  const env: Record<string, string> =
    options.port === 0 ? { [CLUSTER_PORT_ENV]: String(await freePort(options.host)) } : {}
  const primary = new ClusterPrimary({ workers, restart, shutdownTimeoutMs, report, env })
  await primary.start()
  return primary
}

function workerCount(value: unknown): number {
  if (value === 'auto') return availableParallelism()
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidConfigError('workers', `expected an integer >= 1 or "auto", got ${JSON.stringify(value)}`)
  }
  return value
}

function restartOptions(value: unknown): RestartOptions {
  if (value === undefined) return { ...DEFAULT_RESTART }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidConfigError('restart', `expected an object, got ${JSON.stringify(value)}`)
  }
  const out: RestartOptions = { ...DEFAULT_RESTART }
  for (const [key, given] of Object.entries(value)) {
    if (!Object.hasOwn(DEFAULT_RESTART, key)) throw new UnknownConfigKeyError(`restart.${key}`)
    const min = key === 'crashLoopExits' ? 1 : 0
    if (typeof given !== 'number' || !Number.isSafeInteger(given) || given < min) {
      throw new InvalidConfigError(`restart.${key}`, `expected an integer >= ${min}, got ${JSON.stringify(given)}`)
    }
    out[key as keyof RestartOptions] = given
  }
  return out
}

async function freePort(host: string | undefined): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject)
    probe.listen(0, host, resolve)
  })
  const { port } = probe.address() as AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return port
}
