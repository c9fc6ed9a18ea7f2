/** A promise with its `resolve` at hand, for tests that decide when a handler may go on. */
export interface Deferred<T> {
  /** Settles when `resolve` is called. */
  readonly promise: Promise<T>
  /** Resolves `promise`. */
  readonly resolve: (value: T) => void
}

/**
 * Makes a {@link Deferred}.
 * @returns a promise and the function that resolves it
 * @example
 * ```ts
 * const gate = deferred<void>()
 * app.get('/slow', async (_req, res) => { await gate.promise; res.text('late') })
 * gate.resolve()
 * ```
 */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}
