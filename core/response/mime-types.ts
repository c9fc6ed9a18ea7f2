import { createRequire } from 'node:module'
import { extname } from 'node:path'
import type mimeTypes from 'mime-types'
import { BYTES_TYPE } from './default-types.js'

// Text formats carry `charset=utf-8` so browsers do not guess an encoding (RFC 9110 §8.3.2).
const UTF8 = '; charset=utf-8'

// The registry (mime-db, through `mime-types`) gives a charset to text/* and to the JSON and
// JavaScript types; XML and its +xml / +json relatives (SVG, Atom, JSON-LD) are text as well, and
// were served with a charset before the registry was used, so they keep it.
const TEXT_STRUCTURED = /^application\/(?:json|xml)$|\+(?:json|xml)$/

// Where the registry's answer would break a browser: it says `application/node` for `.cjs`, a
// type no browser runs as a script; RFC 9239 makes text/javascript the one type for JavaScript.
const OVERRIDES: ReadonlyMap<string, string> = new Map([['cjs', 'text/javascript']])

// One full Content-Type per extension seen, so a file costs one Map lookup after the first. A Map,
// not an object: a file named `x.__proto__` or `x.constructor` is an ordinary miss. Only
// registered extensions are kept, so its size is bounded by the registry, whatever names come.
const byExtension = new Map<string, string>()

let mime: typeof mimeTypes | undefined

/**
 * `mime-types`, loaded at the first extension not yet seen rather than when the package is
 * imported: parsing its registry (mime-db) takes about ten milliseconds, which an App that sends no
 * files should not pay at start-up.
 */
function registry(): typeof mimeTypes {
  mime ??= createRequire(import.meta.url)('mime-types') as typeof mimeTypes
  return mime
}

/**
 * Guesses a file's Content-Type from its extension, case-insensitively, from the IANA, Apache and
 * nginx registries as the `mime-types` package keeps them.
 *
 * @param path - a file path or name
 * @returns the media type (text types with `; charset=utf-8`), or `application/octet-stream` for an
 *   unknown or missing extension
 *
 * @example
 * ```ts
 * contentTypeFor('public/app.JS') // 'text/javascript; charset=utf-8'
 * contentTypeFor('data.bin')      // 'application/octet-stream'
 * ```
 */
export function contentTypeFor(path: string): string {
  // `extname`, not the package's own lookup: that one takes a bare name as an extension, so a
  // file called `json` or `html` would be typed as one.
  const extension = extname(path).slice(1).toLowerCase()
  if (extension === '') return BYTES_TYPE
  const known = byExtension.get(extension)
  if (known !== undefined) return known
  const type = OVERRIDES.get(extension) ?? registry().lookup(extension)
  if (typeof type !== 'string') return BYTES_TYPE
  const full = registry().charset(type) !== false || TEXT_STRUCTURED.test(type) ? `${type}${UTF8}` : type
  byExtension.set(extension, full)
  return full
}
