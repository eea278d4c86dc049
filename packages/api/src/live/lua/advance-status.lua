-- Advance a live's mirrored status: SCHEDULED < LIVE < ENDED, never backwards, so a late or
-- repeated write (a redelivered live.started, a database read racing the end) cannot undo an end.
-- KEYS: status    ARGV: status, ttlMs
-- Returns 1 when written, 0 when the mirror already held a later status.
local rank = { SCHEDULED = 1, LIVE = 2, ENDED = 3 }
local current = redis.call('GET', KEYS[1])
if current and (rank[current] or 0) > rank[ARGV[1]] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
