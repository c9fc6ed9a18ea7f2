/**
 * The Lua scripts of the Redis store. Each runs atomically in Redis, which is what makes a claim,
 * a compare-and-set save or a lease grant exactly-once across every process sharing the server.
 * KEYS[1] is the record, KEYS[2] the deadline set, KEYS[3] the activity set.
 */

/** ARGV: id, createdMs, lastActiveMs, timeoutMinutes, data, hasData, version, callbacks JSON, ttlMs. */
export const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'createdMs', ARGV[2], 'lastActiveMs', ARGV[3], 'timeoutMinutes', ARGV[4],
  'version', ARGV[7], 'callbacks', ARGV[8], 'fence', 0)
if ARGV[6] == '1' then redis.call('HSET', KEYS[1], 'data', ARGV[5]) end
redis.call('PEXPIRE', KEYS[1], ARGV[9])
redis.call('ZADD', KEYS[2], tonumber(ARGV[3]) + tonumber(ARGV[4]) * 60000, ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
return 1`

/**
 * ARGV: id, expectedVersion, data, hasData, lastActiveMs, timeoutMinutes, callbacks JSON,
 * fencingToken or '', ttlMs.
 */
export const SAVE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
if ARGV[8] ~= '' and tonumber(ARGV[8]) < tonumber(redis.call('HGET', KEYS[1], 'fence')) then return {'fenced'} end
local version = tonumber(redis.call('HGET', KEYS[1], 'version'))
if version ~= tonumber(ARGV[2]) then return {'stale', version} end
version = version + 1
redis.call('HSET', KEYS[1], 'version', version, 'lastActiveMs', ARGV[5], 'timeoutMinutes', ARGV[6],
  'callbacks', ARGV[7])
if ARGV[4] == '1' then redis.call('HSET', KEYS[1], 'data', ARGV[3]) else redis.call('HDEL', KEYS[1], 'data') end
redis.call('PEXPIRE', KEYS[1], ARGV[9])
redis.call('ZADD', KEYS[2], tonumber(ARGV[5]) + tonumber(ARGV[6]) * 60000, ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
return {'saved', version}`

/** ARGV: id, lastActiveMs, ttl margin ms. */
export const TOUCH = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local timeout = tonumber(redis.call('HGET', KEYS[1], 'timeoutMinutes')) * 60000
redis.call('HSET', KEYS[1], 'lastActiveMs', ARGV[2])
redis.call('PEXPIRE', KEYS[1], timeout + tonumber(ARGV[3]))
redis.call('ZADD', KEYS[2], tonumber(ARGV[2]) + timeout, ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
return 1`

/** ARGV: id. Returns the record's fields, or nil when another caller removed it first. */
export const DELETE = `
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then return false end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return fields`

/** KEYS[4]: the new record. ARGV: id, newId. 1 renamed, 0 gone, -1 taken. */
export const RENAME = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[4]) == 1 then return -1 end
redis.call('RENAME', KEYS[1], KEYS[4])
redis.call('HSET', KEYS[4], 'id', ARGV[2])
redis.call('HDEL', KEYS[4], 'leaseToken', 'leaseExpires')
local deadline = redis.call('ZSCORE', KEYS[2], ARGV[1])
local active = redis.call('ZSCORE', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[2], deadline, ARGV[2])
redis.call('ZADD', KEYS[3], active, ARGV[2])
return 1`

/** KEYS[1]: the record prefix (not a key). ARGV: nowMs, max. Claims and removes in one step. */
export const CLAIM = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local out = {}
for _, id in ipairs(ids) do
  local key = KEYS[1] .. id
  local fields = redis.call('HGETALL', key)
  redis.call('DEL', key)
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZREM', KEYS[3], id)
  if #fields > 0 then table.insert(out, fields) end
end
return out`

/** ARGV: nowMs, ttlMs. The new fencing token; 0 while held; -1 when the session is gone. */
export const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local expires = redis.call('HGET', KEYS[1], 'leaseExpires')
if expires and tonumber(expires) > tonumber(ARGV[1]) then return 0 end
local token = redis.call('HINCRBY', KEYS[1], 'fence', 1)
redis.call('HSET', KEYS[1], 'leaseToken', token, 'leaseExpires', tonumber(ARGV[1]) + tonumber(ARGV[2]))
return token`

/** ARGV: token, nowMs, ttlMs. The new expiry, or -1 when the lease is no longer the caller's. */
export const RENEW = `
if redis.call('HGET', KEYS[1], 'leaseToken') ~= ARGV[1] then return -1 end
if tonumber(redis.call('HGET', KEYS[1], 'leaseExpires')) < tonumber(ARGV[2]) then return -1 end
local expires = tonumber(ARGV[2]) + tonumber(ARGV[3])
redis.call('HSET', KEYS[1], 'leaseExpires', expires)
return expires`

/** ARGV: token. */
export const RELEASE = `
if redis.call('HGET', KEYS[1], 'leaseToken') == ARGV[1] then
  redis.call('HDEL', KEYS[1], 'leaseToken', 'leaseExpires')
end
return 1`
