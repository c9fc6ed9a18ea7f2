import { createClient, type RedisClientType } from 'redis'
import { SessionExistsError } from './errors.js'
import * as scripts from './redis-scripts.js'
import type {
  LeaseOptions,
  SaveOutcome,
  SessionLease,
  SessionMessage,
  SessionRecord,
  SessionStore,
  SessionUpdate,
} from './store.js'

/** Options of {@link redisStore}: a URL to connect to, or a node-redis client of your own. */
export type RedisStoreOptions = ({ readonly url: string } | { readonly client: RedisClientType }) & {
  /** Prefix of every key and of the channel. Default `gatehouse:session:`. */
  readonly prefix?: string
}

// A record outlives its deadline by this much, so the sweep (not Redis's own expiry, which knows
// nothing of destroy callbacks) ends it; the TTL only cleans up after a cluster that is gone.
const TTL_MARGIN_MS = 60_000
const LEASE_POLL_MS = 20

/**
 * Client-session records in Redis, shared by every process that points at the same server: one
 * hash per session under `prefix`, a sorted set of idle deadlines swept by a Lua script (so each
 * expired record is claimed by one caller), leases with fencing tokens in the record, and
 * messages over pub/sub.
 *
 * @param options - `{ url }` or `{ client }`, and the key prefix
 * @returns a connected store
 * @example
 * ```ts
 * const app = new App({ sessions: { store: await redisStore({ url: 'redis://localhost:6379' }) } })
 * ```
 */
export async function redisStore(options: RedisStoreOptions): Promise<RedisSessionStore> {
  const client = 'client' in options ? options.client : (createClient({ url: options.url }) as RedisClientType)
  if (!client.isOpen) await client.connect()
  const store = new RedisSessionStore(client, options.prefix ?? 'gatehouse:session:', !('client' in options))
  await store.listen()
  return store
}

/** The Redis store; made by {@link redisStore}. */
export class RedisSessionStore implements SessionStore {
  readonly isShared = true
  readonly #client: RedisClientType
  readonly #subscriber: RedisClientType
  readonly #prefix: string
  readonly #ownsClient: boolean
  readonly #listeners = new Set<(message: SessionMessage) => void>()

  /** @internal */
  constructor(client: RedisClientType, prefix: string, ownsClient: boolean) {
    this.#client = client
    this.#subscriber = client.duplicate() as RedisClientType
    this.#prefix = prefix
    this.#ownsClient = ownsClient
  }

