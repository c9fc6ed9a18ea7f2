import type { MethodTable, RouteHit } from './method-table.js'

// A builder's switch over shapes stays short enough for V8 to optimise it.
const SHAPES_PER_BUILDER = 64

/**
 * What a generated builder reads about the routes ending at one node: the prebuilt answer for each
 * method index (`null` where another method's route, or none, is there), the shape of their
 * params among the builder's, their param names, and the table, which joins the 405 candidates
 * when the method has no route there.
 *
 * @example
 * ```ts
 * const end: EndOfRoutes<string> = { hits: [null, getHit, getHit], shape: 0, names: ['id'], table }
 * ```
 */
export interface EndOfRoutes<T> {
  readonly hits: readonly (RouteHit<T> | null)[]
  readonly shape: number
  readonly names: readonly string[]
  readonly table: MethodTable<T>
}

/**
 * Writes the code that answers where routes with params end in a generated matcher: for every
 * list of param names, a constructor that gives the params objects of those routes their final
 * hidden class from the start, with the null-prototype `$proto` above them; and builders that
 * pick the route for the method, cut the values out of the path, construct the params and answer
 * 200, or hand over to `$decoded` when the path holds a `%`. Where the method has no route, the
 * builder records the table as a miss in `x` and returns nothing.
 *
 * Constructors are reached through one builder per number of params (`A2_0` for two), switching
 * on the shape, rather than through a function per shape: V8 optimises a function only once it
 * has run enough on its own, and eighty shapes, each called by a few routes, took seconds to get
 * there. Keeping this work out of the matcher also keeps the matcher small.
 *
 * @example
 * ```ts
 * const params = new ParamsSource()
 * const { builder, shape } = params.builderFor(['owner', 'repo']) // { builder: 'A2_0', shape: 0 }
 * params.declarations()
 * // 'function P2_0_0(a0,a1){this["owner"]=a0;this["repo"]=a1}...function A2_0(t,M,p,a0,b0,a1,b1){...}'
 * ```
 */
export class ParamsSource {
  // By number of params: each shape's index, by the JSON of its names, and the shapes in order.
  readonly #shapes = new Map<number, { readonly indexes: Map<string, number>; readonly names: (readonly string[])[] }>()

  /**
   * @param names - the routes' param names, in path order (`'*'` for the wildcard)
   * @returns the builder to call as `builder(end, M, p, ...offsets)`, and the `shape` its `end` must name
   */
  builderFor(names: readonly string[]): { readonly builder: string; readonly shape: number } {
    let shapes = this.#shapes.get(names.length)
    if (shapes === undefined) {
      shapes = { indexes: new Map(), names: [] }
      this.#shapes.set(names.length, shapes)
    }
    const key = JSON.stringify(names)
    let index = shapes.indexes.get(key)
    if (index === undefined) {
      index = shapes.names.push(names) - 1
      shapes.indexes.set(key, index)
    }
    return { builder: `A${names.length}_${Math.floor(index / SHAPES_PER_BUILDER)}`, shape: index % SHAPES_PER_BUILDER }
  }

  /** @returns the declarations of the constructors and builders that `builderFor` named */
  declarations(): string {
    let code = ''
    for (const [arity, shapes] of this.#shapes) {
      for (let group = 0; group * SHAPES_PER_BUILDER < shapes.names.length; group++) {
        code += builder(
          arity,
          `${arity}_${group}`,
          shapes.names.slice(group * SHAPES_PER_BUILDER, (group + 1) * SHAPES_PER_BUILDER),
        )
      }
    }
    return code
  }
}

function builder(arity: number, suffix: string, shapes: readonly (readonly string[])[]): string {
  const ks = Array.from({ length: arity }, (_, k) => k)
  const args = ks.map((k) => `a${k}`).join(',')
  const values = ks.map((k) => `v${k}`).join(',')
  let code = ''
  let cases = ''
  shapes.forEach((names, s) => {
    // Names are written as JSON string literals, so no name can change the generated code.
    const stores = names.map((name, k) => `this[${JSON.stringify(name)}]=a${k}`).join(';')
    code += `function P${suffix}_${s}(${args}){${stores}}P${suffix}_${s}.prototype=$proto;`
    cases += `case ${s}:q=new P${suffix}_${s}(${values});break;`
  })
  const offsets = ks.map((k) => `a${k},b${k}`).join(',')
  const slices = ks.map((k) => `v${k}=p.slice(a${k},b${k})`).join(',')
  return (
    `${code}function A${suffix}(t,M,p,${offsets}){const h=t.hits[M];if(h===null){x=$miss(x,t.table);return}` +
    `const ${slices};let q;switch(t.shape){${cases}}` +
    // One scan of the whole path spares a scan per param in the common case of no escapes.
    `return p.indexOf("%")===-1?{status:200,store:h.store,params:q,pattern:h.pattern}:$decoded(h,t.names,q)}`
  )
}
