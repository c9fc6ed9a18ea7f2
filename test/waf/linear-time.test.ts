import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

// The cost-growth checks compare timings, so they run in a process of their own: inside the whole
// suite, collections of the other specs' garbage land in the measurements and read as growth.
describe('waf cost on adversarial input, in a fresh process', () => {
  it('grows linearly in the body, the query and a JSON body for every adversarial unit', function () {
    this.timeout(300_000)
    const mocha = createRequire(import.meta.url).resolve('mocha/bin/mocha.js')
    const checks = fileURLToPath(new URL('linear-time.checks.js', import.meta.url))
    const run = spawnSync(
      process.execPath,
      [mocha, '--no-config', '--timeout', '120000', '--reporter', 'dot', checks],
      {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    )
    expect(run.status, `${run.stdout}\n${run.stderr}`).to.equal(0)
    expect(run.stdout).to.match(/\b3 passing\b/)
  })
})
