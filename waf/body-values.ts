import { Place } from './inspect-value.js'
import { visitMarkup } from './markup-values.js'
import { visitPairs, type ValueVisitor } from './query-args.js'
import { keepParsedJson } from './parsed-json.js'

const BOUNDARY = /boundary=(?:"([^"]{1,70})"|([^;\s"]{1,70}))/i
const PART_NAME = /(?:^|[;\s])name="([^"]{0,1024})"/i
const PART_FILENAME = /filename\*?=(?:"([^"]{0,1024})"|([^;\s]{1,1024}))/i
const PART_TYPE = /content-type:[ \t]{0,8}([^\r\n;]{1,128})/i

/**
 * Hands every name and value of a body to the visitor, read as what a handler can read it as,
 * whatever Content-Type claims (`req.json()` parses any body): a multipart form when the type says
 * so and names a boundary; JSON (every key and string) whenever the body parses as JSON; the pairs
 * of a URL-encoded form when the type says so or the body reads as one; markup (the whole text, then
 * every attribute value and text node with its entities decoded) when it opens with `<`; the whole
 * text otherwise. A body holding a NUL byte that parses as none of these is binary and is skipped.
 * Parsing is linear in the body.
 *
 * @param body - the body bytes
 * @param contentType - the Content-Type header value, if any
 * @param visit - called for each value; returning `true` stops the walk
 * @returns `true` when the visitor asked to stop
 * @example
 * ```ts
 * visitBody(Buffer.from('{"q":"x"}'), 'image/png', (v) => { console.log(v); return false }) // logs q, x
 * ```
 */
export function visitBody(body: Buffer, contentType: string | undefined, visit: ValueVisitor): boolean {
  const media = mediaType(contentType)
  if (media === 'multipart/form-data') {
    const match = BOUNDARY.exec(contentType ?? '')
    if (match !== null) return visitMultipart(body, match[1] ?? match[2], visit)
  }
  const first = firstSignificant(body)
  if (first === 0x7b || first === 0x5b) {
    const text = body.toString('utf8')
    const root = parseJson(text)
    if (root !== NOT_JSON) {
      const stopped = visitJson(root, '', visit)
      // Walked, not changed: the handler's req.json() may take it instead of parsing again.
      if (!stopped) keepParsedJson(text, root)
      return stopped
    }
  }
  if (media === 'application/x-www-form-urlencoded' || readsAsForm(body))
    return visitPairs(body.toString('utf8'), 0, Place.Body, visit)
  if (body.indexOf(0) !== -1) return false
  const text = body.toString('utf8')
  if (visit(text, Place.Body, false, '')) return true
  return first === 0x3c && visitMarkup(text, visit)
}

function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return ''
  const semi = contentType.indexOf(';')
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase()
}

function firstSignificant(body: Buffer): number {
  for (let i = 0; i < body.length; i++) {
    const b = body[i]
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return b
  }
  return -1
}

/**
 * A body reads as `application/x-www-form-urlencoded` when it holds an `=` and only characters a
 * form encoder emits (no raw space, quote, angle bracket or brace); a trailing line break is allowed.
 */
function readsAsForm(body: Buffer): boolean {
  let end = body.length
  while (end > 0 && (body[end - 1] === 0x0a || body[end - 1] === 0x0d)) end--
  let equals = false
  for (let i = 0; i < end; i++) {
    const b = body[i]
    if (b === 0x3d) equals = true
    else if (
      b <= 0x20 ||
      b >= 0x7f ||
      b === 0x22 ||
      b === 0x3c ||
      b === 0x3e ||
      b === 0x7b ||
      b === 0x7d ||
      b === 0x5c ||
      b === 0x60
    )
      return false
  }
  return equals || end > 0
}

const NOT_JSON = Symbol('not JSON')

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return NOT_JSON
  }
}

