-- Heartbeat: refreshes a present viewer's last-seen time. An absent (expired) viewer is reported
-- as such and the caller joins it again, so the count logic lives in join.lua only.
-- KEYS: status, present, stats    ARGV: viewerId
-- Returns {1, present, current, peak, unique, version, updatedAt, epoch} | {0, status} | {-1}
local status = redis.call('GET', KEYS[1])
if not status then return {-1} end
if status ~= 'LIVE' then return {0, status} end

if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then return {1, 0} end
local time = redis.call('TIME')
redis.call('ZADD', KEYS[2], 'XX', time[1] * 1000 + math.floor(time[2] / 1000), ARGV[1])
local stats = redis.call('HMGET', KEYS[3], 'current', 'peak', 'unique', 'version', 'updatedAt', 'epoch')
return {1, 1, stats[1], stats[2], stats[3], stats[4], stats[5], stats[6]}
