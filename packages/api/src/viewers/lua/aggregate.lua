-- Aggregate of a sharded live (PRESENCE_SHARDS > 1): records the sum of the shards' exact counts,
-- as its aggregator sampled it, into the live's peak and audience curve. One slot: `{live:<id>}`.
-- KEYS: stats (aggregate), timeline    ARGV: current (the sum of the shards' counts)
-- Returns {raised, peak, version, updatedAt, epoch}; raised is 1 when the peak moved (its version too).
local time = redis.call('TIME')
local now = time[1] * 1000 + math.floor(time[2] / 1000)
local current = tonumber(ARGV[1])
-- Born with an epoch like a shard's stats: its epoch and version add into the live's order.
redis.call('HSETNX', KEYS[1], 'epoch', now)
local raised = 0
if current > tonumber(redis.call('HGET', KEYS[1], 'peak') or '0') then
  redis.call('HSET', KEYS[1], 'peak', current, 'updatedAt', now)
  redis.call('HINCRBY', KEYS[1], 'version', 1)
  raised = 1
end
-- The curve gets a point when the sampled count moved: the last sample of each second is kept.
if redis.call('HGET', KEYS[1], 'sampled') ~= ARGV[1] then
  redis.call('HSET', KEYS[1], 'sampled', current)
  redis.call('HSET', KEYS[2], math.floor(now / 1000), current)
end
local stats = redis.call('HMGET', KEYS[1], 'peak', 'version', 'updatedAt', 'epoch')
return {raised, stats[1], stats[2], stats[3], stats[4]}
