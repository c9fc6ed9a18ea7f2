import { expect } from 'chai'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { repositoryRoot } from '../helpers/repository-root.js'

const root = repositoryRoot(import.meta.url)

/** The folders of `dist/` that the package publishes (package.json `files`), besides `dist/index.*`. */
const PUBLISHED = ['core', 'transports', 'router', 'waf', 'certs']

function declarations(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return declarations(path)
    return name.endsWith('.d.ts') ? [path] : []
  })
}

/**
 * The public class members a declaration file declares for `className`, in order, after those of
 * the class it extends (declared in the same folder).
 */
function membersOf(file: string, className: string): string[] {
  const text = readFileSync(join(root, 'dist', file), 'utf8')
  const declaration = new RegExp(`export declare (?:abstract )?class ${className}(?: extends (\\w+))? \\{`).exec(text)
  if (declaration === null) throw new Error(`${file} declares no class ${className}`)
  const body = text.slice(declaration.index)
  const members = body
    .slice(0, body.indexOf('\n}'))
    .matchAll(/^ {4}(?:readonly |static |get |set |private |protected )*(#?[A-Za-z]+)[(:;?]/gm)
  const base = declaration[1]
  const inherited = base === undefined ? [] : membersOf(join(dirname(file), `${kebab(base)}.d.ts`), base)
  return [...inherited, ...Array.from(members, (match) => match[1]!)]
}

/** `SessionState` → `session-state`: the project names a file after the class it holds. */
function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter, at: number) => (at === 0 ? '' : '-') + letter.toLowerCase())
}

describe('published types', () => {
  const files = [
    join(root, 'dist/index.d.ts'),
    ...PUBLISHED.flatMap((folder) => declarations(join(root, 'dist', folder))),
  ]

  it('emit no member marked @internal (stripInternal)', () => {
    expect(files.length).to.be.greaterThan(50)
    const marked = files
      .filter((file) => readFileSync(file, 'utf8').includes('@internal'))
      .map((file) => relative(root, file))
    expect(marked).to.deep.equal([])
  })

  it('give Session only what users call, and no constructor', () => {
    expect(membersOf('core/session/session.d.ts', 'Session')).to.deep.equal([
      '#private',
      'transport',
      'createdAt',
      'remoteAddress',
      'tls',
      'connection',
      'lastActiveAt',
      'requestCount',
      'closeReason',
      'shutdown',
      'destroy',
      '#private',
      'constructor',
      'run',
      'done',
    ])
    expect(readFileSync(join(root, 'dist/core/session/session.d.ts'), 'utf8')).to.include(
      '    private constructor();\n',
    )
  })
})
