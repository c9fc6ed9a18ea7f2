import {
  brotliCompressSync,
  constants,
  createBrotliCompress,
  createDeflate,
  createGzip,
  deflateSync,
  gzipSync,
} from 'node:zlib'
import type { Transform } from 'node:stream'
import type { BodyEncoder } from '../response/body-encoder.js'
import type { Response } from '../response/response.js'
import { InvalidOptionError } from '../errors.js'

/** A content coding `app.compression()` can apply. */
export type Coding = 'br' | 'gzip' | 'deflate'

/** Options of `app.compression()`. */
export interface CompressionOptions {
  /** Whole bodies smaller than this many bytes are sent as they are. Default 1024. */
  threshold?: number
  /** Codings offered, in the server's order of preference. Default `['br', 'gzip', 'deflate']`. */
  codings?: readonly Coding[]
  /** Brotli quality 0–11. Default 4: most of the gain at a fraction of quality 11's time. */
  brotliQuality?: number
  /** gzip/deflate level 1–9. Default 6. */
  level?: number
}

/** Types worth compressing; images, archives and media are compressed already. */
const COMPRESSIBLE =
  /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded|wasm)|image\/svg\+xml|[^;]*\+(json|xml)\s*(;|$))/i

/**
 * The coding to use for an `Accept-Encoding` value (RFC 9110 §12.5.3): the highest q-value among
 * the offered codings, the server's order breaking ties; `*` stands for the others; q=0 refuses.
 * @returns the coding, or `undefined` for the identity
 */
export function negotiate(header: string | undefined, offered: readonly Coding[]): Coding | undefined {
  if (header === undefined || header === '') return undefined
  const q = new Map<string, number>()
  for (const part of header.split(',')) {
    const [rawName, ...params] = part.split(';')
    const name = rawName!.trim().toLowerCase()
    if (name === '') continue
    let weight = 1
    for (const param of params) {
      const [key, value] = param.split('=')
      if (key?.trim().toLowerCase() === 'q') weight = Number(value?.trim())
    }
    q.set(name, Number.isFinite(weight) ? weight : 0)
  }
  let best: Coding | undefined
  let bestQ = 0
  for (const coding of offered) {
    const weight = q.get(coding) ?? q.get('*') ?? 0
    if (weight > bestQ) {
      best = coding
      bestQ = weight
    }
  }
  return best
}

function check(options: CompressionOptions): Required<CompressionOptions> {
  for (const key of Object.keys(options))
    if (!['threshold', 'codings', 'brotliQuality', 'level'].includes(key))
      throw new InvalidOptionError(`compression.${key}`, 'unknown option')
  const int = (key: keyof CompressionOptions, value: unknown, min: number, max: number): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      throw new InvalidOptionError(
        `compression.${key}`,
        `expected an integer from ${min} to ${max}, got ${String(value)}`,
      )
    return value
  }
  const codings = options.codings ?? ['br', 'gzip', 'deflate']
  if (!Array.isArray(codings) || codings.some((c) => !['br', 'gzip', 'deflate'].includes(c)))
    throw new InvalidOptionError('compression.codings', 'expected a list of br, gzip, deflate')
  return {
    threshold: int('threshold', options.threshold ?? 1024, 0, Number.MAX_SAFE_INTEGER),
    codings,
    brotliQuality: int('brotliQuality', options.brotliQuality ?? 4, 0, 11),
    level: int('level', options.level ?? 6, 1, 9),
  }
}

const NO_TRANSFORM = /(?:^|,)\s*no-transform\s*(?:,|$)/i

/** `Vary: Accept-Encoding`, once however often a response is encoded (an error answer is a second try). */
function varyOnAcceptEncoding(res: Response): void {
  if (!/(?:^|,)\s*(?:accept-encoding|\*)\s*(?:,|$)/i.test(res.getHeader('vary') ?? ''))
    res.appendHeader('Vary', 'Accept-Encoding')
}

/**
 * Marks a response as coded. A strong ETag names one representation and the coded body is another
 * (RFC 9110 §8.8.3), so it is weakened: `If-None-Match` still matches it (weak comparison), while
 * `If-Match` and `If-Range`, which compare strongly, no longer take one coding's bytes for another's.
 */
function encodeAs(res: Response, coding: Coding): void {
  res.header('Content-Encoding', coding)
  const etag = res.getHeader('etag')
  if (etag !== undefined && etag.startsWith('"')) res.header('ETag', `W/${etag}`)
}

/**
 * The encoder behind `app.compression()`: gzip, deflate and brotli from `node:zlib`, negotiated
 * from `Accept-Encoding`. Skipped for compressible types below the threshold, for types that are
 * compressed already, for bodies that carry a coding, and for statuses without a body; `Vary:
 * Accept-Encoding` on every response of a compressible type, so caches keep the variants apart.
 * Whole bodies are encoded at once; streamed ones through a zlib stream flushed at each write.
 *
 * @param options - threshold, codings, levels
 * @returns the encoder, shared by every response
 * @throws InvalidOptionError for a bad option
 */
export function compressionEncoder(options: CompressionOptions = {}): BodyEncoder<Response> {
  const config = check(options)
  const brotliParams = { params: { [constants.BROTLI_PARAM_QUALITY]: config.brotliQuality } }
  const choose = (res: Response): Coding | undefined => {
    const status = res.statusCode
    // A 206's Content-Range counts the bytes as they are; `no-transform` forbids a coding (RFC 9110 §7.7).
    if (status < 200 || status === 204 || status === 206 || status === 304) return undefined
    if (res.getHeader('content-encoding') !== undefined || NO_TRANSFORM.test(res.getHeader('cache-control') ?? ''))
      return undefined
    // A length the handler declared is the identity body's: the body goes as it is.
    if (res.getHeader('content-length') !== undefined) return undefined
    const type = res.getHeader('content-type')
    if (type === undefined || !COMPRESSIBLE.test(type)) return undefined
    varyOnAcceptEncoding(res)
    const coding = negotiate(res.requestHead.header('accept-encoding'), config.codings)
    if (coding !== undefined) encodeAs(res, coding)
    return coding
  }
  return {
    whole(res, body) {
      if (body.length < config.threshold) {
        if (res.getHeader('content-type') !== undefined && COMPRESSIBLE.test(res.getHeader('content-type')!))
          varyOnAcceptEncoding(res)
        return undefined
      }
      const coding = choose(res)
      if (coding === undefined) return undefined
      if (coding === 'br') return brotliCompressSync(body, brotliParams)
      return coding === 'gzip' ? gzipSync(body, { level: config.level }) : deflateSync(body, { level: config.level })
    },
    stream(res): Transform | undefined {
      const coding = choose(res)
      if (coding === undefined) return undefined
      if (coding === 'br') return createBrotliCompress(brotliParams)
      return coding === 'gzip' ? createGzip({ level: config.level }) : createDeflate({ level: config.level })
    },
  }
}
