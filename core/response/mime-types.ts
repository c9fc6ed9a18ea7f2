import { extname } from 'node:path'

const BYTES_TYPE = 'application/octet-stream'

// Text formats carry `charset=utf-8` so browsers do not guess an encoding (RFC 9110 §8.3.2).
const UTF8 = '; charset=utf-8'

/**
 * Content-Type by lower-case file extension. Null prototype: a file named `x.__proto__` or
 * `x.constructor` is an ordinary miss, not a lookup on Object.prototype.
 */
const MIME_TYPES: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
  // Documents and code
  html: `text/html${UTF8}`,
  htm: `text/html${UTF8}`,
  css: `text/css${UTF8}`,
  // RFC 9239 makes text/javascript the one type for JavaScript, modules included.
  js: `text/javascript${UTF8}`,
  mjs: `text/javascript${UTF8}`,
  cjs: `text/javascript${UTF8}`,
  json: `application/json${UTF8}`,
  map: `application/json${UTF8}`,
  webmanifest: `application/manifest+json${UTF8}`,
  txt: `text/plain${UTF8}`,
  md: `text/markdown${UTF8}`,
  csv: `text/csv${UTF8}`,
  xml: `application/xml${UTF8}`,
  yaml: `application/yaml${UTF8}`,
  yml: `application/yaml${UTF8}`,
  ics: `text/calendar${UTF8}`,
  wasm: 'application/wasm',
  pdf: 'application/pdf',
  // Images
  svg: `image/svg+xml${UTF8}`,
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  bmp: 'image/bmp',
  ico: 'image/x-icon',
  // Fonts
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  otf: 'font/otf',
  // Archives
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  // Audio and video
  mp4: 'video/mp4',
  webm: 'video/webm',
  ogv: 'video/ogg',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
})

/**
 * Guesses a file's Content-Type from its extension, case-insensitively.
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
  return MIME_TYPES[extname(path).slice(1).toLowerCase()] ?? BYTES_TYPE
}
