-- Insert or replace every item. ARGV: base, now, logged, retention, nsname, n, then
-- n x (member, value, expires_at|'', px|''). Returns the new version.
local base, now, logged, retention, nsname = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local n = tonumber(ARGV[6])
local members, offsets = {}, {}
for i = 1, n do
  offsets[i] = 6 + 4 * (i - 1)
  members[i] = ARGV[offsets[i] + 1]
end
local olds = chunked_read('HMGET', s, members)
return store_items(base, now, logged, retention, nsname, offsets, olds)
