// Removes compiled files from dist/ whose TypeScript source no longer exists. tsc never deletes
// outputs of a source that was moved or removed, and mocha runs every compiled spec it finds, so
// without this a spec that was moved runs twice, once from its old place against old code.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const dist = join(root, 'dist')
const OUTPUT = /\.(d\.ts|js|js\.map|d\.ts\.map)$/

function prune(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) {
      prune(path)
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true })
      continue
    }
    if (!OUTPUT.test(name)) continue
    const source = join(root, relative(dist, path)).replace(OUTPUT, '.ts')
    if (!existsSync(source)) rmSync(path)
  }
}

if (existsSync(dist)) prune(dist)