  /** @internal Subscribes to the channel before the store is handed out, so no message is missed. */
  async listen(): Promise<void> {
    await this.#subscriber.connect()
    await this.#subscriber.subscribe(`${this.#prefix}messages`, (text: string) => {
      const message = JSON.parse(text) as SessionMessage
      for (const listener of this.#listeners) listener(message)
    })
  }

  async create(record: SessionRecord): Promise<void> {
    const created = await this.#run(
      scripts.CREATE,
      [this.#key(record.id)],
      [
        record.id,
        record.createdMs,
        record.lastActiveMs,
        record.timeoutMinutes,
        record.data ?? '',
        record.data === undefined ? 0 : 1,
        record.version,
        JSON.stringify(record.destroyCallbacks),
        record.timeoutMinutes * 60_000 + TTL_MARGIN_MS,
      ],
    )
    if (created === 0) throw new SessionExistsError(record.id)
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const fields = pairsOf(await this.#client.sendCommand(['HGETALL', this.#key(id)]))
    return fields.length === 0 ? undefined : recordOf(fields)
  }

  async save(update: SessionUpdate): Promise<SaveOutcome> {
    const [status, version] = (await this.#run(
      scripts.SAVE,
      [this.#key(update.id)],
      [
        update.id,
        update.expectedVersion,
        update.data ?? '',
        update.data === undefined ? 0 : 1,
        update.lastActiveMs,
        update.timeoutMinutes,
        JSON.stringify(update.destroyCallbacks),
        update.fencingToken ?? '',
        update.timeoutMinutes * 60_000 + TTL_MARGIN_MS,
      ],
    )) as [string, number | undefined]
    if (status === 'saved' || status === 'stale') return { status, version: Number(version) }
    return { status: status as 'missing' | 'fenced' }
  }

  async touch(id: string, lastActiveMs: number): Promise<boolean> {
    return (await this.#run(scripts.TOUCH, [this.#key(id)], [id, lastActiveMs, TTL_MARGIN_MS])) === 1
  }

  async delete(id: string): Promise<SessionRecord | undefined> {
    const fields = (await this.#run(scripts.DELETE, [this.#key(id)], [id])) as string[] | null
    return fields === null ? undefined : recordOf(fields)
  }

  async rename(id: string, newId: string): Promise<boolean> {
    const outcome = await this.#run(scripts.RENAME, [this.#key(id), this.#key(newId)], [id, newId], true)
    if (outcome === -1) throw new SessionExistsError(newId)
    return outcome === 1
  }

  async claimExpired(nowMs: number, max: number): Promise<SessionRecord[]> {
    const claimed = (await this.#run(scripts.CLAIM, [`${this.#prefix}r:`], [nowMs, max])) as string[][]
    return claimed.map(recordOf)
  }

  async count(): Promise<number> {
    return Number(await this.#client.sendCommand(['ZCARD', `${this.#prefix}deadlines`]))
  }

  async leastRecentlyActive(): Promise<string | undefined> {
    const [id] = (await this.#client.sendCommand(['ZRANGE', `${this.#prefix}activity`, '0', '0'])) as string[]
    return id
  }

  async *ids(): AsyncIterable<string> {
    let cursor = '0'
    do {
      const [next, page] = (await this.#client.sendCommand([
        'ZSCAN',
        `${this.#prefix}deadlines`,
        cursor,
        'COUNT',
        '500',
      ])) as [string, string[]]
      for (let i = 0; i < page.length; i += 2) yield page[i]!
      cursor = next
    } while (cursor !== '0')
  }

  async acquireLease(id: string, options: LeaseOptions): Promise<SessionLease | undefined> {
    const giveUpAt = Date.now() + options.waitMs
    for (;;) {
      const token = Number(await this.#run(scripts.ACQUIRE, [this.#key(id)], [options.nowMs, options.ttlMs]))
      if (token > 0) return { id, fencingToken: token, expiresMs: options.nowMs + options.ttlMs }
      if (token < 0 || Date.now() >= giveUpAt) return undefined
      await new Promise((resolve) => setTimeout(resolve, LEASE_POLL_MS))
    }
  }

  async renewLease(lease: SessionLease, nowMs: number, ttlMs: number): Promise<SessionLease | undefined> {
    const expires = Number(await this.#run(scripts.RENEW, [this.#key(lease.id)], [lease.fencingToken, nowMs, ttlMs]))
    return expires < 0 ? undefined : { id: lease.id, fencingToken: lease.fencingToken, expiresMs: expires }
  }

  async releaseLease(lease: SessionLease): Promise<void> {
    await this.#run(scripts.RELEASE, [this.#key(lease.id)], [lease.fencingToken])
  }

  async publish(message: SessionMessage): Promise<void> {
    await this.#client.sendCommand(['PUBLISH', `${this.#prefix}messages`, JSON.stringify(message)])
  }

  subscribe(listener: (message: SessionMessage) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  async close(): Promise<void> {
    this.#listeners.clear()
    await this.#subscriber.quit()
    if (this.#ownsClient) await this.#client.quit()
  }

  #key(id: string): string {
    return `${this.#prefix}r:${id}`
  }

  /** Runs a script with the record key(s), then the deadline and activity sets. */
  #run(script: string, keys: string[], args: (string | number)[], recordKeysFirst = false): Promise<unknown> {
    const sets = [`${this.#prefix}deadlines`, `${this.#prefix}activity`]
    // RENAME's new record is KEYS[4], after the two sets.
    const all = recordKeysFirst ? [keys[0]!, ...sets, ...keys.slice(1)] : [...keys, ...sets]
    return this.#client.sendCommand(['EVAL', script, String(all.length), ...all, ...args.map(String)])
  }
}

/** HGETALL's reply as a flat `[name, value, …]` list, whichever shape the client gives it. */
function pairsOf(reply: unknown): string[] {
  if (Array.isArray(reply)) return reply.map(String)
  if (reply instanceof Map) return [...reply].flat().map(String)
  return Object.entries(reply as Record<string, unknown>)
    .flat()
    .map(String)
}

function recordOf(fields: string[]): SessionRecord {
  const f: Record<string, string> = Object.create(null) as Record<string, string>
  for (let i = 0; i < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!
  return {
    id: f.id!,
    createdMs: Number(f.createdMs),
    lastActiveMs: Number(f.lastActiveMs),
    timeoutMinutes: Number(f.timeoutMinutes),
    data: f.data,
    version: Number(f.version),
    destroyCallbacks: JSON.parse(f.callbacks ?? '[]') as string[],
  }
}
