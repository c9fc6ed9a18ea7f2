import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root: the nearest folder above `fromUrl` (a module's `import.meta.url`) holding package.json. */
export function repositoryRoot(fromUrl: string): string {
  let dir = dirname(fileURLToPath(fromUrl))
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error('package.json not found above ' + fromUrl)
    dir = parent
  }
  return dir
}
