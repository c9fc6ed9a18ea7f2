import { randomFillSync } from 'node:crypto'

/** Characters in a session id: 16 random bytes (128 bits) in base64url without padding. */
export const SESSION_ID_LENGTH = 22

const ID_BYTES = 16
// Random bytes are drawn 4 KiB at a time: one call into the CSPRNG per 256 ids, not one per id.
const POOL = Buffer.alloc(4096)
let poolOffset = POOL.length

/** @returns a new session id: 128 bits from the system's CSPRNG, URL-safe */
export function newSessionId(): string {
  if (poolOffset === POOL.length) {
    randomFillSync(POOL)
    poolOffset = 0
  }
  const id = POOL.toString('base64url', poolOffset, poolOffset + ID_BYTES)
  // Each byte is used once: the slice is overwritten so no later reader of the pool sees an id.
  POOL.fill(0, poolOffset, poolOffset + ID_BYTES)
  poolOffset += ID_BYTES
  return id
}

/**
 * Whether `value` has the form of a session id. Request data is checked with this before any
 * lookup, so an oversized or malformed cookie or header costs a length check, never a store read.
 */
export function isSessionIdForm(value: string): boolean {
  if (value.length !== SESSION_ID_LENGTH) return false
  for (let i = 0; i < SESSION_ID_LENGTH; i++) {
    const c = value.charCodeAt(i)
    // RFC 4648 §5: A–Z a–z 0–9 - _
    const ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95
    if (!ok) return false
  }
  return true
}
