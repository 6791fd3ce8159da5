"""maxmemory in the shard (actors/shard.py with engine/eviction.py): eviction
before each command, its effects (DEL propagated, ``evicted`` events, tracking
invalidations, INFO count) and -OOM for denyoom commands; plus the ``new`` and
``keymiss`` keyspace events the shard raises. Batches run synchronously here."""

from __future__ import annotations

import random
from typing import Any

import attrs

from protocol import errors
from protocol.resp.values import OK, ErrorReply

from actors.engine.context import ClientState
from actors.engine.eviction import Evictor
from actors.shard import Shard

from tests.actors.conftest import make_config

CLIENT = ClientState()


@attrs.define
class FixedClock:
    now: int = 1_700_000_000_000

    def now_ms(self) -> int:
        return self.now


@attrs.define
class Effects:
    propagated: list[tuple[int, list[bytes]]] = attrs.field(factory=list)
    events: list[tuple[str, bytes, int, bytes]] = attrs.field(factory=list)


def make_shard(**config: Any) -> tuple[Shard, Effects]:
    shard = Shard.create(0, make_config(**config), FixedClock())
    shard.evictor = Evictor(random.Random(5))
    effects = Effects()
    shard.propagate_sink = lambda shard_id, writes: effects.propagated.extend(writes)
    shard.event_sink = effects.events.extend
    return shard, effects


def run(shard: Shard, *argvs: list[bytes], db: int = 0) -> list[Any]:
    return shard.run_batch([(db, argv[0].decode().lower(), argv) for argv in argvs], CLIENT)


def set_config(shard: Shard, **values: str) -> None:
    shard.config.set_many([(name.replace("_", "-").encode(), value.encode()) for name, value in values.items()])


def test_without_maxmemory_nothing_is_measured_or_evicted() -> None:
    shard, _ = make_shard()
    assert run(shard, [b"SET", b"k", b"v"]) == [OK]
    assert not shard.memory.enabled and shard.keyspace.memory_dirty is None


def test_over_maxmemory_with_noeviction_a_denyoom_command_gets_oom_and_reads_and_del_run() -> None:
    shard, effects = make_shard()
    run(shard, [b"SET", b"a", b"1"], [b"SET", b"b", b"2"])
    set_config(shard, maxmemory="1")
    assert shard.out_of_memory
    assert run(shard, [b"SET", b"c", b"3"], [b"GET", b"a"], [b"DEL", b"b"], [b"LPUSH", b"l", b"x"]) == [
        ErrorReply(errors.OOM), b"1", 1, ErrorReply(errors.OOM),
    ]
    assert shard.statistics().evicted_keys == 0


def test_allkeys_random_evicts_every_key_with_del_propagated_and_evicted_events() -> None:
    shard, effects = make_shard()
    set_config(shard, notify_keyspace_events="Ee")
    run(shard, [b"SET", b"a", b"1"], [b"SET", b"b", b"2"])
    run(shard, [b"SET", b"c", b"3"], db=1)
    effects.propagated.clear()
    set_config(shard, maxmemory_policy="allkeys-random", maxmemory="1")
    assert run(shard, [b"SET", b"x", b"y"]) == [ErrorReply(errors.OOM)]
    deleted = sorted((db, argv[1]) for db, argv in effects.propagated)
    assert deleted == [(0, b"a"), (0, b"b"), (1, b"c")]
    assert all(argv[0] == b"DEL" for _, argv in effects.propagated)
    assert sorted((db, key) for _, event, db, key in effects.events if event == b"evicted") == deleted
    assert shard.statistics().evicted_keys == 3
    assert all(db.size() == 0 for db in shard.keyspace.databases)


def test_volatile_policies_evict_only_keys_with_a_ttl() -> None:
    shard, _ = make_shard()
    run(shard, [b"SET", b"a", b"1"], [b"SET", b"t", b"2", b"EX", b"100"])
    set_config(shard, maxmemory_policy="volatile-lru", maxmemory="1")
    assert run(shard, [b"SET", b"x", b"y"]) == [ErrorReply(errors.OOM)]
    assert list(shard.keyspace.databases[0].data) == [b"a"]


