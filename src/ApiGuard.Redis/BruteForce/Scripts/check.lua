-- KEYS: 1 pair counter, 2 address counter, 3 account counter, 4 trust marker
-- ARGV: 1 now, 2 has pair, 3 has address, 4 has account, 5 account window, 6 under-attack threshold
-- Returns { retry at, scope, blocked, account under attack, trusted }. Read-only.
local has_pair, has_addr, has_acct = ARGV[2] == '1', ARGV[3] == '1', ARGV[4] == '1'
local trusted = 0
if has_pair then
  local t = tonumber(redis.call('GET', KEYS[4]) or '0')
  if t > now then trusted = 1 end
end
local under, acct = 0, nil
if has_acct then
  acct = load(KEYS[3])
  if sliding(acct, tonumber(ARGV[5])) >= tonumber(ARGV[6]) then under = 1 end
end
local state = { r = 0, s = 0, x = 0 }
if has_pair then merge(state, load(KEYS[1]), 1) end
if has_addr and trusted == 0 then merge(state, load(KEYS[2]), 2) end
if has_acct and trusted == 0 then merge(state, acct, 3) end
return { state.r, state.s, state.x, under, trusted }
