import { createRequire } from 'node:module'
import type * as Redis from 'redis'
import type { RedisClientType } from 'redis'
import { SessionError, SessionExistsError, SessionInvalidOptionError, SessionStoreUnavailableError } from './errors.js'
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
  /**
   * How long one command may wait for its reply before it fails with
   * `SessionStoreUnavailableError` (so a request answers 503 rather than hang). Default 1000 ms.
   */
  readonly commandTimeoutMs?: number
  /** The longest pause between two reconnection attempts once the server is gone. Default 1000 ms. */
  readonly reconnectMaxDelayMs?: number
  /**
   * How long `redisStore()` keeps trying to connect and subscribe before it rejects with
   * `SessionStoreUnavailableError`, naming the server and the last failure: a refused port is
   * tried again meanwhile (Redis may be starting beside the app); a server that accepts and never
   * answers, or an address that drops packets, is given up at this bound. A client made here also
   * gives each TCP connection attempt this long, reconnections included (node-redis's
   * `socket.connectTimeout`, whose default is the same). Default 5000 ms.
   */
  readonly connectTimeoutMs?: number
}

// A record outlives its deadline by this much, so the sweep (not Redis's own expiry, which knows
// nothing of destroy callbacks) ends it; the TTL only cleans up after a cluster that is gone.
const TTL_MARGIN_MS = 60_000
// A lease held elsewhere is asked for again after 1, 2, 4 … ms, at most this far apart.
const LEASE_POLL_MAX_MS = 20
const DEFAULT_COMMAND_TIMEOUT_MS = 1000
const DEFAULT_RECONNECT_MAX_DELAY_MS = 1000
const DEFAULT_CONNECT_TIMEOUT_MS = 5000

let redis: typeof Redis | undefined

/**
 * node-redis, loaded when the first store is made rather than when the package is imported: it is
 * about 650 CommonJS modules and more than a hundred milliseconds of start-up, which an App on the
 * memory store (or one that never imports a store) should not pay.
 */
function redisLibrary(): typeof Redis {
  redis ??= createRequire(import.meta.url)('redis') as typeof Redis
  return redis
}

/**
 * Client-session records in Redis, shared by every process that points at the same server: one
 * hash per session under `prefix`, a sorted set of idle deadlines swept by a Lua script (so each
 * expired record is claimed by one caller), leases with fencing tokens in the record, and
 * messages over pub/sub.
 *
 * When the server goes away, commands fail at once (a client made here has no offline queue) or
 * after `commandTimeoutMs`, with `SessionStoreUnavailableError`; node-redis reconnects by itself
 * with a capped exponential back-off and subscribes again. Messages published meanwhile are not
 * received: a process learns of a session destroyed elsewhere at its next lease instead.
 *
 * Until the first connection, attempts go on for at most `connectTimeoutMs`; then the promise
 * rejects and the clients made here are destroyed, so no reconnection or timer is left behind. A
 * client of your own that this call opened is destroyed too; one already open is left as it was.
 *
 * @param options - `{ url }` or `{ client }`, the key prefix and the timeouts
 * @returns a connected store
 * @throws SessionInvalidOptionError when a timeout is not a number of milliseconds > 0
 * @throws SessionStoreUnavailableError when no connection is made within `connectTimeoutMs`; the
 *   message names the URL (without its password) and the last failure, `cause` holds it
 * @example
 * ```ts
 * const app = new App({ sessions: { store: await redisStore({ url: 'redis://localhost:6379' }) } })
 * ```
 */
