import { createRequire } from 'node:module'
import type { Disagreement } from './compare.js'
import type { ParseOutcome } from './outcome.js'

const LLHTTP_METHODS = new Set((createRequire(import.meta.url)('_http_common') as { methods: string[] }).methods)

/** A loose reading of one request head, for sorting disagreements (not a parser anyone relies on). */
interface LooseHead {
  readonly method: string
  readonly target: string
  readonly version: string
  /** `[lower-case name, value]` of each line with a colon. */
  readonly fields: readonly [string, string][]
  readonly raw: string
  /** The bytes after the head. */
  readonly rest: string
}

function looseHead(input: string, start: number): LooseHead {
  let from = start
  while (input.startsWith('\r\n', from)) from += 2
  const end = input.indexOf('\r\n\r\n', from)
  const raw = end < 0 ? input.slice(from) : input.slice(from, end + 4)
  const lines = raw.split('\r\n')
  const [method = '', target = '', version = ''] = lines[0]!.split(' ')
  const fields: [string, string][] = []
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':')
    // OWS only (SP, HTAB): String#trim would strip NBSP and other bytes a field value keeps.
    if (colon > 0)
      fields.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '')])
  }
  return { method, target, version, fields, raw, rest: end < 0 ? '' : input.slice(end + 4) }
}

