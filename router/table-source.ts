import type { MethodTable, RouteHit } from './method-table.js'
import { ParamsSource, type EndOfRoutes } from './params-source.js'
import type { RadixNode } from './radix-node.js'
import type { Params, RouteMatch } from './route-match.js'

/**
 * The 405 candidates a lookup has met: none yet, one table, or several (possibly repeated).
 *
 * @example
 * ```ts
 * let misses: Misses = null
 * misses = helpers.miss(misses, table)
 * ```
 */
export type Misses = MethodTable<unknown> | MethodTable<unknown>[] | null

/**
 * The functions and values every generated matcher reads as `H`.
 *
 * @example
 * ```ts
 * new Function('H', 'D', source)(helpers, data)
 * ```
 */
export interface MatcherHelpers {
  /** The 404 answer. */
  readonly notFound: RouteMatch<never>
  /** The 405 for the misses met: one table, or several. */
  readonly notAllowed: (misses: MethodTable<unknown> | MethodTable<unknown>[]) => RouteMatch<unknown>
  /** Adds a table to the misses met. */
  readonly miss: (misses: Misses, table: MethodTable<unknown>) => Misses
  /** The answer for a hit whose path holds a `%`: `decodedAnswer`. */
  readonly decodedAnswer: (hit: RouteHit<unknown>, names: readonly string[], params: Params) => RouteMatch<unknown>
  /** The prototype of params objects, which has no `Object.prototype` above it. */
  readonly paramsPrototype: object
}

/**
 * Writes the parts of a matcher's source that answer where routes end: the route serving the
 * request's method, or else the table joins the 405 candidates in `x`, as a miss of the walk does.
 * The method is read once per lookup into an index `M`; each end then finds its route for the
 * method with one array load. Also writes what the generated code starts and ends with.
 *
 * @example
 * ```ts
 * const tables = new TableSource(root)
 * tables.answer(node.table, ['s0,e0']) // '{const r=A1_0($3,M,p,s0,e0);if(r!==undefined)return r}'
 * ```
 */
export class TableSource<T> {
  /** Values the source reads as `D[n]`. */
  readonly data: unknown[] = []
  readonly #refs = new Map<unknown, string>()
  readonly #params = new ParamsSource()
  // Index 0 stands for every method with no route of its own anywhere: only `'*'` routes answer it.
  readonly #methods: readonly string[]

  /**
   * @param root - the tree whose tables the source will answer for; its methods are read now
   */
  constructor(root: RadixNode<T>) {
    this.#methods = methodsOf(root)
  }

  /**
   * @returns the start of the factory body: the helpers, the data and the params builders bound,
   *   and the misses `x` declared, shared by the matcher and its chunks
   */
  preamble(): string {
    const helpers =
      '$notFound=H.notFound,$notAllowed=H.notAllowed,$miss=H.miss,$decoded=H.decodedAnswer,$proto=H.paramsPrototype'
    const data = this.data.map((_, n) => `,$${n}=D[${n}]`).join('')
    // One `x` for the matcher and its chunks: a lookup runs no user code, so lookups never interleave.
    return `const ${helpers}${data};let x=null;${this.#params.declarations()}`
  }

  /** @returns the start of the matcher body: the method index `M` set, the misses cleared */
  prologue(): string {
    // Switched on by length first: a method off the wire is no internalized string, so each
    // string compare is a call, and most methods are then compared with one candidate only.
    const byLength = new Map<number, string>()
    this.#methods.forEach((method, index) => {
      if (index === 0) return
      const compare = `if(m===${JSON.stringify(method)})M=${index};`
      const known = byLength.get(method.length)
      byLength.set(method.length, known === undefined ? compare : `${known}else ${compare}`)
    })
    const cases = [...byLength].map(([length, compares]) => `case ${length}:${compares}break;`).join('')
    return `let M=0;${cases === '' ? '' : `switch(m.length){${cases}}`}x=null;`
  }

  /** @returns the end of the matcher body, once every branch fell through: 404 or 405 */
  epilogue(): string {
    return 'return x===null?$notFound:$notAllowed(x)'
  }

  /**
   * @param value - a value the source must read (a hit, a table, a constraint)
   * @returns the name of the constant bound to it
   */
  ref(value: unknown): string {
    let name = this.#refs.get(value)
    if (name === undefined) {
      name = `$${this.data.length}`
      this.data.push(value)
      this.#refs.set(value, name)
    }
    return name
  }

  /**
   * @param table - the routes ending where the code stands
   * @param bounds - each param's `start,end` offsets in the path, in path order
   * @returns code that returns the route for `M`, or records the table as a miss and falls through
   */
  answer(table: MethodTable<T>, bounds: readonly string[]): string {
    const names = table.names
    if (names.length !== bounds.length)
      throw new Error(`matcher source: ${bounds.length} param bounds for ${names.length} names`)
    const hits = this.#methods.map((method) => table.get(method)?.hit ?? null)
    if (names.length === 0) {
      const hitsRef = this.ref(hits)
      const miss = hits.includes(null) ? `x=$miss(x,${this.ref(table)});` : ''
      return `{const h=${hitsRef}[M];if(h!==null)return h}${miss}`
    }
    const { builder, shape } = this.#params.builderFor(names)
    const end: EndOfRoutes<T> = { hits, shape, names, table }
    return `{const r=${builder}(${this.ref(end)},M,p,${bounds.join(',')});if(r!==undefined)return r}`
  }
}

/** `''` (no route of its own), then GET and HEAD when routed, then the other methods, sorted. */
function methodsOf<T>(root: RadixNode<T>): string[] {
  const found = new Set<string>()
  const visit = (node: RadixNode<T>): void => {
    for (const table of [node.table, node.wildcardTable]) {
      for (const method of table?.methods ?? []) if (method !== '*') found.add(method)
    }
    for (const child of node.children) visit(child)
  }
  visit(root)
  // HEAD falls back to GET, so it needs its own index wherever GET is routed.
  const first = found.has('GET') ? ['GET', 'HEAD'] : found.has('HEAD') ? ['HEAD'] : []
  found.delete('GET')
  found.delete('HEAD')
  return ['', ...first, ...[...found].sort()]
}
