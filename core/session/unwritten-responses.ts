import type { WriteListener } from '../response/response-sink.js'

/**
 * The responses of one connection whose last byte is queued but not yet written to the
 * transport, told when the output drains or the connection ends. Only responses with lifecycle
 * hooks (`app.onFinish`) wait here, so a connection of an App without them never makes one.
 */
export class UnwrittenResponses {
  readonly #listeners: WriteListener[] = []

  /** @param listener - told once, at the next drain or at the connection's end */
  add(listener: WriteListener): void {
    this.#listeners.push(listener)
  }

  /**
   * Tells every listener added so far, once each; one taken out before it is told, so a hook that
   * closes the connection from inside cannot tell it twice.
   * @param aborted - whether the connection ended before their bytes were written
   */
  settle(aborted: boolean): void {
    const listeners = this.#listeners
    while (listeners.length > 0) listeners.shift()!.writeSettled(aborted)
  }
}