def test_eviction_stops_once_the_shard_is_under_its_share() -> None:
    shard, _ = make_shard()
    run(shard, *[[b"SET", b"k%d" % n, b"v" * 1000] for n in range(10)])
    used = shard.memory.total if shard.memory.enabled else 0
    assert used == 0
    set_config(shard, maxmemory_policy="allkeys-lru", maxmemory=str(1024 * 1024 + 5000))
    assert run(shard, [b"SET", b"x", b"y"]) == [OK]
    remaining = shard.keyspace.databases[0].size()
    assert 4 <= remaining < 11
    assert not shard.out_of_memory
    assert shard.memory.total <= 5000


def test_lru_evicts_the_least_recently_used_key_first() -> None:
    shard, _ = make_shard()
    run(shard, [b"SET", b"old", b"v" * 1000])
    shard.clock.now += 100_000  # type: ignore[attr-defined]
    run(shard, [b"SET", b"new", b"v" * 1000])
    set_config(shard, maxmemory_policy="allkeys-lru", maxmemory=str(1024 * 1024 + 1500))
    assert run(shard, [b"GET", b"new"]) == [b"v" * 1000]
    assert list(shard.keyspace.databases[0].data) == [b"new"]


def test_an_evicted_key_is_invalidated_for_tracking_and_changes_watchers(monkeypatch: Any) -> None:
    shard, _ = make_shard()
    run(shard, [b"SET", b"k", b"v"])
    shard.context.written = []  # some client tracks
    invalidated: list[bytes] = []
    monkeypatch.setattr(Shard, "invalidate", lambda self, written, *rest: invalidated.extend(written))
    db = shard.keyspace.databases[0]
    version, _ = db.watch(b"k")
    set_config(shard, maxmemory_policy="allkeys-random", maxmemory="1")
    run(shard, [b"GET", b"k"])
    assert db.watch_version(b"k") != version
    assert invalidated == [b"k"]


def test_turning_maxmemory_off_clears_the_out_of_memory_state() -> None:
    shard, _ = make_shard()
    set_config(shard, maxmemory="1")
    assert shard.out_of_memory
    set_config(shard, maxmemory="0")
    assert not shard.out_of_memory and not shard.memory.enabled
    assert run(shard, [b"SET", b"k", b"v"]) == [OK]


def test_new_is_raised_when_a_command_creates_a_key_and_keymiss_on_a_read_miss() -> None:
    shard, effects = make_shard()
    set_config(shard, notify_keyspace_events="KEnm")
    run(
        shard,
        [b"SET", b"a", b"1"],
        [b"SET", b"a", b"2"],
        [b"GET", b"nokey"],
        [b"INCR", b"counter"],
        [b"DEL", b"nokey"],
        [b"SINTERSTORE", b"dest", b"s1"],
        [b"SET", b"g", b"1", b"GET"],
    )
    # The hub filters by class; the shard records every class while any is on.
    assert [(event, key) for kind, event, _, key in effects.events if kind in "nm"] == [
        (b"new", b"a"),
        (b"keymiss", b"nokey"),
        (b"new", b"counter"),
        (b"keymiss", b"s1"),
        (b"keymiss", b"g"),
        (b"new", b"g"),
    ]


def test_new_and_keymiss_are_not_recorded_unless_their_class_is_enabled() -> None:
    shard, effects = make_shard()
    set_config(shard, notify_keyspace_events="KEA")
    assert shard.keyspace.on_new is None and shard.keyspace.on_miss is None
    run(shard, [b"SET", b"a", b"1"], [b"GET", b"nokey"])
    assert [event for _, event, _, _ in effects.events] == [b"set"]


def test_an_eviction_propagates_unlink_under_lazyfree_lazy_eviction() -> None:
    shard, effects = make_shard()
    run(shard, [b"SET", b"k", b"v"])
    effects.propagated.clear()
    set_config(shard, lazyfree_lazy_eviction="yes", maxmemory_policy="allkeys-lru", maxmemory="1")
    run(shard, [b"GET", b"k"])
    assert effects.propagated == [(0, [b"UNLINK", b"k"])]
