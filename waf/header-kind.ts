/**
 * How the WAF reads a header in strict mode. Values are bits so one cache entry can hold several.
 *
 * @example
 * ```ts
 * if (headerKindOf('Cookie') === HeaderKind.Cookie) splitPairs(value)
 * ```
 */
export const enum HeaderKind {
  /** Structured standard headers the parser and routing already constrain; not inspected. */
  Skip = 0,
  /** Free text attacks ride in: User-Agent, X-Forwarded-For, custom X- headers and the like. */
  Text = 1,
  /** `name=value; …` pairs, each inspected on its own. */
  Cookie = 2,
  /** A URL whose query parameters are inspected (Referer); the URL itself is expected to be one. */
  Url = 4,
  /** The name of an uploaded file (`X-Filename`, `X-File-Name`): inspected as a multipart file name is. */
  FileName = 8,
}

const SKIP = new Set([
  'host',
  'accept',
  'accept-encoding',
  'accept-language',
  'accept-charset',
  'content-type',
  'content-length',
  'connection',
  'keep-alive',
  'cache-control',
  'pragma',
  'authorization',
  'proxy-authorization',
  'if-none-match',
  'if-match',
  'if-modified-since',
  'if-unmodified-since',
  'if-range',
  'range',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'upgrade-insecure-requests',
  'dnt',
  'priority',
  'expect',
  'content-encoding',
  'date',
  'etag',
  'origin',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
  'x-request-id',
  'traceparent',
  'tracestate',
])
const KINDS = new Map<string, HeaderKind>()
const KINDS_LIMIT = 512

/**
 * Classifies a header name as received. Names repeat from request to request, so the answer is
 * cached by the exact spelling and the hot path does one map lookup instead of lower-casing.
 *
 * @param name - the header name as received
 * @returns how to read its value
 * @example
 * ```ts
 * headerKindOf('User-Agent') // HeaderKind.Text
 * headerKindOf('Accept')     // HeaderKind.Skip
 * ```
 */
export function headerKindOf(name: string): HeaderKind {
  let kind = KINDS.get(name)
  if (kind !== undefined) return kind
  const lower = name.toLowerCase()
  if (lower === 'cookie') kind = HeaderKind.Cookie
  else if (lower === 'referer') kind = HeaderKind.Url
  else if (/^x[-_.]?file[-_.]?name$/.test(lower)) kind = HeaderKind.FileName
  else if (SKIP.has(lower) || lower.startsWith('sec-ch-') || lower.startsWith('sec-fetch-')) kind = HeaderKind.Skip
  else kind = HeaderKind.Text
  if (KINDS.size < KINDS_LIMIT) KINDS.set(name, kind)
  return kind
}
