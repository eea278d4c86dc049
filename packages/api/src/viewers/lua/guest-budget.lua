-- One guest mint against one client address's budget, atomically for every instance.
-- KEYS[1]: the address's recent mints, a sorted set scored by time (ms)
-- ARGV[1]: mints allowed per window; ARGV[2]: window (ms); ARGV[3]: a unique member for this mint
-- Returns 0 when the mint is admitted, else the milliseconds until the oldest mint leaves the window.
-- A sliding window, not a fixed one: a burst across a minute boundary never gets twice the budget.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if oldest[2] == nil then return window end
return math.max(1, tonumber(oldest[2]) + window - now)
