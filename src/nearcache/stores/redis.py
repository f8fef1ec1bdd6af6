"""``RedisStore``: records in Redis, shared by many processes and machines.

Key layout (``P`` = ``prefix``, ``NS`` = ``encode_parts(table, namespace)``, which is
length-prefixed and therefore injective: ``("a", "bc")`` and ``("ab", "c")`` never meet)::

    P:NS:r<gen>:<key>   STRING  record: 1-byte format, f64 expires_at (inf = never), value
    P:NS:m              HASH    counters: entries bytes version base evictions expirations gen
    P:NS:s              HASH    key -> value size (the index of live records)
    P:NS:l              ZSET    key scored by last access time (LRU order for ``evict``)
    P:NS:x              ZSET    key scored by expires_at (records with a TTL only)
    P:NS:c              STREAM  change log (tables with ``log=True``): id ``<version>-0``
    P:ns:<table>        SET     namespace names of a table
    P:meta              HASH    store-wide settings (``get_meta``/``set_meta``)

Why this shape:

* **One round trip per batch.** ``get_many`` is ``MULTI; HGET gen; MGET ...; EXEC``;
  writes are one Lua script each (``EVALSHA``), which Redis runs atomically, so a batch and
  its counters, LRU entries and change-log event are all or nothing (I2). Scripts do all
  their reads before their first write, because Redis does not roll a failed script back.
* **Vectors stay raw bytes** — the value is the caller's encoded record behind a 9-byte
  header, never JSON and never pickle.
* **TTL twice.** The logical ``expires_at`` (from the cache's injectable clock) is in the
  header and checked on every read; the key also gets a Redis expiry of the same TTL
  (relative to the cache's clock, plus ``expiry_grace``) so memory is reclaimed even if
  nobody sweeps. The index entries of such a key stay until ``purge_expired`` counts them.
* **O(1) clear.** ``clear`` bumps the namespace generation ``gen`` (part of every record
  key) inside a script, so the old records vanish for readers at once; they are then
  unlinked in batches found with ``SCAN`` (never ``KEYS``), without blocking the server.
* **Versions never go back.** A new (or wiped) namespace starts its version at the
  server's clock in milliseconds, so a reader that remembers a version from before a
  server restart sees ``changes(...) -> events=None`` (reload) instead of silently
  missing writes.
* **LRU touches are buffered** and sent with the next write (``ZADD XX GT``) or with a
  read once a second, so reads stay a single ``MGET``.
* **Outages** raise ``StoreUnavailableError`` through a circuit breaker (fail fast while
  down; the same object recovers within ~0.5 s of the server returning). A server still
  loading its data (``BusyLoadingError``) counts as unavailable.

Redis Cluster is not supported: scripts touch keys they compute (record keys of the
current generation) and the namespace registry. Use a single primary (with replicas or
Sentinel). Use ``maxmemory-policy noeviction`` (or a ``volatile-*`` policy) and let
``evict``/``max_bytes`` bound memory; an ``allkeys-*`` policy would drop records behind
the counters' back (``check(fix=True)`` repairs that).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import struct
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from ..errors import (
    CacheClosedError,
    CacheError,
    MissingExtraError,
    StoreTimeoutError,
    StoreUnavailableError,
    StoreWriteError,
)
from ..keys import encode_parts
from .breaker import CircuitBreaker
from .protocol import TABLES, Changes, Item, NamespaceInfo, check_table

try:
    import redis as _redis
    from redis.backoff import NoBackoff
    from redis.exceptions import (
        BusyLoadingError,
        ResponseError,
    )
    from redis.exceptions import (
        ConnectionError as RedisConnectionError,
    )
    from redis.exceptions import (
        TimeoutError as RedisTimeoutError,
    )
    from redis.retry import Retry
except ImportError:  # pragma: no cover - exercised only without the extra
    _redis = None  # type: ignore[assignment]

__all__ = ["RedisStore"]

log = logging.getLogger(__name__)

_T = TypeVar("_T")
_HEAD = struct.Struct("<Bd")  # format byte, expires_at (inf = never)
_FORMAT = 1
_INF = math.inf
_CHUNK = 4000  # arguments per command inside scripts (Lua's unpack limit is ~8000)
_TOUCH_FLUSH_EVERY = 1.0  # seconds between piggy-backed LRU flushes on reads
_TOUCH_FLUSH_AT = 20_000

# All scripts: KEYS = m, s, l, x, c, registry; record keys are computed as
# ARGV-given base .. gen .. ":" .. key (single-primary only, see module docstring).
_LUA_COMMON = r"""
local m, s, l, x, c, reg = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]

