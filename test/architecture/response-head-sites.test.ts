import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { repositoryRoot } from '../helpers/repository-root.js'
import { filesUnder } from '../helpers/files-under.js'

/** The source the package ships: every folder of it and the root entry. */
const SOURCE = ['core', 'router', 'waf', 'certs', 'transports', 'sessions', 'index.ts']

/**
 * The files that build response heads: the framing rules and the status lines they start with.
 * Every other file gets its head, or the parts of one it keeps, from them.
 */
const HEAD_BUILDERS = ['core/wire/response-head.ts', 'core/wire/status-lines.ts']

// A status line (`HTTP/1.1 200`, or `HTTP/1.1 ` before a template's substitution) and the field
// lines of the framing rules, at the start of a line. Names in lookups (`'content-length'`) carry
// no colon, and messages that quote a field do not start a line with it.
const STATUS_LINE = /HTTP\/1\.[01] (?:\d|$)/
const FRAMING_FIELD = /(?:^|\n)(?:content-length|transfer-encoding|connection):/i

/** The pieces of a head: a file that imports one assembles heads of its own. */
const HEAD_PIECES = ['statusLine', 'statusLineWithReason', 'lengthLine', 'connectionLine', 'framingLines']

const root = repositoryRoot(import.meta.url)

function sourceFiles(entry: string): string[] {
  return entry.endsWith('.ts') ? [entry] : filesUnder(root, entry)
}

/** The text of every string and template literal of a file (comments are not code: they may quote heads). */
function literalsOf(file: string): { text: string; line: number }[] {
  const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest, true)
  const found: { text: string; line: number }[] = []
  const add = (node: ts.Node, text: string): void => {
    found.push({ text, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 })
  }
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) add(node, node.text)
    else if (ts.isTemplateExpression(node)) {
      add(node.head, node.head.text)
      for (const span of node.templateSpans) add(span.literal, span.literal.text)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

/** `file:line: text` for every literal outside the head builders that writes part of a head. */
function headsWrittenOutside(files: readonly string[]): string[] {
  return files
    .filter((file) => !HEAD_BUILDERS.includes(file))
    .flatMap((file) =>
      literalsOf(file)
        .filter(({ text }) => STATUS_LINE.test(text) || FRAMING_FIELD.test(text))
        .map(({ text, line }) => `${file}:${line}: ${JSON.stringify(text)}`),
    )
}

/** `file: name` for every head piece imported outside the head builders. */
function piecesImportedOutside(files: readonly string[]): string[] {
  return files
    .filter((file) => !HEAD_BUILDERS.includes(file))
    .flatMap((file) => {
      const text = readFileSync(join(root, file), 'utf8')
      const names = [...text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}/g)].flatMap((m) =>
        m[1]!.split(',').map((name) =>
          name
            .trim()
            .split(/\s+as\s+/)[0]!
            .replace(/^type\s+/, ''),
        ),
      )
      return names.filter((name) => HEAD_PIECES.includes(name)).map((name) => `${file}: ${name}`)
    })
}

describe('response heads', () => {
  const files = SOURCE.flatMap(sourceFiles)

  it('finds the source files it scans', () => {
    expect(files).to.include.members(['index.ts', ...HEAD_BUILDERS])
  })

  it('are written only by the head builders: no status line or framing field anywhere else', () => {
    expect(headsWrittenOutside(files)).to.deep.equal([])
  })

  it('are assembled only by the head builders: no other file imports a status line or a framing line', () => {
    expect(piecesImportedOutside(files)).to.deep.equal([])
  })
})