export async function redisStore(options: RedisStoreOptions): Promise<RedisSessionStore> {
  const commandTimeoutMs = millisecondsOption(options, 'commandTimeoutMs', DEFAULT_COMMAND_TIMEOUT_MS)
  const maxDelay = millisecondsOption(options, 'reconnectMaxDelayMs', DEFAULT_RECONNECT_MAX_DELAY_MS)
  const connectTimeoutMs = millisecondsOption(options, 'connectTimeoutMs', DEFAULT_CONNECT_TIMEOUT_MS)
  // Loaded here with a client of the caller's too: a reply error is told apart by its class. The
  // connect timeout starts after it, so the first load's time is not taken from the connection's.
  redisLibrary()
  const giveUpAt = Date.now() + connectTimeoutMs
  let isStarted = false
  const client =
    'client' in options
      ? options.client
      : (redisLibrary().createClient({
          url: options.url,
          // A command sent while disconnected fails at once rather than wait for a reconnection.
          disableOfflineQueue: true,
          socket: {
            // Destroying a client does not reach a socket still connecting (node-redis holds it only
            // once connected): bounded by the connect timeout too, a first attempt into an address
            // that drops packets ends when the store gives up, rather than keep the process alive.
            connectTimeout: connectTimeoutMs,
            // Before the store is handed out, no attempt is scheduled past the connect timeout: the
            // pause would otherwise keep a timer (and a process that should exit) alive after the
            // rejection. The subscriber, a duplicate, shares this strategy.
            reconnectStrategy: (retries: number) => {
              const pause = Math.min(50 * 2 ** retries, maxDelay)
              return isStarted || Date.now() + pause < giveUpAt ? pause : false
            },
          },
        }) as RedisClientType)
  const store = new RedisSessionStore(
    client,
    options.prefix ?? 'gatehouse:session:',
    !('client' in options),
    commandTimeoutMs,
  )
  const server = withoutPassword('url' in options ? options.url : client.options?.url)
  await store.open(!client.isOpen, giveUpAt - Date.now(), (cause) => {
    const reason = cause === undefined ? 'the server did not answer' : reasonOf(cause)
    return new SessionStoreUnavailableError(
      cause,
      `no connection to ${server} within ${connectTimeoutMs} ms (${reason})`,
    )
  })
  isStarted = true
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
  readonly #commandTimeoutMs: number
  #errorListener: (err: unknown) => void = () => undefined
  // One report per outage: node-redis emits an error for every failed reconnection attempt.
  #isDown = false

  /** @internal */
  constructor(client: RedisClientType, prefix: string, ownsClient: boolean, commandTimeoutMs: number) {
    this.#client = client
    this.#subscriber = client.duplicate() as RedisClientType
    this.#prefix = prefix
    this.#ownsClient = ownsClient
    this.#commandTimeoutMs = commandTimeoutMs
    // Without a listener, node-redis's 'error' event would end the process.
    for (const c of [client, this.#subscriber]) {
      c.on('error', (err: unknown) => this.#down(err))
      c.on('ready', () => (this.#isDown = false))
    }
  }

  onError(listener: (err: unknown) => void): void {
    this.#errorListener = listener
  }

  #down(err: unknown): void {
    if (this.#isDown) return
    this.#isDown = true
    this.#errorListener(new SessionStoreUnavailableError(err))
  }

  /**
   * @internal Connects (the client too when `connectClient`) and subscribes to the channel before
   * the store is handed out, so no message is missed. Gives up after `timeoutMs`, or at the
   * reconnect strategy's refusal, destroying the clients it opened and throwing `failure` of the
   * last error (undefined when the server never answered).
   */
  async open(connectClient: boolean, timeoutMs: number, failure: (cause: unknown) => Error): Promise<void> {
    let lastError: unknown
    const remember = (err: unknown): void => void (lastError = err)
    const clients = connectClient ? [this.#client, this.#subscriber] : [this.#subscriber]
    for (const c of clients) c.on('error', remember)
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(failure(lastError)), timeoutMs)
    })
    const opened = (async () => {
      if (connectClient) await this.#client.connect()
      await this.#subscribe()
    })()
    // Destroying the clients makes a pending connect() reject; that rejection is not the news.
    opened.catch(() => undefined)
    try {
      await Promise.race([opened, timedOut])
    } catch (err) {
      for (const c of clients) c.destroy()
      throw err instanceof SessionStoreUnavailableError ? err : failure(err)
    } finally {
      clearTimeout(timer)
      for (const c of clients) c.off('error', remember)
    }
  }

  async #subscribe(): Promise<void> {
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
    const fields = pairsOf(await this.#send(['HGETALL', this.#key(id)]))
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
    return Number(await this.#send(['ZCARD', `${this.#prefix}deadlines`]))
  }

  async leastRecentlyActive(): Promise<string | undefined> {
    const [id] = (await this.#send(['ZRANGE', `${this.#prefix}activity`, '0', '0'])) as string[]
    return id
  }

  async *ids(): AsyncIterable<string> {
    let cursor = '0'
    do {
      const [next, page] = (await this.#send(['ZSCAN', `${this.#prefix}deadlines`, cursor, 'COUNT', '500'])) as [
        string,
        string[],
      ]
      for (let i = 0; i < page.length; i += 2) yield page[i]!
      cursor = next
    } while (cursor !== '0')
  }

  async acquireLease(id: string, options: LeaseOptions): Promise<SessionLease | undefined> {
    const startedAt = Date.now()
    const giveUpAt = startedAt + options.waitMs
    for (let pause = 1; ; pause = Math.min(pause * 2, LEASE_POLL_MAX_MS)) {
      // The caller's clock, moved on by the time spent waiting: a lease that runs out meanwhile is seen to.
      const nowMs = options.nowMs + (Date.now() - startedAt)
      const token = Number(await this.#run(scripts.ACQUIRE, [this.#key(id)], [nowMs, options.ttlMs]))
      if (token > 0) return { id, fencingToken: token, expiresMs: nowMs + options.ttlMs }
      if (token < 0 || Date.now() >= giveUpAt) return undefined
      await new Promise((resolve) => setTimeout(resolve, pause))
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
    await this.#send(['PUBLISH', `${this.#prefix}messages`, JSON.stringify(message)])
  }

  subscribe(listener: (message: SessionMessage) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  async close(): Promise<void> {
    this.#listeners.clear()
    this.#errorListener = () => undefined
    await closeClient(this.#subscriber)
    if (this.#ownsClient) await closeClient(this.#client)
  }

  #key(id: string): string {
    return `${this.#prefix}r:${id}`
  }

  /** Runs a script with the record key(s), then the deadline and activity sets. */
  #run(script: string, keys: string[], args: (string | number)[], recordKeysFirst = false): Promise<unknown> {
    const sets = [`${this.#prefix}deadlines`, `${this.#prefix}activity`]
    // RENAME's new record is KEYS[4], after the two sets.
    const all = recordKeysFirst ? [keys[0]!, ...sets, ...keys.slice(1)] : [...keys, ...sets]
    return this.#send(['EVAL', script, String(all.length), ...all, ...args.map(String)])
  }

  /**
   * One command, failing with `SessionStoreUnavailableError` when the client is not connected,
   * the connection drops, or no reply comes within the command timeout. A reply that comes later
   * is ignored; a write may then have happened, which the caller reports as not saved.
   */
  #send(args: string[]): Promise<unknown> {
    if (!this.#client.isReady) return Promise.reject(new SessionStoreUnavailableError())
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new SessionStoreUnavailableError()), this.#commandTimeoutMs)
      this.#client.sendCommand(args).then(
        (reply) => {
          clearTimeout(timer)
          resolve(reply)
        },
        (err: unknown) => {
          clearTimeout(timer)
          // Redis's own refusals (a script error) are bugs, not an outage; they keep their message.
          reject(err instanceof SessionError || isReplyError(err) ? err : new SessionStoreUnavailableError(err))
        },
      )
    })
  }
}

/** A timeout option's value, or its default; anything but a number of milliseconds > 0 is refused. */
function millisecondsOption(
  options: RedisStoreOptions,
  name: 'commandTimeoutMs' | 'reconnectMaxDelayMs' | 'connectTimeoutMs',
  fallback: number,
): number {
  const value: unknown = options[name]
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new SessionInvalidOptionError(name, value, 'a number of milliseconds > 0')
  return value
}

/** The URL as it may be logged: a password in it is dropped (the user name is kept, it tells which). */
function withoutPassword(url: string | undefined): string {
  if (url === undefined) return 'the Redis server of the given client'
  try {
    const parsed = new URL(url)
    if (parsed.password === '') return url
    parsed.password = ''
    return parsed.href
  } catch {
    // node-redis accepted it, so it names a server somehow; an unparsed string may hold a secret.
    return 'the configured Redis URL'
  }
}

/** The failure in a few words: a socket error's message, or each of an AggregateError's (two address families). */
function reasonOf(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.map(reasonOf).join('; ')
  if (err instanceof Error) return err.message || (err as NodeJS.ErrnoException).code || err.name
  return String(err)
}

function isReplyError(err: unknown): boolean {
  return err instanceof redisLibrary().ErrorReply
}

/** Quits cleanly when connected; a client that is reconnecting is destroyed instead of waited for. */
async function closeClient(client: RedisClientType): Promise<void> {
  if (!client.isOpen) return
  if (client.isReady) await client.close()
  else client.destroy()
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
