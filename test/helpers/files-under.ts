import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Every file below a folder whose name ends with `suffix`, depth first, as paths relative to the
 * same `root` the folder is given from: what the specs that read the source tree walk.
 *
 * @param root - the folder paths are relative to (the repository root)
 * @param folder - the folder to walk, relative to `root` (`''` for `root` itself); a missing one has no files
 * @param suffix - how the names end (`.ts`, `.d.ts`)
 * @param skip - names of files or folders not walked (`node_modules`), at any depth
 * @returns the relative paths
 * @example
 * ```ts
 * filesUnder(root, 'core').filter((file) => !file.endsWith('.d.ts'))
 * ```
 */
export function filesUnder(
  root: string,
  folder: string,
  suffix = '.ts',
  skip: ReadonlySet<string> = new Set(),
): string[] {
  let names: string[]
  try {
    names = readdirSync(join(root, folder))
  } catch {
    return []
  }
  return names.flatMap((name) => {
    if (skip.has(name)) return []
    const path = folder === '' ? name : join(folder, name)
    if (statSync(join(root, path)).isDirectory()) return filesUnder(root, path, suffix, skip)
    return name.endsWith(suffix) ? [path] : []
  })
}
