const MONTHS: Readonly<Record<string, number>> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
}

// RFC 9110 §5.6.7: IMF-fixdate, then the two obsolete forms a recipient must also accept.
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/
/** RFC 850 names the weekday in full. */
const FULL_WEEKDAY = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'].join('|')
const RFC850_DATE = new RegExp(
  `^(?:${FULL_WEEKDAY}), ` + String.raw`(\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$`,
)
const ASCTIME_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/

/**
 * Parses an HTTP-date (RFC 9110 §5.6.7). Anything else, such as `3000` (which `Date.parse` takes
 * for the year 3000), is not a date: conditionals with it are ignored (§13.1.3, §13.1.4).
 * @param value - a field value
 * @returns milliseconds since the epoch, or `NaN` when the value is not an HTTP-date
 */
export function parseHttpDate(value: string): number {
  const text = value.trim()
  let m = IMF_FIXDATE.exec(text)
  if (m !== null) return utc(Number(m[3]), m[2]!, Number(m[1]), m[4]!, m[5]!, m[6]!)
  m = RFC850_DATE.exec(text)
  if (m !== null) {
    // A two-digit year more than 50 years ahead is in the past century (RFC 9110 §5.6.7).
    let year = 2000 + Number(m[3])
    if (year > new Date().getUTCFullYear() + 50) year -= 100
    return utc(year, m[2]!, Number(m[1]), m[4]!, m[5]!, m[6]!)
  }
  m = ASCTIME_DATE.exec(text)
  if (m !== null) return utc(Number(m[6]), m[1]!, Number(m[2]!.trim()), m[3]!, m[4]!, m[5]!)
  return Number.NaN
}

function utc(year: number, month: string, day: number, hours: string, minutes: string, seconds: string): number {
  const monthIndex = MONTHS[month]
  const h = Number(hours)
  const min = Number(minutes)
  const s = Number(seconds)
  if (monthIndex === undefined || day < 1 || day > 31 || h > 23 || min > 59 || s > 60) return Number.NaN
  const ms = Date.UTC(year, monthIndex, day, h, min, Math.min(s, 59))
  // 31 Feb and the like roll into the next month: not a date.
  return new Date(ms).getUTCDate() === day ? ms : Number.NaN
}
