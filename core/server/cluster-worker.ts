import cluster from 'node:cluster'
import { ClusterNotPrimaryError } from '../errors.js'
import type { HttpServer } from './http-server.js'
import { DRAINED, isClusterMessage, isDrainMessage, type ReadyMessage } from './cluster-messages.js'
import type { ClusterServer, WorkerInfo } from './cluster-server.js'

const SIGNALS = ['SIGTERM', 'SIGINT'] as const
const NO_WORKERS: readonly WorkerInfo[] = Object.freeze([])

/**
 * One worker of a cluster: its own HttpServer on the shared port, which drains and exits when the
 * primary asks (or on SIGTERM / SIGINT, which a terminal sends the whole process group).
 */
export class ClusterWorker implements ClusterServer {
  readonly isPrimary = false
  readonly workers = NO_WORKERS
  readonly #server: HttpServer
  #closing: Promise<void> | undefined

  private constructor(server: HttpServer) {
    this.#server = server
  }

  /**
   * Listens in this worker and tells the primary once every port listens.
   * @param listen - binds the worker's HttpServer (Node's cluster shares the primary's port)
   * @returns the worker's server
   */
  static async start(listen: () => Promise<HttpServer>): Promise<ClusterWorker> {
    // Listening for the drain request before binding: it may come while the bind is under way.
    let drainAsked = false
    let worker: ClusterWorker | undefined
    const drain = (): void => {
      if (worker === undefined) drainAsked = true
      else void worker.#drain()
    }
    const onMessage = (message: unknown): void => {
      if (isDrainMessage(message)) drain()
    }
    process.on('message', onMessage)
    for (const signal of SIGNALS) process.on(signal, drain)
    try {
      worker = new ClusterWorker(await listen())
    } catch (err) {
      process.off('message', onMessage)
      for (const signal of SIGNALS) process.off(signal, drain)
      throw err
    }
    const server = worker.#server
    const ready: ReadyMessage = { gatehouse: 'ready', port: server.port, url: server.url, tlsPort: server.tlsPort }
    process.send?.(ready)
    if (drainAsked) void worker.#drain()
    return worker
  }

  get port(): number {
    return this.#server.port
  }

  get url(): string {
    return this.#server.url
  }

  get tlsPort(): number | undefined {
    return this.#server.tlsPort
  }

  /** The worker's own server: its connections, certificates, TLS failures. */
  get server(): HttpServer {
    return this.#server
  }

  restartWorkers(): Promise<void> {
    return Promise.reject(new ClusterNotPrimaryError('restartWorkers()'))
  }

  /** Closes this worker's server and leaves the cluster, so the primary does not replace it. */
  close(): Promise<void> {
    return (this.#closing ??= this.#server.close().then(() => cluster.worker?.disconnect() as unknown as void))
  }

  async #drain(): Promise<void> {
    if (this.#closing !== undefined) return
    this.#closing = this.#server.close()
    await this.#closing
    if (process.send === undefined || !process.connected) process.exit(0)
    // Exit once the primary answers: see DrainedMessage.
    process.on('message', (message: unknown) => isClusterMessage(message, 'exit') && process.exit(0))
    process.send(DRAINED)
  }
}
