/** The primary asks a worker to stop accepting, finish its requests and exit. */
export interface DrainMessage {
  readonly gatehouse: 'drain'
}

/** A worker tells the primary that every one of its ports listens. */
export interface ReadyMessage {
  readonly gatehouse: 'ready'
  /** The main port and URL, as `HttpServer` gives them. */
  readonly port: number
  readonly url: string
  /** The HTTPS port, when HTTPS is served. */
  readonly tlsPort: number | undefined
}

/** The one drain message, sent as is. */
export const DRAIN: DrainMessage = Object.freeze({ gatehouse: 'drain' })

/**
 * @param message - anything received over the IPC channel (user code may send its own messages)
 * @returns whether it is the primary's drain request
 */
export function isDrainMessage(message: unknown): message is DrainMessage {
  return typeof message === 'object' && message !== null && (message as { gatehouse?: unknown }).gatehouse === 'drain'
}

/**
 * @param message - anything received from a worker
 * @returns whether it is a worker's ready report
 */
export function isReadyMessage(message: unknown): message is ReadyMessage {
  return typeof message === 'object' && message !== null && (message as { gatehouse?: unknown }).gatehouse === 'ready'
}

/** The environment variable that gives a replacement worker the port its cluster already listens on. */
export const CLUSTER_PORT_ENV = 'GATEHOUSE_CLUSTER_PORT'
