import { Place } from './inspect-value.js'

/**
 * Called for each name and value found in a request; returns `true` to stop (a blocking finding).
 *
 * @param value - the raw value
 * @param place - where it came from
 * @param plusAsSpace - whether `+` means a space
 * @param name - the parameter name, '' for names themselves
 *
 * @example
 * ```ts
 * const log: ValueVisitor = (value, place) => { console.log(place, value); return false }
 * ```
 */
export type ValueVisitor = (value: string, place: Place, plusAsSpace: boolean, name: string) => boolean

/**
 * Walks `name=value&…` pairs of a query string or an `application/x-www-form-urlencoded` body
 * (WHATWG URL "application/x-www-form-urlencoded parsing"), handing names and values over undecoded.
 *
 * @param text - the string holding the pairs
 * @param from - index of the first pair
 * @param valuePlace - place reported for the values (`Arg` in a query, `Body` in a form)
 * @param visit - the visitor
 * @returns `true` when the visitor asked to stop
 * @example
 * ```ts
 * visitPairs('a=1&b=2', 0, Place.Arg, (v, place) => { console.log(place, v); return false })
 * ```
 */
export function visitPairs(text: string, from: number, valuePlace: Place, visit: ValueVisitor): boolean {
  let start = from
  while (start < text.length) {
    let end = text.indexOf('&', start)
    if (end === -1) end = text.length
    let eq = text.indexOf('=', start)
    if (eq === -1 || eq > end) eq = end
    const name = eq > start ? text.slice(start, eq) : ''
    if (name !== '' && visit(name, Place.Name, true, '')) return true
    if (end > eq + 1 && visit(text.slice(eq + 1, end), valuePlace, true, name)) return true
    start = end + 1
  }
  return false
}
