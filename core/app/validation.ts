import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { Handler } from '../route/handler.js'
import type { RouteSchema } from '../route/route-entry.js'
import type { Request } from '../request/request.js'
import { UnsupportedMediaTypeError } from '../request/form-errors.js'
import { ValidationFailedError, type ValidationIssue } from './errors.js'

type Part = 'params' | 'query' | 'body'

const PARTS: readonly Part[] = ['params', 'query', 'body']
const URLENCODED = /^application\/x-www-form-urlencoded\s*(;|$)/i
// application/json and the structured `+json` suffix types (RFC 6839 §3.1), parameters allowed.
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(;|$)/i
const BODY_TYPES = 'JSON (application/json) or a urlencoded form'

/** The value a part's schema is given: the params, the query object, the body read as JSON or a form. */
function input(req: Request, part: Part): unknown {
  if (part === 'params') return req.params
  if (part === 'query') return req.query
  if (req.body.length === 0) return undefined
  const type = req.header('content-type')
  if (type !== undefined && URLENCODED.test(type)) return Object.fromEntries(new URLSearchParams(req.text()))
  // Only a declared JSON body is read as JSON: text/plain is a CORS-simple type any page may POST
  // cross-origin without a preflight, so parsing it would let a form on another site fill this route.
  if (type === undefined || !JSON_TYPE.test(type)) throw new UnsupportedMediaTypeError(type, BODY_TYPES)
  return req.json()
}

function issuesOf(issues: readonly StandardSchemaV1.Issue[]): ValidationIssue[] {
  return issues.map((issue) => {
    const path = issue.path?.map((segment) => (typeof segment === 'object' ? segment.key : segment))
    return path === undefined || path.length === 0 ? { message: issue.message } : { message: issue.message, path }
  })
}

/** @returns `undefined` once applied, or a promise of it for an asynchronous validator */
function check(req: Request, part: Part, schema: StandardSchemaV1): Promise<void> | undefined {
  const result = schema['~standard'].validate(input(req, part))
  if (result instanceof Promise) return result.then((settled) => apply(req, part, settled))
  apply(req, part, result)
  return undefined
}

function apply(req: Request, part: Part, result: StandardSchemaV1.Result<unknown>): void {
  if (result.issues !== undefined) throw new ValidationFailedError(part, issuesOf(result.issues))
  req.setValidated(part, result.value)
}

/**
 * Wraps a route's first handler so the request is validated before it runs: params, then query,
 * then body, each replaced by the validator's output. A failure throws ValidationFailedError
 * (answered 400 with the issues). A synchronous validator adds no promise to the request.
 *
 * @param schema - the route's validators
 * @param handler - the route's first handler
 * @returns the validating handler
 */
export function validating(schema: RouteSchema, handler: Handler): Handler {
  const parts = PARTS.filter((part) => schema[part] !== undefined)
  if (parts.length === 0) return handler
  return (req, res, next) => {
    for (let i = 0; i < parts.length; i++) {
      const pending = check(req, parts[i]!, schema[parts[i]!]!)
      if (pending !== undefined)
        return finishAsync(pending, req, parts.slice(i + 1), schema).then(() => handler(req, res, next))
    }
    return handler(req, res, next)
  }
}

async function finishAsync(
  pending: Promise<void>,
  req: Request,
  rest: readonly Part[],
  schema: RouteSchema,
): Promise<void> {
  await pending
  for (const part of rest) await check(req, part, schema[part]!)
}
