/**
 * What `import 'gatehouse'` (and each subpath of package.json "exports") costs at start-up: the
 * time of the import and the node_modules packages it loads, each in a fresh process (a module
 * is loaded once per process, so a second import in the same one measures nothing). The
 * dependencies are CommonJS, so they show in the require cache. Peers measured in the same run:
 * `node:http` (what any server loads anyway) and fastify. Run by hand:
 *
 *   npm run build && node dist/bench/startup/import-time.js
 *   RUNS=15 node dist/bench/startup/import-time.js
 *
 * BASELINE=<another built checkout> measures that one's root as well, in the same run, e.g. the
 * commit before a change (`git archive <commit> | tar -x -C /tmp/base`, node_modules linked, `npx tsc`).
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { repositoryRoot } from '../../test/helpers/repository-root.js'

const RUNS = Number(process.env.RUNS ?? 7)
const root = repositoryRoot(import.meta.url)

interface Sample {
  readonly ms: number
  readonly modules: number
  readonly packages: string[]
}

// Timed inside the child, from just before the import to just after, so node's own start-up is left out.
const CHILD = `
const { createRequire } = await import('node:module')
const started = performance.now()
await import(process.argv[1])
const ms = performance.now() - started
const files = Object.keys(createRequire(import.meta.url).cache).filter((p) => p.includes('/node_modules/'))
const packages = new Set(files.map((p) => p.split('/node_modules/').pop().match(/^(@[^/]+\\/)?[^/]+/)[0]))
console.log(JSON.stringify({ ms, modules: files.length, packages: [...packages].sort() }))
`

const BASELINE = process.env.BASELINE

function sample(label: string): Sample {
  const [specifier, cwd] = label.endsWith(' (baseline)') ? ['gatehouse', BASELINE!] : [label, root]
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', CHILD, specifier], {
    cwd,
    encoding: 'utf8',
  })
  return JSON.parse(out) as Sample
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)]!
}

const exportsField = (JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { exports: Record<string, unknown> })
  .exports
const subpaths = Object.keys(exportsField)
  .filter((key) => key !== './package.json')
  .map((key) => (key === '.' ? 'gatehouse' : `gatehouse/${key.slice(2)}`))
const specifiers = ['node:http', 'fastify', ...(BASELINE === undefined ? [] : ['gatehouse (baseline)']), ...subpaths]

// Interleaved, so that a slow moment of the shared machine falls on every specifier alike.
const samples = new Map<string, Sample[]>(specifiers.map((s) => [s, []]))
for (let run = 0; run < RUNS; run++) for (const s of specifiers) samples.get(s)!.push(sample(s))

console.log(`import time, median of ${RUNS} fresh processes (Node.js ${process.version})`)
for (const s of specifiers) {
  const all = samples.get(s)!
  const last = all[all.length - 1]!
  const packages = last.packages.length === 0 ? '(none)' : last.packages.join(' ')
  console.log(
    `${s.padEnd(22)} ${median(all.map((x) => x.ms))
      .toFixed(1)
      .padStart(7)} ms  ${String(last.modules).padStart(4)} CJS modules  ${packages}`,
  )
}
