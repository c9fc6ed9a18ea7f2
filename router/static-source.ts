import type { MethodTable } from './method-table.js'
import type { TableSource } from './table-source.js'

// More paths of one length than this are looked up by hash rather than compared one by one.
const COMPARES_MAX = 8

/**
 * Writes the first step of a matcher: the routes without params, looked up by the whole path
 * before any tree code runs, so that the tree's code leaves them out (rou3's idea of a static map
 * first). The router looks such paths up in its own map before calling the matcher; this step
 * makes the matcher complete on its own, and records a 405 candidate where the path is routed for
 * other methods only. Paths are switched on by length, then compared as strings.
 *
 * @example
 * ```ts
 * const statics = new StaticSource(tables)
 * statics.add('/users', usersTable)
 * statics.lookup() // 'switch(l){case 6:if(k==="/users"){{const h=$3[M];if(h!==null)return h}x=$miss(x,$4);}break;}'
 * ```
 */
export class StaticSource<T> {
  readonly #tables: TableSource<T>
  readonly #byLength = new Map<number, [text: string, table: MethodTable<T>][]>()

  /**
   * @param tables - writes each table's answer
   */
  constructor(tables: TableSource<T>) {
    this.#tables = tables
  }

  /**
   * @param text - the whole path of a route without params, case-folded when the router ignores case
   * @param table - the routes ending there
   */
  add(text: string, table: MethodTable<T>): void {
    const entries = this.#byLength.get(text.length) ?? []
    entries.push([text, table])
    this.#byLength.set(text.length, entries)
  }

  /** @returns code that returns the route for the whole path, records a miss, or falls through */
  lookup(): string {
    let cases = ''
    for (const [length, entries] of [...this.#byLength].sort(([a], [b]) => a - b)) {
      cases += `case ${length}:${entries.length > COMPARES_MAX ? this.#hashed(entries) : this.#compared(entries)}break;`
    }
    return cases === '' ? '' : `switch(l){${cases}}`
  }

  #compared(entries: readonly [string, MethodTable<T>][]): string {
    // Texts are written as JSON string literals, so no route can change the generated code.
    return entries
      .map(([text, table]) => `if(k===${JSON.stringify(text)}){${this.#tables.answer(table, [])}}`)
      .join('else ')
  }

  #hashed(entries: readonly [string, MethodTable<T>][]): string {
    const byText = Object.create(null) as Record<string, MethodTable<T>>
    for (const [text, table] of entries) byText[text] = table
    return (
      `{const t=${this.#tables.ref(byText)}[k];` +
      `if(t!==undefined){const e=t.get(m);if(e!==undefined)return e.hit;x=$miss(x,t)}}`
    )
  }
}
