const NON_ASCII = /[^\x00-\x7f]/

/**
 * Folds ASCII letters to lower case for case-insensitive matching. Only ASCII is folded:
 * full Unicode lowering can change a string's length, and params are cut from the original
 * path at offsets found in the folded one.
 *
 * @param text - a route's static text or a request path
 * @returns the folded text, as long as `text`
 * @example
 * ```ts
 * foldCase('/Users/ME') // '/users/me'
 * ```
 */
export function foldCase(text: string): string {
  if (!NON_ASCII.test(text)) return text.toLowerCase()
  let folded = ''
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    folded += code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : text[i]
  }
  return folded
}
