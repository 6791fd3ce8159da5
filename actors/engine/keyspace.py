"""The keyspace one shard owns: its databases, their expiry index, WATCH versions.

Rules:

* Values are stored as they are: ``bytes`` for an embstr/int string,
  ``bytearray`` for a string Redis would keep "raw" (grown by APPEND or
  SETRANGE), a value object from ``engine.types`` for the other types. No
  per-key wrapper objects, so a key costs one dict entry (plus one more in
  ``expires`` when it has a TTL).
* Every read goes through :meth:`Database.lookup`, which expires the key lazily
  against ``Keyspace.now_ms`` (set by the owner before each batch; the engine
  never reads a clock).
* Writers call :meth:`Database.touch` (through ``ExecContext.touch``) so WATCH
  sees the change. Only watched keys carry a version, so unwatched keys cost
  nothing.
* Active expiry samples keys with a TTL at random as Redis does: a
  :class:`KeySampler` (the keys with a TTL and each one's position) makes
  sampling O(1) without a million-item list for the cyclic GC to walk.
* Keyspace events that Redis raises below the commands are hooked here: a
  ``store`` that creates a key calls ``Keyspace.on_new`` ("new"), a ``lookup``
  that finds nothing calls ``Keyspace.on_miss`` ("keymiss"); the owner sets
  them only while the class is enabled. While maxmemory is set, ``touch`` also
  records the key in ``Keyspace.memory_dirty`` for the estimate (engine/eviction.py).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from actors.engine.scan import ScanSnapshots
from actors.engine.types.hash import FieldExpiryIndex

STRING_TYPES = (bytes, bytearray)


@attrs.define(eq=False, slots=True)
class ExpiryStats:
    expired_keys: int = 0
    expire_cycles: int = 0
    stale_perc: float = 0.0
    cut_short: bool = False  # the last active cycle stopped at its bound with expired keys left


@attrs.define(eq=False, slots=True)
class WatchEntry:
    version: int = 0
    watchers: int = 0


CHUNK = 32


class KeySampler:
    """A set of keys with O(1) add, discard and uniform random pick.

    Keys sit in positions 0..n-1 (``positions`` maps back); a discard moves
    the last key into the hole. The positions are stored in chunks of
    ``CHUNK`` keys: every chunk but the last is a tuple, and CPython's cyclic
    GC stops tracking a tuple of bytes, so a full collection walks n / CHUNK
    chunk pointers instead of n keys (a million-key list made every full
    collection about 15 ms longer). The last chunk is a list, so adds and
    the discard's pop stay O(1); filling a hole rebuilds one small tuple.
    """

    __slots__ = ("chunks", "positions")

    def __init__(self) -> None:
        self.chunks: list[Any] = []  # full tuples, then one non-empty list
        self.positions: dict[bytes, int] = {}

    def __len__(self) -> int:
        return len(self.positions)

    def __getitem__(self, index: int) -> bytes:
        return self.chunks[index // CHUNK][index % CHUNK]

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            yield from chunk

    def __contains__(self, key: object) -> bool:
        return key in self.positions

    def add(self, key: bytes) -> None:
        positions = self.positions
        if key in positions:
            return
        positions[key] = len(positions)
        chunks = self.chunks
        if chunks and len(chunks[-1]) < CHUNK:
            chunks[-1].append(key)
            return
        if chunks:
            chunks[-1] = tuple(chunks[-1])
        chunks.append([key])

    def discard(self, key: bytes) -> None:
        position = self.positions.pop(key, None)
        if position is None:
            return
        chunks = self.chunks
        tail = chunks[-1]
        last = tail.pop()
        if not tail:
            chunks.pop()
            if chunks:
                chunks[-1] = list(chunks[-1])
        if last != key:
            index, offset = divmod(position, CHUNK)
            chunk = chunks[index]
            if type(chunk) is list:
                chunk[offset] = last
            else:
                refill = list(chunk)
                refill[offset] = last
                chunks[index] = tuple(refill)
            self.positions[last] = position

    def random_key(self) -> bytes:
        return self[random.randrange(len(self.positions))]


@attrs.define(eq=False, slots=True)
class Database:
    """One numbered database of one shard."""

    index: int
    keyspace: Keyspace
    data: dict[bytes, Any] = attrs.field(factory=dict)
    expires: dict[bytes, int] = attrs.field(factory=dict)
    ttl_keys: KeySampler = attrs.field(factory=lambda: KeySampler())
    watched: dict[bytes, WatchEntry] = attrs.field(factory=dict)
    blocked: dict[bytes, Any] = attrs.field(factory=dict)  # key -> deque of BlockedClient
    access: dict[bytes, int] = attrs.field(factory=dict)  # key -> last access, unix seconds
    # hashes with field TTLs (Redis 7.4), for the active expiry cycle
    field_expiry: FieldExpiryIndex = attrs.field(factory=FieldExpiryIndex)

    # -- reads ------------------------------------------------------------
    def lookup(self, key: bytes) -> Any:
        """The live value of ``key`` or None; an expired key is deleted here."""
        value = self.data.get(key)
        if value is None:
            if self.keyspace.on_miss is not None:
                self.keyspace.on_miss(self.index, key)
            return None
        if self.expires:
            expire_at = self.expires.get(key)
            if expire_at is not None and expire_at <= self.keyspace.now_ms:
                self.expire_key(key)
                if self.keyspace.on_miss is not None:
                    self.keyspace.on_miss(self.index, key)
                return None
        return value

    def exists(self, key: bytes) -> bool:
        return self.lookup(key) is not None

    def get_expire(self, key: bytes) -> int | None:
        """Absolute expiry in unix ms of a live key, or None for no TTL."""
        return self.expires.get(key)

    def size(self) -> int:
        return len(self.data)

    def expires_count(self) -> int:
        return len(self.expires)

    def keys(self) -> Iterator[bytes]:
        """Live keys (expired ones are skipped, not deleted: iteration must not
        mutate)."""
        now = self.keyspace.now_ms
        expires = self.expires
        for key in self.data:
            expire_at = expires.get(key) if expires else None
            if expire_at is None or expire_at > now:
                yield key

    def random_key(self) -> bytes | None:
        """A random live key; expired picks are deleted and another is tried."""
        while self.data:
            key = random_dict_key(self.data)
            if self.lookup(key) is not None:
                return key
        return None

    # -- writes -----------------------------------------------------------
    def store(self, key: bytes, value: Any) -> None:
        """Set the value, keeping any TTL (callers clear it when the command says so)."""
        if self.keyspace.on_new is not None and not self.is_alive(key):
            self.keyspace.on_new(self.index, key)
        self.data[key] = value

    def store_new(self, key: bytes, value: Any) -> None:
        """Set the value and drop any TTL, as SET without KEEPTTL does."""
        if self.keyspace.on_new is not None and not self.is_alive(key):
            self.keyspace.on_new(self.index, key)
        self.data[key] = value
        if key in self.expires:
            self._forget_ttl(key)

    def delete(self, key: bytes) -> bool:
        existed = self.data.pop(key, None) is not None
        if key in self.expires:
            # Also for a TTL without a value, so the sampling index can never
            # keep a key that active expiry would pick forever.
            self._forget_ttl(key)
        return existed

    def set_expire(self, key: bytes, expire_at_ms: int) -> None:
        if key not in self.expires:
            self.ttl_keys.add(key)
        self.expires[key] = expire_at_ms

    def persist(self, key: bytes) -> bool:
        if key not in self.expires:
            return False
        self._forget_ttl(key)
        return True

    def expire_key(self, key: bytes) -> None:
        """Remove a key whose time has come (lazy or active expiry)."""
        self.delete(key)
        self.access.pop(key, None)  # else a key nobody asks for again stays here for good
        self.keyspace.expiry.expired_keys += 1
        self.keyspace.on_expired(self.index, key)

    def clear(self) -> None:
        self.touch_all_existing()
        self.data = {}
        self.expires = {}
        self.ttl_keys = KeySampler()
        self.field_expiry = FieldExpiryIndex()

    def _forget_ttl(self, key: bytes) -> None:
        del self.expires[key]
        self.ttl_keys.discard(key)

    # -- WATCH ------------------------------------------------------------
    def touch(self, key: bytes) -> None:
        """A write changed ``key``: WATCH sees it, and blocked clients may now be served."""
        entry = self.watched.get(key)
        if entry is not None:
            entry.version += 1
        if self.blocked and key in self.blocked:
            self.keyspace.ready_keys.add((self.index, key))
        if self.keyspace.memory_dirty is not None:
            self.keyspace.memory_dirty.add((self.index, key))

    def touch_all_existing(self) -> None:
        """FLUSHDB/FLUSHALL: every watched key that is alive changes. A key
        already past its TTL does not (Redis 7: flushing a key that was expired
        when watched is no logical change); a watcher that saw it alive is
        caught by EXEC's alive check instead."""
        for key, entry in self.watched.items():
            if self.is_alive(key):
                entry.version += 1

    def watch(self, key: bytes) -> tuple[int, bool]:
        """Start watching; returns (version, alive now)."""
        entry = self.watched.get(key)
        if entry is None:
            entry = self.watched[key] = WatchEntry()
        entry.watchers += 1
        return entry.version, self.is_alive(key)

    def unwatch(self, key: bytes) -> None:
        entry = self.watched.get(key)
        if entry is None:
            return
        entry.watchers -= 1
        if entry.watchers <= 0:
            del self.watched[key]

    def watch_version(self, key: bytes) -> int:
        entry = self.watched.get(key)
        return entry.version if entry is not None else -1

    def is_alive(self, key: bytes) -> bool:
        """Exists and not past its TTL, without deleting anything."""
        if key not in self.data:
            return False
        expire_at = self.expires.get(key)
        return expire_at is None or expire_at > self.keyspace.now_ms

    # -- active expiry ----------------------------------------------------
    def sample_expired(self, samples: int) -> tuple[int, int]:
        """Check ``samples`` random keys with a TTL; returns (sampled, expired)."""
        positions, chunks = self.ttl_keys.positions, self.ttl_keys.chunks
        now = self.keyspace.now_ms
        sampled = expired = 0
        draw = random.random
        for _ in range(min(samples, len(positions))):
            size = len(positions)
            if not size:
                break
            index = int(draw() * size)  # the sampler's random_key, inlined: this loop is hot
            key = chunks[index // CHUNK][index % CHUNK]
            sampled += 1
            if self.expires[key] <= now:
                self.expire_key(key)
                expired += 1
        return sampled, expired


def random_dict_key(data: dict[bytes, Any]) -> bytes:
    """A uniformly random key. O(n) in the worst case; dicts have no random access."""
    skip = random.randrange(len(data))
    for position, key in enumerate(data):
        if position == skip:
            return key
    raise AssertionError("unreachable")


def _no_expired_listener(db_index: int, key: bytes) -> None:
    return None


def _no_fields_expired_listener(
    db_index: int, key: bytes, fields: list[bytes], key_deleted: bool
) -> None:
    return None


@attrs.define(eq=False, slots=True)
class Keyspace:
    """All databases of one shard, plus the shard-wide clock reading and counters."""

    databases: list[Database] = attrs.field(factory=list)
    now_ms: int = 0
    expiry: ExpiryStats = attrs.field(factory=ExpiryStats)
    keyspace_hits: int = 0
    keyspace_misses: int = 0
    on_expired: Any = _no_expired_listener
    # (db_index, key, fields, key_deleted) after active expiry removed hash fields:
    # the owner propagates HDEL and emits "hexpired" (and "del" when deleted)
    on_hash_fields_expired: Any = _no_fields_expired_listener
    ready_keys: set[tuple[int, bytes]] = attrs.field(factory=set)
    scan_snapshots: ScanSnapshots = attrs.field(factory=ScanSnapshots)
    # Keyspace events "new" (a key is created) and "keymiss" (a lookup found
    # nothing): (db_index, key) callables the owner sets only while the event
    # class is enabled, so both cost one None check otherwise.
    on_new: Any = None
    on_miss: Any = None
    # Keys written since the memory estimate was settled (engine/eviction.py);
    # None unless maxmemory is set.
    memory_dirty: set[tuple[int, bytes]] | None = None

    @classmethod
    def create(cls, database_count: int) -> Keyspace:
        keyspace = cls()
        keyspace.databases = [Database(index, keyspace) for index in range(database_count)]
        return keyspace

    def db(self, index: int) -> Database:
        return self.databases[index]

    def swap(self, first: int, second: int) -> None:
        """SWAPDB: exchange the contents of two databases; a watched key alive
        on either side changes (expired ones count as absent, as in Redis 7)."""
        a, b = self.databases[first], self.databases[second]
        for watching, other in ((a, b), (b, a)):
            for key, entry in watching.watched.items():
                if watching.is_alive(key) or other.is_alive(key):
                    entry.version += 1
        a.data, b.data = b.data, a.data
        a.expires, b.expires = b.expires, a.expires
        a.ttl_keys, b.ttl_keys = b.ttl_keys, a.ttl_keys
        a.field_expiry, b.field_expiry = b.field_expiry, a.field_expiry

    def active_expire_cycle(
        self, *, samples: int = 20, max_rounds: int = 64, acceptable_stale: float = 0.25,
        out_of_time: Callable[[], bool] | None = None,
    ) -> int:
        """Redis's adaptive cycle: per database, sample keys with a TTL and repeat
        while more than ``acceptable_stale`` of a sample had expired, at most
        ``max_rounds`` rounds (the bound on one cycle's work) and, as Redis's
        time limit, only while ``out_of_time()`` (asked after every round) is
        false. ``expiry.cut_short`` tells whether a cycle stopped with expired
        keys likely left. Returns keys expired."""
        self.expiry.expire_cycles += 1
        total_expired = 0
        total_sampled = 0
        cut_short = timed_out = False
        for db in self.databases:
            for _ in range(max_rounds):
                if not db.ttl_keys:
                    break
                sampled, expired = db.sample_expired(samples)
                total_sampled += sampled
                total_expired += expired
                if sampled == 0 or expired <= sampled * acceptable_stale:
                    break
                if out_of_time is not None and out_of_time():
                    cut_short = timed_out = True
                    break
            else:
                cut_short = True
            if db.field_expiry.registered:
                db.field_expiry.expire_due(
                    db, self.now_ms, samples * max_rounds, self.on_hash_fields_expired
                )
            if timed_out:
                break
        if total_sampled:
            self.expiry.stale_perc = total_expired / total_sampled
        self.expiry.cut_short = cut_short
        return total_expired
