import { createPatch, type Operation } from 'rfc6902'
import { applyPatchStep } from './patch-step.js'
import { exceedsJsonBytes } from './json-size.js'
import { stateOf, type ClientSession } from './client-session.js'
import { checkPatch } from './patch-check.js'
import type { SessionsOptions } from './sessions-options.js'

/** The media type of RFC 6902 patches, which the resource accepts and answers with. */
export const JSON_PATCH_TYPE = 'application/json-patch+json'

/**
 * An answer of the session resource: a representation for the server to send as it is (`body`), or
 * a refusal (`message`) the server answers as it answers every error, with its one `{"message": …}`
 * body; this folder imports nothing of the server, so it does not build that body itself.
 */
export type ResourceReply =
  | { readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: string }
  | { readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly message: string }

/** What the resource needs of a PATCH request. */
export interface PatchRequest {
  /** The `Content-Type` field, if any. */
  readonly contentType: string | undefined
  /** The `If-Match` field, if any. */
  readonly ifMatch: string | undefined
  /** The body as text (it is JSON), and its size in bytes. */
  readonly body: string
  readonly byteLength: number
}

/** A patch refused, or what it left: the data after the client's operations, and after the hooks. */
export type ClientPatchResult =
  | { readonly status: number; readonly message: string }
  | { readonly status: 200; readonly ops: readonly Operation[]; readonly clientJson: string; readonly json: string }

function problem(status: number, message: string, headers: Readonly<Record<string, string>> = {}): ResourceReply {
  return { status, headers, message }
}

/** @returns the session's ETag: strong, and changed by every saved change of its data */
export function etagOf(session: ClientSession): string {
  return `"v${stateOf(session).version}"`
}

function matchesAny(field: string, etag: string): boolean {
  for (const candidate of field.split(',')) {
    const value = candidate.trim()
    if (value === '*' || value === etag) return true
  }
  return false
}

/**
 * `GET <prefix>/<id>`: the session's data as JSON with its ETag (304 when `If-None-Match` has it).
 * What is answered becomes the client's view, from which the next PATCH reply is computed.
 */
export function readResource(session: ClientSession, ifNoneMatch: string | undefined): ResourceReply {
  const state = stateOf(session)
  if (state.json === undefined) return problem(404, 'This session has no data')
  const etag = etagOf(session)
  state.resourceView = state.json
  const headers = { 'Content-Type': 'application/json', ETag: etag, 'Cache-Control': 'no-store' }
  if (ifNoneMatch !== undefined && matchesAny(ifNoneMatch, etag))
    return { status: 304, headers: { ETag: etag, 'Cache-Control': 'no-store' }, body: '' }
  return { status: 200, headers, body: state.json }
}

/**
 * What patching a session needs of its registry; `SessionRegistry` is one. An interface rather
 * than the registry itself, because the registry imports this file.
 */
export interface PatchingRegistry {
  /** The size limits of a patch and of the data it leaves. */
  readonly options: Pick<SessionsOptions, 'maxPatchBytes' | 'maxDataBytes'>
  /** The paths a client may not patch, as segments. */
  readonly readOnly: readonly (readonly string[])[]
  /** Run after a client's patch applies, in order; they may change the data further. */
  readonly patchHooks: readonly ((session: ClientSession, patch: readonly Operation[]) => void | Promise<void>)[]
  /** Stores the session's data now. */
  commit(session: ClientSession): Promise<void>
}

/**
 * Applies a client's JSON Patch to the session's data, all operations or none, then the
 * registry's patch hooks. Run it inside the session's turn (`registry.run`).
 */
