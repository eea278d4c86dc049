-- Leave: the viewer stops being present. Always accepted; a no-op when the viewer is absent or the
-- live is not LIVE (after the end the audience is frozen).
-- KEYS: status, present, stats[, timeline]    ARGV: viewerId
-- Returns {1, removed, current, peak, unique, version, updatedAt, epoch}
local removed = 0
if redis.call('GET', KEYS[1]) == 'LIVE' then
  removed = redis.call('ZREM', KEYS[2], ARGV[1])
  if removed == 1 then
    local time = redis.call('TIME')
    local now = time[1] * 1000 + math.floor(time[2] / 1000)
    -- Only a viewer that was counted can be removed, so the count never goes below zero.
    local current = redis.call('HINCRBY', KEYS[3], 'current', -1)
    redis.call('HINCRBY', KEYS[3], 'version', 1)
    redis.call('HSET', KEYS[3], 'updatedAt', now)
    if KEYS[4] then redis.call('HSET', KEYS[4], math.floor(now / 1000), current) end
  end
end
local stats = redis.call('HMGET', KEYS[3], 'current', 'peak', 'unique', 'version', 'updatedAt', 'epoch')
return {1, removed, stats[1], stats[2], stats[3], stats[4], stats[5], stats[6]}
