/**
 * Prints the functions with the most self time in a V8 `.cpuprofile` (as written by
 * `node --cpu-prof`), merged by function name and source location. Run by hand:
 *
 *   node .build/bench/bench/http/profile-top.js /tmp/prof/CPU.….cpuprofile [count]
 */
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[]
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
}

function location(frame: ProfileNode['callFrame']): string {
  if (frame.url === '') return ''
  const path = frame.url.startsWith('file:') ? relative(process.cwd(), fileURLToPath(frame.url)) : frame.url
  // V8 counts lines from 0.
  return `${path}:${frame.lineNumber + 1}`
}

const profile = JSON.parse(readFileSync(process.argv[2], 'utf8')) as CpuProfile
const count = Number(process.argv[3] ?? 15)
const keyOf = new Map<number, string>()
for (const node of profile.nodes) {
  keyOf.set(node.id, `${node.callFrame.functionName || '(anonymous)'}\t${location(node.callFrame)}`)
}

// Each sample's time is the delta to the next sample, so sample i is charged timeDeltas[i + 1].
const selfMicros = new Map<string, number>()
let totalMicros = 0
for (let i = 0; i < profile.samples.length; i++) {
  const micros = profile.timeDeltas[i + 1] ?? 0
  const key = keyOf.get(profile.samples[i]) ?? '(unknown)'
  selfMicros.set(key, (selfMicros.get(key) ?? 0) + micros)
  totalMicros += micros
}

const top = [...selfMicros].sort((a, b) => b[1] - a[1]).slice(0, count)
console.log(`| # | self ms | self % | function | location |`)
console.log(`| --- | --- | --- | --- | --- |`)
top.forEach(([key, micros], i) => {
  const [name, where] = key.split('\t')
  console.log(
    `| ${i + 1} | ${(micros / 1000).toFixed(1)} | ${((100 * micros) / totalMicros).toFixed(1)} | ${name} | ${where} |`,
  )
})
