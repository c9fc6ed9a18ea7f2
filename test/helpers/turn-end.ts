/**
 * Resolves once the current turn of the event loop has ended. A Session writes the responses it
 * answered in a turn at the turn's end (`core/session/turn-end.ts`), so a test that answered a request
 * inside a faked clock's tick awaits this before it looks at the output.
 * @example
 * ```ts
 * await clock.tickAsync(250)
 * await turnEnded()
 * expect(memory.outputText('latin1')).to.equal(expected)
 * ```
 */
export function turnEnded(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
