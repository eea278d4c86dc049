-- Sweep: removes viewers not seen for ttl ms. Atomic, so sweepers on every server instance may run
-- at once: a viewer is removed (and the count decremented) by exactly one of them.
-- KEYS: status, present, stats[, timeline]    ARGV: ttlMs, maxRemovals
-- Returns {removed, remaining, current, peak, unique, version, updatedAt, epoch}
if redis.call('GET', KEYS[1]) ~= 'LIVE' then
  return {0, redis.call('ZCARD', KEYS[2])}
end
local time = redis.call('TIME')
local now = time[1] * 1000 + math.floor(time[2] / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[1]), 'LIMIT', 0, tonumber(ARGV[2]))
if #expired > 0 then
  redis.call('ZREM', KEYS[2], unpack(expired))
  local current = redis.call('HINCRBY', KEYS[3], 'current', -#expired)
  redis.call('HINCRBY', KEYS[3], 'version', 1)
  redis.call('HSET', KEYS[3], 'updatedAt', now)
  if KEYS[4] then redis.call('HSET', KEYS[4], math.floor(now / 1000), current) end
end
local stats = redis.call('HMGET', KEYS[3], 'current', 'peak', 'unique', 'version', 'updatedAt', 'epoch')
return {#expired, redis.call('ZCARD', KEYS[2]), stats[1], stats[2], stats[3], stats[4], stats[5], stats[6]}
