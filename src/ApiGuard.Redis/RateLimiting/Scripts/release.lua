-- ApiGuard rate limiting: returns a concurrency lease's permits.
-- KEYS[i]  concurrency state keys (one hash tag); ARGV[1] lease id; ARGV[2] cost
local cost = tonumber(ARGV[2])
for i = 1, #KEYS do
  for j = 1, cost do
    redis.call('ZREM', KEYS[i], ARGV[1] .. ':' .. j)
  end
end
return 1
