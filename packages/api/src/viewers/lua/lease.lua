-- A lease: one holder at a time, for ttl ms unless renewed. Taken with SET NX PX when free; renewed
-- only by its holder, so a holder that stopped (killed, partitioned) loses it within ttl.
-- KEYS: lease    ARGV: holder, ttlMs
-- Returns 1 when `holder` holds the lease (taken or renewed), else 0.
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
