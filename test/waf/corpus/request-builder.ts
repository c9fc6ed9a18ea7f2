import type { WafMode } from '../../../waf/waf-mode.js'
import type { WafRequestHead } from '../../../waf/waf.js'
import type { Waf } from '../../../waf/waf.js'
import type { WafVerdict } from '../../../waf/verdict.js'
import type { AttackSample } from './attacks.js'

/** Where a corpus payload is carried. */
export type Placement = 'query' | 'form' | 'json' | 'multipart' | 'header' | 'cookie' | 'referer'

/** A request as the Session would hand it to the WAF. */
export interface BuiltRequest {
  readonly head: WafRequestHead
  readonly body?: Buffer
  readonly contentType?: string
}

const BASE_HEADERS = ['Host', 'example.com', 'Accept', '*/*']
const BOUNDARY = '----GatehouseBoundary7MA4YWxkTrZu0gW'

/**
 * Builds the request that carries `sample` in `placement`. Raw samples are percent-encoded already
 * and go in as they are; header placements fall back to the query when the payload holds control
 * characters a header line cannot carry.
 *
 * @param sample - the payload and its parameter name
 * @param placement - where to carry it
 * @returns the request
 */
export function buildRequest(sample: AttackSample, placement: Placement): BuiltRequest {
  const name = sample.name ?? 'q'
  const encoded = sample.raw === true ? sample.payload : encodeURIComponent(sample.payload)
  const hasControl = /[\x00-\x1f]/.test(sample.payload)
  switch (placement) {
    case 'form':
      return post(`${name}=${encoded}`, 'application/x-www-form-urlencoded')
    case 'json':
      return post(JSON.stringify({ [name]: sample.payload }), 'application/json')
    case 'multipart': {
      const { body, contentType } = multipart([[name, null, null, sample.payload]])
      return { head: head('POST', '/upload', BASE_HEADERS), body, contentType }
    }
    case 'header':
      if (hasControl || sample.name !== undefined) return buildRequest(sample, 'query')
      return {
        head: head('GET', '/', [
          ...BASE_HEADERS,
          'User-Agent',
          asLatin1(sample.payload),
          'X-Forwarded-For',
          '203.0.113.7',
        ]),
      }
    case 'cookie':
      if (hasControl) return buildRequest(sample, 'query')
      return { head: head('GET', '/', [...BASE_HEADERS, 'Cookie', `sid=abc123; ${name}=${encoded}`]) }
    case 'referer':
      return { head: head('GET', '/', [...BASE_HEADERS, 'Referer', `https://example.com/search?${name}=${encoded}`]) }
    default:
      return { head: head('GET', `/search?page=1&${name}=${encoded}`, BASE_HEADERS) }
  }
}

/**
 * @param method - request method
 * @param target - request-target as sent
 * @param headers - flat header list
 * @returns a head in the shape the Session passes
 */
export function head(method: string, target: string, headers: readonly string[] = BASE_HEADERS): WafRequestHead {
  return { method, target, headers }
}

/** Header values reach the WAF as latin1 strings of their bytes, as the head parser decodes them. */
function asLatin1(value: string): string {
  return Buffer.from(value, 'utf8').toString('latin1')
}

function post(body: string, contentType: string): BuiltRequest {
  return {
    head: head('POST', '/submit', [...BASE_HEADERS, 'Content-Type', contentType]),
    body: Buffer.from(body, 'utf8'),
    contentType,
  }
}

/**
 * Encodes a multipart/form-data body (RFC 7578).
 *
 * @param parts - [field name, file name or null, part Content-Type or null, content]
 * @returns the body and its Content-Type
 */
export function multipart(parts: readonly (readonly [string, string | null, string | null, string])[]): {
  body: Buffer
  contentType: string
} {
  const chunks: Buffer[] = []
  for (const [name, file, type, content] of parts) {
    let partHead = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"`
    if (file !== null) partHead += `; filename="${file}"`
    partHead += '\r\n'
    if (type !== null) partHead += `Content-Type: ${type}\r\n`
    chunks.push(
      Buffer.from(partHead + '\r\n', 'utf8'),
      Buffer.from(content, file === null || type?.startsWith('text/') ? 'utf8' : 'latin1'),
      Buffer.from('\r\n'),
    )
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`))
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${BOUNDARY}` }
}

/**
 * Runs a request through the WAF as the Session does: head first, then the body.
 *
 * @param waf - the WAF
 * @param request - the request
 * @param mode - the mode for this request
 * @returns the verdict of whichever check found something, or null
 */
export function check(waf: Waf, request: BuiltRequest, mode?: WafMode): WafVerdict | null {
  const verdict = waf.checkHead(request.head, mode)
  if (verdict !== null || request.body === undefined) return verdict
  return waf.checkBody(request.head, request.body, request.contentType, mode)
}
