import { expect } from 'chai'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
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

/** The public class members a declaration file declares for `className`, in order. */
function membersOf(file: string, className: string): string[] {
  const text = readFileSync(join(root, 'dist', file), 'utf8')
  const body = text.slice(text.indexOf(`export declare class ${className} {`))
  const members = body
    .slice(0, body.indexOf('\n}'))
    .matchAll(/^ {4}(?:readonly |static |get |set |private )*(#?[A-Za-z]+)[(:;?]/gm)
  return Array.from(members, (match) => match[1]!)
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
      'constructor',
      'remoteAddress',
      'tls',
      'connection',
      'lastActiveAt',
      'requestCount',
      'closeReason',
      'run',
      'done',
      'shutdown',
      'destroy',
    ])
    expect(readFileSync(join(root, 'dist/core/session/session.d.ts'), 'utf8')).to.include(
      '    private constructor();\n',
    )
  })
})
