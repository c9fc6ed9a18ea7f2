import { realpath, stat } from 'node:fs/promises'
import { isAbsolute, join, resolve, sep } from 'node:path'
import type { Handler } from '../route/handler.js'
import type { Request } from '../request/request.js'
import type { Response } from '../response/response.js'
import { InvalidOptionError } from '../errors.js'
import { contentTypeFor } from '../response/mime-types.js'

/** Options of `app.static()`. */
export interface StaticOptions {
  /** Files served for a directory, tried in order; `false` for none. Default `['index.html']`. */
  index?: readonly string[] | false
  /** `Cache-Control` for every file. Default `public, max-age=0` (revalidate with the ETag). */
  cacheControl?: string
  /** Serve `x.br` / `x.gz` beside `x` when the client accepts that coding. Default true. */
  precompressed?: boolean
}

interface Resolved {
  readonly root: string
  readonly index: readonly string[]
  readonly cacheControl: string
  readonly precompressed: boolean
}

/** Precompressed siblings, best first, with the coding each stands for. */
const SIBLINGS: readonly (readonly [coding: string, suffix: string])[] = [
  ['br', '.br'],
  ['gzip', '.gz'],
]

function resolveOptions(dir: string, options: StaticOptions): Resolved {
  if (typeof dir !== 'string' || dir === '') throw new InvalidOptionError('static.dir', 'expected a folder path')
  for (const key of Object.keys(options))
    if (!['index', 'cacheControl', 'precompressed'].includes(key))
      throw new InvalidOptionError(`static.${key}`, 'unknown option')
  const index = options.index === false ? [] : (options.index ?? ['index.html'])
  if (!Array.isArray(index) || index.some((name) => typeof name !== 'string' || name === '' || /[\\/\0]/.test(name))) {
    throw new InvalidOptionError('static.index', 'expected a list of file names, or false')
  }
  if (
    options.cacheControl !== undefined &&
    (typeof options.cacheControl !== 'string' || /[\0-\x1f\x7f]/.test(options.cacheControl))
  ) {
    throw new InvalidOptionError('static.cacheControl', 'expected a Cache-Control value')
  }
  if (options.precompressed !== undefined && typeof options.precompressed !== 'boolean')
    throw new InvalidOptionError('static.precompressed', 'expected true or false')
  return {
    root: isAbsolute(dir) ? resolve(dir) : resolve(process.cwd(), dir),
    index,
    cacheControl: options.cacheControl ?? 'public, max-age=0',
    precompressed: options.precompressed ?? true,
  }
}

/**
 * The path below the root a request names, or `undefined` when it must not be served: a `.` or
 * `..` segment, a dotfile or dot-folder, a backslash, a NUL. The router has percent-decoded the
 * wildcard once; nothing is decoded again, so `%252e%252e` stays a harmless name.
 */
function relativePath(rest: string): string[] | undefined {
  const segments = rest.split('/').filter((s) => s !== '')
  for (const segment of segments) {
    if (segment.startsWith('.') || segment.includes('\\') || segment.includes('\0')) return undefined
  }
  return segments
}

/** Whether `path` is `root` or below it. */
function within(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep)
}

function accepts(req: Request, coding: string): boolean {
  const header = req.header('accept-encoding')
  if (header === undefined) return false
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().split(';')
    if (name!.trim().toLowerCase() !== coding) continue
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    return q === undefined || Number(q.slice(2)) > 0
  }
  return false
}

/** @returns the real path of a regular file inside the real root, or `undefined` */
async function confinedFile(realRoot: string, path: string): Promise<string | undefined> {
  try {
    const real = await realpath(path)
    if (!within(realRoot, real)) return undefined
    return (await stat(real)).isFile() ? real : undefined
  } catch {
    return undefined
  }
}

/**
 * The handler behind `app.static()`: serves files from one folder, never outside it whatever the
 * encoding (and whatever the WAF's mode: this does not rely on it), symlinks leaving it refused,
 * dotfiles refused, directories served through their index file, `.br`/`.gz` siblings when the
 * client accepts them, ETag/304/Range through `res.file()`. What is not served goes to the App's
 * 404 answer.
 *
 * @param dir - the folder
 * @param options - index files, Cache-Control, precompressed siblings
 * @param notFound - the App's 404 answer
 * @returns the route handler, for a pattern ending in `/*`
 * @throws InvalidOptionError for bad options
 */
export function staticFiles(dir: string, options: StaticOptions, notFound: () => Handler): Handler {
  const config = resolveOptions(dir, options)
  let realRoot: Promise<string> | undefined
  return async (req, res, next) => {
    const rest = (req.params as Record<string, string>)['*'] ?? ''
    const segments = relativePath(rest)
    if (segments === undefined) return notFound()(req, res, next)
    realRoot ??= realpath(config.root).catch(() => config.root)
    const root = await realRoot
    const target = join(root, ...segments)
    if (!within(root, target)) return notFound()(req, res, next)
    // A path ending in '/' names a directory: a file there is not found (`a.txt/`), as on a file system.
    let file = rest.endsWith('/') ? undefined : await confinedFile(root, target)
    if (file === undefined) {
      for (const name of config.index) {
        file = await confinedFile(root, join(target, name))
        if (file !== undefined) break
      }
    }
    if (file === undefined) return notFound()(req, res, next)
    return send(req, res, file, config)
  }
}

async function send(req: Request, res: Response, file: string, config: Resolved): Promise<void> {
  res.header('Cache-Control', config.cacheControl)
  if (config.precompressed) {
    res.appendHeader('Vary', 'Accept-Encoding')
    for (const [coding, suffix] of SIBLINGS) {
      if (!accepts(req, coding)) continue
      const sibling = await confinedFile(resolve(file, '..'), file + suffix)
      if (sibling === undefined) continue
      res.header('Content-Encoding', coding)
      return res.file(sibling, { contentType: contentTypeFor(file), cacheControl: config.cacheControl })
    }
  }
  return res.file(file, { cacheControl: config.cacheControl })
}
