import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { RouteParams } from '../../router/route-params.js'
import type { Handler } from '../route/handler.js'

type Output<S, Fallback> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : Fallback

/** `req.params`' type: from `schema.params` when the route has one, else from the path. */
export type ParamsOf<Path extends string, O> = O extends { schema: { params: infer S } }
  ? Output<S, RouteParams<Path>> & object
  : RouteParams<Path>

/** `req.data`'s type: the output of `schema.body`, or `unknown`. */
export type DataOf<O> = O extends { schema: { body: infer S } } ? Output<S, unknown> : unknown

/** `req.query`'s type: the output of `schema.query`, or string values by name. */
export type QueryOf<O> = O extends { schema: { query: infer S } }
  ? Output<S, Record<string, string>> & object
  : Record<string, string>

/** A handler of a route registered with options: typed from the path and the options' `schema`. */
export type RouteHandler<Path extends string, O> = Handler<ParamsOf<Path, O>, DataOf<O>, QueryOf<O>>
