import { dateFieldLine } from './date-cache.js'
import { statusLine } from './status-lines.js'

/** One cached head prefix: for a server line and a content type, valid while the Date line is. */
interface OkHeadEntry {
  readonly serverLine: string
  readonly contentType: string
  dateLine: string
  prefix: string
}

// A handful at most: one per (server line, default content type) pair in use.
const entries: OkHeadEntry[] = []

/**
 * The head of a keep-alive `200 OK` whose only fields are the server's own and a Content-Type, up
 * to the Content-Length digits: `HTTP/1.1 200 OK\r\nServer: …\r\nDate: …\r\nContent-Type: …\r\nContent-Length: `.
 *
 * It is the one case of `buildHead` that skips it: `Framing.Length`, kept alive over HTTP/1.1 (so
 * no Connection line), no field of the handler's; `Response` takes it only under those conditions.
 * It is rebuilt once a second, when the Date line changes, and kept flat, so the common response
 * is three concatenations (prefix, length, body) rather than a dozen.
 *
 * @param serverLine - `Server: …\r\n` or `''`
 * @param contentType - the Content-Type value
 * @returns the prefix
 */
export function okHeadPrefix(serverLine: string, contentType: string): string {
  const dateLine = dateFieldLine()
  let entry: OkHeadEntry | undefined
  for (let i = 0; i < entries.length; i++) {
    const candidate = entries[i]!
    if (candidate.serverLine === serverLine && candidate.contentType === contentType) {
      entry = candidate
      break
    }
  }
  if (entry === undefined) {
    entry = { serverLine, contentType, dateLine: '', prefix: '' }
    // Bounded: a server using many server lines or types only loses the cache, never grows it.
    if (entries.length >= 8) entries.length = 0
    entries.push(entry)
  }
  if (entry.dateLine !== dateLine) {
    entry.dateLine = dateLine
    entry.prefix = flat(`${statusLine(200)}${serverLine}${dateLine}Content-Type: ${contentType}\r\nContent-Length: `)
  }
  return entry.prefix
}

/** Makes V8 store the string as one piece (reading a character flattens a concatenation). */
function flat(text: string): string {
  text.charCodeAt(0)
  return text
}
