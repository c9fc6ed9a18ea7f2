import { Place } from './inspect-value.js'
import { visitPairs, type ValueVisitor } from './query-args.js'

const BOUNDARY = /boundary=(?:"([^"]{1,70})"|([^;\s"]{1,70}))/i
const PART_NAME = /(?:^|[;\s])name="([^"]{0,1024})"/i
const PART_FILENAME = /filename\*?=(?:"([^"]{0,1024})"|([^;\s]{1,1024}))/i
const PART_TYPE = /content-type:[ \t]{0,8}([^\r\n;]{1,128})/i

/**
 * Hands every name and value of a body to the visitor: the pairs of a URL-encoded form, every key
 * and string of a JSON document, the names, file names and text parts of a multipart form, or the
 * whole text of a text or XML body. Binary media types are skipped. Parsing is linear in the body.
 *
 * @param body - the body bytes
 * @param contentType - the Content-Type header value, if any
 * @param visit - called for each value; returning `true` stops the walk
 * @returns `true` when the visitor asked to stop
 * @example
 * ```ts
 * visitBody(Buffer.from('{"q":"x"}'), 'application/json', (v) => { console.log(v); return false }) // logs q, x
 * ```
 */
export function visitBody(body: Buffer, contentType: string | undefined, visit: ValueVisitor): boolean {
  const media = mediaType(contentType)
  if (media === 'application/x-www-form-urlencoded') return visitPairs(body.toString('utf8'), 0, Place.Body, visit)
  if (media === 'multipart/form-data') return visitMultipart(body, contentType ?? '', visit)
  if (isJson(media)) return visitJsonText(body.toString('utf8'), '', visit)
  if (isText(media) || (media === '' && body.indexOf(0, 0) === -1)) return visit(body.toString('utf8'), Place.Body, false, '')
  return false
}

function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return ''
  const semi = contentType.indexOf(';')
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase()
}

function isJson(media: string): boolean {
  return media === 'application/json' || media === 'text/json' || media.endsWith('+json')
}

function isText(media: string): boolean {
  return media.startsWith('text/') || media.endsWith('/xml') || media.endsWith('+xml') || media === 'application/javascript' || media === 'application/graphql'
}

/** Parses JSON (falling back to plain text) and walks it with an explicit stack, so nesting depth cannot overflow. */
function visitJsonText(text: string, name: string, visit: ValueVisitor): boolean {
  let root: unknown
  try {
    root = JSON.parse(text)
  } catch {
    return visit(text, Place.Body, false, name)
  }
  const stack: unknown[] = [root]
  const names: string[] = [name]
  while (stack.length > 0) {
    const node = stack.pop()
    const key = names.pop() as string
    if (typeof node === 'string') {
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
        if (visit(childKey, Place.Name, false, '')) return true
        stack.push(object[childKey])
        names.push(childKey)
      }
    }
  }
  return false
}

/** RFC 7578 multipart/form-data: names, file names and text parts; file contents are not read. */
function visitMultipart(body: Buffer, contentType: string, visit: ValueVisitor): boolean {
  const match = BOUNDARY.exec(contentType)
  if (match === null) return false
  const delimiter = Buffer.from('--' + (match[1] ?? match[2]), 'latin1')
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
    if (!isText(type) && !isJson(type)) return false
  }
  const text = body.toString('utf8', from, to)
  return isJson(type) ? visitJsonText(text, name, visit) : visit(text, Place.Body, false, name)
}
