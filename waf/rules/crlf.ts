/** Response headers that are worth injecting alone, before their colon. */
const INJECTABLE_HEADER = [
  'set-cookie|content-type|content-length|content-disposition|content-security-policy',
  'x-forwarded-for|x-forwarded-host|x-xss-protection|access-control-allow-[a-z]{1,12}',
  'transfer-encoding|x-powered-by|x-[a-z-]{1,32}',
].join('|')
const LOCATION_WITH_URL = String.raw`location[ \t]{0,8}:[ \t]{0,8}(?:[a-z]{2,10}:|\/)`
const REFRESH_WITH_DELAY = String.raw`refresh[ \t]{0,8}:[ \t]{0,8}\d`
/** A status line or markup: the start of a second, injected response. */
const RESPONSE_START = String.raw`http\/\d|<html|<meta|<script`
const HTTP_METHOD = '(?:get|post|put|delete|head|options|patch|trace|connect)'
/** A request line: the start of a smuggled request. */
const REQUEST_LINE = String.raw`${HTTP_METHOD}[ \t]{1,4}[^\s]{1,2048}[ \t]{1,4}http\/\d`
/**
 * A line break followed by a response header an attacker would want to set (OWASP CRS 921120-921160).
 * `Location` and `Refresh` are also words of ordinary multi-line text ("Location: Paris"), so they
 * count only with a URL or a delay after the colon.
 */
const INJECTED_HEADER = new RegExp(
  String.raw`[\r\n][\r\n \t]{0,8}(?:(?:${INJECTABLE_HEADER})[ \t]{0,8}:|` +
    [LOCATION_WITH_URL, REFRESH_WITH_DELAY, RESPONSE_START, REQUEST_LINE].join('|') +
    ')',
)

/**
 * CRLF injection and HTTP response splitting: a decoded line break in the path or a parameter name
 * is never legitimate; in a value it counts when a header line or a second response follows it, so
 * a multi-line text field stays clean.
 *
 * @param value - the normalised (decoded, lower-cased) value
 * @param anyBreak - whether any line break is an attack here (paths and names)
 * @returns whether the value injects header lines
 * @example
 * ```ts
 * detectCrlf('en\r\nset-cookie: sid=1', false) // true
 * detectCrlf('line one\nline two', false)      // false
 * ```
 */
export function detectCrlf(value: string, anyBreak: boolean): boolean {
  if (value.indexOf('\n') === -1 && value.indexOf('\r') === -1) return false
  return anyBreak || INJECTED_HEADER.test(value)
}
