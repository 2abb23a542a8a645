-- Shared helpers of the brute-force scripts; mirror ApiGuard.BruteForce.BruteForceMath exactly.
-- A counter is a hash: b = bucket start (ms), c = current bucket count, p = previous bucket count,
-- n = next attempt allowed at (ms), k = blocked until (ms). Times are the app's clock (ARGV), so every instance agrees.
local now = tonumber(ARGV[1])

local function bucket_start(w)
  return now - (now % w)
end

local function load(key)
  local v = redis.call('HMGET', key, 'b', 'c', 'p', 'n', 'k')
  return { b = tonumber(v[1]) or 0, c = tonumber(v[2]) or 0, p = tonumber(v[3]) or 0, n = tonumber(v[4]) or 0, k = tonumber(v[5]) or 0 }
end

local function roll(s, w)
  local start = bucket_start(w)
  if s.b ~= start then
    if s.b == start - w then s.p = s.c else s.p = 0 end
    s.c = 0
    s.b = start
  end
end

local function sliding(s, w)
  local start = bucket_start(w)
  if s.b == start then
    return math.floor(s.p * (w - (now - start)) / w + s.c)
  elseif s.b == start - w then
    return math.floor(s.c * (w - (now - start)) / w)
  end
  return 0
end

local function distinct(ones)
  local zeros = 1024 - ones
  if zeros <= 0 then zeros = 1 end
  return math.floor(-1024 * math.log(zeros / 1024) + 0.5)
end

-- state = { r = retry at, s = scope, x = blocked (0/1) }
local function merge(state, s, scope)
  local retry = math.max(s.k, s.n)
  if retry <= now or retry <= state.r then return end
  state.r = retry
  state.s = scope
  if s.k > now then state.x = 1 else state.x = 0 end
end
