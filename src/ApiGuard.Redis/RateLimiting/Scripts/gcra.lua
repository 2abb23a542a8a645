-- ApiGuard rate limiting, fast path: a policy with exactly one GCRA limit (the default). Same arithmetic and answer as
-- ratelimit.lua's GCRA branch (and RateLimitMath.cs), with less interpreter work per call.
-- KEYS[1]  the limit's state key.  ARGV: cost, emission interval T (ms), tolerance tau = T * burst (ms).
-- Returns 'allowed retry_after_ms 1 remaining reset_ms'.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local cost = tonumber(ARGV[1])
local T = tonumber(ARGV[2])
local tau = tonumber(ARGV[3])
local v = redis.call('GET', KEYS[1])
local tat = v and tonumber(v) or now
if tat < now then tat = now end
local ntat = tat + T * cost
local allow_at = ntat - tau
if now < allow_at then
  return string.format('0 %d 1 %d %d', math.ceil(allow_at - now), math.max(0, math.floor((tau - (tat - now)) / T + 1e-9)), math.ceil(tat - now))
end
redis.call('SET', KEYS[1], string.format('%.4f', ntat), 'PX', math.max(1, math.ceil(ntat - now)))
return string.format('1 0 1 %d %d', math.max(0, math.floor((tau - (ntat - now)) / T + 1e-9)), math.ceil(ntat - now))
