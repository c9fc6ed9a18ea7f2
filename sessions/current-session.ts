import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * The client session of the work running now: set around a handler of a request that carries a
 * session and around a task scheduled on one, for their whole async life. Typed loosely here so
 * that this file needs nothing from the class it serves. @internal
 */
export const currentSessions = new AsyncLocalStorage<object>()
