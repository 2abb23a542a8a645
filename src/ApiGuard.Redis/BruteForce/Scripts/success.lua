-- KEYS: 1 pair counter, 2 trust marker. ARGV: 1 now, 2 trust duration (ms).
-- Clears the pair's failures and marks the pair known-good until now + trust duration.
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], now + tonumber(ARGV[2]), 'PX', tonumber(ARGV[2]))
return 1
