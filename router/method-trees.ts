import type { MethodNode } from './method-node.js'
import { ANY_METHOD } from './method-table.js'
import { ParamsObject } from './params-object.js'
import type { RadixNode } from './radix-node.js'

/**
 * One pruned tree per method, projected from the router's full tree on the first lookup after
 * a registration. Methods routed nowhere share the tree of the `'*'` routes, so methods read
 * off the wire cannot make the router build trees.
 *
 * @example
 * ```ts
 * const trees = new MethodTrees<string>(root)
 * trees.register('GET')
 * trees.get('GET')?.lookup('/users/42', 0, state)
 * ```
 */
export class MethodTrees<T> {
  readonly #root: RadixNode<T>
  readonly #methods = new Set<string>()
  #isBuilt = false
  // The common methods get fields, so the hot path compares strings instead of hashing them:
  // a method read off the wire is not an internalized string.
  #get: MethodNode<T> | null = null
  #head: MethodNode<T> | null = null
  #post: MethodNode<T> | null = null
  #any: MethodNode<T> | null = null
  #others: Record<string, MethodNode<T> | null> = new ParamsObject() as Record<string, never>

  /**
   * @param root - the full tree, which keeps growing as routes are registered
   */
  constructor(root: RadixNode<T>) {
    this.#root = root
  }

  /**
   * Notes a registration: the trees are rebuilt on the next lookup.
   *
   * @param method - the registered method, or `'*'`
   * @example
   * ```ts
   * trees.register('PATCH')
   * ```
   */
  register(method: string): void {
    if (method !== ANY_METHOD) this.#methods.add(method)
    this.#isBuilt = false
  }

  /**
   * The tree of the routes answering `method`. This is the hot path: change with care.
   *
   * @param method - the request method
   * @returns the tree, or `null` when no route answers `method`
   * @example
   * ```ts
   * trees.get('HEAD') // GET's routes, unless HEAD has routes of its own
   * ```
   */
  get(method: string): MethodNode<T> | null {
    if (!this.#isBuilt) this.#build()
    switch (method) {
      case 'GET':
        return this.#get
      case 'HEAD':
        return this.#head
      case 'POST':
        return this.#post
      default: {
        const tree = this.#others[method]
        return tree !== undefined ? tree : this.#any
      }
    }
  }

  #build(): void {
    const root = this.#root
    this.#get = root.project('GET')
    this.#head = root.project('HEAD')
    this.#post = root.project('POST')
    this.#any = root.project(ANY_METHOD)
    this.#others = new ParamsObject() as Record<string, never>
    for (const method of this.#methods) this.#others[method] = root.project(method)
    this.#isBuilt = true
  }
}