export async function applyClientPatch(
  registry: PatchingRegistry,
  session: ClientSession,
  body: string,
  byteLength: number,
): Promise<ClientPatchResult> {
  const state = stateOf(session)
  const { maxPatchBytes, maxDataBytes } = registry.options
  if (byteLength > maxPatchBytes) return { status: 413, message: `A patch is limited to ${maxPatchBytes} bytes` }
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return { status: 400, message: 'The patch is not JSON' }
  }
  const ops = checkPatch(parsed, registry.readOnly)
  if (!Array.isArray(ops)) return ops
  // Applied to a copy, one operation at a time: rfc6902 applies what it can and reports the rest,
  // so atomicity is ours, and a `copy` can double the data, so its size is checked after each one
  // (a short patch of copies would otherwise grow the data past any memory before the end).
  let copy: unknown = JSON.parse(state.json ?? 'null')
  for (let index = 0; index < ops.length; index++) {
    const op = ops[index]!
    const step = applyPatchStep(copy, op, index)
    if (!step.ok) return { status: step.status, message: step.message }
    copy = step.doc
    if (op.op === 'copy' && exceedsJsonBytes(copy, maxDataBytes))
      return { status: 413, message: `Session data is limited to ${maxDataBytes} bytes` }
  }
  const clientJson = JSON.stringify(copy)
  if (Buffer.byteLength(clientJson) > maxDataBytes)
    return { status: 413, message: `Session data is limited to ${maxDataBytes} bytes` }
  state.data = copy as typeof state.data
  for (const hook of registry.patchHooks) await hook(session, ops)
  const json = state.data === undefined ? 'null' : JSON.stringify(state.data)
  if (Buffer.byteLength(json) > maxDataBytes) {
    state.data = JSON.parse(clientJson)
    return { status: 413, message: `Session data is limited to ${maxDataBytes} bytes` }
  }
  return { status: 200, ops, clientJson, json }
}

/** The JSON Patch from the client's view, with its own patch applied, to the data now. */
function replyPatch(
  view: string | undefined,
  ops: readonly Operation[],
  clientJson: string,
  json: string,
): Operation[] {
  let base: unknown = JSON.parse(clientJson)
  if (view !== undefined) {
    base = JSON.parse(view)
    // The client applied its own patch to what it last saw; where that does not apply, it gets the whole document.
    for (let index = 0; index < ops.length; index++) {
      const step = applyPatchStep(base, ops[index]!, index)
      if (!step.ok) return [{ op: 'replace', path: '', value: JSON.parse(json) }]
      base = step.doc
    }
  }
  return createPatch(base, JSON.parse(json))
}

/**
 * `PATCH <prefix>/<id>` with `Content-Type: application/json-patch+json`: applies the patch
 * atomically and answers the JSON Patch that brings the client from its view (what it was last
 * answered, with its own patch applied) to the data now, so changes the server made meanwhile
 * arrive as deltas. 415 for another media type, 412 for a stale `If-Match`, 413 for sizes, 400 for
 * an invalid patch or a prototype key, 403 for a read-only path, 409 for a failed `test` or a path
 * that does not exist.
 */
export async function patchResource(
  registry: PatchingRegistry,
  session: ClientSession,
  request: PatchRequest,
): Promise<ResourceReply> {
  const state = stateOf(session)
  if (state.json === undefined) return problem(404, 'This session has no data')
  const mediaType = request.contentType?.split(';', 1)[0]!.trim().toLowerCase()
  if (mediaType !== JSON_PATCH_TYPE)
    return problem(415, `A session is patched with ${JSON_PATCH_TYPE}`, { 'Accept-Patch': JSON_PATCH_TYPE })
  if (request.ifMatch !== undefined && !matchesAny(request.ifMatch, etagOf(session)))
    return problem(412, 'The session changed since that version')
  const view = state.resourceView
  const result = await applyClientPatch(registry, session, request.body, request.byteLength)
  if (!('ops' in result)) return problem(result.status, result.message)
  await registry.commit(session)
  state.resourceView = result.json
  const reply = replyPatch(view, result.ops, result.clientJson, result.json)
  return {
    status: 200,
    headers: { 'Content-Type': JSON_PATCH_TYPE, ETag: etagOf(session), 'Cache-Control': 'no-store' },
    body: JSON.stringify(reply),
  }
}
