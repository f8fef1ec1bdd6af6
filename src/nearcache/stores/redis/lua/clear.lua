-- Empty the namespace in O(1): bump its generation, so the old records vanish for
-- readers at once (store.py unlinks them afterwards). ARGV: logged, retention.
-- Returns {removed entries, old generation}, or {-1, '0'} if the namespace is absent.
local logged, retention = ARGV[1], ARGV[2]
if redis.call('EXISTS', m) == 0 then return {-1, '0'} end
local removed = tonumber(redis.call('HGET', m, 'entries') or '0')
local old = gen_of()
redis.call('UNLINK', s, l, x)
redis.call('HSET', m, 'entries', 0, 'bytes', 0)
redis.call('HINCRBY', m, 'gen', 1)
version_bump(logged, retention, 'clear', '')
return {removed, old}
