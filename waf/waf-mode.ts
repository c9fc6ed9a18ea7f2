/**
 * `off` checks nothing; `monitor` runs every check and reports through `onBlock` without blocking;
 * `basic` runs the cheap structural checks (length, characters, traversal, NUL, CRLF, body size);
 * `strict` adds every attack category.
 *
 * @example
 * ```ts
 * app.post('/cms/pages', { waf: 'off' satisfies WafMode }, handler)
 * ```
 */
export type WafMode = 'off' | 'monitor' | 'basic' | 'strict'
