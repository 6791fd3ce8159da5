"""maxmemory's estimate and victim selection (actors/engine/eviction.py)."""

from __future__ import annotations

import random

import pytest

from actors.engine.eviction import (
    BASELINE_BYTES,
    CONTAINER_OVERHEAD,
    ELEMENT_BYTES,
    KEY_OVERHEAD,
    STRING_OVERHEAD,
    Evictor,
    MemoryAccount,
    idle_seconds_of,
    key_bytes,
    over_limit,
    value_bytes,
)
from actors.engine.keyspace import Database, Keyspace
from actors.engine.types.quicklist import QuickList

NOW_MS = 1_700_000_000_000


def keyspace_with(*keys: bytes, ttl: dict[bytes, int] | None = None) -> Keyspace:
    keyspace = Keyspace.create(2)
    keyspace.now_ms = NOW_MS
    db = keyspace.db(0)
    for key in keys:
        db.store(key, b"v")
    for key, expire_at in (ttl or {}).items():
        db.set_expire(key, expire_at)
    return keyspace


def idle_from(access: dict[bytes, int]):  # type: ignore[no-untyped-def]
    return lambda db, key: access.get(key, 0)


def test_a_string_costs_its_length_and_a_collection_a_fixed_cost_per_element() -> None:
    assert value_bytes(b"abc") == STRING_OVERHEAD + 3
    assert value_bytes(bytearray(10)) == STRING_OVERHEAD + 10
    assert value_bytes(QuickList([b"a", b"b"])) == CONTAINER_OVERHEAD + 2 * ELEMENT_BYTES
    assert key_bytes(b"key", b"abc") == KEY_OVERHEAD + 3 + STRING_OVERHEAD + 3


def test_the_account_measures_every_key_when_enabled() -> None:
    keyspace = keyspace_with(b"a", b"bb")
    account = MemoryAccount()
    account.enable(keyspace)
    assert account.settle(keyspace) == key_bytes(b"a", b"v") + key_bytes(b"bb", b"v")


def test_a_touched_key_is_measured_again_at_the_next_settle() -> None:
    keyspace = keyspace_with(b"a")
    account = MemoryAccount()
    account.enable(keyspace)
    db = keyspace.db(0)
    db.store(b"a", b"x" * 100)
    db.touch(b"a")
    assert account.settle(keyspace) == key_bytes(b"a", b"x" * 100)
    db.delete(b"a")
    db.touch(b"a")
    assert account.settle(keyspace) == 0


def test_a_list_growing_in_place_is_counted_once_touched() -> None:
    keyspace = keyspace_with()
    account = MemoryAccount()
    account.enable(keyspace)
    db = keyspace.db(0)
    items = QuickList([b"a"])
    db.store(b"l", items)
    db.touch(b"l")
    account.settle(keyspace)
    items.extend([b"b", b"c"])
    db.touch(b"l")
    assert account.settle(keyspace) == key_bytes(b"l", items)


def test_a_flushed_or_swapped_database_is_measured_again() -> None:
    keyspace = keyspace_with(b"a", b"b")
    account = MemoryAccount()
    account.enable(keyspace)
    keyspace.swap(0, 1)
    assert account.settle(keyspace) == 2 * key_bytes(b"a", b"v")
    assert account.sizes[1] and not account.sizes[0]
    keyspace.db(1).clear()
    assert account.settle(keyspace) == 0


def test_a_write_that_did_not_touch_is_caught_by_the_key_count() -> None:
    keyspace = keyspace_with(b"a")
    account = MemoryAccount()
    account.enable(keyspace)
    keyspace.db(0).data[b"b"] = b"v"
    assert account.settle(keyspace) == 2 * key_bytes(b"a", b"v")


def test_disabling_stops_recording_writes() -> None:
    keyspace = keyspace_with(b"a")
    account = MemoryAccount()
    account.enable(keyspace)
    account.disable(keyspace)
    assert keyspace.memory_dirty is None
    keyspace.db(0).touch(b"a")
    assert account.total == 0


def test_the_limit_holds_the_baseline_and_each_shard_has_its_share() -> None:
    assert not over_limit(10**9, 0, 1)  # maxmemory 0: no limit
    assert over_limit(0, 1, 1)  # the baseline alone is over one byte
    assert not over_limit(1000, BASELINE_BYTES + 1000, 1)
    assert over_limit(1001, BASELINE_BYTES + 1000, 1)
    assert over_limit(600, BASELINE_BYTES + 1000, 2)  # 600 bytes on each of 2 shards


