"""Client-side caching: the local cache and the invalidation bookkeeping.

``open_client(..., cache=CacheConfig())`` turns it on. The server is told to
track what the client reads (``CLIENT TRACKING``) and to say when it changes;
this module holds the values and forgets them when told. It does no I/O: the
client (:mod:`client.core`) feeds it reads, replies and invalidations.

How it works:

- Only a fixed list of single-key read commands is cached (``CACHEABLE``); the
  cache holds, per Redis key, the raw replies of those commands by their exact
  arguments, at most ``max_keys`` keys (least recently used evicted first),
  each for at most ``ttl`` seconds when one is set.
- An invalidation for a key drops every entry of that key; an invalidation with
  no key (the server's FLUSHALL, or a lost connection) drops everything.
- The race the Redis client-side-caching docs describe -- an invalidation that
  arrives before the reply it invalidates -- is handled with in-flight tokens:
  :meth:`ClientCache.begin` registers the read before it is sent, an
  invalidation of the key (or a flush) withdraws the token, and
  :meth:`ClientCache.finish` stores the reply only if its token is still there.
- Writes this client makes drop the written keys locally at once
  (:meth:`invalidate`), so a client reads its own writes even before the
  server's invalidation has been read.
- With ``bcast_prefixes`` the server is asked for broadcast tracking of those
  prefixes, and only keys under them are cached.
"""

from __future__ import annotations

import collections
from typing import Any, Hashable

import attrs

__all__ = ["CACHEABLE", "CacheConfig", "CacheStatistics", "ClientCache", "key_bytes"]

# Single-key, deterministic reads whose reply depends only on the key's value
# (not on time: TTL and friends are not here). The key is the first argument.
CACHEABLE = frozenset(
    name.encode() for name in (
        "GET", "GETRANGE", "STRLEN", "EXISTS", "TYPE",
        "HGET", "HGETALL", "HMGET", "HKEYS", "HVALS", "HLEN", "HEXISTS", "HSTRLEN",
        "LRANGE", "LLEN", "LINDEX",
        "SMEMBERS", "SISMEMBER", "SMISMEMBER", "SCARD",
        "ZRANGE", "ZSCORE", "ZMSCORE", "ZCARD", "ZRANK", "ZREVRANK", "ZCOUNT",
        "GETBIT", "BITCOUNT",
    )
)


@attrs.frozen
class CacheConfig:
    max_keys: int = 10000
    # Seconds an entry may be served without the server's word; None: until invalidated.
    ttl: float | None = None
    # Broadcast mode: track these key prefixes (and cache only keys under them).
    bcast_prefixes: tuple[Any, ...] | None = attrs.field(
        default=None, converter=lambda value: None if value is None else tuple(value)
    )

    def __attrs_post_init__(self) -> None:
        if self.max_keys < 1:
            raise ValueError("max_keys must be at least 1")

    def tracking_args(self, redirect: int | None = None) -> list[Any]:
        """The ``CLIENT TRACKING ON ...`` command this configuration asks for."""
        args: list[Any] = ["CLIENT", "TRACKING", "ON"]
        if redirect is not None:
            args += ["REDIRECT", redirect]
        if self.bcast_prefixes is not None:
            args.append("BCAST")
            for prefix in self.bcast_prefixes:
                args += ["PREFIX", prefix]
        return args


@attrs.frozen
class CacheStatistics:
    keys: int
    entries: int
    hits: int
    misses: int
    invalidations: int
    flushes: int
    evictions: int


def key_bytes(key: Any) -> bytes:
    """A key as the server names it in invalidations."""
    if isinstance(key, bytes):
        return key
    if isinstance(key, str):
        return key.encode()
    if isinstance(key, (bytearray, memoryview)):
        return bytes(key)
    if isinstance(key, (int, float)):
        return repr(key).encode()
    raise TypeError(f"cannot use {type(key).__name__} as a key")


