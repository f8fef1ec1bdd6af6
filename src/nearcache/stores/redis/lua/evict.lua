-- Remove least recently used records until within the caps. ARGV: base,
-- max_entries|'', max_bytes|'', logged, retention. Returns the removed members.
local base, max_e, max_b, logged, retention = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local entries = tonumber(redis.call('HGET', m, 'entries') or '0')
local bytes = tonumber(redis.call('HGET', m, 'bytes') or '0')
local function over()
  return (max_e ~= '' and entries > tonumber(max_e)) or (max_b ~= '' and bytes > tonumber(max_b))
end
local victims, vsizes = {}, {}
local offset = 0
while over() do
  local batch = redis.call('ZRANGE', l, offset, offset + 255)
  if #batch == 0 then break end
  offset = offset + #batch
  local sizes = redis.call('HMGET', s, unpack(batch))
  for i = 1, #batch do
    if not over() then break end
    if sizes[i] then
      victims[#victims + 1] = batch[i]
      vsizes[#vsizes + 1] = sizes[i]
      entries = entries - 1
      bytes = bytes - tonumber(sizes[i])
    end
  end
end
if #victims == 0 then return {} end
return remove_members(base, victims, vsizes, 'evict', logged, retention)
