import { dateFieldLine } from './date-cache.js'
import { HeaderList } from './header-list.js'
import { headAroundLength } from './response-head.js'

/** One cached head: for a server line and a content type, valid while the Date line is. */
export interface OkHead {
  readonly serverLine: string
  readonly contentType: string
  dateLine: string
  /** The head up to the Content-Length digits. */
  prefix: string
  /** The head after them. */
  suffix: string
}

// A handful at most: one per (server line, default content type) pair in use.
const entries: OkHead[] = []

/**
 * The head of a keep-alive `200 OK` whose only fields are the server's own and a Content-Type, as
 * `buildHead` makes it, cut at the Content-Length digits (`headAroundLength`): the response is
 * `prefix + length + suffix`.
 *
 * `Response` takes it only where `buildHead` would make that head: `Framing.Length`, kept alive
 * over HTTP/1.1 (so no Connection line), no field of the handler's. It is rebuilt once a second,
 * when the Date line changes, so the common response is three concatenations (prefix, length,
 * suffix) rather than a dozen.
 *
 * @param serverLine - `Server: …\r\n` or `''`
 * @param contentType - the Content-Type value
 * @returns the cached head (the same object until the Date line or the cache changes)
 */
export function okHead(serverLine: string, contentType: string): OkHead {
  const dateLine = dateFieldLine()
  let entry: OkHead | undefined
  for (let i = 0; i < entries.length; i++) {
    const candidate = entries[i]!
    if (candidate.serverLine === serverLine && candidate.contentType === contentType) {
      entry = candidate
      break
    }
  }
  if (entry === undefined) {
    entry = { serverLine, contentType, dateLine: '', prefix: '', suffix: '' }
    // Bounded: a server using many server lines or types only loses the cache, never grows it.
    if (entries.length >= 8) entries.length = 0
    entries.push(entry)
  }
  if (entry.dateLine !== dateLine) {
    const fields = new HeaderList()
    fields.setDefaultType(contentType)
    const head = headAroundLength(200, fields, serverLine, true, false, 1)
    entry.dateLine = dateLine
    entry.prefix = head.before
    entry.suffix = head.after
  }
  return entry
}

/**
 * @param serverLine - `Server: …\r\n` or `''`
 * @param contentType - the Content-Type value
 * @returns the head of {@link okHead} up to the Content-Length digits
 */
export function okHeadPrefix(serverLine: string, contentType: string): string {
  return okHead(serverLine, contentType).prefix
}
