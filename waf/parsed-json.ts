/**
 * The JSON the WAF last parsed from a body, handed to the first reader of the same text, so a
 * request whose body the WAF inspected is not parsed twice (the WAF, then `req.json()`).
 *
 * One entry, module-wide: a body is checked and then read within the same request, usually in the
 * same turn. What is handed out is exactly what `JSON.parse` of that text gives: the WAF only reads
 * the value, and it is handed out once, then forgotten, so no two readers share an object. The text
 * is compared whole, so a kept value never answers for another body. Large bodies are not kept:
 * the entry must not hold a big document alive until the next request.
 */

/** What {@link takeParsedJson} answers when it has nothing for the text. */
export const NOT_KEPT: unique symbol = Symbol('not kept')

/** Bodies up to this many characters are kept. */
const MAX_KEPT_LENGTH = 64 * 1024

let keptText: string | undefined
let keptValue: unknown

/**
 * Keeps a value the WAF parsed, replacing the one kept before.
 * @param text - the body as UTF-8 text, as parsed
 * @param value - what `JSON.parse(text)` returned
 */
export function keepParsedJson(text: string, value: unknown): void {
  if (text.length > MAX_KEPT_LENGTH) return
  keptText = text
  keptValue = value
}

/**
 * @param text - a body as UTF-8 text
 * @returns the value kept for exactly this text (then forgotten), or {@link NOT_KEPT}
 */
export function takeParsedJson(text: string): unknown {
  if (keptText === undefined || keptText !== text) return NOT_KEPT
  const value = keptValue
  keptText = undefined
  keptValue = undefined
  return value
}
