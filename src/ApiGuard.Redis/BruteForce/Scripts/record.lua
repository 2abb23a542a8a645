-- KEYS: 1 pair counter, 2 address counter, 3 account counter, 4 trust marker,
--       5/6 accounts-per-address bitmap (current/previous bucket), 7 stuffing reported-until,
--       8/9 addresses-per-account bitmap (current/previous bucket), 10 spraying reported-until
-- ARGV: 1 now, 2 has pair, 3 has address, 4 has account,
--       5-10 pair: window, delay threshold, block threshold, initial delay, max delay, block duration
--       11-16 address: the same, 17 account window, 18 under-attack threshold, 19 untrusted pair delay threshold,
--       20 stuffing threshold, 21 spraying threshold, 22 account bit, 23 address bit,
--       24 account block threshold (0: never), 25 account block duration
-- Returns { retry at, scope, blocked, under attack, trusted, pair failures, address failures, account failures,
--           new block scope, distinct accounts, stuffing, distinct addresses, spraying }.
local has_pair, has_addr, has_acct = ARGV[2] == '1', ARGV[3] == '1', ARGV[4] == '1'

local function delay(f, t, b, d0, dmax)
  if b > 0 and f >= b then return 0, true end
  if f < t then return 0, false end
  local k = f - t
  if k > 40 then k = 40 end
  local d = d0 * (2 ^ k)
  if d > dmax then d = dmax end
  return math.floor(d), false
end

local function save(key, s, w)
  redis.call('HSET', key, 'b', s.b, 'c', s.c, 'p', s.p, 'n', s.n, 'k', s.k)
  redis.call('PEXPIRE', key, math.max(2 * w, s.k - now, s.n - now, 1))
end

-- Adds one failure; returns the sliding count and whether a block started.
local function fail(key, w, t, b, d0, dmax, block_ms)
  local s = load(key)
  roll(s, w)
  s.c = s.c + 1
  local f = sliding(s, w)
  local d, blocked = delay(f, t, b, d0, dmax)
  local started = false
  if blocked then
    if s.k <= now then
      started = true
      s.k = now + block_ms
    end
  elseif d > 0 and now + d > s.n then
    s.n = now + d
  end
  save(key, s, w)
  return f, started, s
end

local trusted = 0
if has_pair then
  local t = tonumber(redis.call('GET', KEYS[4]) or '0')
  if t > now then trusted = 1 end
end

local state = { r = 0, s = 0, x = 0 }
local under, pf, af, cf, new_block = 0, 0, 0, 0, 0
local acct, acct_started = nil, false
if has_acct then
  -- The account level has no delays, only a block far above the pair's (see BruteForceAccountOptions).
  cf, acct_started, acct = fail(KEYS[3], tonumber(ARGV[17]), 2147483647, tonumber(ARGV[24]), 1, 1, tonumber(ARGV[25]))
  if cf >= tonumber(ARGV[18]) then under = 1 end
end

if has_pair then
  local t = tonumber(ARGV[6])
  if under == 1 and trusted == 0 then t = tonumber(ARGV[19]) end
  local started, s
  pf, started, s = fail(KEYS[1], tonumber(ARGV[5]), t, tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10]))
  if started then new_block = 1 end
  merge(state, s, 1)
end

if has_addr then
  local started, s
  af, started, s = fail(KEYS[2], tonumber(ARGV[11]), tonumber(ARGV[12]), tonumber(ARGV[13]), tonumber(ARGV[14]), tonumber(ARGV[15]), tonumber(ARGV[16]))
  if started and new_block == 0 then new_block = 2 end
  if trusted == 0 then merge(state, s, 2) end
end

if has_acct then
  if acct_started and new_block == 0 then new_block = 3 end
  if trusted == 0 then merge(state, acct, 3) end
end

local da, stuffing, dd, spraying = 0, 0, 0, 0
local function pattern(cur, prev, flag, bit, w, threshold)
  local start = bucket_start(w)
  redis.call('SETBIT', cur, bit, 1)
  redis.call('PEXPIRE', cur, 2 * w)
  local c = distinct(redis.call('BITCOUNT', cur))
  local p = distinct(redis.call('BITCOUNT', prev))
  local d = math.floor(p * (w - (now - start)) / w + c)
  local reported = 0
  if d >= threshold then
    local until_ms = tonumber(redis.call('GET', flag) or '0')
    if until_ms <= now then
      redis.call('SET', flag, now + w, 'PX', w)
      reported = 1
    end
  end
  return d, reported
end

if has_addr and has_acct then
  local st, sp = tonumber(ARGV[20]), tonumber(ARGV[21])
  if st > 0 then da, stuffing = pattern(KEYS[5], KEYS[6], KEYS[7], tonumber(ARGV[22]), tonumber(ARGV[11]), st) end
  if sp > 0 then dd, spraying = pattern(KEYS[8], KEYS[9], KEYS[10], tonumber(ARGV[23]), tonumber(ARGV[17]), sp) end
end

return { state.r, state.s, state.x, under, trusted, pf, af, cf, new_block, da, stuffing, dd, spraying }
