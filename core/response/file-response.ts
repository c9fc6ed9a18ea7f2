import { open, stat, type FileHandle } from 'node:fs/promises'
import type { Stats } from 'node:fs'
import type { StreamedResponse } from './streamed-response.js'
import type { RequestHead } from '../wire/request-head.js'
import { contentTypeFor } from './mime-types.js'
import { FileNotFoundError } from '../errors.js'
import { resolveFilePath } from './file-path.js'
import { parseHttpDate } from './http-date.js'

/** Options for `res.file()`. */
export interface FileOptions {
  /** Content-Type to send instead of the one guessed from the extension. */
  contentType?: string
  /** Cache-Control value; default none. */
  cacheControl?: string
  /**
   * The folder the path must stay in. The path is then read inside it, as a URL path is (`..`
   * may not climb out, `/` is the root), and a symbolic link leading outside is refused: pass
   * request data only this way. A path leaving the root is answered like a missing file.
   */
  root?: string
  /** With `root`: let symbolic links point outside it. Default `false`. */
  followSymlinks?: boolean
}

/** An inclusive byte range of the file, as Content-Range writes it. */
interface ByteRange {
  readonly start: number
  readonly end: number
}

const CHUNK_BYTES = 64 * 1024

/** Failures that mean "nothing here to serve": a FileNotFoundError (the notFound answer), not 500. */
const NOT_FOUND_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'ENAMETOOLONG', 'ELOOP'])

/** One range of the `bytes` unit (RFC 9110 §14.1.2); a list of several fails this and is ignored. */
const SINGLE_BYTE_RANGE = /^bytes=(\d*)-(\d*)$/i

const UNSATISFIABLE = 'unsatisfiable'

/**
 * Sends a file as the response, streamed from disk with backpressure (RFC 9110 §8.8, §13, §14):
 * Content-Type by extension, a weak ETag and Last-Modified, the preconditions in the order of
 * §13.2.2 (412 for a failed `If-Match` or `If-Unmodified-Since`, 304 for a matching `If-None-Match`
 * or `If-Modified-Since`), 206 for a single satisfiable `Range` (416 when unsatisfiable), and a
 * {@link FileNotFoundError} (which the App answers through its `notFound` handler) when
 * the path is missing, unreadable or not a regular file. A path with a NUL is refused (400). With
 * `root`, the path is confined to it (see {@link resolveFilePath}); without, it is used as given.
 *
 * A status other than 200 set before the call (a custom 404 page, say) is kept, and then
 * conditionals and Range are not evaluated: they describe the 200 representation only.
 *
 * @param res - the response, not yet started
 * @param request - the request's head (method, conditionals, Range)
 * @param given - the file's path, as the handler gave it (resolved against `options.root`)
 * @param options - Content-Type and Cache-Control overrides
 * @returns a promise that settles when the response has been sent, or the connection is gone
 * @throws the read error when reading fails after the head was sent (the connection is then closed)
 *
 * @example
 * ```ts
 * app.get('/logo', (req, res) => res.file('assets/logo.svg', { cacheControl: 'max-age=3600' }))
 * ```
 */
