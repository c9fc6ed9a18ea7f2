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
 * Path traversal: a `..` segment that climbs out of a directory. In a path any such segment counts
 * (RFC 3986 section 5.2.4 removes dot-segments, so a client never needs to send one); elsewhere a
 * value that starts by climbing or climbs repeatedly, since prose and markdown links use `../`.
 * Backslashes count as slashes, as on Windows and in IIS.
 *
 * @param value - the normalised (decoded, lower-cased) value
 * @param climb - the tolerance of the place the value came from
 * @returns whether the value climbs directories
 * @example
 * ```ts
 * detectTraversal('/static/../../etc/passwd', Climb.Path)  // true
 * detectTraversal('see ../readme.md', Climb.Value)         // false
 * ```
 */
export function detectTraversal(value: string, climb: Climb): boolean {
  if (value.indexOf('..') === -1) return false
  const text = value.indexOf('\\') === -1 && value.indexOf('//') === -1 ? value : slashes(value)
  if (climb === Climb.Path) return /(?:^|\/)\.\.(?:$|[/;])/.test(text)
  if (text === '..' || text.startsWith('../') || text.startsWith('..;/')) return true
  // "....//" and "..././" defeat filters that strip "../" once.
  if (/\.\.\.\/|\.\.\/\.\//.test(text)) return true
  return /\.\.\/{1,4}\.\.\/{1,4}\.\./.test(text)
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
