"""maxmemory: a shard's estimate of the memory its keys use, and eviction by policy.

Python cannot afford to ask the allocator what one key costs, so a shard keeps an
*estimate*, and only while ``maxmemory`` is set (otherwise nothing here runs):

* A key costs ``KEY_OVERHEAD + len(key)`` plus its value: a string its length
  plus ``STRING_OVERHEAD``; a collection ``CONTAINER_OVERHEAD`` plus
  ``ELEMENT_BYTES`` per element (``len(value)``, so measuring is O(1) whatever
  the size; long members are under-counted); anything else ``CONTAINER_OVERHEAD``.
* :class:`MemoryAccount` keeps the size of every key it measured and a running
  total. Writers already call ``Database.touch`` for WATCH; while accounting is on
  that also adds the key to ``Keyspace.memory_dirty``, and :meth:`settle` re-measures
  just those keys before the total is read. A database whose dict was replaced
  (FLUSHDB, SWAPDB, loading) or whose key count disagrees with the account is
  measured again in full, so a path that forgot to touch is caught at the next
  key-count change.
* The server's used memory is ``BASELINE_BYTES`` (what an empty Redis reports,
  about 1 MiB) plus the shards' totals. A shard cannot see the others
  synchronously, so each one holds ``1/N`` of the baseline and of ``maxmemory``
  and is "over" on its own: ``baseline/N + total > maxmemory/N``.

Eviction follows Redis's ``performEvictions``: while over, pick a victim by the
policy from ``maxmemory-samples`` sampled keys per database (the whole keyspace for
``allkeys-*``, keys with a TTL for ``volatile-*``): the most idle for ``*-lru``, the
nearest expiry for ``volatile-ttl``, a random key for ``*-random``. There is no
access-frequency counter, so ``*-lfu`` picks like ``*-lru`` (least recently used).
Idle time comes from the per-key access seconds of ``engine/values.py``; a key
never stamped counts as just used. The caller deletes the victim and raises its
effects (DEL propagation, ``evicted`` event, tracking invalidation).

Sampling ``allkeys`` needs random access a dict lacks: each database keeps a list
of its keys taken when needed; picks that were deleted since are dropped from it
and the list is rebuilt when it runs dry or the database has doubled since.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import attrs

from actors.engine.keyspace import Database, Keyspace
from actors.engine.values import idle_since

BASELINE_BYTES = 1024 * 1024
KEY_OVERHEAD = 56
STRING_OVERHEAD = 16
CONTAINER_OVERHEAD = 96
ELEMENT_BYTES = 48

POLICIES = (
    "noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random",
    "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
)


def value_bytes(value: Any) -> int:
    """The estimated bytes of one value (see the module docstring)."""
    kind = type(value)
    if kind is bytes or kind is bytearray:
        return STRING_OVERHEAD + len(value)
    if hasattr(kind, "__len__"):
        return CONTAINER_OVERHEAD + ELEMENT_BYTES * len(value)
    return CONTAINER_OVERHEAD


def key_bytes(key: bytes, value: Any) -> int:
    return KEY_OVERHEAD + len(key) + value_bytes(value)


@attrs.define(eq=False, slots=True)
class MemoryAccount:
    """The running estimate of one keyspace's bytes (on while maxmemory is set)."""

    sizes: list[dict[bytes, int]] = attrs.field(factory=list)
    measured: list[int] = attrs.field(factory=list)  # id() of the dict each db was measured from
    total: int = 0
    enabled: bool = False

    def enable(self, keyspace: Keyspace) -> None:
        if self.enabled:
            return
        self.enabled = True
        keyspace.memory_dirty = set()
        self.sizes = [{} for _ in keyspace.databases]
        self.measured = [0 for _ in keyspace.databases]
        self.total = 0
        for db in keyspace.databases:
            self._measure(db)

    def disable(self, keyspace: Keyspace) -> None:
        self.enabled = False
        keyspace.memory_dirty = None
        self.sizes, self.measured, self.total = [], [], 0

    def settle(self, keyspace: Keyspace) -> int:
        """Bring the total up to date with every write since the last call."""
        databases = keyspace.databases
        for db in databases:
            if id(db.data) != self.measured[db.index]:
                self._measure(db)
        dirty = keyspace.memory_dirty
        if dirty:
            for db_index, key in dirty:
                self.remeasure(databases[db_index], key)
            dirty.clear()
        for db in databases:
            if len(self.sizes[db.index]) != len(db.data):
                self._measure(db)
        return self.total

    def remeasure(self, db: Database, key: bytes) -> None:
        sizes = self.sizes[db.index]
        old = sizes.pop(key, 0)
        value = db.data.get(key)
        new = 0 if value is None else key_bytes(key, value)
        if value is not None:
            sizes[key] = new
        self.total += new - old

    def _measure(self, db: Database) -> None:
        old = self.sizes[db.index]
        self.total -= sum(old.values())
        sizes = {key: key_bytes(key, value) for key, value in db.data.items()}
        self.sizes[db.index] = sizes
        self.measured[db.index] = id(db.data)
        self.total += sum(sizes.values())