local function chunked(cmd, key, list, step)
  local i = 1
  while i <= #list do
    local j = math.min(i + step - 1, #list)
    redis.call(cmd, key, unpack(list, i, j))
    i = j + 1
  end
end

local function chunked_read(cmd, key, list)
  local out = {}
  local i = 1
  while i <= #list do
    local j = math.min(i + 3999, #list)
    local part = redis.call(cmd, key, unpack(list, i, j))
    for k = 1, #part do out[#out + 1] = part[k] end
    i = j + 1
  end
  return out
end

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

-- remove the given members (known to be in s); returns count, byte total
local function remove_members(base, members, sizes)
  local gen = gen_of()
  local total = 0
  local rkeys = {}
  for i = 1, #members do
    total = total + tonumber(sizes[i])
    rkeys[i] = base .. gen .. ':' .. members[i]
  end
  local i = 1
  while i <= #rkeys do
    local j = math.min(i + 3999, #rkeys)
    redis.call('UNLINK', unpack(rkeys, i, j))
    i = j + 1
  end
  chunked('HDEL', s, members, 4000)
  chunked('ZREM', l, members, 4000)
  chunked('ZREM', x, members, 4000)
  return #members, total
end
"""

# ARGV: base, now, logged, retention, nsname, n, then n x (member, value, expires_at|'', px|'')
_LUA_PUT = (
    "#!lua\n"
    + _LUA_COMMON
    + r"""
local base, now, logged, retention, nsname = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local n = tonumber(ARGV[6])
local members = {}
for i = 1, n do members[i] = ARGV[6 + 4 * (i - 1) + 1] end
local olds = chunked_read('HMGET', s, members)
local gen = gen_of()
local added, delta = 0, 0
local sizes, lru, exps, noexp = {}, {}, {}, {}
for i = 1, n do
  local o = 6 + 4 * (i - 1)
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
  sizes[#sizes + 1] = member
  sizes[#sizes + 1] = size
  lru[#lru + 1] = now
  lru[#lru + 1] = member
end
chunked('HSET', s, sizes, 4000)
chunked('ZADD', l, lru, 4000)
if #exps > 0 then chunked('ZADD', x, exps, 4000) end
if #noexp > 0 then chunked('ZREM', x, noexp, 4000) end
redis.call('HINCRBY', m, 'entries', added)
redis.call('HINCRBY', m, 'bytes', delta)
redis.call('SADD', reg, nsname)
return version_bump(logged, retention, 'put', table.concat(members))
"""
)

# ARGV: base, now, logged, retention, nsname, n, then n x (member, value, expires_at|'', px|'')
# Inserts each item whose key is absent or expired (a repeated key: the first wins);
# returns a 0/1 per item. All reads happen before the first write.
_LUA_ADD = (
    "#!lua\n"
    + _LUA_COMMON
    + r"""
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
  local j = math.min(i + 3999, n)
  local part = redis.call('MGET', unpack(rkeys, i, j))
  for k = 1, #part do cur[i + k - 1] = part[k] end
  i = j + 1
end
local olds = chunked_read('HMGET', s, members)
local tnow = tonumber(now)
local won, seen, winners = {}, {}, {}
for i = 1, n do
  local live = false
  local c = cur[i]
  if c then
    if string.len(c) < 9 or string.byte(c, 1) ~= 1 then
      live = true
    else
      live = struct.unpack('<d', c, 2) > tnow
    end
  end
  if live or seen[members[i]] then
    won[i] = 0
  else
    won[i] = 1
    seen[members[i]] = true
    winners[#winners + 1] = i
  end
end
if #winners == 0 then return won end
local added, delta = 0, 0
for _, i in ipairs(winners) do
  local o = 6 + 4 * (i - 1)
  local member, value, exp, px = ARGV[o + 1], ARGV[o + 2], ARGV[o + 3], ARGV[o + 4]
  local size = string.len(value) - 9
  if olds[i] then
    delta = delta + size - tonumber(olds[i])
  else
    added = added + 1
    delta = delta + size
  end
  if px ~= '' then
    redis.call('SET', rkeys[i], value, 'PX', px)
    redis.call('ZADD', x, exp, member)
  else
    redis.call('SET', rkeys[i], value)
    redis.call('ZREM', x, member)
  end
  redis.call('HSET', s, member, size)
  redis.call('ZADD', l, now, member)
end
redis.call('HINCRBY', m, 'entries', added)
redis.call('HINCRBY', m, 'bytes', delta)
redis.call('SADD', reg, nsname)
local keys = {}
for _, i in ipairs(winners) do keys[#keys + 1] = members[i] end
version_bump(logged, retention, 'put', table.concat(keys))
return won
"""
)

# ARGV: base, kind (delete|evict|expire), logged, retention, members...
# Removes the members that exist; returns them.
_LUA_REMOVE = (
    "#!lua\n"
    + _LUA_COMMON
    + r"""
local base, kind, logged, retention = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local asked = {}
for i = 5, #ARGV do asked[#asked + 1] = ARGV[i] end
if #asked == 0 then return {} end
local sizes = chunked_read('HMGET', s, asked)
local members, msizes = {}, {}
for i = 1, #asked do
  if sizes[i] then members[#members + 1] = asked[i]; msizes[#msizes + 1] = sizes[i] end
end
if #members == 0 then return {} end
local n, total = remove_members(base, members, msizes)
redis.call('HINCRBY', m, 'entries', 0 - n)
redis.call('HINCRBY', m, 'bytes', 0 - total)  -- never -0: Redis rejects it
if kind == 'evict' then redis.call('HINCRBY', m, 'evictions', n) end
if kind == 'expire' then redis.call('HINCRBY', m, 'expirations', n) end
version_bump(logged, retention, 'delete', table.concat(members))
return members
"""
)

# ARGV: base, now, limit (-1 = all), logged, retention
_LUA_PURGE = (
    "#!lua\n"
    + _LUA_COMMON
    + r"""
local base, now, limit, logged, retention = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local members = redis.call('ZRANGEBYSCORE', x, '-inf', now, 'LIMIT', 0, limit)
if #members == 0 then return {} end
local sizes = chunked_read('HMGET', s, members)
local live, lsizes, stray = {}, {}, {}
for i = 1, #members do
  if sizes[i] then live[#live + 1] = members[i]; lsizes[#lsizes + 1] = sizes[i]
  else stray[#stray + 1] = members[i] end
end
if #stray > 0 then chunked('ZREM', x, stray, 4000) end
if #live == 0 then return {} end
local n, total = remove_members(base, live, lsizes)
redis.call('HINCRBY', m, 'entries', 0 - n)
redis.call('HINCRBY', m, 'bytes', 0 - total)  -- never -0: Redis rejects it
redis.call('HINCRBY', m, 'expirations', n)
version_bump(logged, retention, 'delete', table.concat(live))
return live
"""
)

# ARGV: base, max_entries|'', max_bytes|'', logged, retention
_LUA_EVICT = (
    "#!lua\n"
    + _LUA_COMMON
    + r"""
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
local n, total = remove_members(base, victims, vsizes)
redis.call('HINCRBY', m, 'entries', 0 - n)
redis.call('HINCRBY', m, 'bytes', 0 - total)  -- never -0: Redis rejects it
redis.call('HINCRBY', m, 'evictions', n)
version_bump(logged, retention, 'delete', table.concat(victims))
return victims
"""
)

# ARGV: logged, retention.  Returns {removed entries, old generation} or {-1} if absent.
_LUA_CLEAR = (
    "#!lua\n"
    + _LUA_COMMON
    + r"""
local logged, retention = ARGV[1], ARGV[2]
if redis.call('EXISTS', m) == 0 then return {-1, '0'} end
local removed = tonumber(redis.call('HGET', m, 'entries') or '0')
local old = gen_of()
redis.call('UNLINK', s, l, x)
redis.call('HSET', m, 'entries', 0, 'bytes', 0)
redis.call('HINCRBY', m, 'gen', 1)
version_bump(logged, retention, 'clear', '')
return {removed, old}
"""
)

_SCRIPTS = {
    "put": _LUA_PUT,
    "add": _LUA_ADD,
    "remove": _LUA_REMOVE,
    "purge": _LUA_PURGE,
    "evict": _LUA_EVICT,
    "clear": _LUA_CLEAR,
}

_INFO_FIELDS = ("entries", "bytes", "version", "evictions", "expirations")


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[-1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def _num(x: float) -> str:
    return repr(float(x))


_FOREVER = _HEAD.pack(_FORMAT, _INF)


def _live(raw: bytes, now: float) -> bytes | None:
    """The value of a stored string unless it expired at ``now``."""
    value, exp = _split_record(raw)
    return None if exp is not None and exp <= now else value


def _split_record(raw: bytes) -> tuple[bytes, float | None]:
    """(value, expires_at) of a stored string; foreign bytes are returned whole."""
    if len(raw) >= 9 and raw[0] == _FORMAT:
        exp = _HEAD.unpack_from(raw)[1]
        return raw[9:], (None if exp == _INF else exp)
    return raw, None


class RedisStore:
    """Records in a Redis server (6.2+; 7.x recommended), shared by processes and machines.

    Args:
        url: ``redis://[user:password@]host:port/db`` or ``rediss://`` (TLS) or
            ``unix:///path/to/socket``.
        prefix: first part of every key, so several stores can share one database.
        socket_timeout: seconds a command may take before ``StoreTimeoutError``.
        connect_timeout: seconds a TCP connect may take.
        expiry_grace: seconds added to the Redis-side expiry of records with a TTL, so a
            small clock difference between the cache and the server never drops a record
            early; the logical expiry is always checked on read.
        changelog_retention: change-log entries (one per version) kept per namespace.
        breaker: circuit breaker settings (``CircuitBreaker`` keyword arguments).

    Raises:
        MissingExtraError: ``redis`` is not installed (``pip install 'nearcache[redis]'``).

    >>> store = RedisStore("redis://127.0.0.1:6379/0")  # doctest: +SKIP
    """

    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379/0",
        *,
        prefix: str = "nearcache",
        socket_timeout: float = 5.0,
        connect_timeout: float = 2.0,
        expiry_grace: float = 1.0,
        changelog_retention: int = 10_000,
        breaker: dict[str, Any] | None = None,
        client: Any = None,
    ) -> None:
        if _redis is None:
            raise MissingExtraError("redis", "redis", "RedisStore")
        if not isinstance(prefix, str) or not prefix:
            raise ValueError("prefix must be a non-empty str")
        if expiry_grace < 0:
            raise ValueError("expiry_grace must be >= 0")
        self.url = _redact(url)
        self.prefix = prefix
        self.expiry_grace = float(expiry_grace)
        self.retention = int(changelog_retention)
        self._client: Any = client or _redis.Redis.from_url(
            url,
            socket_timeout=socket_timeout,
            socket_connect_timeout=connect_timeout,
            retry=Retry(NoBackoff(), 0),
            health_check_interval=0,
        )
        self._breaker = CircuitBreaker(f"Redis store {self.url}", **(breaker or {}))
        self._scripts = {name: self._client.register_script(src) for name, src in _SCRIPTS.items()}
        self._lock = threading.Lock()
        self._gens: dict[bytes, bytes] = {}
        self._touches: dict[tuple[str, str], dict[str, float]] = {}
        self._touch_count = 0
        self._last_flush = time.monotonic()
        self._closed = False
        self._meta_key = f"{prefix}:meta".encode()

    # -- keys -----------------------------------------------------------------------

    def _base(self, table: str, namespace: str) -> bytes:
        return f"{self.prefix}:{encode_parts(table, namespace)}".encode()

    def _keys(self, table: str, namespace: str) -> list[bytes]:
        b = self._base(table, namespace)
        return [
            b + b":m",
            b + b":s",
            b + b":l",
            b + b":x",
            b + b":c",
            f"{self.prefix}:ns:{table}".encode(),
        ]

    def record_key(self, table: str, namespace: str, key: str, gen: int = 0) -> bytes:
        """The Redis key holding a record (for debugging and for tests that plant data)."""
        return self._base(table, namespace) + b":r" + str(gen).encode() + b":" + key.encode()

    # -- plumbing -------------------------------------------------------------------

    @staticmethod
    def _is_outage(exc: BaseException) -> bool:
        return isinstance(exc, (RedisConnectionError, RedisTimeoutError, OSError))

    def _call(self, fn: Callable[[], _T]) -> _T:
        if self._closed:
            raise CacheClosedError(f"store {self.url} is closed")
        try:
            return self._breaker.call(fn, is_outage=self._is_outage)
        except StoreUnavailableError:
            raise
        except BusyLoadingError as exc:
            raise StoreUnavailableError(f"{self.url} is loading its data: {exc}") from None
        except RedisTimeoutError as exc:
            raise StoreTimeoutError(f"{self.url} timed out: {exc}") from None
        except (RedisConnectionError, OSError) as exc:
            raise StoreUnavailableError(f"{self.url} is unreachable: {exc}") from None
        except ResponseError as exc:
            text = str(exc)
            if "OOM" in text or "READONLY" in text or "MISCONF" in text:
                raise StoreWriteError(f"{self.url} refused the write: {text}") from None
            if "BUSY" in text or "LOADING" in text:
                raise StoreUnavailableError(f"{self.url} is busy: {text}") from None
            raise CacheError(f"{self.url}: {text}") from None

    def _run(self, name: str, table: str, namespace: str, args: Sequence[Any]) -> Any:
        script = self._scripts[name]
        keys = self._keys(table, namespace)
        return self._call(lambda: script(keys=keys, args=args))

    def _expiry_args(self, item: Item, now: float) -> tuple[str, str]:
        if item.expires_at is None:
            return "", ""
        ms = math.ceil((item.expires_at - now + self.expiry_grace) * 1000)
        return _num(item.expires_at), str(max(1, ms))

    @staticmethod
    def _pack(item: Item) -> bytes:
        if not isinstance(item.value, (bytes, bytearray, memoryview)):
            raise TypeError(f"record values must be bytes, not {type(item.value).__name__}")
        exp = _INF if item.expires_at is None else float(item.expires_at)
        return _HEAD.pack(_FORMAT, exp) + bytes(item.value)

    @staticmethod
    def _check_key(key: str) -> str:
        if not isinstance(key, str) or len(key) != 64:
            raise ValueError(f"record keys must be 64 hex characters, not {key!r:.80}")
        bytes.fromhex(key)
        return key

    def _logged(self, table: str) -> str:
        return "1" if TABLES[table].log else "0"

    # -- LRU touches ----------------------------------------------------------------

    def _note_touches(self, table: str, namespace: str, keys: Sequence[str], now: float) -> None:
        with self._lock:
            pending = self._touches.setdefault((table, namespace), {})
            for k in keys:
                pending[k] = now
            self._touch_count += len(keys)

    def _take_touches(self) -> dict[tuple[str, str], dict[str, float]]:
        with self._lock:
            pending, self._touches = self._touches, {}
            self._touch_count = 0
            self._last_flush = time.monotonic()
        return pending

    def _queue_touches(self, pipe: Any, pending: dict[tuple[str, str], dict[str, float]]) -> None:
        for (table, namespace), touches in pending.items():
            lru = self._base(table, namespace) + b":l"
            items = list(touches.items())
            for i in range(0, len(items), _CHUNK):
                mapping = {k: at for k, at in items[i : i + _CHUNK]}
                pipe.zadd(lru, mapping, xx=True, gt=True)

    def _flush_touches(self) -> None:
        pending = self._take_touches()
        if not pending:
            return

        def run() -> None:
            pipe = self._client.pipeline(transaction=False)
            self._queue_touches(pipe, pending)
            pipe.execute()

        try:
            self._call(run)
        except StoreUnavailableError:
            log.debug("dropped %d LRU touches during an outage", sum(map(len, pending.values())))

    def _read_records(
        self,
        base: bytes,
        keys: Sequence[str],
        touches: dict[tuple[str, str], dict[str, float]] | None = None,
    ) -> list[bytes | None]:
        """Raw stored strings for ``keys`` of the namespace's current generation.

        One round trip: ``MULTI; HGET gen; MGET; [ZADD touches]; EXEC``. The generation is
        cached; if a ``clear`` elsewhere moved it on, the read is repeated once.
        """
        m_key = base + b":m"

        def read(gen: bytes, touches: Any) -> tuple[bytes, list[bytes | None]]:
            prefix = base + b":r" + gen + b":"
            pipe = self._client.pipeline(transaction=True)
            pipe.hget(m_key, "gen")
            pipe.mget([prefix + k.encode() for k in keys])
            if touches:
                self._queue_touches(pipe, touches)
            res = pipe.execute()
            return (res[0] or b"0"), res[1]

        gen = self._gens.get(base, b"0")
        cur, raw = self._call(lambda: read(gen, touches))
        if cur != gen:  # the namespace was cleared since this process last looked
            gen = cur
            cur, raw = self._call(lambda: read(gen, None))
            self._gens[base] = cur
        return raw

    # -- Store protocol -------------------------------------------------------------

    def get_many(
        self, table: str, namespace: str, keys: Sequence[str], *, now: float, touch: bool = True
    ) -> list[bytes | None]:
        check_table(table)
        if not keys:
            return []
        base = self._base(table, namespace)
        flush = self._touch_count > _TOUCH_FLUSH_AT or (
            bool(self._touches) and time.monotonic() - self._last_flush > _TOUCH_FLUSH_EVERY
        )
        raw = self._read_records(base, keys, self._take_touches() if flush else None)
        # Hot path: records without a TTL share one 9-byte header, so most values are a
        # prefix compare and a slice (a per-record struct unpack costs ~1.5 ms per 1,000).
        forever = _FOREVER
        out: list[bytes | None] = [
            None if b is None else (b[9:] if b[:9] == forever else _live(b, now)) for b in raw
        ]
        if touch:
            hits = [k for k, v in zip(keys, out) if v is not None]
            if hits:
                self._note_touches(table, namespace, hits, now)
        return out

    def put_many(self, table: str, namespace: str, items: Sequence[Item], *, now: float) -> int:
        check_table(table)
        unique = list({self._check_key(it.key): it for it in items}.values())
        args: list[Any] = [
            self._base(table, namespace) + b":r",
            _num(now),
            self._logged(table),
            self.retention,
            namespace.encode(),
            len(unique),
        ]
        for it in unique:
            exp, px = self._expiry_args(it, now)
            args.extend((it.key, self._pack(it), exp, px))
        self._flush_touches()
        return int(self._run("put", table, namespace, args))

    def add(self, table: str, namespace: str, item: Item, *, now: float) -> bool:
        return self.add_many(table, namespace, [item], now=now)[0]

    def add_many(
        self, table: str, namespace: str, items: Sequence[Item], *, now: float
    ) -> list[bool]:
        """Insert each item whose key is absent or expired, atomically in one script."""
        check_table(table)
        if not items:
            return []
        args: list[Any] = [
            self._base(table, namespace) + b":r",
            _num(now),
            self._logged(table),
            self.retention,
            namespace.encode(),
            len(items),
        ]
        for it in items:
            self._check_key(it.key)
            exp, px = self._expiry_args(it, now)
            args.extend((it.key, self._pack(it), exp, px))
        return [bool(w) for w in self._run("add", table, namespace, args)]

    def _remove(self, table: str, namespace: str, keys: Sequence[str], kind: str) -> list[str]:
        args = [
            self._base(table, namespace) + b":r",
            kind,
            self._logged(table),
            self.retention,
            *keys,
        ]
        return [k.decode() for k in self._run("remove", table, namespace, args)]

    def delete_many(self, table: str, namespace: str, keys: Sequence[str]) -> int:
        check_table(table)
        if not keys:
            return 0
        return len(self._remove(table, namespace, list(dict.fromkeys(keys)), "delete"))

    def _names(self, table: str) -> list[str]:
        reg = f"{self.prefix}:ns:{table}".encode()
        return sorted(n.decode() for n in self._call(lambda: self._client.smembers(reg)))

    def clear(self, table: str, namespace: str | None = None) -> int:
        check_table(table)
        names = [namespace] if namespace is not None else self._names(table)
        removed = 0
        for name in names:
            args = [self._logged(table), self.retention]
            got, old = self._run("clear", table, name, args)
            if int(got) < 0:
                continue
            removed += int(got)
            base = self._base(table, name)
            self._gens[base] = str(int(old) + 1).encode()
            if int(got) > 0:
                self._sweep(base)
        return removed

    def _sweep(self, base: bytes) -> int:
        """Unlink records of older generations of a namespace (SCAN + batched UNLINK)."""
        m_key = base + b":m"
        pattern = _glob_escape(base + b":r") + b"*"
        head = len(base) + 2

        def run() -> int:
            current = int(self._client.hget(m_key, "gen") or b"0")
            gone = 0
            batch: list[bytes] = []
            for key in self._client.scan_iter(match=pattern, count=1000):
                gen, sep, _ = key[head:].partition(b":")
                if sep and gen.isdigit() and int(gen) < current:
                    batch.append(key)
                if len(batch) >= 500:
                    gone += int(self._client.unlink(*batch))
                    batch = []
            if batch:
                gone += int(self._client.unlink(*batch))
            return gone

        try:
            return self._call(run)
        except StoreUnavailableError:
            log.warning("could not sweep cleared records under %r; check(fix=True) will", base)
            return 0

    def purge_expired(
        self, table: str, namespace: str | None = None, *, now: float, limit: int | None = None
    ) -> list[tuple[str, str]]:
        check_table(table)
        names = [namespace] if namespace is not None else self._names(table)
        gone: list[tuple[str, str]] = []
        for name in names:
            left = -1 if limit is None else limit - len(gone)
            if limit is not None and left <= 0:
                break
            args = [
                self._base(table, name) + b":r",
                _num(now),
                left,
                self._logged(table),
                self.retention,
            ]
            gone.extend((name, k.decode()) for k in self._run("purge", table, name, args))
        return gone

    def evict(
        self,
        table: str,
        namespace: str | None = None,
        *,
        max_entries: int | None = None,
        max_bytes: int | None = None,
    ) -> list[tuple[str, str]]:
        check_table(table)
        if max_entries is None and max_bytes is None:
            return []
        if namespace is not None:
            info = self.info(table, namespace)
            if not _over(info.entries, info.bytes, max_entries, max_bytes):
                return []
            self._flush_touches()
            args = [
                self._base(table, namespace) + b":r",
                "" if max_entries is None else max_entries,
                "" if max_bytes is None else max_bytes,
                self._logged(table),
                self.retention,
            ]
            return [(namespace, k.decode()) for k in self._run("evict", table, namespace, args)]
        return self._evict_global(table, max_entries, max_bytes)

    def _evict_global(
        self, table: str, max_entries: int | None, max_bytes: int | None
    ) -> list[tuple[str, str]]:
        """LRU across the namespaces of a table: merge each namespace's oldest members."""
        names = self._names(table)
        per = self._infos(table, names)
        entries = sum(i.entries for i in per.values())
        size = sum(i.bytes for i in per.values())
        if not _over(entries, size, max_entries, max_bytes):
            return []
        self._flush_touches()
        gone: list[tuple[str, str]] = []
        want = 64
        while _over(entries, size, max_entries, max_bytes):
            if max_entries is not None:
                want = max(want, entries - max_entries)

            def candidates(want: int = want) -> list[Any]:
                pipe = self._client.pipeline(transaction=False)
                for name in names:
                    pipe.zrange(self._base(table, name) + b":l", 0, want - 1, withscores=True)
                return list(pipe.execute())

            merged = sorted(
                (score, name, member.decode())
                for name, found in zip(names, self._call(candidates))
                for member, score in found
            )
            if not merged:
                break

            def sizes(merged: list[Any] = merged) -> list[Any]:
                pipe = self._client.pipeline(transaction=False)
                for _, name, member in merged:
                    pipe.hget(self._base(table, name) + b":s", member)
                return list(pipe.execute())

            picked: dict[str, list[str]] = {}
            for (_, name, member), sz in zip(merged, self._call(sizes)):
                if not _over(entries, size, max_entries, max_bytes):
                    break
                if sz is None:
                    continue
                picked.setdefault(name, []).append(member)
                entries -= 1
                size -= int(sz)
            removed_any = False
            for name, members in picked.items():
                done = self._remove(table, name, members, "evict")
                removed_any = removed_any or bool(done)
                gone.extend((name, k) for k in done)
            if not removed_any:
                break
            want *= 2
            per = self._infos(table, names)
            entries = sum(i.entries for i in per.values())
            size = sum(i.bytes for i in per.values())
        return gone

    def namespaces(self, table: str) -> list[str]:
        check_table(table)
        names = self._names(table)
        infos = self._infos(table, names)
        return [n for n in names if infos[n].entries > 0]

    def _infos(self, table: str, names: Sequence[str]) -> dict[str, NamespaceInfo]:
        if not names:
            return {}

        def run() -> list[Any]:
            pipe = self._client.pipeline(transaction=False)
            for name in names:
                pipe.hmget(self._base(table, name) + b":m", _INFO_FIELDS)
            return list(pipe.execute())

        return {
            name: NamespaceInfo(*(int(v or 0) for v in row))
            for name, row in zip(names, self._call(run))
        }

    def info(self, table: str, namespace: str | None = None) -> NamespaceInfo:
        check_table(table)
        names = [namespace] if namespace is not None else self._names(table)
        infos = list(self._infos(table, names).values())
        return NamespaceInfo(
            entries=sum(i.entries for i in infos),
            bytes=sum(i.bytes for i in infos),
            version=sum(i.version for i in infos),
            evictions=sum(i.evictions for i in infos),
            expirations=sum(i.expirations for i in infos),
        )

    def scan(self, table: str, namespace: str, *, batch_size: int = 1000) -> Iterator[list[Item]]:
        check_table(table)
        base = self._base(table, namespace)
        s_key = base + b":s"
        cursor = 0
        seen: set[bytes] = set()
        while True:
            cursor, fields = self._call(
                functools.partial(self._client.hscan, s_key, cursor, count=batch_size)
            )
            members = [f for f in fields if f not in seen]
            seen.update(members)
            if members:
                blobs = self._read_records(base, [m.decode() for m in members])
                batch = []
                for member, blob in zip(members, blobs):
                    if blob is None:
                        continue
                    value, exp = _split_record(blob)
                    batch.append(Item(member.decode(), value, exp))
                if batch:
                    yield batch
            if int(cursor) == 0:
                return

    def changes(self, table: str, namespace: str, since: int) -> Changes:
        check_table(table)
        if not TABLES[table].log:
            raise ValueError(f"table {table!r} keeps no change log")
        base = self._base(table, namespace)

        def run() -> list[Any]:
            pipe = self._client.pipeline(transaction=True)
            pipe.hmget(base + b":m", ("version", "base"))
            pipe.xrange(base + b":c", min=f"{since + 1}-0")
            return list(pipe.execute())

        (version_raw, base_raw), entries = self._call(run)
        if version_raw is None:
            return Changes(since, [])
        version = int(version_raw)
        first = int(base_raw or 0)
        if version <= since:
            return Changes(version, [] if version == since else None)
        if since != 0 and since < first:
            return Changes(version, None)  # a version from before a server wipe
        expect = max(since, first) + 1
        events: list[tuple[str, str]] = []
        for i, (entry_id, fields) in enumerate(entries):
            v = int(entry_id.split(b"-", 1)[0])
            if i == 0 and v != expect:
                return Changes(version, None)
            if v > version:
                break
            op = fields[b"op"].decode()
            keys = fields[b"k"]
            if op == "clear":
                events.append(("clear", ""))
            else:
                events.extend((op, keys[j : j + 64].decode()) for j in range(0, len(keys), 64))
        if not entries:
            return Changes(version, None)
        return Changes(version, events)

    def get_meta(self, key: str) -> str | None:
        raw = self._call(lambda: self._client.hget(self._meta_key, key))
        return None if raw is None else bytes(raw).decode()

    def set_meta(self, key: str, value: str) -> None:
        self._call(lambda: self._client.hset(self._meta_key, key, value))

    def check(self, fix: bool = False) -> list[str]:
        """Recount every namespace: counters vs the size index, LRU/expiry indexes vs the
        size index, records present and well-formed, no records of old generations."""
        self._flush_touches()
        problems: list[str] = []
        for table in TABLES:
            for name in self._names(table):
                problems.extend(self._check_ns(table, name, fix))
        return problems

    def _check_ns(self, table: str, name: str, fix: bool) -> list[str]:
        base = self._base(table, name)
        where = f"{table}/{name}"

        def load() -> list[Any]:
            pipe = self._client.pipeline(transaction=True)
            pipe.hgetall(base + b":m")
            pipe.hgetall(base + b":s")
            pipe.zrange(base + b":l", 0, -1)
            pipe.zrange(base + b":x", 0, -1)
            return list(pipe.execute())

        meta, sizes, lru, exp = self._call(load)
        gen = meta.get(b"gen", b"0")
        problems: list[str] = []
        members = list(sizes)
        blobs: list[Any] = []
        for i in range(0, len(members), 1000):
            chunk = members[i : i + 1000]
            blobs.extend(
                self._call(
                    functools.partial(
                        self._client.mget, [base + b":r" + gen + b":" + k for k in chunk]
                    )
                )
            )
        exp_set = set(exp)
        drop: list[bytes] = []
        for member, blob in zip(members, blobs):
            if blob is None:
                if member not in exp_set:  # TTL'd records may be gone before the sweep
                    problems.append(f"{where}: record {member[:12]!r} is missing")
                    drop.append(member)
                continue
            if len(blob) < 9 or blob[0] != _FORMAT:
                problems.append(f"{where}: record {member[:12]!r} has a foreign header")
                drop.append(member)
            elif len(blob) - 9 != int(sizes[member]):
                problems.append(f"{where}: record {member[:12]!r} size index is wrong")
                if fix:
                    self._call(
                        functools.partial(self._client.hset, base + b":s", member, len(blob) - 9)
                    )
                    sizes[member] = str(len(blob) - 9).encode()
        if set(lru) != set(sizes):
            problems.append(f"{where}: LRU index differs from the size index")
        if not exp_set <= set(sizes):
            problems.append(f"{where}: expiry index names unknown records")
        if fix and drop:
            self._remove(table, name, [d.decode() for d in drop], "delete")
        if fix and (set(lru) != set(sizes) or not exp_set <= set(sizes)):
            self._repair_indexes(base)
        entries = len(sizes) - (len(drop) if fix else 0)
        total = sum(int(v) for k, v in sizes.items() if not (fix and k in drop))
        if (int(meta.get(b"entries", 0)), int(meta.get(b"bytes", 0))) != (entries, total):
            if not fix or not drop:
                problems.append(
                    f"{where}: counters say {int(meta.get(b'entries', 0))} entries/"
                    f"{int(meta.get(b'bytes', 0))} bytes, recount {entries}/{total}"
                )
            if fix:
                self._call(
                    lambda: self._client.hset(
                        base + b":m", mapping={"entries": entries, "bytes": total}
                    )
                )
        stale = self._count_stale(base, int(gen))
        if stale:
            problems.append(f"{where}: {stale} records of cleared generations not yet unlinked")
            if fix:
                self._sweep(base)
        return problems

    def _repair_indexes(self, base: bytes) -> None:
        def run() -> None:
            sizes = self._client.hkeys(base + b":s")
            lru = set(self._client.zrange(base + b":l", 0, -1))
            exp = set(self._client.zrange(base + b":x", 0, -1))
            pipe = self._client.pipeline(transaction=True)
            extra_lru = lru - set(sizes)
            if extra_lru:
                pipe.zrem(base + b":l", *extra_lru)
            missing = set(sizes) - lru
            if missing:
                pipe.zadd(base + b":l", dict.fromkeys(missing, 0))
            extra_exp = exp - set(sizes)
            if extra_exp:
                pipe.zrem(base + b":x", *extra_exp)
            pipe.execute()

        self._call(run)

    def _count_stale(self, base: bytes, current: int) -> int:
        pattern = _glob_escape(base + b":r") + b"*"
        head = len(base) + 2

        def run() -> int:
            n = 0
            for key in self._client.scan_iter(match=pattern, count=1000):
                g, sep, _ = key[head:].partition(b":")
                if sep and g.isdigit() and int(g) < current:
                    n += 1
            return n

        return self._call(run)

    def ping(self) -> bool:
        """True if the server answers now (ignores the circuit breaker)."""
        try:
            return bool(self._client.ping())
        except Exception:
            return False

    @property
    def breaker(self) -> CircuitBreaker:
        return self._breaker

    def close(self) -> None:
        if self._closed:
            return
        with contextlib.suppress(CacheError):
            self._flush_touches()
        self._closed = True
        with contextlib.suppress(Exception):
            self._client.close()

    def __repr__(self) -> str:
        return f"RedisStore({self.url!r}, prefix={self.prefix!r})"


def _over(entries: int, size: int, max_entries: int | None, max_bytes: int | None) -> bool:
    return (max_entries is not None and entries > max_entries) or (
        max_bytes is not None and size > max_bytes
    )


def _glob_escape(raw: bytes) -> bytes:
    out = bytearray()
    for ch in raw:
        if ch in b"*?[]\\":
            out.append(0x5C)
        out.append(ch)
    return bytes(out)
