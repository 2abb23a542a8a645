-- ApiGuard rate limiting: all of a request's limits, decided together on Redis server time; one call decides a batch of
-- requests (one TIME for all). Same arithmetic as RateLimitMath.cs (the in-memory twin).
-- KEYS     the state keys of every request in order, one per limit; a request's keys share one hash tag, and the requests of
--          one call share one slot (Redis Cluster).
-- ARGV     per request: number of limits n, cost (permits), concurrency lease id ('' when the policy has no concurrency
--          limit), permits already admitted locally (approximate mode, consumed unconditionally first), then 4 per limit:
--          algorithm (g gcra, s sliding, f fixed, m calendar month, c concurrency), limit, window ms, burst or lease ms.
-- Returns a flat array of integers, 5 per request: allowed (0|1), retry_after_ms, limit (1-based), remaining, reset_ms.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local eps = 1e-9

local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = math.floor((153 * mp + 2) / 5) + d - 1
  local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
end

local function month_bounds(ms)
  local z = math.floor(ms / 86400000) + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local m = mp < 10 and mp + 3 or mp - 9
  if m <= 2 then y = y + 1 end
  local ny, nm = y, m + 1
  if nm > 12 then ny, nm = y + 1, 1 end
  return y * 12 + m - 1, days_from_civil(ny, nm, 1) * 86400000
end

-- Reads limit i: returns state a, b, c (nil when absent).
local function read(i, algo, key)
  if algo == 'g' then
    local v = redis.call('GET', key)
    return v and tonumber(v) or nil
  elseif algo == 'c' then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
    return redis.call('ZCARD', key)
  end
  local h = redis.call('HMGET', key, 'w', 'c', 'p')
  if not h[1] then return nil end
  return tonumber(h[1]), tonumber(h[2]) or 0, tonumber(h[3]) or 0
end

-- Decides the request whose keys start after KEYS[k0] and whose arguments start after ARGV[a0]; returns its 5 answers.
local function decide(k0, a0)
  local n = tonumber(ARGV[a0 + 1])
  local cost = tonumber(ARGV[a0 + 2])
  local lease = ARGV[a0 + 3]
  local forced = tonumber(ARGV[a0 + 4])
  local allowed = 1
  local retry = 0
  local idx = 1
  local remaining = nil
  local reset = 0
  local writes = {}

  for i = 1, n do
    local b = a0 + 4 + (i - 1) * 4
    local algo = ARGV[b + 1]
    local limit = tonumber(ARGV[b + 2])
    local win = tonumber(ARGV[b + 3])
    local extra = tonumber(ARGV[b + 4])
    local key = KEYS[k0 + i]
    local ok, rem, rst, wait
    local w = nil
    if algo == 'g' then
      local T = win / limit
      local tau = T * extra
      local tat = read(i, algo, key)
      if not tat or tat < now then tat = now end
      if forced > 0 then
        tat = tat + T * forced
        writes[#writes + 1] = { 'g', key, tat }
      end
      local ntat = tat + T * cost
      local allow_at = ntat - tau
      if now < allow_at then
        ok = false
        wait = allow_at - now
        rem = math.max(0, math.floor((tau - (tat - now)) / T + eps))
        rst = tat - now
      else
        ok = true
        w = { 'g', key, ntat }
        rem = math.max(0, math.floor((tau - (ntat - now)) / T + eps))
        rst = ntat - now
      end
    elseif algo == 's' then
      local widx = math.floor(now / win)
      local a, bc, pc = read(i, algo, key)
      local c, p = 0, 0
      if a == widx then c, p = bc, pc elseif a == widx - 1 then p = bc end
      if forced > 0 then
        c = c + forced
        writes[#writes + 1] = { 's', key, widx, c, p, win }
      end
      local e = now - widx * win
      local est = p * (win - e) / win + c
      rst = win - e
      if est + cost > limit + eps then
        ok = false
        rem = math.max(0, math.floor(limit - est + eps))
        local excess = est + cost - limit
        wait = nil
        if p > 0 then
          local d = excess * win / p
          if e + d <= win then wait = d end
        end
        if not wait then
          if cost > limit then
            wait = win * 2
          else
            local e2 = 0
            if c > limit - cost then e2 = win * (1 - (limit - cost) / c) end
            wait = (win - e) + e2
          end
        end
      else
        ok = true
        w = { 's', key, widx, c + cost, p, win }
        rem = math.max(0, math.floor(limit - est - cost + eps))
      end
    elseif algo == 'f' or algo == 'm' then
      local widx, wend
      if algo == 'm' then
        widx, wend = month_bounds(now)
      else
        widx = math.floor(now / win)
        wend = (widx + 1) * win
      end
      local a, bc = read(i, algo, key)
      local c = 0
      if a == widx then c = bc end
      if forced > 0 then
        c = c + forced
        writes[#writes + 1] = { 'f', key, widx, c, wend }
      end
      rst = wend - now
      if c + cost > limit then
        ok = false
        rem = math.max(0, limit - c)
        wait = wend - now
      else
        ok = true
        w = { 'f', key, widx, c + cost, wend }
        rem = limit - c - cost
      end
    else
      local held = read(i, algo, key)
      rst = 0
      wait = 0
      if held + cost > limit then
        ok = false
        rem = math.max(0, limit - held)
      else
        ok = true
        w = { 'c', key, extra }
        rem = limit - held - cost
      end
    end

    if not ok then
      if allowed == 1 or wait > retry then
        retry = wait
        idx = i
        remaining = rem
        reset = rst
      end
      allowed = 0
    else
      if allowed == 1 and (remaining == nil or rem < remaining) then
        idx = i
        remaining = rem
        reset = rst
      end
      writes[#writes + 1] = w
      w.admit = true
    end
  end

  -- Rejected requests consume nothing: only forced (already admitted) permits are written then.
  for _, w in ipairs(writes) do
    if allowed == 1 or not w.admit then
      local kind, key = w[1], w[2]
      if kind == 'g' then
        redis.call('SET', key, string.format('%.4f', w[3]), 'PX', math.max(1, math.ceil(w[3] - now)))
      elseif kind == 's' then
        redis.call('HSET', key, 'w', w[3], 'c', w[4], 'p', w[5])
        redis.call('PEXPIRE', key, math.max(1, math.ceil((w[3] + 2) * w[6] - now)))
      elseif kind == 'f' then
        redis.call('HSET', key, 'w', w[3], 'c', w[4])
        redis.call('PEXPIRE', key, math.max(1, math.ceil(w[5] - now)))
      else
        for j = 1, cost do
          redis.call('ZADD', key, now + w[3], lease .. ':' .. j)
        end
        redis.call('PEXPIRE', key, math.max(1, math.ceil(w[3])))
      end
    end
  end
  return n, allowed, math.ceil(retry), idx, remaining or 0, math.ceil(reset)
end

local out, o, k, a = {}, 0, 0, 0
while a < #ARGV do
  local n, allowed, retry, idx, remaining, reset = decide(k, a)
  out[o + 1], out[o + 2], out[o + 3], out[o + 4], out[o + 5] = allowed, retry, idx, remaining, reset
  o, k, a = o + 5, k + n, a + 4 + 4 * n
end
return out
