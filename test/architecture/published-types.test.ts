import { expect } from 'chai'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import ts from 'typescript'
import { repositoryRoot } from '../helpers/repository-root.js'
import { filesUnder } from '../helpers/files-under.js'

const root = repositoryRoot(import.meta.url)

/** The folders of `dist/` that the package publishes (package.json `files`), besides `dist/index.*`. */
const PUBLISHED = ['core', 'transports', 'router', 'waf', 'certs', 'sessions']

/** The declaration files of a folder of `dist/`, as absolute paths. */
function declarations(folder: string): string[] {
  return filesUnder(root, join('dist', folder), '.d.ts').map((file) => join(root, file))
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

/**
 * A user's module, type-checked against the emitted declarations as a user's compiler sees them:
 * every entry of package.json `exports`, and the types a server's code names.
 */
const CONSUMER = `import * as root from 'gatehouse'
import * as router from 'gatehouse/router'
import * as waf from 'gatehouse/waf'
import * as certs from 'gatehouse/certs'
import * as transports from 'gatehouse/transports'
import * as sessions from 'gatehouse/sessions'
import { App, type Session, type HttpServer, type Request, type Response, type Connection } from 'gatehouse'

export const entries = [root, router, waf, certs, transports, sessions]
const app = new App({ serverHeader: false })
app.get('/users/:id', (req: Request, res: Response) => res.json({ id: req.params['id'], ip: req.ip }))
app.onConnection((connection: Connection) => connection.remoteAddress)
export async function serve(): Promise<number> {
  const server: HttpServer = await app.listen({ port: 0 })
  const open: Session[] = []
  for (const session of open) session.shutdown()
  await server.close()
  return server.port
}
`

describe('published types', () => {
  it('type-check a user module importing every entry, and every declaration the package emits', function () {
    // The compiler reads the package's declarations and its dependencies' (seconds under load).
    this.timeout(60_000)
    // Inside the package's folder, \`gatehouse\` resolves to the package itself through its exports.
    const dir = join(root, '.build', 'type-consumer')
    mkdirSync(dir, { recursive: true })
    const file = join(dir, 'consumer.ts')
    writeFileSync(file, CONSUMER)
    // Every declaration the package ships, not only those the entries reach: a tarball's files are
    // all read by tools that index them.
    const program = ts.createProgram([file, ...files], {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      // The strictest setting a user may have for optional members: `x?: T` must then say `| undefined`.
      exactOptionalPropertyTypes: true,
      noEmit: true,
      skipLibCheck: false,
      types: ['node'],
    })
    // What skipLibCheck would skip, for the package's own declarations only: its dependencies'
    // are checked by their authors, and checking them all takes seconds.
    const own = program
      .getSourceFiles()
      .filter((source) => source.fileName === file || source.fileName.startsWith(join(root, 'dist') + '/'))
    expect(own.length).to.be.greaterThan(50)
    const diagnostics = [
      ...program.getOptionsDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...own.flatMap((source) => [
        ...program.getSyntacticDiagnostics(source),
        ...program.getSemanticDiagnostics(source),
      ]),
    ]
    const problems = diagnostics.map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')
      if (diagnostic.file === undefined) return message
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0)
      return `${relative(root, diagnostic.file.fileName)}:${line + 1}: ${message}`
    })
    expect(problems).to.deep.equal([])
  })

  const files = [join(root, 'dist/index.d.ts'), ...PUBLISHED.flatMap(declarations)]

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

  it('give HttpServer only what users call on the server app.listen() returns, and no constructor', () => {
    expect(membersOf('core/server/http-server.d.ts', 'HttpServer')).to.deep.equal([
      '#private',
      'port',
      'url',
      'tlsPort',
      'tlsUrl',
      'tlsHandshakeFailures',
      'proxyHeaderFailures',
      'connections',
      'reloadCertificates',
      'close',
    ])
  })
})