def test_noeviction_chooses_nothing() -> None:
    keyspace = keyspace_with(b"a")
    assert Evictor().choose(keyspace, "noeviction", 5, idle_from({})) is None


@pytest.mark.parametrize("policy", ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"])
def test_volatile_policies_choose_only_keys_with_a_ttl(policy: str) -> None:
    keyspace = keyspace_with(b"a", b"b", b"t", ttl={b"t": NOW_MS + 1000})
    evictor = Evictor(random.Random(7))
    assert evictor.choose(keyspace, policy, 5, idle_from({b"a": 100})) == (0, b"t")
    keyspace.db(0).delete(b"t")
    assert evictor.choose(keyspace, policy, 5, idle_from({})) is None


def test_volatile_ttl_chooses_the_nearest_expiry_among_the_samples() -> None:
    ttl = {b"t1": NOW_MS + 5000, b"t2": NOW_MS + 1000, b"t3": NOW_MS + 9000}
    keyspace = keyspace_with(*ttl, ttl=ttl)
    assert Evictor(random.Random(1)).choose(keyspace, "volatile-ttl", 5, idle_from({})) == (0, b"t2")


@pytest.mark.parametrize("policy", ["allkeys-lru", "allkeys-lfu"])
def test_lru_and_lfu_choose_the_most_idle_sampled_key(policy: str) -> None:
    keyspace = keyspace_with(b"a", b"b", b"c")
    idle = idle_from({b"a": 5, b"b": 50, b"c": 1})
    assert Evictor(random.Random(3)).choose(keyspace, policy, 5, idle) == (0, b"b")


def test_sampling_fewer_keys_than_exist_sees_only_the_sample() -> None:
    keys = [b"k%d" % n for n in range(50)]
    keyspace = keyspace_with(*keys)
    idle = {key: n for n, key in enumerate(keys)}
    chosen = Evictor(random.Random(11)).choose(keyspace, "allkeys-lru", 3, idle_from(idle))
    assert chosen is not None and chosen[1] in keys
    # The injected source makes the pick reproducible.
    again = Evictor(random.Random(11)).choose(keyspace, "allkeys-lru", 3, idle_from(idle))
    assert again == chosen


def test_random_eviction_is_reproducible_with_the_same_source_and_drains_every_key() -> None:
    keys = [b"k%d" % n for n in range(20)]
    picks = []
    for _ in range(2):
        keyspace = keyspace_with(*keys)
        keyspace.db(1).store(b"other", b"v")
        evictor = Evictor(random.Random(42))
        order = []
        while (victim := evictor.choose(keyspace, "allkeys-random", 5, idle_from({}))) is not None:
            order.append(victim)
            keyspace.db(victim[0]).delete(victim[1])
        picks.append(order)
    assert picks[0] == picks[1]
    assert sorted(picks[0]) == sorted([(0, key) for key in keys] + [(1, b"other")])


def test_random_eviction_takes_the_databases_in_turn() -> None:
    keyspace = keyspace_with(b"a", b"b")
    keyspace.db(1).store(b"c", b"v")
    evictor = Evictor(random.Random(0))
    assert [evictor.choose(keyspace, "allkeys-random", 5, idle_from({}))[0] for _ in range(2)] == [0, 1]  # type: ignore[index]


def test_keys_added_after_the_key_list_was_taken_are_found() -> None:
    keyspace = keyspace_with(b"a")
    evictor = Evictor(random.Random(0))
    assert evictor.choose(keyspace, "allkeys-random", 5, idle_from({})) == (0, b"a")
    db: Database = keyspace.db(0)
    db.delete(b"a")
    db.store(b"b", b"v")
    assert evictor.choose(keyspace, "allkeys-random", 5, idle_from({})) == (0, b"b")


def test_idle_seconds_count_from_the_last_access_stamp() -> None:
    keyspace = keyspace_with(b"a", b"b")
    db = keyspace.db(0)
    db.access[b"a"] = NOW_MS // 1000 - 30
    assert idle_seconds_of(db, b"a") == 30
    assert idle_seconds_of(db, b"b") == 0  # never stamped: counts as just used