/** Strings longer than this are inspected every time; shorter ones once per document (keys repeat in every record). */
const MEMO_VALUE_MAX_LENGTH = 256
/** Distinct strings remembered per document; the memo is emptied when full, which bounds its memory. */
const MEMO_LIMIT = 4096

/**
 * Walks a parsed JSON document with an explicit stack, so nesting depth cannot overflow. An array of
 * records repeats its keys in every record, and often its enumerated values: the visitor is
 * deterministic, so a (name, string) pair it has already seen in this document is not handed to it
 * again. A repeat of a value that was reported is no new finding either, so monitor mode loses nothing.
 */
function visitJson(root: unknown, name: string, visit: ValueVisitor): boolean {
  const stack: unknown[] = [root]
  const names: string[] = [name]
  const seenKeys = new Set<string>()
  /** String value → the key it was last seen under. */
  const seenValues = new Map<string, string>()
  while (stack.length > 0) {
    const node = stack.pop()
    const key = names.pop() as string
    if (typeof node === 'string') {
      if (node.length <= MEMO_VALUE_MAX_LENGTH) {
        if (seenValues.get(node) === key) continue
        if (seenValues.size >= MEMO_LIMIT) seenValues.clear()
        seenValues.set(node, key)
      }
      if (visit(node, Place.Body, false, key)) return true
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) {
        stack.push(node[i])
        names.push(key)
      }
    } else if (node !== null && typeof node === 'object') {
      const object = node as Record<string, unknown>
      // JSON.parse makes plain objects with own properties only, so for-in needs no own-property check.
      for (const childKey in object) {
        if (!seenKeys.has(childKey)) {
          if (childKey.length <= MEMO_VALUE_MAX_LENGTH) {
            if (seenKeys.size >= MEMO_LIMIT) seenKeys.clear()
            seenKeys.add(childKey)
          }
          if (visit(childKey, Place.Name, false, '')) return true
        }
        stack.push(object[childKey])
        names.push(childKey)
      }
    }
  }
  return false
}

/** RFC 7578 multipart/form-data: names, file names and text parts; file contents are not read. */
function visitMultipart(body: Buffer, boundary: string, visit: ValueVisitor): boolean {
  const delimiter = Buffer.from('--' + boundary, 'latin1')
  let at = body.indexOf(delimiter)
  while (at !== -1) {
    const start = at + delimiter.length
    if (body[start] === 45 && body[start + 1] === 45) return false
    const headEnd = body.indexOf('\r\n\r\n', start)
    if (headEnd === -1) return false
    const next = body.indexOf(delimiter, headEnd + 4)
    const end = next === -1 ? body.length : Math.max(headEnd + 4, next - 2)
    if (visitPart(body, body.toString('latin1', start, headEnd), headEnd + 4, end, visit)) return true
    at = next
  }
  return false
}

function visitPart(body: Buffer, head: string, from: number, to: number, visit: ValueVisitor): boolean {
  const name = PART_NAME.exec(head)?.[1] ?? ''
  if (name !== '' && visit(name, Place.Name, false, '')) return true
  const file = PART_FILENAME.exec(head)
  const type = (PART_TYPE.exec(head)?.[1] ?? '').trim().toLowerCase()
  if (file !== null) {
    if (visit(file[1] ?? file[2], Place.FileName, false, 'filename')) return true
    if (!isText(type) && !type.endsWith('json')) return false
  }
  const text = body.toString('utf8', from, to)
  const first = text.trimStart().charCodeAt(0)
  if (first === 0x7b || first === 0x5b) {
    const root = parseJson(text)
    if (root !== NOT_JSON) return visitJson(root, name, visit)
  }
  return visit(text, Place.Body, false, name)
}

function isText(media: string): boolean {
  return (
    media.startsWith('text/') ||
    media.endsWith('/xml') ||
    media.endsWith('+xml') ||
    media === 'application/javascript' ||
    media === 'application/graphql'
  )
}
