-- Insert each item whose key is absent or expired (a repeated key: the first wins).
-- ARGV as put.lua. Returns a 0/1 per item.
local base, now, logged, retention, nsname = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local n = tonumber(ARGV[6])
local gen = gen_of()
local members, rkeys = {}, {}
for i = 1, n do
  members[i] = ARGV[6 + 4 * (i - 1) + 1]
  rkeys[i] = base .. gen .. ':' .. members[i]
end
local cur = {}
local i = 1
while i <= n do
  local j = math.min(i + STEP - 1, n)
  local part = redis.call('MGET', unpack(rkeys, i, j))
  for k = 1, #part do cur[i + k - 1] = part[k] end
  i = j + 1
end
local olds = chunked_read('HMGET', s, members)
local tnow = tonumber(now)
local won, seen, offsets, wolds = {}, {}, {}, {}
for i = 1, n do
  local live = false
  local rec = cur[i]
  if rec then
    if string.len(rec) < 9 or string.byte(rec, 1) ~= 1 then
      live = true
    else
      live = struct.unpack('<d', rec, 2) > tnow
    end
  end
  if live or seen[members[i]] then
    won[i] = 0
  else
    won[i] = 1
    seen[members[i]] = true
    offsets[#offsets + 1] = 6 + 4 * (i - 1)
    wolds[#wolds + 1] = olds[i]
  end
end
if #offsets > 0 then
  store_items(base, now, logged, retention, nsname, offsets, wolds)
end
return won
