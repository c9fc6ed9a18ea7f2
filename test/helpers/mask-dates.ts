/** What every well-formed `Date` field line becomes in {@link maskDates} output. */
export const DATE_LINE_MASK = 'Date: <date>\r\n'

// RFC 9110 §5.6.7 IMF-fixdate: only a well-formed value is masked, so a malformed one fails the comparison.
const DAY_NAME = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].join('|')
const MONTH_NAME = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].join('|')
const DATE_LINE = new RegExp(
  String.raw`Date: (?:${DAY_NAME}), \d{2} (?:${MONTH_NAME}) \d{4} \d{2}:\d{2}:\d{2} GMT\r\n`,
  'g',
)

/**
 * Replaces the varying `Date` field lines of server output with a fixed mask, so that whole
 * responses can be compared byte for byte.
 *
 * @param text - server output, decoded as latin1 or UTF-8
 * @returns the text with every IMF-fixdate `Date` line replaced by {@link DATE_LINE_MASK}
 * @example
 * ```ts
 * maskDates('HTTP/1.1 200 OK\r\nDate: Tue, 24 Nov 2026 12:00:00 GMT\r\n\r\n')
 * // 'HTTP/1.1 200 OK\r\nDate: <date>\r\n\r\n'
 * ```
 */
export function maskDates(text: string): string {
  return text.replace(DATE_LINE, DATE_LINE_MASK)
}