def idle_seconds_of(db: Database, key: bytes) -> int:
    """Seconds since ``key`` was last accessed (0 when never stamped), for LRU eviction."""
    return idle_since(db.access.get(key), db.keyspace.now_ms)


def over_limit(used: int, maxmemory: int, shard_count: int) -> bool:
    """This shard's share of the baseline plus its keys, against its share of maxmemory."""
    return maxmemory > 0 and (BASELINE_BYTES + used * shard_count) > maxmemory


@attrs.define(eq=False, slots=True)
class Evictor:
    """Chooses victims by policy. ``rng`` is injected so tests are deterministic."""

    rng: random.Random = attrs.field(factory=random.Random)
    key_lists: dict[int, list[bytes]] = attrs.field(factory=dict)
    next_db: int = 0

    def choose(
        self,
        keyspace: Keyspace,
        policy: str,
        samples: int,
        idle_of: Callable[[Database, bytes], int],
    ) -> tuple[int, bytes] | None:
        """The (db index, key) to evict next, or None when the policy has none."""
        if policy == "noeviction":
            return None
        volatile = policy.startswith("volatile-")
        if policy.endswith("-random"):
            return self._choose_random(keyspace, volatile)
        best: tuple[int, bytes] | None = None
        best_score = 0
        for db in keyspace.databases:
            for key in self._sample(db, volatile, samples):
                if policy == "volatile-ttl":
                    score = -db.expires[key]
                else:
                    score = idle_of(db, key)
                if best is None or score > best_score:
                    best, best_score = (db.index, key), score
        return best

    def _choose_random(self, keyspace: Keyspace, volatile: bool) -> tuple[int, bytes] | None:
        """Redis's random policies: databases in turn, one random key from the next non-empty one."""
        databases = keyspace.databases
        for step in range(len(databases)):
            db = databases[(self.next_db + step) % len(databases)]
            picked = self._sample(db, volatile, 1)
            if picked:
                self.next_db = (db.index + 1) % len(databases)
                return db.index, picked[0]
        return None

    def _sample(self, db: Database, volatile: bool, samples: int) -> list[bytes]:
        """Up to ``samples`` distinct random keys of ``db`` (with a TTL when ``volatile``)."""
        if volatile:
            pool = db.ttl_keys
            if len(pool) <= samples:
                return list(pool)
            return [pool[index] for index in self.rng.sample(range(len(pool)), samples)]
        if not db.data:
            self.key_lists.pop(db.index, None)
            return []
        keys = self.key_lists.get(db.index)
        if keys is None or len(db.data) > 2 * len(keys):
            keys = self.key_lists[db.index] = list(db.data)
        picked = self._pick_live(db, keys, samples)
        if not picked:  # every listed key is gone, yet the database has keys
            keys = self.key_lists[db.index] = list(db.data)
            picked = self._pick_live(db, keys, samples)
        return picked

    def _pick_live(self, db: Database, keys: list[bytes], samples: int) -> list[bytes]:
        picked: list[bytes] = []
        while keys and len(picked) < samples:
            position = self.rng.randrange(len(keys))
            key = keys[position]
            keys[position] = keys[-1]
            keys.pop()
            if key in db.data:
                picked.append(key)
        keys.extend(picked)  # sampled keys go back: only deleted ones leave the list
        return picked

    def forget(self) -> None:
        self.key_lists.clear()