const values = (h: LooseHead, name: string): string[] => h.fields.filter(([n]) => n === name).map(([, v]) => v)
const HOST =
  /^(\[[0-9A-Fa-f:.]+\]|\[v[0-9A-Za-z\-._~!$&'()*+,;=:]+\]|([0-9A-Za-z\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+)(:[0-9]*)?$/
// A TCP port is at most 65535 (RFC 3986's `*DIGIT` bounds nothing; a connection needs a real port).
const validHost = (text: string): boolean => HOST.test(text) && Number(/:([0-9]*)$/.exec(text)?.[1] || 0) <= 65535
const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+"
const QUOTED = '"(?:[\\t \\x21\\x23-\\x5b\\x5d-\\x7e\\x80-\\xff]|\\\\[\\t \\x21-\\x7e\\x80-\\xff])*"'
/** RFC 9112 §7.1.1: chunk-size *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ). */
const CHUNK_SIZE_LINE = new RegExp(
  `^[0-9a-fA-F]+(?:[ \\t]*;[ \\t]*${TOKEN}(?:[ \\t]*=[ \\t]*(?:${TOKEN}|${QUOTED}))?)*$`,
)
const CONTROL_IN_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/

function gatehouseRejects(reason: string | undefined, h: LooseHead, input: string, at: number): string {
  switch (reason) {
    case 'ExpectationFailed':
      return 'expect-unknown'
    case 'NotImplemented':
      return 'transfer-coding-unknown'
    case 'BodyTooLarge':
      return 'size-limit'
    case 'VersionNotSupported':
      return 'version'
    case 'HeadTooLarge':
    case 'TooManyHeaders':
    case 'TargetTooLong':
      return 'head-limit'
  }
  if (/^(\r\n)*(\n|\r[^\n])/.test(input.slice(at))) return 'stray-line-end'
  if (h.raw.split(/\r?\n/)[0]!.split(' ').length < 3) return 'http09'
  if (values(h, 'content-length').some((v) => /^[0-9]+$/.test(v) && Number(v) > Number.MAX_SAFE_INTEGER))
    return 'size-limit'
  if (/^[^ ]+ [^ ]+ [^ ]/.test(h.raw) === false && / {2,}|\t/.test(h.raw.split('\r\n')[0]!))
    return 'request-line-whitespace'
  const hosts = values(h, 'host')
  if (hosts.length > 1 || (h.version === 'HTTP/1.1' && hosts.length === 0)) return 'host-count'
  if (values(h, 'content-type').length > 1) return 'content-type-duplicate'
  if (h.version === 'HTTP/1.0' && values(h, 'transfer-encoding').length > 0) return 'transfer-encoding-http10'
  if (hosts.length === 1 && hosts[0] !== '' && !validHost(hosts[0]!)) return 'host-invalid'
  const codings = values(h, 'transfer-encoding')
    .join(',')
    .split(',')
    .map((c) => c.replace(/^[ \t]+|[ \t]+$/g, '').toLowerCase())
    .filter((c) => c !== '')
  if (values(h, 'transfer-encoding').length > 0 && codings[codings.length - 1] !== 'chunked')
    return 'transfer-encoding-not-chunked'
  if (codings.filter((c) => c === 'chunked').length > 1) return 'chunked-twice'
  if (
    h.method === 'CONNECT' &&
    (values(h, 'transfer-encoding').length > 0 || values(h, 'content-length').some((v) => Number(v.trim()) > 0))
  )
    return 'connect-content'
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(h.target) || h.method === 'CONNECT') {
    const authority =
      h.method === 'CONNECT' ? h.target : h.target.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split(/[/?]/)[0]!
    if (!validHost(authority) || hosts[0] === '' || (h.method === 'CONNECT' && !/:[0-9]+$/.test(authority)))
      return 'authority-invalid'
  }
  if (!/^(\/|\*$|[a-z][a-z0-9+.-]*:\/\/)/i.test(h.target) && h.method !== 'CONNECT') return 'target-form'
  if (h.target === '*' && h.method !== 'OPTIONS') return 'target-form'
  if (/[^\x21-\x7e]/.test(h.target)) return 'target-bytes'
  if (h.fields.some(([, v]) => CONTROL_IN_VALUE.test(v))) return 'field-value-bytes'
  if (values(h, 'transfer-encoding').length > 0) {
    const sizeLines = [...`\r\n${h.rest}`.matchAll(/\r\n([0-9a-fA-F]+[ \t;][^\r\n]*)/g)].map((m) => m[1]!)
    if (sizeLines.some((line) => !CHUNK_SIZE_LINE.test(line))) return 'chunk-ext-grammar'
    if (/\r\n0[^\r]*\r\n[^\r]/.test(`\r\n${h.rest}`)) return 'trailer-fields'
  }
  return 'unexplained'
}

function llhttpRejects(h: LooseHead, outcome: ParseOutcome, message: number, input: string): string {
  if (message === outcome.messages.length && outcome.end === 'done') return closedAfter(input, outcome, message)
  const parsed = outcome.messages[message]
  const method = parsed?.method ?? h.method
  if (!LLHTTP_METHODS.has(method)) return 'extension-method'
  if (/^(content-length|connection|transfer-encoding):[^\r]*[ \t]\r\n/im.test(h.raw)) return 'trailing-ows'
  if (values(h, 'transfer-encoding').some((v) => /(^|,)[ \t]*(,|$)/.test(v))) return 'empty-list-elements'
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(h.target) && !/^[a-z]+:\/\//i.test(h.target)) return 'absolute-form-scheme'
  const lengths = values(h, 'content-length')
  if (lengths.length > 1) return 'content-length-identical'
  if (values(h, 'transfer-encoding').length > 0 && /^[0-9a-fA-F]+[^\r\n]*[ \t]/m.test(h.rest)) return 'chunk-bws'
  if (h.fields.some(([, v]) => CONTROL_IN_VALUE.test(v))) return 'field-value-bytes'
  if (/[^\x21-\x7e]/.test(h.target)) return 'target-bytes'
  if (parsed?.upgrade === true) return 'upgrade-with-body'
  return 'unexplained'
}

/** Gatehouse stopped after message `next - 1` where llhttp read on: why it closed there. */
function closedAfter(input: string, gatehouse: ParseOutcome, next: number): string {
  const previous = looseHead(input, gatehouse.starts?.[next - 1] ?? 0)
  if (values(previous, 'connection').some((v) => /(^|[ ,])close($|[ ,])/i.test(v))) return 'connection-close-wins'
  if (gatehouse.messages[next - 1]?.upgrade === true) return 'upgrade-with-body'
  return 'unexplained'
}

/**
 * Sorts a disagreement into one of the accepted differences (by id), or `unexplained`.
 * @param input - the whole input, latin1
 */
export function classify(input: string, gatehouse: ParseOutcome, llhttp: ParseOutcome, d: Disagreement): string {
  const starts = gatehouse.starts ?? []
  const at = starts[d.message] ?? gatehouse.stoppedAt ?? 0
  const h = looseHead(input, at)
  switch (d.kind) {
    case 'gatehouse-rejects':
      // llhttp closed after the message before, so it never read the one Gatehouse refused.
      if (llhttp.end === 'done' && llhttp.messages.length === d.message && d.message > 0) {
        const previous = looseHead(input, starts[d.message - 1] ?? 0)
        if (/^connection:[^\r]*[ \t]\r\n/im.test(previous.raw)) return 'trailing-ows'
      }
      return gatehouseRejects(gatehouse.reason, h, input, at)
    case 'llhttp-rejects':
      return llhttpRejects(h, gatehouse, d.message, input)
    case 'gatehouse-waits': {
      if (gatehouse.end === 'done') return closedAfter(input, gatehouse, d.message)
      if (gatehouse.waitingIn !== 'head') {
        // Waiting for a body llhttp refused the head of.
        const refused = llhttpRejects(h, { ...gatehouse, messages: [] }, 0, input)
        return refused === 'upgrade-with-body' ? 'unexplained' : refused
      }
      const rest = input.slice(gatehouse.stoppedAt ?? 0).replace(/^(\r\n)+/, '')
      if (/^[!#$%&'*+\-.^_`|~0-9A-Za-z]*$/.test(rest)) return 'token-prefix'
      return llhttp.end === 'rejected' ? 'head-judged-whole' : 'unexplained'
    }
    case 'llhttp-waits':
      if (llhttp.end === 'done' && values(looseHead(input, starts[d.message - 1] ?? 0), 'connection').length > 0)
        return 'trailing-ows'
      if (gatehouse.messages[d.message - 1]?.upgrade === true || gatehouse.messages[d.message]?.upgrade === true)
        return 'upgrade-with-body'
      return 'unexplained'
    case 'parsed-differently':
      if (d.field === 'upgrade' && /^(connection|upgrade):[^\r]*[ \t]\r\n/im.test(h.raw)) return 'trailing-ows'
      if (d.field === 'upgrade' && h.version === 'HTTP/1.0') return 'upgrade-http10'
      return 'unexplained'
  }
}
