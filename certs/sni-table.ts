/**
 * Chooses what to serve for a TLS server name: an exact name first, then a `*.` wildcard standing
 * for one label, then the fallback. Lookups are two map reads at most, since one runs for every
 * handshake that carries SNI.
 *
 * @typeParam T - what each name maps to (a SecureContext when serving)
 * @example
 * ```ts
 * const table = new SniTable('default')
 * table.add('api.example.com', 'api')
 * table.add('*.example.com', 'wildcard')
 * table.pick('API.example.com') // 'api'
 * table.pick('www.example.com') // 'wildcard'
 * table.pick('a.b.example.com') // 'default'
 * ```
 */
export class SniTable<T> {
  #exact = new Map<string, T>()
  /** Keyed by the part after `*.`, so a lookup strips one label and reads once. */
  #wildcard = new Map<string, T>()

  /** @param fallback - what to serve when no entry matches, or the client sent no name */
  constructor(readonly fallback: T) {}

  /**
   * Adds an entry; names compare without regard to case (RFC 4343).
   *
   * @param name - a host name, or `*.` followed by one
   * @param value - what to serve for it
   */
  add(name: string, value: T): void {
    const lower = name.toLowerCase()
    if (lower.startsWith('*.')) this.#wildcard.set(lower.slice(2), value)
    else this.#exact.set(lower, value)
  }

  /**
   * @param servername - the name from the client's SNI extension, or undefined without one
   * @returns the entry for that name, or the fallback
   */
  pick(servername: string | undefined): T {
    if (servername === undefined || servername === '') return this.fallback
    const name = servername.toLowerCase()
    // 1. Exact name.
    const exact = this.#exact.get(name)
    if (exact !== undefined) return exact
    // 2. Wildcard: replace the left-most label only (RFC 6125 §6.4.3).
    const dot = name.indexOf('.')
    if (dot > 0) {
      const wildcard = this.#wildcard.get(name.slice(dot + 1))
      if (wildcard !== undefined) return wildcard
    }
    // 3. Default.
    return this.fallback
  }
}