@attrs.define(eq=False)
class ClientCache:
    config: CacheConfig
    # key -> {request arguments -> (raw reply, stored at)}; ordered for LRU.
    _entries: collections.OrderedDict[bytes, dict[Hashable, tuple[Any, float]]] = attrs.field(
        factory=collections.OrderedDict, init=False
    )
    # key -> the token of the newest read in flight.
    _in_flight: dict[bytes, object] = attrs.field(factory=dict, init=False)
    _prefixes: tuple[bytes, ...] | None = attrs.field(default=None, init=False)
    hits: int = attrs.field(default=0, init=False)
    misses: int = attrs.field(default=0, init=False)
    _invalidations: int = attrs.field(default=0, init=False)
    _flushes: int = attrs.field(default=0, init=False)
    _evictions: int = attrs.field(default=0, init=False)

    def __attrs_post_init__(self) -> None:
        if self.config.bcast_prefixes is not None:
            self._prefixes = tuple(key_bytes(prefix) for prefix in self.config.bcast_prefixes)

    @property
    def empty(self) -> bool:
        return not self._entries and not self._in_flight

    def statistics(self) -> CacheStatistics:
        return CacheStatistics(
            len(self._entries), sum(len(per_key) for per_key in self._entries.values()),
            self.hits, self.misses, self._invalidations, self._flushes, self._evictions,
        )

    def cache_key(self, args: tuple[Any, ...]) -> bytes | None:
        """The Redis key of a cacheable read, or None when ``args`` is not one."""
        if len(args) < 2:
            return None
        name = args[0]
        name = name.encode() if isinstance(name, str) else name
        if not isinstance(name, bytes) or name.upper() not in CACHEABLE:
            return None
        try:
            key = key_bytes(args[1])
        except TypeError:
            return None
        if self._prefixes is not None and not key.startswith(self._prefixes):
            return None
        return key

    def lookup(self, key: bytes, args: Hashable, now: float) -> tuple[bool, Any]:
        """``(True, raw reply)`` on a hit, ``(False, None)`` on a miss."""
        per_key = self._entries.get(key)
        if per_key is not None:
            entry = per_key.get(args)
            if entry is not None:
                ttl = self.config.ttl
                if ttl is None or now - entry[1] < ttl:
                    self._entries.move_to_end(key)
                    self.hits += 1
                    return True, entry[0]
                del per_key[args]
        self.misses += 1
        return False, None

    def begin(self, key: bytes) -> object:
        """Register a read of ``key`` about to be sent; returns its token."""
        token = object()
        self._in_flight[key] = token
        return token

    def finish(self, key: bytes, args: Hashable, token: object, reply: Any, now: float) -> None:
        """Store the reply of a read, unless the key was invalidated meanwhile."""
        if self._in_flight.get(key) is not token:
            return
        del self._in_flight[key]
        per_key = self._entries.get(key)
        if per_key is None:
            per_key = self._entries[key] = {}
            if len(self._entries) > self.config.max_keys:
                self._entries.popitem(last=False)
                self._evictions += 1
        else:
            self._entries.move_to_end(key)
        per_key[args] = (reply, now)

    def abandon(self, key: bytes, token: object) -> None:
        """A read that failed: stop waiting for its reply."""
        if self._in_flight.get(key) is token:
            del self._in_flight[key]

    def invalidate(self, keys: Any) -> None:
        """Drop ``keys`` (bytes from the server or any key from a local write);
        None drops everything."""
        if not isinstance(keys, (list, tuple, set)):
            self.flush()  # None: the server flushed (or RESP2's null array)
            return
        for key in keys:
            key = key_bytes(key)
            self._invalidations += 1
            self._entries.pop(key, None)
            self._in_flight.pop(key, None)

    def flush(self) -> None:
        self._flushes += 1
        self._entries.clear()
        self._in_flight.clear()

    def on_invalidation_message(self, items: list[Any]) -> bool:
        """Apply an ``invalidate`` push or a ``__redis__:invalidate`` message
        (as the reader returns them); False when ``items`` is neither."""
        if len(items) == 2 and _word(items[0]) == b"invalidate":
            self.invalidate(items[1])
            return True
        if len(items) == 3 and _word(items[0]) == b"message" and _word(items[1]) == b"__redis__:invalidate":
            self.invalidate(items[2])
            return True
        return False


def _word(value: Any) -> bytes | None:
    return bytes(value) if isinstance(value, (bytes, bytearray)) else None
