import { compileConstraint } from '../../router/compile-constraint.js'
import type { MethodTable } from '../../router/method-table.js'
import { parsePattern } from '../../router/parse-pattern.js'
import { RadixNode } from '../../router/radix-node.js'

/**
 * Builds a radix tree the way `Router.on` does, without its checks, so that matchers can be
 * tested on a tree directly: the compiled one against the walk, or with names the pattern
 * syntax would refuse.
 *
 * @example
 * ```ts
 * const root = buildTree([['GET', '/users/:id']])
 * compileMatcher(root, 100)?.('GET', '/users/1', '/users/1')
 * ```
 */
export function buildTree(routes: readonly (readonly [method: string, pattern: string])[]): RadixNode<string> {
  const root = RadixNode.root<string>()
  for (const [method, pattern] of routes) {
    let node = root
    const names: string[] = []
    let table: MethodTable<string> | null = null
    for (const token of parsePattern(pattern)) {
      if (token.kind === 'static') node = node.staticPath(token.text)
      else if (token.kind === 'param') {
        const constraint = token.constraint === null ? null : compileConstraint(token.constraint)
        node = node.paramChild({
          name: token.name,
          source: token.constraint,
          constraint,
          index: names.length,
          origin: pattern,
        })
        names.push(token.name)
      } else {
        names.push('*')
        table = node.wildcard(names)
      }
    }
    ;(table ?? node.terminal(names)).add(method, `${method} ${pattern}`, pattern)
  }
  return root
}

/**
 * Adds one route to a tree with param names of the caller's choosing, which need not be
 * names the pattern syntax accepts: one param per segment after `prefix`.
 *
 * @example
 * ```ts
 * addRouteWithNames(root, 'GET', '/h/', ['a"]){}//'])
 * ```
 */
export function addRouteWithNames(
  root: RadixNode<string>,
  method: string,
  prefix: string,
  names: readonly string[],
): void {
  let node = root.staticPath(prefix)
  names.forEach((name, index) => {
    if (index > 0) node = node.staticPath('/')
    node = node.paramChild({ name, source: null, constraint: null, index, origin: prefix })
  })
  node.terminal(names).add(method, `${method} ${prefix}`, prefix)
}
