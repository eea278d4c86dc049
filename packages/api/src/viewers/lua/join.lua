-- Join: the viewer becomes present; the count moves only if it was absent.
-- KEYS: status, present, stats, hll[, timeline]    ARGV: viewerId
-- (A shard of a sharded live passes no timeline: its aggregator keeps the live's.)
-- Returns {1, added, current, peak, unique, version, updatedAt, epoch} | {0, status} (not LIVE) | {-1} (status unknown)
local status = redis.call('GET', KEYS[1])
if not status then return {-1} end
if status ~= 'LIVE' then return {0, status} end

-- Redis's clock, not the caller's: every server instance expires viewers by the same time.
local time = redis.call('TIME')
local now = time[1] * 1000 + math.floor(time[2] / 1000)

-- A live's stats are born with an epoch (Redis's clock): if Redis loses them, they are born again
-- with a later one, and subscribers that saw higher versions of the old epoch know to follow.
redis.call('HSETNX', KEYS[3], 'epoch', now)
local added = redis.call('ZADD', KEYS[2], now, ARGV[1])
if redis.call('PFADD', KEYS[4], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[3], 'unique', redis.call('PFCOUNT', KEYS[4]))
end
if added == 1 then
  local current = redis.call('HINCRBY', KEYS[3], 'current', 1)
  if current > tonumber(redis.call('HGET', KEYS[3], 'peak') or '0') then
    redis.call('HSET', KEYS[3], 'peak', current)
  end
  redis.call('HINCRBY', KEYS[3], 'version', 1)
  redis.call('HSET', KEYS[3], 'updatedAt', now)
  if KEYS[5] then redis.call('HSET', KEYS[5], math.floor(now / 1000), current) end
end
local stats = redis.call('HMGET', KEYS[3], 'current', 'peak', 'unique', 'version', 'updatedAt', 'epoch')
return {1, added, stats[1], stats[2], stats[3], stats[4], stats[5], stats[6]}
