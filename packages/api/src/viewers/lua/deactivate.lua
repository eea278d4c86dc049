-- Drops a live from the active-lives set, unless a join bumped its score since the sweeper read it.
-- KEYS: active    ARGV: liveId, score read by the sweeper
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0
