import type { MethodTable } from './method-table.js'
import type { RadixNode } from './radix-node.js'

/**
 * Appends a subtree to `lines` for `Router.print()`: one node per line, indented two spaces per
 * level, static edges before params, the wildcard last, with the methods routed at each node.
 *
 * @param node - the subtree's root
 * @param depth - indentation level of `node`
 * @param lines - output lines
 * @example
 * ```ts
 * const lines: string[] = []
 * printTree(root, 0, lines)
 * lines.join('\n') // '/users [GET]\n  /\n    :id [GET, PUT]'
 * ```
 */
export function printTree<T>(node: RadixNode<T>, depth: number, lines: string[]): void {
  const param = node.param
  const label = param === null ? node.prefix : `:${param.name}${param.source === null ? '' : `(${param.source})`}`
  // The root has no label: its children start at the left margin.
  const childDepth = label === '' ? depth : depth + 1
  if (label !== '') lines.push(`${'  '.repeat(depth)}${label}${methodList(node.table)}`)
  for (const child of node.children) printTree(child, childDepth, lines)
  const wildcard = node.wildcardTable
  if (wildcard !== null) lines.push(`${'  '.repeat(childDepth)}*${methodList(wildcard)}`)
}

function methodList<T>(table: MethodTable<T> | null): string {
  return table === null ? '' : ` [${table.methods.join(', ')}]`
}
