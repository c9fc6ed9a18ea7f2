import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

// The router's behavioural specs, run again where code generation from strings is disallowed:
// every router there walks its tree, and builds params without compiled constructors.
const SPECS = [
  'router.spec.test.js',
  'router-options.test.js',
  'router-print.test.js',
  'registration-errors.test.js',
  'router-random.test.js',
  'lookup-work.test.js',
]

describe('Router under node --disallow-code-generation-from-strings', () => {
  it('passes the router specification, options, print, registration and random tests through the tree walk', function () {
    this.timeout(120_000)
    const mocha = createRequire(import.meta.url).resolve('mocha/bin/mocha.js')
    const files = SPECS.map((name) => fileURLToPath(new URL(name, import.meta.url)))
    const run = spawnSync(
      process.execPath,
      [
        '--disallow-code-generation-from-strings',
        mocha,
        '--no-config',
        '--timeout',
        '20000',
        '--reporter',
        'dot',
        ...files,
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    )
    expect(run.status, `${run.stdout}\n${run.stderr}`).to.equal(0)
    expect(run.stdout).to.match(/\b\d+ passing\b/)
  })
})