export async function sendFile(
  res: StreamedResponse,
  request: RequestHead,
  given: string,
  options?: FileOptions,
): Promise<void> {
  const path = await resolveFilePath(given, options?.root, options?.followSymlinks === true)
  if (path === undefined) return notFound(given)
  const stats = await statFile(path)
  if (stats === undefined) return notFound(given)
  const size = stats.size
  const etag = `W/"${size.toString(16)}-${Math.trunc(stats.mtimeMs).toString(16)}"`
  // HTTP dates have one-second precision (RFC 9110 §5.6.7); compare and send whole seconds.
  const modifiedMs = Math.floor(stats.mtimeMs / 1000) * 1000
  const lastModified = new Date(modifiedMs).toUTCString()
  const cacheControl = options?.cacheControl
  const isPlain = res.statusCode === 200
  const method = request.method

  // 1. Preconditions, in the order of RFC 9110 §13.2.2.
  const precondition = isPlain ? evaluatePreconditions(request, etag, modifiedMs) : PASSED
  if (precondition === FAILED) return res.sendError(412, 'Precondition Failed')
  if (precondition === NOT_MODIFIED) {
    res.status(304).header('ETag', etag).header('Last-Modified', lastModified)
    if (cacheControl !== undefined) res.header('Cache-Control', cacheControl)
    return res.send()
  }

  // 2. Range, defined for GET only (RFC 9110 §14.2).
  const range = isPlain && method === 'GET' ? rangeFor(request, size, stats.mtimeMs) : undefined
  if (range === UNSATISFIABLE) {
    return res.header('Content-Range', `bytes */${size}`).sendError(416, 'Range Not Satisfiable')
  }

  // 3. Open before the head goes out, so an unreadable file can still be answered as not found.
  const handle = await openFile(path)
  if (handle === undefined) return notFound(given)
  const start = range?.start ?? 0
  const end = range?.end ?? size - 1
  let isComplete = false
  try {
    if (range !== undefined) res.status(206).header('Content-Range', `bytes ${start}-${end}/${size}`)
    res.header('Content-Type', options?.contentType ?? res.getHeader('content-type') ?? contentTypeFor(path))
    res
      .header('Content-Length', end - start + 1)
      .header('ETag', etag)
      .header('Last-Modified', lastModified)
      .header('Accept-Ranges', 'bytes')
    if (cacheControl !== undefined) res.header('Cache-Control', cacheControl)
    res.start()
    // A HEAD response carries no body; the Response drops it, so the file is not read.
    isComplete = method === 'HEAD' || (await pump(res, handle, start, end))
  } finally {
    await handle.close()
  }
  // A file that shrank while being read leaves the body short: end() then throws and closes.
  if (isComplete) await res.end()
}

/** @returns the file's stats, or `undefined` when there is no regular file to serve */
async function statFile(path: string): Promise<Stats | undefined> {
  try {
    const stats = await stat(path)
    return stats.isFile() ? stats : undefined
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
}

/** @returns an open handle, or `undefined` when the file cannot be read (gone, or EACCES) */
async function openFile(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r')
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
}

function isNotFound(err: unknown): boolean {
  return NOT_FOUND_CODES.has((err as NodeJS.ErrnoException | undefined)?.code ?? '')
}

function notFound(path: string): never {
  throw new FileNotFoundError(path)
}

/**
 * Reads bytes `start`–`end` (inclusive) and writes them, waiting for each write to be accepted.
 * @returns `false` when the connection went away (nothing more to send), `true` once every byte
 *   the file still has was written
 */
async function pump(res: StreamedResponse, handle: FileHandle, start: number, end: number): Promise<boolean> {
  let position = start
  while (position <= end) {
    const wanted = Math.min(CHUNK_BYTES, end - position + 1)
    // A fresh buffer each time: the previous one may still be queued for the connection.
    const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(wanted), 0, wanted, position)
    if (bytesRead === 0) break
    position += bytesRead
    if (!(await res.write(bytesRead === wanted ? buffer : buffer.subarray(0, bytesRead)))) return false
  }
  return true
}

const PASSED = 0
const FAILED = 1
const NOT_MODIFIED = 2

/**
 * The preconditions in the order of RFC 9110 §13.2.2: If-Match, else If-Unmodified-Since (412 when
 * false); then If-None-Match, else (GET and HEAD only) If-Modified-Since (304 for GET and HEAD,
 * 412 for other methods). A field that is not a valid date is ignored.
 * @returns {@link PASSED}, {@link FAILED} (412) or {@link NOT_MODIFIED} (304)
 */
