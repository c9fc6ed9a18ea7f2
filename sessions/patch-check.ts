import type { Operation } from 'rfc6902'
import { pointerSegments, pointersOverlap } from './json-pointer.js'

/** Why a patch was refused before it was applied: the status to answer and a message. */
export interface PatchProblem {
  readonly status: 400 | 403
  readonly message: string
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test'])
// Keys that reach an object's prototype when assigned with `obj[key] = …`: a JSON Patch library
// walks paths by exactly such assignments, so no path may name them, whatever the library does.
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

function hasProtoKey(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object' || depth > 64) return false
  // JSON.parse makes "__proto__" an own key; copied into the document by assignment it would
  // become the copy's prototype instead of data.
  if (!Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, '__proto__')) return true
  for (const item of Object.values(value)) if (hasProtoKey(item, depth + 1)) return true
  return false
}

function checkPath(
  op: Record<string, unknown>,
  field: 'path' | 'from',
  readOnly: readonly (readonly string[])[],
  modifies: boolean,
): PatchProblem | undefined {
  const pointer = op[field]
  if (typeof pointer !== 'string')
    return { status: 400, message: `operation ${String(op.op)} needs a string "${field}"` }
  const segments = pointerSegments(pointer)
  if (segments === undefined)
    return { status: 400, message: `"${field}" ${JSON.stringify(pointer)} is not a JSON Pointer` }
  if (segments.some((s) => PROTOTYPE_KEYS.has(s)))
    return { status: 400, message: `"${field}" ${JSON.stringify(pointer)} names a prototype key` }
  // Changing a parent of a read-only path changes it too.
  if (modifies && readOnly.some((r) => pointersOverlap(r, segments)))
    return { status: 403, message: `${JSON.stringify(pointer)} is read-only` }
  if (shifts(String(op.op), field) && readOnly.some((r) => shiftsIndexOf(r, segments)))
    return { status: 403, message: `${JSON.stringify(pointer)} would move a read-only path` }
  return undefined
}

const INDEX = /^(?:0|[1-9][0-9]*)$/

/** Whether the operation inserts or removes at its pointer, so later array elements change index. */
function shifts(op: string, field: 'path' | 'from'): boolean {
  return op === 'add' || op === 'remove' || op === 'move' || (op === 'copy' && field === 'path')
}

/**
 * Whether inserting or removing at `segments` moves what a read-only pointer names: read-only
 * pointers are positions, so removing `/cart/0` would bring another element under `/cart/1/price`
 * and hand the protected place to the client. Appending (`-`) moves nothing.
 */
function shiftsIndexOf(readOnly: readonly string[], segments: readonly string[]): boolean {
  const last = segments.length - 1
  if (last < 0 || last >= readOnly.length || !INDEX.test(segments[last]!) || !INDEX.test(readOnly[last]!)) return false
  for (let i = 0; i < last; i++) if (segments[i] !== readOnly[i]) return false
  return Number(segments[last]) <= Number(readOnly[last])
}

/** Read-only JSON Pointers, split once when the registry is made. */
export function readOnlySegments(paths: readonly string[]): (readonly string[])[] {
  return paths.map((path) => pointerSegments(path) ?? [path])
}

/**
 * Checks a parsed JSON Patch (RFC 6902) before it is applied: its shape, every pointer, keys that
 * would reach a prototype, and paths the application made read-only.
 * @returns the operations, or the problem to answer
 */
export function checkPatch(patch: unknown, readOnly: readonly (readonly string[])[]): Operation[] | PatchProblem {
  if (!Array.isArray(patch)) return { status: 400, message: 'a JSON Patch is an array of operations' }
  for (const op of patch as unknown[]) {
    if (op === null || typeof op !== 'object' || Array.isArray(op))
      return { status: 400, message: 'each operation is an object' }
    const fields = op as Record<string, unknown>
    const name = fields.op
    if (typeof name !== 'string' || !OPS.has(name))
      return { status: 400, message: `unknown operation ${JSON.stringify(name)}` }
    const problem =
      checkPath(fields, 'path', readOnly, name !== 'test') ??
      (name === 'move'
        ? checkPath(fields, 'from', readOnly, true)
        : name === 'copy'
          ? checkPath(fields, 'from', readOnly, false)
          : undefined)
    if (problem !== undefined) return problem
    if (name === 'add' || name === 'replace' || name === 'test') {
      if (!('value' in fields)) return { status: 400, message: `operation ${name} needs a "value"` }
      if (hasProtoKey(fields.value, 0)) return { status: 400, message: 'a value holds a "__proto__" key' }
    }
  }
  return patch as Operation[]
}
