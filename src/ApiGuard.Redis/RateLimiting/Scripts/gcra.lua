-- ApiGuard rate limiting, fast path: policies with exactly one GCRA limit (the default). One call decides a batch of
-- requests (each request's own partition key, cost and policy) on one Redis server time; same arithmetic as ratelimit.lua's
-- GCRA branch (and RateLimitMath.cs).
-- KEYS[i]  request i's state key.  ARGV[3i-2], ARGV[3i-1], ARGV[3i]: its cost, emission interval T (ms), tolerance tau = T * burst (ms).
-- Each admitted request writes its new TAT with an expiry of tau: an admitted request leaves TAT <= now + tau, and a TAT in the
-- past means the same as no key. Argument strings repeat across requests (same policies), so each is parsed once per call.
-- Returns a flat array of integers: an admitted request adds `remaining, reset_ms`; a rejected one `-1 - remaining, retry_ms, reset_ms`.
local t = redis.call('TIME')
local now = t[1] * 1000 + t[2] / 1000
local num, ttl = {}, {}
local out, n = {}, 0
for i = 1, #KEYS do
  local key, a = KEYS[i], 3 * i
  local cs, ts, taus = ARGV[a - 2], ARGV[a - 1], ARGV[a]
  local cost, T, tau = num[cs], num[ts], num[taus]
  if not cost then cost = tonumber(cs); num[cs] = cost end
  if not T then T = tonumber(ts); num[ts] = T end
  if not tau then tau = tonumber(taus); num[taus] = tau end
  local tat = tonumber(redis.call('GET', key)) or now
  if tat < now then tat = now end
  local ntat = tat + T * cost
  if now < ntat - tau then
    out[n + 1] = -1 - math.max(0, math.floor((tau - (tat - now)) / T + 1e-9))
    out[n + 2] = math.ceil(ntat - tau - now)
    out[n + 3] = math.ceil(tat - now)
    n = n + 3
  else
    local px = ttl[taus]
    if not px then px = string.format('%d', math.max(1, math.ceil(tau))); ttl[taus] = px end
    redis.call('SET', key, string.format('%.4f', ntat), 'PX', px)
    out[n + 1] = math.max(0, math.floor((tau - (ntat - now)) / T + 1e-9))
    out[n + 2] = math.ceil(ntat - now)
    n = n + 2
  end
end
return out
