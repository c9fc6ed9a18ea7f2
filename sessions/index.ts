/**
 * `gatehouse/sessions`: client-state sessions, usable alone: state that outlives connections,
 * its stores and their errors.
 *
 * @packageDocumentation
 */
/** Client sessions: the store interface for state that outlives connections, and the in-memory store. */
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
export { SessionError, SessionExistsError } from './errors.js'
export type { SessionErrorCode } from './errors.js'
