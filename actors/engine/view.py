"""A keyspace view over several leased shards (DESIGN §5).

When a command or a transaction touches keys owned by several shards, the
coordinator leases those shards and runs the ordinary handlers against this
view: each keyed call is forwarded to the database of the shard that owns
the key. Keyless calls never reach the view (ALL_SHARDS commands run per
shard and are merged), so it only forwards keyed operations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from actors.engine.keyspace import Database, ExpiryStats, Keyspace


class ShardedDatabase:
    __slots__ = ("index", "_by_shard", "_shard_of")

    def __init__(
        self, index: int, by_shard: dict[int, Database], shard_of: Callable[[bytes], int]
    ) -> None:
        self.index = index
        self._by_shard = by_shard
        self._shard_of = shard_of

    def owner(self, key: bytes) -> Database:
        return self._by_shard[self._shard_of(key)]

    def lookup(self, key: bytes) -> Any:
        return self.owner(key).lookup(key)

    def exists(self, key: bytes) -> bool:
        return self.owner(key).exists(key)

    def is_alive(self, key: bytes) -> bool:
        return self.owner(key).is_alive(key)

    def get_expire(self, key: bytes) -> int | None:
        return self.owner(key).get_expire(key)

    def store(self, key: bytes, value: Any) -> None:
        self.owner(key).store(key, value)

    def store_new(self, key: bytes, value: Any) -> None:
        self.owner(key).store_new(key, value)

    def delete(self, key: bytes) -> bool:
        return self.owner(key).delete(key)

    def set_expire(self, key: bytes, expire_at_ms: int) -> None:
        self.owner(key).set_expire(key, expire_at_ms)

    def persist(self, key: bytes) -> bool:
        return self.owner(key).persist(key)

    def touch(self, key: bytes) -> None:
        self.owner(key).touch(key)

    def watch_version(self, key: bytes) -> int:
        return self.owner(key).watch_version(key)


class ShardedKeyspace:
    """Stands in for :class:`Keyspace` inside a multi-shard atomic run."""

    def __init__(self, keyspaces: dict[int, Keyspace], shard_of: Callable[[bytes], int]) -> None:
        self.keyspaces = keyspaces
        first = next(iter(keyspaces.values()))
        self.databases = [
            ShardedDatabase(
                index, {sid: ks.databases[index] for sid, ks in keyspaces.items()}, shard_of
            )
            for index in range(len(first.databases))
        ]
        # One reading of the clock for the whole atomic run: each shard read
        # its own when it granted its lease, so align them on the latest.
        self.now_ms = max(keyspace.now_ms for keyspace in keyspaces.values())
        for keyspace in keyspaces.values():
            keyspace.now_ms = self.now_ms
        self.expiry = ExpiryStats()
        self.keyspace_hits = 0
        self.keyspace_misses = 0

    def db(self, index: int) -> ShardedDatabase:
        return self.databases[index]

    def settle(self) -> None:
        """Hand the counters gathered in the view to the first shard."""
        first = next(iter(self.keyspaces.values()))
        first.keyspace_hits += self.keyspace_hits
        first.keyspace_misses += self.keyspace_misses
        self.keyspace_hits = self.keyspace_misses = 0
