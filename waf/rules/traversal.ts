import { codeAt } from '../char-code.js'
import { Family, scanSignatures } from '../signatures.js'

/**
 * How much climbing a place tolerates before it counts as traversal.
 *
 * @example
 * ```ts
 * detectTraversal('../x', Climb.Value) // true
 * ```
 */
export const enum Climb {
  /** The request path: any `..` segment. */
  Path,
  /** Anywhere else, where markdown links climb (`../../guide.md`): starting to climb, or climbing three times. */
  Value,
}

/**
 * Path traversal: a path that climbs above the directory it starts in, once its dot segments are
 * resolved (RFC 3986 section 5.2.4): `../x`, `./../x`, `sub/../../x`, `/a/..\..\b`. Backslashes count
 * as slashes (Windows, IIS) and a segment's `;parameters` are dropped (`..;/` is `../` to Tomcat).
 * In the request path any `..` segment counts, since a client resolves them before sending. Elsewhere
 * each path-like token of the value (split at whitespace, quotes, brackets and `=`) is resolved on
 * its own: one that opens the value or follows `=` or a quote may not climb at all; one inside prose,
 * after a space or in a markdown link `(../../guide.md)`, may climb twice. `....//` and `.../`, which
 * survive a filter that strips `../` once, count anywhere. Decoding (percent, double, overlong, `%u`,
 * Unicode slash look-alikes) happened before, so every encoding reaches this as plain dots and slashes.
 * One linear pass.
 *
 * @param value - the normalised (decoded, lower-cased) value
 * @param climb - the tolerance of the place the value came from
 * @returns whether the value climbs directories
 * @example
 * ```ts
 * detectTraversal('/static/../../etc/passwd', Climb.Path)  // true
 * detectTraversal('sub/../../.env', Climb.Value)           // true
 * detectTraversal('see ../readme.md', Climb.Value)         // false
 * ```
 */
export function detectTraversal(value: string, climb: Climb): boolean {
  if (value.indexOf('..') === -1) return false
  const text = value.indexOf('\\') === -1 && value.indexOf('//') === -1 ? value : slashes(value)
  if (climb === Climb.Path) return /(?:^|\/)\.\.(?:$|[/;])/.test(text)
  // "....//" and "..././" defeat filters that strip "../" once.
  if (/\.\.\.\/|\.\.\/\.\//.test(text)) return true
  let i = 0
  const len = text.length
  while (i < len) {
    while (i < len && isTokenBreak(codeAt(text, i))) i++
    if (i >= len) break
    const start = i
    while (i < len && !isTokenBreak(codeAt(text, i))) i++
    const before = start === 0 ? 61 : codeAt(text, start - 1)
    const allowed = start === 0 || before === 61 || before === 34 || before === 39 ? 0 : PROSE_CLIMBS
    if (lowestDepth(text, start, i) < -allowed) return true
  }
  return false
}

/** Climbs a path-like token found in prose or a markdown link may make. */
const PROSE_CLIMBS = 2

/** Walks the segments of `text[from, to)`; returns the lowest depth reached (negative: above the start). */
function lowestDepth(text: string, from: number, to: number): number {
  let depth = 0
  let lowest = 0
  let segment = from
  let semi = -1
  for (let i = from; i <= to; i++) {
    const c = i < to ? codeAt(text, i) : 47
    if (c === 59 && semi === -1) semi = i
    if (c !== 47) continue
    const length = (semi === -1 ? i : semi) - segment
    semi = -1
    if (length === 2 && codeAt(text, segment) === 46 && codeAt(text, segment + 1) === 46) {
      depth--
      if (depth < lowest) lowest = depth
    } else if (length > 0 && !(length === 1 && codeAt(text, segment) === 46)) {
      depth++
    }
    segment = i + 1
  }
  return lowest
}

/** Whitespace, quotes, brackets, `=`, `,`, `|`, `&`, `<`, `>`: what separates paths in a value. */
function isTokenBreak(c: number): boolean {
  return (
    c <= 32 ||
    c === 34 ||
    c === 39 ||
    c === 40 ||
    c === 41 ||
    c === 91 ||
    c === 93 ||
    c === 123 ||
    c === 125 ||
    c === 61 ||
    c === 44 ||
    c === 124 ||
    c === 38 ||
    c === 60 ||
    c === 62 ||
    c === 96
  )
}

/**
 * Local file inclusion: names of operating-system and configuration files (`/etc/passwd`,
 * `win.ini`, `/.git/config`, `/proc/self/environ`, `file://`), found in one literal-set pass.
 *
 * @param value - the normalised (decoded, lower-cased) value
 * @param hits - the value's `scanSignatures` result, when the caller already has it
 * @returns whether the value names a sensitive local file
 * @example
 * ```ts
 * detectLocalFile('....//....//etc/passwd') // true
 * ```
 */
export function detectLocalFile(value: string, hits: number = scanSignatures(value)): boolean {
  if ((hits & Family.LocalFile) !== 0) return true
  // `\windows\win.ini`, `/etc//passwd` and `/etc/./passwd` name the same files.
  if (value.indexOf('\\') === -1 && value.indexOf('//') === -1 && value.indexOf('/./') === -1) return false
  return (scanSignatures(slashes(value)) & Family.LocalFile) !== 0
}

/** Backslashes as slashes, runs of slashes and `/./` segments collapsed. */
function slashes(value: string): string {
  return value.replace(/[\\/]+/g, '/').replace(/\/(?:\.\/)+/g, '/')
}

/**
 * A hidden file or directory in the request path (`/.git/config`, `/app/.env`, `/.vscode/`): a
 * segment that opens with a dot and a name. Servers do not publish dot-files; their names are
 * tool state, credentials and configuration. `/.well-known/` (RFC 8615) is the one public dot-folder.
 *
 * @param path - the normalised (decoded, lower-cased) request path
 * @returns whether the path names a hidden file or directory
 * @example
 * ```ts
 * hasHiddenSegment('/.cursor/mcp.json')         // true
 * hasHiddenSegment('/.well-known/security.txt') // false
 * ```
 */
export function hasHiddenSegment(path: string): boolean {
  for (let at = path.indexOf('/.'); at !== -1; at = path.indexOf('/.', at + 1)) {
    const c = codeAt(path, at + 2)
    const named = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45
    if (named && !path.startsWith('/.well-known/', at)) return true
  }
  return false
}
