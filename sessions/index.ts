/**
 * `gatehouse/sessions`: client-state sessions, usable alone: state that outlives connections,
 * its stores and their errors.
 *
 * @packageDocumentation
 */
/** A client session, the registry of them (`app.sessions`), and what they take and give. */
export { ClientSession } from './client-session.js'
export type { DestroyCallback, DestroyReason, SessionSocket } from './client-session.js'
export { SessionRegistry } from './session-registry.js'
export type {
  CreateSessionOptions,
  SessionCarrier,
  SessionTask,
  TaskOutcome,
  ScheduleOptions,
  PatchHook,
  SessionRegistryOptions,
} from './session-registry.js'
export type { SessionsOptions, WhenSessionsFull } from './sessions-options.js'
/** The store interface for state that outlives connections, and the in-memory store. */
export { MemorySessionStore } from './memory-store.js'
export type { MemorySessionStoreOptions } from './memory-store.js'
export type {
  SessionStore,
  SessionRecord,
  SessionUpdate,
  SaveOutcome,
  SessionLease,
  LeaseOptions,
  SessionMessage,
} from './store.js'
export type { JsonValue } from './json-value.js'
export {
  SessionError,
  SessionExistsError,
  SessionLimitError,
  SessionRunTimeoutError,
  SessionDestroyedError,
  SessionInvalidOptionError,
  SessionDataInvalidError,
  SessionDataTooLargeError,
  SessionUnknownTaskError,
  SessionStoreUnavailableError,
  SessionBusyError,
  SessionNotSavedError,
} from './errors.js'
export type { SessionErrorCode } from './errors.js'
/** Client-session records in Redis, shared by every worker and machine (node-redis). */
export { redisStore } from './redis-store.js'
export type { RedisSessionStore, RedisStoreOptions } from './redis-store.js'