function evaluatePreconditions(request: RequestHead, etag: string, modifiedMs: number): number {
  const isRead = request.method === 'GET' || request.method === 'HEAD'
  const ifMatch = request.header('if-match')
  if (ifMatch !== undefined) {
    // Strong comparison (§13.1.1): our weak ETag matches only `*`, which any current file does.
    if (ifMatch.trim() !== '*' && !listHasTag(ifMatch, etag, true)) return FAILED
  } else {
    const ifUnmodifiedSince = request.header('if-unmodified-since')
    if (ifUnmodifiedSince !== undefined && modifiedMs > parseHttpDate(ifUnmodifiedSince)) return FAILED
  }
  const ifNoneMatch = request.header('if-none-match')
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() === '*' || listHasTag(ifNoneMatch, etag, false)) return isRead ? NOT_MODIFIED : FAILED
    return PASSED
  }
  const ifModifiedSince = request.header('if-modified-since')
  // NaN (not an HTTP-date) compares false, so the field is ignored.
  if (isRead && ifModifiedSince !== undefined && modifiedMs <= parseHttpDate(ifModifiedSince)) return NOT_MODIFIED
  return PASSED
}

/**
 * Whether an entity-tag list holds `etag` (RFC 9110 §8.8.3.2). Weak comparison ignores `W/` on both
 * sides; strong comparison needs both tags strong, so a weak `etag` never matches. Tags may hold
 * commas, so the list is scanned tag by tag, not split.
 * @param value - the field value, e.g. `"a", W/"b"`
 * @param etag - our tag, e.g. `W/"b"`
 * @param strong - whether to compare strongly (If-Match) or weakly (If-None-Match)
 */
function listHasTag(value: string, etag: string, strong: boolean): boolean {
  const isWeak = etag.startsWith('W/')
  if (strong && isWeak) return false
  const opaque = isWeak ? etag.slice(2) : etag
  const length = value.length
  let i = 0
  while (i < length) {
    const c = value.charCodeAt(i)
    // OWS and empty list elements (RFC 9110 §5.6.1)
    if (c === 0x20 || c === 0x09 || c === 0x2c) {
      i++
      continue
    }
    let weak = false
    if (c === 0x57 && value.charCodeAt(i + 1) === 0x2f) {
      weak = true
      i += 2 // 'W/'
    }
    if (value.charCodeAt(i) !== 0x22) return false // not an entity-tag: the field is invalid
    const close = value.indexOf('"', i + 1)
    if (close === -1) return false
    if (!(strong && weak) && close + 1 - i === opaque.length && value.startsWith(opaque, i)) return true
    i = close + 1
  }
  return false
}

/**
 * The range to send for the request's Range field, if any.
 * @returns a range, {@link UNSATISFIABLE}, or `undefined` to send the whole file (no Range, a
 *   malformed or multi-range one, or a failed If-Range)
 */
function rangeFor(request: RequestHead, size: number, mtimeMs: number): ByteRange | typeof UNSATISFIABLE | undefined {
  const value = request.header('range')
  if (value === undefined) return undefined
  const ifRange = request.header('if-range')
  if (ifRange !== undefined && !isRangeCurrent(ifRange.trim(), mtimeMs)) return undefined
  const match = SINGLE_BYTE_RANGE.exec(value.trim())
  if (match === null) return undefined
  const first = match[1]!
  const last = match[2]!
  if (first === '') {
    // suffix-range: the last n bytes (RFC 9110 §14.1.1)
    if (last === '') return undefined
    const suffix = Number(last)
    if (suffix === 0) return UNSATISFIABLE
    // An empty file has no last byte to name in Content-Range: send it whole.
    if (size === 0) return undefined
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(first)
  if (last === '') return start < size ? { start, end: size - 1 } : UNSATISFIABLE
  const end = Number(last)
  if (end < start) return undefined // invalid range-spec: ignored like a malformed field
  return start < size ? { start, end: Math.min(end, size - 1) } : UNSATISFIABLE
}

/**
 * If-Range (RFC 9110 §13.1.5) needs a strong validator. Our ETag is weak, so an entity-tag never
 * matches; a date matches when it equals Last-Modified and that is strong (§8.8.2.2: at least one
 * second older than now, so a same-second rewrite cannot hide behind it).
 */
function isRangeCurrent(ifRange: string, mtimeMs: number): boolean {
  if (ifRange.startsWith('"') || ifRange.startsWith('W/')) return false
  return parseHttpDate(ifRange) === Math.floor(mtimeMs / 1000) * 1000 && Date.now() - mtimeMs >= 1000
}
