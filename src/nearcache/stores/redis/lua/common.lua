-- Functions shared by every script (scripts.py puts this file in front of each one).
-- KEYS = m, s, l, x, c, registry of the namespace (see store.py); record keys are
-- computed as ARGV-given base .. gen .. ":" .. member (single primary only).
-- Redis does not roll a failed script back, so scripts do all their reads before
-- their first write.
local m, s, l, x, c, reg = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local STEP = 4000  -- arguments per command (Lua's unpack limit is ~8000)

-- cmd(key, list[i..j]) for every slice of at most `step` arguments
local function chunked(cmd, key, list, step)
  local i = 1
  while i <= #list do
    local j = math.min(i + step - 1, #list)
    redis.call(cmd, key, unpack(list, i, j))
    i = j + 1
  end
end

-- the replies of cmd(key, slice) for every slice, concatenated
local function chunked_read(cmd, key, list)
  local out = {}
  local i = 1
  while i <= #list do
    local j = math.min(i + STEP - 1, #list)
    local part = redis.call(cmd, key, unpack(list, i, j))
    for k = 1, #part do out[#out + 1] = part[k] end
    i = j + 1
  end
  return out
end

-- bump the namespace version (a new namespace starts at the server's clock in ms, so
-- versions never go back after a wipe) and log op/keys for tables with a change log
local function version_bump(logged, retention, op, keys)
  if redis.call('HEXISTS', m, 'version') == 0 then
    local t = redis.call('TIME')
    local base = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    redis.call('HSET', m, 'version', base, 'base', base)
  end
  local v = redis.call('HINCRBY', m, 'version', 1)
  if logged == '1' then
    local id = tostring(v) .. '-0'
    local ok = redis.pcall('XADD', c, 'MAXLEN', '~', retention, id, 'op', op, 'k', keys)
    if type(ok) == 'table' and ok.err then
      redis.call('DEL', c)
      redis.call('XADD', c, 'MAXLEN', '~', retention, id, 'op', op, 'k', keys)
    end
  end
  return v
end

local function gen_of()
  return redis.call('HGET', m, 'gen') or '0'
end

-- Store the items at ARGV offsets `offsets` (each: member, value, expires_at|'', px|'')
-- whose previous sizes are `olds` (false if new); index them and log one 'put'. Each
-- item's LRU score is `now` plus a step per place (lru.py's batch_times): a later item
-- is more recent, where one score for all left the order to the members.
local function store_items(base, now, logged, retention, nsname, offsets, olds)
  local gen = gen_of()
  local t0 = tonumber(now)
  local step = math.max(math.abs(t0), 1) * 2 ^ -50
  local added, delta = 0, 0
  local members, sizes, lru, exps, noexp = {}, {}, {}, {}, {}
  for i = 1, #offsets do
    local o = offsets[i]
    local member, value, exp, px = ARGV[o + 1], ARGV[o + 2], ARGV[o + 3], ARGV[o + 4]
    local size = string.len(value) - 9
    if olds[i] then
      delta = delta + size - tonumber(olds[i])
    else
      added = added + 1
      delta = delta + size
    end
    local rk = base .. gen .. ':' .. member
    if px ~= '' then
      redis.call('SET', rk, value, 'PX', px)
      exps[#exps + 1] = exp
      exps[#exps + 1] = member
    else
      redis.call('SET', rk, value)
      noexp[#noexp + 1] = member
    end
    members[#members + 1] = member
    sizes[#sizes + 1] = member
    sizes[#sizes + 1] = size
    lru[#lru + 1] = t0 + (i - 1) * step  -- a number: Redis sends it with 17 digits
    lru[#lru + 1] = member
  end
  chunked('HSET', s, sizes, STEP)
  chunked('ZADD', l, lru, STEP)
  if #exps > 0 then chunked('ZADD', x, exps, STEP) end
  if #noexp > 0 then chunked('ZREM', x, noexp, STEP) end
  redis.call('HINCRBY', m, 'entries', added)
  redis.call('HINCRBY', m, 'bytes', delta)
  redis.call('SADD', reg, nsname)
  return version_bump(logged, retention, 'put', table.concat(members))
end

-- The members of `asked` that have a size in s, with their sizes.
local function present(asked)
  local sizes = chunked_read('HMGET', s, asked)
  local members, msizes = {}, {}
  for i = 1, #asked do
    if sizes[i] then
      members[#members + 1] = asked[i]
      msizes[#msizes + 1] = sizes[i]
    end
  end
  return members, msizes
end

-- Remove `members` (known to be in s, sizes `sizes`), book them as `kind`
-- (delete|evict|expire) and log one 'delete'; returns the members.
local function remove_members(base, members, sizes, kind, logged, retention)
  local gen = gen_of()
  local total = 0
  local rkeys = {}
  for i = 1, #members do
    total = total + tonumber(sizes[i])
    rkeys[i] = base .. gen .. ':' .. members[i]
  end
  local i = 1
  while i <= #rkeys do
    local j = math.min(i + STEP - 1, #rkeys)
    redis.call('UNLINK', unpack(rkeys, i, j))
    i = j + 1
  end
  chunked('HDEL', s, members, STEP)
  chunked('ZREM', l, members, STEP)
  chunked('ZREM', x, members, STEP)
  local n = #members
  redis.call('HINCRBY', m, 'entries', 0 - n)
  redis.call('HINCRBY', m, 'bytes', 0 - total)  -- never -0: Redis rejects it
  if kind == 'evict' then redis.call('HINCRBY', m, 'evictions', n) end
  if kind == 'expire' then redis.call('HINCRBY', m, 'expirations', n) end
  version_bump(logged, retention, 'delete', table.concat(members))
  return members
end
