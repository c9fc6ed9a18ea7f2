/**
 * The long differential run against llhttp (node's parser): `npm run fuzz -- --cases 1000000
 * [--seed 1]`. Prints progress to stderr and, at the end, one JSON report (cases, agreements,
 * disagreements by accepted-difference class, crashes, unexplained ones, split-dependent answers,
 * slow cases) to stdout. Exits 1 when anything is unexplained, crashed or changed with the split.
 */
import { parseArgs } from 'node:util'
import { runDifferential } from '../../test/differential/differential.js'
import { LLHTTP_VERSION } from '../../test/differential/llhttp-parser.js'

const { values } = parseArgs({
  options: { cases: { type: 'string', default: '100000' }, seed: { type: 'string', default: '1' } },
})
const cases = Number(values.cases)
const seed = Number(values.seed)
const report = await runDifferential({
  seed,
  cases,
  onProgress: (done) => process.stderr.write(`${done} cases\n`),
})
console.log(JSON.stringify({ seed, llhttp: LLHTTP_VERSION, node: process.version, ...report }, null, 2))
process.exitCode = report.unexplained.length + report.crashes.length + report.splitDependent.length > 0 ? 1 : 0
