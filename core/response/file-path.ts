import { realpath } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { FileOutsideRootError, InvalidFilePathError } from '../errors.js'

/**
 * Resolves the path `res.file()` is to serve. Without a root the path is used as given (only a
 * NUL is refused). With one, the path is read inside it, as a URL path is: `..` segments are
 * resolved first and may not climb out, a leading `/` means the root, and (unless
 * `followSymlinks`) the real path, after every symbolic link, must still be inside the real root.
 *
 * @param path - the path as the handler gave it, already percent-decoded (as `req.params` are)
 * @param root - the folder to stay in, or undefined
 * @param followSymlinks - whether a link may point outside the root
 * @returns the path to open; `undefined` when nothing exists there (answered as not found)
 * @throws InvalidFilePathError for a NUL; FileOutsideRootError for a path leaving the root
 */
export async function resolveFilePath(
  path: string,
  root: string | undefined,
  followSymlinks: boolean,
): Promise<string | undefined> {
  // The OS would cut the path at a NUL (or throw); neither is the file the client named.
  if (path.includes('\0')) throw new InvalidFilePathError(path, 'it holds a NUL byte')
  if (root === undefined) return path
  if (root.includes('\0')) throw new InvalidFilePathError(root, 'the root holds a NUL byte')
  const base = resolve(root)
  const full = join(base, path)
  if (!isInside(base, full)) throw new FileOutsideRootError(path, root)
  if (followSymlinks) return full
  let real: string
  let realBase: string
  try {
    ;[real, realBase] = await Promise.all([realpath(full), realpath(base)])
  } catch {
    return undefined
  }
  if (!isInside(realBase, real)) throw new FileOutsideRootError(path, root)
  return real
}

function isInside(base: string, target: string): boolean {
  const rel = relative(base, target)
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))
}
