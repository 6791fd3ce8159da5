"""The keyspace view over several leased shards (actors/engine/view.py)."""

from __future__ import annotations

import pytest

from protocol.resp.values import OK

from actors.engine.context import ExecContext
from actors.engine.dispatch import HANDLERS, load_families
from actors.engine.keyspace import Keyspace
from actors.engine.view import ShardedKeyspace

NOW = 1_700_000_000_000


def shard_of(key: bytes) -> int:
    """Keys starting with ``a`` live on shard 1, the rest on shard 3."""
    return 1 if key.startswith(b"a") else 3


@pytest.fixture
def shards() -> dict[int, Keyspace]:
    keyspaces = {1: Keyspace.create(2), 3: Keyspace.create(2)}
    for keyspace in keyspaces.values():
        keyspace.now_ms = NOW
    return keyspaces


def test_keyed_writes_land_on_the_shard_that_owns_the_key(shards: dict[int, Keyspace]) -> None:
    view = ShardedKeyspace(shards, shard_of)
    db = view.db(1)
    db.store(b"apple", b"1")
    db.store_new(b"banana", b"2")
    assert shards[1].db(1).data == {b"apple": b"1"}
    assert shards[3].db(1).data == {b"banana": b"2"}
    assert shards[1].db(0).data == shards[3].db(0).data == {}
    assert db.lookup(b"apple") == b"1" and db.lookup(b"banana") == b"2"
    assert db.index == 1


def test_every_keyed_operation_is_forwarded_to_the_owner(shards: dict[int, Keyspace]) -> None:
    view = ShardedKeyspace(shards, shard_of)
    db = view.db(0)
    owner = shards[3].db(0)
    db.store(b"k", b"v")
    db.set_expire(b"k", NOW + 10)
    assert owner.get_expire(b"k") == NOW + 10 == db.get_expire(b"k")
    assert db.exists(b"k") and db.is_alive(b"k")
    assert db.persist(b"k") is True and owner.get_expire(b"k") is None
    owner.watch(b"k")
    db.touch(b"k")
    assert db.watch_version(b"k") == owner.watch_version(b"k") == 1
    assert db.delete(b"k") is True and b"k" not in owner.data
    assert shards[1].db(0).data == {}


def test_lazy_expiry_through_the_view_counts_on_the_owning_shard(
    shards: dict[int, Keyspace],
) -> None:
    shards[1].db(0).store(b"a", b"v")
    shards[1].db(0).set_expire(b"a", NOW)
    view = ShardedKeyspace(shards, shard_of)
    assert view.db(0).lookup(b"a") is None
    assert shards[1].expiry.expired_keys == 1 and shards[3].expiry.expired_keys == 0


def test_the_view_aligns_every_shard_on_one_clock_reading(shards: dict[int, Keyspace]) -> None:
    shards[1].now_ms = NOW + 5  # leased a little later than shard 3
    shards[3].db(0).store(b"b", b"v")
    shards[3].db(0).set_expire(b"b", NOW + 3)
    view = ShardedKeyspace(shards, shard_of)
    assert view.now_ms == NOW + 5
    assert shards[3].now_ms == NOW + 5
    assert view.db(0).lookup(b"b") is None  # expired for the whole atomic run


def test_handlers_run_unchanged_against_the_view(shards: dict[int, Keyspace]) -> None:
    load_families()
    view = ShardedKeyspace(shards, shard_of)
    ctx = ExecContext(view, view.db(0))  # type: ignore[arg-type]
    assert HANDLERS["mset"](ctx, [b"MSET", b"a1", b"x", b"b1", b"y"]) is OK
    assert HANDLERS["mget"](ctx, [b"MGET", b"a1", b"b1", b"zz"]) == [b"x", b"y", None]
    assert HANDLERS["rename"](ctx, [b"RENAME", b"a1", b"b2"]) is OK
    assert shards[1].db(0).data == {}
    assert shards[3].db(0).data == {b"b1": b"y", b"b2": b"x"}


def test_settle_hands_the_hit_and_miss_counters_to_the_first_shard(
    shards: dict[int, Keyspace],
) -> None:
    load_families()
    shards[3].db(0).store(b"b", b"v")
    view = ShardedKeyspace(shards, shard_of)
    ctx = ExecContext(view, view.db(0))  # type: ignore[arg-type]
    HANDLERS["get"](ctx, [b"GET", b"b"])
    HANDLERS["get"](ctx, [b"GET", b"a"])
    view.settle()
    assert (shards[1].keyspace_hits, shards[1].keyspace_misses) == (1, 1)
    assert (shards[3].keyspace_hits, shards[3].keyspace_misses) == (0, 0)
    view.settle()  # settling twice does not count twice
    assert (shards[1].keyspace_hits, shards[1].keyspace_misses) == (1, 1)
