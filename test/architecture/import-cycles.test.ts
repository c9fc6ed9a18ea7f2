import { expect } from 'chai'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { repositoryRoot } from '../helpers/repository-root.js'
import { filesUnder } from '../helpers/files-under.js'

/** Folders that are not the shipped source: their files may import anything the source exports. */
const NOT_SOURCE = new Set(['test', 'bench', 'dist', 'node_modules', 'examples'])

const root = repositoryRoot(import.meta.url)

/** Every `.ts` file of the source (declaration files aside), as repository paths. */
function sourceFiles(folder: string): string[] {
  const hidden = readdirSync(root).filter((name) => name.startsWith('.'))
  return filesUnder(root, folder, '.ts', new Set([...NOT_SOURCE, ...hidden])).filter((file) => !file.endsWith('.d.ts'))
}

/**
 * The relative specifiers a file names, in every form that makes one module depend on another, even
 * for types alone: a type-only cycle still means neither file can be read (or moved) without the other.
 */
function specifiersOf(fileName: string, text: string): string[] {
  const found: string[] = []
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text)
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      found.push(node.moduleReference.expression.text)
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push(node.argument.literal.text)
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push(node.arguments[0].text)
    }
    ts.forEachChild(node, visit)
  }
  visit(ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS))
  return found.filter((specifier) => specifier.startsWith('.'))
}

/** The repository path a relative specifier of `file` names: `./x.js` is `x.ts`, a folder its `index.ts`. */
function resolveSpecifier(file: string, specifier: string): string {
  const target = resolve(dirname(join(root, file)), specifier.replace(/\.js$/, '.ts'))
  if (!existsSync(target) && existsSync(join(target.replace(/\.ts$/, ''), 'index.ts'))) {
    return relative(root, join(target.replace(/\.ts$/, ''), 'index.ts'))
  }
  return relative(root, target)
}

/** The strongly connected components of more than one file (or a file importing itself): each is a cycle. */
function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const cycles: string[][] = []
  const connect = (file: string): void => {
    index.set(file, index.size)
    low.set(file, index.get(file)!)
    stack.push(file)
    onStack.add(file)
    for (const target of graph.get(file)!) {
      if (!graph.has(target)) continue
      if (!index.has(target)) {
        connect(target)
        low.set(file, Math.min(low.get(file)!, low.get(target)!))
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!))
      }
    }
    if (low.get(file) !== index.get(file)) return
    const component: string[] = []
    let member: string
    do {
      member = stack.pop()!
      onStack.delete(member)
      component.push(member)
    } while (member !== file)
    if (component.length > 1 || graph.get(file)!.includes(file)) cycles.push(component.sort())
  }
  for (const file of graph.keys()) if (!index.has(file)) connect(file)
  return cycles
}

/** One cycle as the imports that close it, `a.ts → b.ts` each, so a failure names what to cut. */
function describeCycle(component: readonly string[], graph: ReadonlyMap<string, readonly string[]>): string {
  const members = new Set(component)
  const edges = component.flatMap((file) =>
    graph
      .get(file)!
      .filter((target) => members.has(target))
      .map((target) => `${file} → ${target}`),
  )
  return `${component.length} files: ${edges.join(', ')}`
}

describe('import cycles', () => {
  it('reads every form of import a file can depend on another by', () => {
    const text = [
      "import { a } from './a.js'",
      "import type { B } from './b.js'",
      "import { type C } from './c.js'",
      "export { d } from './d.js'",
      "export type * from './e.js'",
      "let f: import('./f.js').F",
      "const g = await import('./g.js')",
      "import h = require('./h.js')",
      "import 'node:fs'",
    ].join('\n')
    expect(specifiersOf('x.ts', text)).to.deep.equal(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((name) => `./${name}.js`),
    )
  })

  it('has no cycle among the source files, type-only imports included', () => {
    const files = sourceFiles('')
    expect(files).to.include.members(['index.ts', 'core/errors.ts', 'waf/waf.ts', 'sessions/index.ts'])
    const graph = new Map(
      files.map((file) => [
        file,
        [
          ...new Set(
            specifiersOf(file, readFileSync(join(root, file), 'utf8')).map((specifier) =>
              resolveSpecifier(file, specifier),
            ),
          ),
        ],
      ]),
    )
    expect(cyclesOf(graph).map((component) => describeCycle(component, graph))).to.deep.equal([])
  })
})
