import { applyPatch, type Operation } from 'rfc6902'
import { pointerSegments } from './json-pointer.js'

/** A document after one operation, or why the operation was refused (400) or failed (409). */
export type PatchStepResult =
  | { readonly ok: true; readonly doc: unknown }
  | { readonly ok: false; readonly status: 400 | 409; readonly message: string }

// RFC 6901 §4: an array index is "0" or digits with no leading zero; "-" names the slot past the end.
const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/

/**
 * Where a pointer crosses an array with a token that is not an index ("01", "x", "-" before the
 * end): rfc6902 would set such a token as a property of the array, which
 * `JSON.stringify` then drops, so the operation would succeed and lose its value.
 */
function badArrayToken(doc: unknown, segments: readonly string[]): string | undefined {
  let node = doc
  for (let i = 0; i < segments.length; i++) {
    const token = segments[i]!
    if (Array.isArray(node)) {
      // "-" as the last token is a place that does not exist yet: rfc6902 adds there, or reports it missing.
      if (!(ARRAY_INDEX.test(token) || (token === '-' && i === segments.length - 1))) return token
      node = node[Number(token)]
    } else if (isObjectWith(node, token)) {
      node = (node as Record<string, unknown>)[token]
    } else {
      return undefined // missing: rfc6902 reports it as a path that does not exist
    }
  }
  return undefined
}

function valueAt(doc: unknown, segments: readonly string[]): { found: boolean; value: unknown } {
  let node = doc
  for (const token of segments) {
    if (Array.isArray(node) ? !ARRAY_INDEX.test(token) || Number(token) >= node.length : !isObjectWith(node, token))
      return { found: false, value: undefined }
    node = (node as Record<string, unknown>)[token]
  }
  return { found: true, value: node }
}

function isObjectWith(node: unknown, key: string): boolean {
  return node !== null && typeof node === 'object' && Object.prototype.hasOwnProperty.call(node, key)
}

const clone = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)))

/**
 * Applies one checked operation (see `checkPatch`) to a document, mutating it where it can. The
 * whole document (`""`) is a target RFC 6902 allows (§4.1 add and §4.3 replace replace it, move
 * and copy may land on it), which rfc6902 refuses; those are done here, the rest by rfc6902.
 */
export function applyPatchStep(doc: unknown, op: Operation, index: number): PatchStepResult {
  const path = pointerSegments(op.path)!
  const from = op.op === 'move' || op.op === 'copy' ? pointerSegments(op.from)! : undefined
  const where = `Operation ${index} (${op.op} ${op.path === '' ? '""' : op.path})`
  const bad = badArrayToken(doc, path) ?? (from === undefined ? undefined : badArrayToken(doc, from))
  if (bad !== undefined)
    return { ok: false, status: 400, message: `${where}: ${JSON.stringify(bad)} is not an array index` }
  if (path.length === 0 && op.op !== 'test' && op.op !== 'remove') {
    if (op.op === 'add' || op.op === 'replace') return { ok: true, doc: clone(op.value) }
    const source = valueAt(doc, from!)
    if (!source.found) return { ok: false, status: 409, message: `${where}: path does not exist` }
    return { ok: true, doc: clone(source.value) }
  }
  const err = applyPatch(doc, [op])[0]
  if (err === null || err === undefined) return { ok: true, doc }
  const status = err.name === 'InvalidOperationError' ? 400 : 409
  const what =
    err.name === 'TestError' ? 'test failed' : err.name === 'MissingError' ? 'path does not exist' : 'invalid'
  return { ok: false, status, message: `${where}: ${what}` }
}
