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

/**
 * A worker tells the primary it has stopped accepting and finished its requests. The primary
 * answers {@link ExitMessage}: by then Node's cluster has stopped handing it connections, and
 * those handed over before have reached it (the channel keeps order) and been handed back.
 * A worker that exited at once could take such a connection with it, left open in the primary.
 */
export interface DrainedMessage {
  readonly gatehouse: 'drained'
}

/** The primary's answer to {@link DrainedMessage}: the worker may exit now. */
export interface ExitMessage {
  readonly gatehouse: 'exit'
}

/** The one drain message, sent as is. */
export const DRAIN: DrainMessage = Object.freeze({ gatehouse: 'drain' })
/** The one drained message. */
export const DRAINED: DrainedMessage = Object.freeze({ gatehouse: 'drained' })
/** The one exit message. */
export const EXIT: ExitMessage = Object.freeze({ gatehouse: 'exit' })

/**
 * @param message - anything received over the IPC channel (user code may send its own messages)
 * @returns whether it is the primary's drain request
 */
export function isDrainMessage(message: unknown): message is DrainMessage {
  return typeof message === 'object' && message !== null && (message as { gatehouse?: unknown }).gatehouse === 'drain'
}

/**
 * @param message - anything received over the IPC channel
 * @param kind - the Gatehouse message kind looked for
 * @returns whether it is that message
 */
export function isClusterMessage(message: unknown, kind: 'drained' | 'exit'): boolean {
  return typeof message === 'object' && message !== null && (message as { gatehouse?: unknown }).gatehouse === kind
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
