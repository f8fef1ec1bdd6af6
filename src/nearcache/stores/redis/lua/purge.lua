-- Remove records expired at `now` (oldest expiry first). ARGV: base, now, limit (-1 =
-- all), logged, retention. Returns the removed members.
local base, now, limit, logged, retention = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local due = redis.call('ZRANGEBYSCORE', x, '-inf', now, 'LIMIT', 0, limit)
if #due == 0 then return {} end
local members, sizes = present(due)
if #members < #due then  -- expiry entries of records already gone
  local live, stray = {}, {}
  for i = 1, #members do live[members[i]] = true end
  for i = 1, #due do
    if not live[due[i]] then stray[#stray + 1] = due[i] end
  end
  chunked('ZREM', x, stray, STEP)
end
if #members == 0 then return {} end
return remove_members(base, members, sizes, 'expire', logged, retention)
