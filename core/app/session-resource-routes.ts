import type { SessionRegistry } from '../../sessions/session-registry.js'
import { patchResource, readResource, type ResourceReply } from '../../sessions/session-resource.js'
import type { Request } from '../request/request.js'
import type { Response } from '../response/response.js'
import type { Handler } from '../route/handler.js'

/** What registering the resource routes needs of an App. */
interface RouteTarget {
  get(path: string, options: { session: string }, handler: Handler): unknown
  patch(path: string, options: { session: string; bodyLimit: number }, handler: Handler): unknown
}

const NO_SESSION: ResourceReply = { status: 404, headers: {}, message: 'No such session' }

/** Sends a reply of the resource; a refusal is answered as every error is, by `res.sendError()`. */
function send(res: Response, reply: ResourceReply): void {
  for (const name of Object.keys(reply.headers)) res.header(name, reply.headers[name]!)
  if ('message' in reply) return res.sendError(reply.status, reply.message)
  res.status(reply.status)
  if (reply.body === '') res.send()
  else res.send(reply.body)
}

/**
 * The session found by the resource's own id, never one found by cookie or header: a URI names
 * exactly one session's data.
 */
function named(req: Request): boolean {
  return req.session !== undefined && req.session.id === (req.params as Record<string, string>).sid
}

/**
 * Registers `GET` and `PATCH <resourcePrefix>/:sid`: each session's data as a JSON resource. The
 * route's session param finds the session, so the handlers run in its turn like any other.
 * @param app - the App to register on
 * @param registry - its sessions
 */
export function sessionResourceRoutes(app: RouteTarget, registry: SessionRegistry): void {
  const path = `${registry.options.resourcePrefix}/:sid`
  app.get(path, { session: 'sid' }, (req, res) =>
    send(res, named(req) ? readResource(req.session!, req.header('if-none-match')) : NO_SESSION),
  )
  app.patch(path, { session: 'sid', bodyLimit: registry.options.maxPatchBytes }, async (req, res) => {
    if (!named(req)) return send(res, NO_SESSION)
    const reply = await patchResource(registry, req.session!, {
      contentType: req.header('content-type'),
      ifMatch: req.header('if-match'),
      body: req.text(),
      byteLength: req.body.length,
    })
    send(res, reply)
  })
}
