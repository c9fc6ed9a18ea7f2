import type { ListenOptions } from './http-server.js'
import type { RestartOptions } from './restart-policy.js'

/** What `app.listen()` takes to run on several cores: {@link ListenOptions} plus the workers. */
export interface ClusterListenOptions extends ListenOptions {
  /** How many worker processes to fork with `node:cluster`; `'auto'` is `os.availableParallelism()`. */
  workers: number | 'auto'
  /** Back-off and crash-loop detection for workers that die. */
  restart?: Partial<RestartOptions>
}

/** Where a worker is in its life. */
export type WorkerState = 'starting' | 'listening' | 'draining' | 'restarting' | 'stopped'

/** One worker as the primary sees it. */
export interface WorkerInfo {
  /** Its slot, 0 … workers − 1; a replacement takes the slot of the worker it replaces. */
  readonly slot: number
  /** The `node:cluster` worker id, or undefined while the slot waits for a restart or is stopped. */
  readonly id: number | undefined
  /** The process id, or undefined with `id`. */
  readonly pid: number | undefined
  /**
   * `starting` until it listens; `draining` once asked to finish; `restarting` in its back-off;
   * `stopped` after a crash loop.
   */
  readonly state: WorkerState
  /** Unexpected exits of this slot replaced so far. */
  readonly restarts: number
}

/**
 * What `app.listen({ workers })` returns, in the primary and in every worker. In the primary it
 * supervises; in a worker it is that worker's own server.
 *
 * @example
 * ```ts
 * const server = await app.listen({ port: 8080, workers: 'auto' })
 * if (server.isPrimary) process.on('SIGHUP', () => void server.restartWorkers())
 * ```
 */
export interface ClusterServer {
  /** Whether this process is the primary. */
  readonly isPrimary: boolean
  /** The main port every worker serves. */
  readonly port: number
  /** The main URL, e.g. `http://localhost:8080`. */
  readonly url: string
  /** The HTTPS port, when HTTPS is served. */
  readonly tlsPort: number | undefined
  /** In the primary, every worker and its state; in a worker, empty. */
  readonly workers: readonly WorkerInfo[]
  /**
   * Primary only: replaces the workers one at a time, each new one listening before the old one
   * drains, so no request is refused.
   * @throws ClusterNotPrimaryError in a worker
   */
  restartWorkers(): Promise<void>
  /**
   * In the primary: drains every worker within the shutdown deadline and resolves when all have
   * exited. In a worker: closes that worker's server and leaves the cluster.
   */
  close(): Promise<void>
}
