// `npm run test:package`, not `npm test`: these install the package as a user would, which takes
// tens of seconds (the folder install builds with tsc). `.ci/run` runs them after the suite.
import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import { repositoryRoot } from '../helpers/repository-root.js'

const run = promisify(execFile)
const root = repositoryRoot(import.meta.url)

// What a user's ES module does with the package: the root and two subpaths, one request served.
const CHECK_SCRIPT = `import { App } from 'gatehouse'
import { Router } from 'gatehouse/router'
import { Waf } from 'gatehouse/waf'

const router = new Router()
router.on('GET', '/users/:id', 'user')
const match = router.find('GET', '/users/7')
const verdict = new Waf({ mode: 'basic' }).checkHead({ method: 'GET', target: '/../etc/passwd', headers: [] })
const app = new App({ serverHeader: false })
app.get('/users/:id', (req) => ({ id: req.params.id, router: [match.status, match.store], waf: verdict?.blocked ?? false }))
const server = await app.listen({ port: 0, host: '127.0.0.1' })
const res = await fetch(\`http://127.0.0.1:\${server.port}/users/7\`)
console.log(JSON.stringify({ status: res.status, type: res.headers.get('content-type'), body: await res.json() }))
await server.close()
`
const CHECK_OUTPUT =
  '{"status":200,"type":"application/json; charset=utf-8","body":{"id":"7","router":[200,"user"],"waf":true}}\n'

// What a clone holds, less what is made or installed in one (and the certificate `npm start` makes).
const NOT_IN_A_CLONE = new Set(['node_modules', 'dist', '.git', join('certs', 'dev')])

/** The environment without what `npm run` adds, so the npm run here reads no config of ours. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('npm_')))
}

async function npm(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('npm', args, { cwd, env: cleanEnv(), maxBuffer: 64 * 1024 * 1024 })
  return stdout
}

/** A consumer project: an ES module package depending on `dependency`, with the check script. */
function consumer(dir: string, dependency: string): void {
  mkdirSync(dir)
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'consumer',
      version: '1.0.0',
      private: true,
      type: 'module',
      dependencies: { gatehouse: dependency },
    }),
  )
  writeFileSync(join(dir, 'check.mjs'), CHECK_SCRIPT)
}

describe('the package, installed as a user installs it', function () {
  this.timeout(300_000)
  let tmp: string

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'gatehouse-package-'))
  })

  afterEach(() => rmSync(tmp, { recursive: true, force: true }))

  it('installs from the npm pack tarball offline, and an ES module imports gatehouse, /router and /waf', async () => {
    // The built tree, packed as `npm publish` would (the suite's build has just made dist/).
    const [packed] = JSON.parse(await npm(root, ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp])) as {
      filename: string
      files: { path: string }[]
    }[]
    const paths = packed!.files.map((file) => file.path)
    expect(paths).to.include.members([
      'LICENSE',
      'README.md',
      'package.json',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/router/index.js',
      'dist/waf/index.js',
    ])
    expect(paths.filter((path) => /^dist\/(?:test|bench|examples)\//.test(path))).to.deep.equal([])

    // Offline, the registry's metadata is not at hand, only the tarballs in npm's cache: a lock
    // file with the project's own production dependencies lets npm take those by integrity.
    const app = join(tmp, 'app')
    const tarball = `file:../${packed!.filename}`
    consumer(app, tarball)
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; link?: boolean; [key: string]: unknown }>
    }
    const own = lock.packages['']!
    const packages: Record<string, unknown> = {
      '': { name: 'consumer', version: '1.0.0', dependencies: { gatehouse: tarball } },
      'node_modules/gatehouse': {
        version: own['version'],
        resolved: tarball,
        dependencies: own['dependencies'],
        engines: own['engines'],
      },
    }
    for (const [path, entry] of Object.entries(lock.packages))
      if (path !== '' && entry.dev !== true && entry.link !== true) packages[path] = entry
    writeFileSync(join(app, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, requires: true, packages }))
    await npm(app, ['install', '--offline', '--no-audit', '--no-fund'])

    const { stdout } = await run(process.execPath, ['check.mjs'], { cwd: app })
    expect(stdout).to.equal(CHECK_OUTPUT)
    // CommonJS reaches it through require() of an ES module (Node 20.19+, no top-level await).
    const required = await run(process.execPath, ['-e', "console.log(typeof require('gatehouse').App)"], { cwd: app })
    expect(required.stdout).to.equal('function\n')
  })

  it('installs from a folder, whose prepare script builds dist/', async () => {
    // A clone in which `npm install` ran (its node_modules are the project's), never built.
    const src = join(tmp, 'gatehouse')
    cpSync(root, src, { recursive: true, filter: (from) => !NOT_IN_A_CLONE.has(relative(root, from)) })
    symlinkSync(realpathSync(join(root, 'node_modules')), join(src, 'node_modules'))
    expect(existsSync(join(src, 'dist'))).to.equal(false)

    const app = join(tmp, 'app')
    consumer(app, 'file:../gatehouse')
    await npm(app, ['install', '--offline', '--no-audit', '--no-fund'])
    expect(realpathSync(join(app, 'node_modules', 'gatehouse'))).to.equal(realpathSync(src))
    expect(existsSync(join(src, 'dist', 'index.js'))).to.equal(true)
    // The prepare build is the package alone, not its tests.
    expect(existsSync(join(src, 'dist', 'test'))).to.equal(false)

    const { stdout } = await run(process.execPath, ['check.mjs'], { cwd: app })
    expect(stdout).to.equal(CHECK_OUTPUT)
  })
})
