"""Databases, lazy and active expiry, WATCH versions, SWAPDB and SCAN
snapshots (actors/engine/keyspace.py). Synchronous: time is ``now_ms``."""

from __future__ import annotations

import gc
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from actors.engine.context import ExecContext
from actors.engine.dispatch import HANDLERS, load_families
from actors.engine import keyspace as keyspace_module
from actors.engine.keyspace import Database, KeySampler, Keyspace, random_dict_key

NOW = 1_700_000_000_000


def make_keyspace(databases: int = 2) -> Keyspace:
    keyspace = Keyspace.create(databases)
    keyspace.now_ms = NOW
    return keyspace


def make_db() -> Database:
    return make_keyspace().db(0)


def assert_ttl_index_consistent(db: Database) -> None:
    assert len(db.ttl_keys) == len(set(db.ttl_keys))
    assert set(db.ttl_keys) == set(db.expires) == set(db.ttl_keys.positions)
    for key, position in db.ttl_keys.positions.items():
        assert db.ttl_keys[position] == key
    assert set(db.expires) <= set(db.data)


# -- lookup and lazy expiry ---------------------------------------------------
def test_lookup_returns_the_stored_value() -> None:
    db = make_db()
    db.store(b"k", b"v")
    assert db.lookup(b"k") == b"v"
    assert db.lookup(b"missing") is None


def test_lookup_deletes_a_key_whose_time_has_come_and_reports_it() -> None:
    keyspace = make_keyspace()
    expired: list[tuple[int, bytes]] = []
    keyspace.on_expired = lambda index, key: expired.append((index, key))
    db = keyspace.db(1)
    db.store(b"k", b"v")
    db.set_expire(b"k", NOW + 10)
    keyspace.now_ms = NOW + 9
    assert db.lookup(b"k") == b"v"
    keyspace.now_ms = NOW + 10  # expire_at <= now: gone at the exact millisecond
    assert db.lookup(b"k") is None
    assert b"k" not in db.data and db.expires_count() == 0
    assert keyspace.expiry.expired_keys == 1
    assert expired == [(1, b"k")]
    assert_ttl_index_consistent(db)


@pytest.mark.parametrize(
    ("expire_at", "alive"),
    [(None, True), (NOW + 1, True), (NOW, False), (NOW - 1, False)],
)
def test_is_alive_and_exists_agree_on_the_ttl_boundary(expire_at: int | None, alive: bool) -> None:
    db = make_db()
    db.store(b"k", b"v")
    if expire_at is not None:
        db.set_expire(b"k", expire_at)
    assert db.is_alive(b"k") is alive
    assert b"k" in db.data  # is_alive never deletes
    assert db.exists(b"k") is alive


def test_keys_skips_expired_keys_without_deleting_them() -> None:
    db = make_db()
    for key in (b"a", b"b", b"c"):
        db.store(key, b"v")
    db.set_expire(b"b", NOW - 1)
    db.set_expire(b"c", NOW + 1)
    assert list(db.keys()) == [b"a", b"c"]
    assert db.size() == 3 and db.expires_count() == 2


def test_random_key_deletes_expired_picks_and_returns_none_when_all_are_expired() -> None:
    db = make_db()
    for index in range(20):
        key = b"k%d" % index
        db.store(key, b"v")
        db.set_expire(key, NOW - 1)
    db.store(b"live", b"v")
    random.seed(7)
    assert db.random_key() == b"live"
    db.delete(b"live")
    assert db.random_key() is None
    assert db.size() == 0
    assert_ttl_index_consistent(db)


def test_random_dict_key_can_return_every_key() -> None:
    data = {b"a": 1, b"b": 2, b"c": 3}
    random.seed(1)
    assert {random_dict_key(data) for _ in range(100)} == set(data)


# -- writes and TTLs ----------------------------------------------------------
def test_store_keeps_the_ttl_and_store_new_drops_it() -> None:
    db = make_db()
    db.store(b"k", b"v1")
    db.set_expire(b"k", NOW + 100)
    db.store(b"k", b"v2")
    assert db.get_expire(b"k") == NOW + 100
    db.store_new(b"k", b"v3")
    assert db.get_expire(b"k") is None
    assert db.lookup(b"k") == b"v3"
    assert_ttl_index_consistent(db)


def test_delete_reports_whether_the_key_existed_and_drops_its_ttl() -> None:
    db = make_db()
    db.store(b"k", b"v")
    db.set_expire(b"k", NOW + 100)
    assert db.delete(b"k") is True
    assert db.delete(b"k") is False
    assert db.get_expire(b"k") is None
    assert_ttl_index_consistent(db)


def test_delete_also_drops_a_ttl_left_without_a_value() -> None:
    db = make_db()
    db.set_expire(b"orphan", NOW - 1)
    assert db.delete(b"orphan") is False
    assert list(db.ttl_keys) == [] and db.expires == {} and db.ttl_keys.positions == {}


def test_set_expire_twice_keeps_one_index_entry_with_the_latest_time() -> None:
    db = make_db()
    db.store(b"k", b"v")
    db.set_expire(b"k", NOW + 1)
    db.set_expire(b"k", NOW + 2)
    assert list(db.ttl_keys) == [b"k"]
    assert db.get_expire(b"k") == NOW + 2


def test_persist_removes_a_ttl_once() -> None:
    db = make_db()
    db.store(b"k", b"v")
    assert db.persist(b"k") is False
    db.set_expire(b"k", NOW + 1)
    assert db.persist(b"k") is True
    assert db.persist(b"k") is False
    assert db.get_expire(b"k") is None
    assert_ttl_index_consistent(db)


def test_removing_a_ttl_from_the_middle_of_the_index_moves_the_last_key_into_its_place() -> None:
    db = make_db()
    for key in (b"a", b"b", b"c"):
        db.store(key, b"v")
        db.set_expire(key, NOW + 1)
    db.persist(b"a")
    assert list(db.ttl_keys) == [b"c", b"b"]
    assert db.ttl_keys.positions == {b"c": 0, b"b": 1}


def test_clear_empties_data_and_ttls() -> None:
    db = make_db()
    db.store(b"k", b"v")
    db.set_expire(b"k", NOW + 1)
    db.clear()
    assert (db.data, db.expires, list(db.ttl_keys), db.ttl_keys.positions) == ({}, {}, [], {})


KEYS = st.sampled_from([b"a", b"b", b"c", b"d", b"e", b"f"])


class DatabaseMachine(RuleBasedStateMachine):
    """The database against a dict of key -> (value, expire_at or None)."""

    @initialize()
    def start(self) -> None:
        self.keyspace = make_keyspace(1)
        self.db = self.keyspace.db(0)
        self.model: dict[bytes, tuple[bytes, int | None]] = {}
        self.counter = 0

    def now(self) -> int:
        return self.keyspace.now_ms

    def model_alive(self, key: bytes) -> bool:
        entry = self.model.get(key)
        return entry is not None and (entry[1] is None or entry[1] > self.now())

    def next_value(self) -> bytes:
        self.counter += 1
        return b"v%d" % self.counter

    @rule(key=KEYS)
    def store(self, key: bytes) -> None:
        value = self.next_value()
        self.db.store(key, value)
        old = self.model.get(key)
        self.model[key] = (value, old[1] if old else None)

    @rule(key=KEYS)
    def store_new(self, key: bytes) -> None:
        value = self.next_value()
        self.db.store_new(key, value)
        self.model[key] = (value, None)

    @rule(key=KEYS)
    def delete(self, key: bytes) -> None:
        assert self.db.delete(key) is (key in self.model)
        self.model.pop(key, None)

    @rule(key=KEYS, delta=st.integers(-5, 20))
    def set_expire(self, key: bytes, delta: int) -> None:
        if key in self.model:  # callers only expire existing keys
            self.db.set_expire(key, self.now() + delta)
            self.model[key] = (self.model[key][0], self.now() + delta)

    @rule(key=KEYS)
    def persist(self, key: bytes) -> None:
        had_ttl = key in self.model and self.model[key][1] is not None
        assert self.db.persist(key) is had_ttl
        if had_ttl:
            self.model[key] = (self.model[key][0], None)

    @rule(key=KEYS)
    def lookup(self, key: bytes) -> None:
        expected = self.model[key][0] if self.model_alive(key) else None
        assert self.db.lookup(key) == expected
        if expected is None:
            self.model.pop(key, None)

    @rule(step=st.integers(0, 10))
    def advance(self, step: int) -> None:
        self.keyspace.now_ms += step

    @rule(samples=st.integers(1, 8))
    def sample_expired(self, samples: int) -> None:
        self.db.sample_expired(samples)
        self.sync_removed_keys()

    @rule()
    def active_expire_cycle(self) -> None:
        self.keyspace.active_expire_cycle(samples=3, max_rounds=3)
        self.sync_removed_keys()

    def sync_removed_keys(self) -> None:
        for key in list(self.model):
            if key not in self.db.data:
                assert not self.model_alive(key), "active expiry removed a live key"
                del self.model[key]

    @invariant()
    def ttl_index_is_consistent(self) -> None:
        if hasattr(self, "db"):
            assert_ttl_index_consistent(self.db)

    @invariant()
    def agrees_with_the_model(self) -> None:
        if not hasattr(self, "db"):
            return
        assert set(self.db.data) == set(self.model)
        for key, (value, expire_at) in self.model.items():
            assert self.db.data[key] == value
            assert self.db.get_expire(key) == expire_at
        assert set(self.db.keys()) == {key for key in self.model if self.model_alive(key)}


DatabaseMachine.TestCase.settings = settings(max_examples=80, stateful_step_count=30, deadline=None)
test_database_agrees_with_a_dict_model = DatabaseMachine.TestCase


# -- active expiry ------------------------------------------------------------
def fill(db: Database, count: int, expire_at: int | None, prefix: bytes = b"k") -> None:
    for index in range(count):
        key = b"%s%d" % (prefix, index)
        db.store(key, b"v")
        if expire_at is not None:
            db.set_expire(key, expire_at)


@pytest.fixture
def sample_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Every (sampled, expired) round the cycle runs."""
    calls: list[tuple[int, int]] = []
    original = Database.sample_expired

    def counting(self: Database, samples: int) -> tuple[int, int]:
        result = original(self, samples)
        calls.append(result)
        return result

    monkeypatch.setattr(Database, "sample_expired", counting)
    return calls


def test_one_cycle_does_at_most_max_rounds_of_samples_per_database(
    sample_calls: list[tuple[int, int]],
) -> None:
    keyspace = make_keyspace(1)
    fill(keyspace.db(0), 1000, NOW - 1)
    random.seed(3)
    assert keyspace.active_expire_cycle(samples=20, max_rounds=5) == 100
    assert sample_calls == [(20, 20)] * 5
    assert keyspace.db(0).size() == 900
    assert keyspace.expiry.expired_keys == 100
    assert keyspace.expiry.expire_cycles == 1
    assert keyspace.expiry.stale_perc == 1.0
    assert_ttl_index_consistent(keyspace.db(0))


def test_a_cycle_stops_after_one_round_when_few_sampled_keys_had_expired(
    sample_calls: list[tuple[int, int]],
) -> None:
    keyspace = make_keyspace(1)
    fill(keyspace.db(0), 1000, NOW + 1000)
    assert keyspace.active_expire_cycle(samples=20, max_rounds=5) == 0
    assert sample_calls == [(20, 0)]
    assert keyspace.expiry.stale_perc == 0.0


def test_a_cycle_repeats_while_more_than_a_quarter_of_the_sample_had_expired(
    sample_calls: list[tuple[int, int]],
) -> None:
    keyspace = make_keyspace(1)
    fill(keyspace.db(0), 200, NOW - 1, prefix=b"old")
    fill(keyspace.db(0), 200, NOW + 1000, prefix=b"new")
    random.seed(5)
    keyspace.active_expire_cycle(samples=20, max_rounds=64)
    *repeated, last = sample_calls
    assert all(expired > sampled * 0.25 for sampled, expired in repeated)
    assert len(sample_calls) == 64 or last[1] <= last[0] * 0.25


def test_every_database_gets_its_own_budget(sample_calls: list[tuple[int, int]]) -> None:
    keyspace = make_keyspace(3)
    fill(keyspace.db(0), 50, NOW - 1)
    fill(keyspace.db(2), 50, NOW - 1)
    assert keyspace.active_expire_cycle(samples=10, max_rounds=2) == 40
    assert [db.size() for db in keyspace.databases] == [30, 0, 30]


def test_a_cycle_stops_when_out_of_time_and_says_it_was_cut_short(
    sample_calls: list[tuple[int, int]],
) -> None:
    keyspace = make_keyspace(2)
    fill(keyspace.db(0), 1000, NOW - 1)
    fill(keyspace.db(1), 1000, NOW - 1)
    asked = []

    def out_of_time() -> bool:
        asked.append(True)
        return len(asked) == 3

    assert keyspace.active_expire_cycle(samples=20, max_rounds=64, out_of_time=out_of_time) == 60
    assert sample_calls == [(20, 20)] * 3  # db 1 waits for the next cycle
    assert keyspace.expiry.cut_short


@pytest.mark.parametrize(
    ("expired_keys", "max_rounds", "cut_short"),
    [(1000, 5, True), (1000, 64, False), (0, 5, False)],
    ids=["max-rounds-with-expired-keys-left", "done-within-the-rounds", "nothing-expired"],
)
def test_a_cycle_is_cut_short_only_when_it_stopped_with_expired_keys_left(
    expired_keys: int, max_rounds: int, cut_short: bool,
) -> None:
    keyspace = make_keyspace(1)
    fill(keyspace.db(0), expired_keys, NOW - 1, prefix=b"old")
    fill(keyspace.db(0), 50, NOW + 1000, prefix=b"new")
    random.seed(7)
    keyspace.active_expire_cycle(samples=20, max_rounds=max_rounds)
    assert keyspace.expiry.cut_short is cut_short


def test_an_expired_key_leaves_no_access_time_behind() -> None:
    keyspace = make_keyspace(1)
    db = keyspace.db(0)
    fill(db, 10, NOW - 1)
    for key in list(db.data):
        db.access[key] = NOW // 1000
    keyspace.active_expire_cycle()
    assert db.size() == 0 and db.access == {}


def test_keys_without_a_ttl_are_never_sampled(sample_calls: list[tuple[int, int]]) -> None:
    keyspace = make_keyspace(1)
    fill(keyspace.db(0), 100, None)
    assert keyspace.active_expire_cycle() == 0
    assert sample_calls == []
    assert keyspace.db(0).size() == 100


def test_repeated_cycles_remove_every_expired_key_and_no_live_one() -> None:
    keyspace = make_keyspace(1)
    db = keyspace.db(0)
    fill(db, 300, NOW - 1, prefix=b"old")
    fill(db, 300, NOW + 1000, prefix=b"new")
    fill(db, 300, None, prefix=b"forever")
    random.seed(11)
    cycles = 0
    while any(key.startswith(b"old") for key in db.data):
        keyspace.active_expire_cycle(samples=20, max_rounds=4)
        cycles += 1
        assert cycles < 2000
    assert db.size() == 600 and db.expires_count() == 300
    assert keyspace.expiry.expired_keys == 300
    assert_ttl_index_consistent(db)


def test_active_expiry_reports_each_expired_key_to_the_listener() -> None:
    keyspace = make_keyspace(1)
    seen: list[bytes] = []
    keyspace.on_expired = lambda index, key: seen.append(key)
    fill(keyspace.db(0), 5, NOW - 1)
    keyspace.active_expire_cycle()
    assert sorted(seen) == [b"k0", b"k1", b"k2", b"k3", b"k4"]


# -- WATCH versions -----------------------------------------------------------
def test_watch_returns_the_version_and_whether_the_key_is_alive() -> None:
    db = make_db()
    assert db.watch(b"k") == (0, False)
    db.store(b"k", b"v")
    db.touch(b"k")
    assert db.watch(b"k") == (1, True)


def test_touch_bumps_only_watched_keys() -> None:
    db = make_db()
    db.watch(b"watched")
    db.touch(b"watched")
    db.touch(b"other")
    assert db.watch_version(b"watched") == 1
    assert db.watch_version(b"other") == -1
    assert b"other" not in db.watched


def test_a_watch_entry_lives_until_its_last_watcher_leaves() -> None:
    db = make_db()
    db.watch(b"k")
    db.watch(b"k")
    db.touch(b"k")
    db.unwatch(b"k")
    assert db.watch_version(b"k") == 1
    assert db.watched[b"k"].watchers == 1
    db.unwatch(b"k")
    assert b"k" not in db.watched
    db.unwatch(b"k")  # unwatching a key nobody watches is harmless
    assert db.watch_version(b"k") == -1


def test_expiry_itself_does_not_bump_a_version() -> None:
    db = make_db()
    db.store(b"k", b"v")
    db.set_expire(b"k", NOW - 1)
    db.watch(b"k")
    assert db.lookup(b"k") is None
    assert db.watch_version(b"k") == 0


# (key in db, watched key expired?) -> does FLUSHDB change the watched version.
# Redis 7.0.15: a key expired when watched and then flushed is no change.
@pytest.mark.parametrize(
    ("state", "changed"),
    [("alive", True), ("expired", False), ("absent", False)],
)
def test_flushdb_changes_only_watched_keys_that_are_alive(state: str, changed: bool) -> None:
    db = make_db()
    if state != "absent":
        db.store(b"k", b"v")
    if state == "expired":
        db.set_expire(b"k", NOW - 1)
    db.watch(b"k")
    db.clear()
    assert db.watch_version(b"k") == (1 if changed else 0)


# -- SWAPDB -------------------------------------------------------------------
def test_swap_exchanges_data_and_ttls_but_not_watches() -> None:
    keyspace = make_keyspace(2)
    first, second = keyspace.db(0), keyspace.db(1)
    first.store(b"a", b"1")
    first.set_expire(b"a", NOW + 5)
    second.store(b"b", b"2")
    first.watch(b"w")
    keyspace.swap(0, 1)
    assert first.lookup(b"b") == b"2" and first.lookup(b"a") is None
    assert second.lookup(b"a") == b"1" and second.get_expire(b"a") == NOW + 5
    assert list(first.watched) == [b"w"] and second.watched == {}
    assert first.index == 0 and second.index == 1
    assert_ttl_index_consistent(first)
    assert_ttl_index_consistent(second)


# (watched key in db0, same key in db1) -> does SWAPDB 0 1 change its version.
# The expired rows are redis-server 7.0.15's answers (EXEC went through).
@pytest.mark.parametrize(
    ("in_watched_db", "in_other_db", "changed"),
    [
        ("alive", "absent", True),
        ("absent", "alive", True),
        ("alive", "alive", True),
        ("absent", "absent", False),
        ("expired", "absent", False),
        ("absent", "expired", False),
    ],
)
def test_swapdb_changes_a_watched_key_alive_on_either_side(
    in_watched_db: str, in_other_db: str, changed: bool
) -> None:
    keyspace = make_keyspace(2)
    for db, state in ((keyspace.db(0), in_watched_db), (keyspace.db(1), in_other_db)):
        if state != "absent":
            db.store(b"k", b"v")
        if state == "expired":
            db.set_expire(b"k", NOW - 1)
    keyspace.db(0).watch(b"k")
    keyspace.swap(0, 1)
    assert keyspace.db(0).watch_version(b"k") == (1 if changed else 0)


# -- SCAN snapshots -----------------------------------------------------------
def scan_all(ctx: ExecContext, count: int, between: Any = None) -> tuple[list[bytes], int]:
    """Every key a full local SCAN returns, and how many calls it took."""
    load_families()
    cursor, found, calls = b"0", [], 0
    while True:
        next_cursor, keys = HANDLERS["scan"](ctx, [b"SCAN", cursor, b"COUNT", b"%d" % count])
        found.extend(keys)
        calls += 1
        if between is not None:
            between(calls)
        if next_cursor == 0:
            return found, calls
        cursor = b"%d" % next_cursor


def test_scan_returns_every_key_once_in_count_sized_steps() -> None:
    keyspace = make_keyspace(1)
    fill(keyspace.db(0), 25, None)
    ctx = ExecContext(keyspace, keyspace.db(0))
    found, calls = scan_all(ctx, 10)
    assert sorted(found) == sorted(keyspace.db(0).data) and len(found) == 25
    assert calls == 3
    assert not keyspace.scan_snapshots.snapshots  # a finished scan drops its snapshot


def test_scan_returns_keys_present_throughout_despite_concurrent_writes() -> None:
    keyspace = make_keyspace(1)
    db = keyspace.db(0)
    fill(db, 30, None)
    ctx = ExecContext(keyspace, db)

    def churn(call: int) -> None:
        db.delete(b"k%d" % (29 - call))
        db.store(b"new%d" % call, b"v")

    found, _ = scan_all(ctx, 5, churn)
    survivors = {b"k%d" % index for index in range(30)} & set(db.data)
    assert survivors <= set(found)
    assert len(found) == len(set(found))


def test_scan_skips_keys_deleted_or_expired_before_their_turn() -> None:
    keyspace = make_keyspace(1)
    db = keyspace.db(0)
    fill(db, 4, None)
    ctx = ExecContext(keyspace, db)
    load_families()
    cursor, first = HANDLERS["scan"](ctx, [b"SCAN", b"0", b"COUNT", b"1"])
    db.delete(b"k2")
    db.set_expire(b"k3", NOW - 1)
    rest: list[bytes] = []
    while cursor:
        cursor, keys = HANDLERS["scan"](ctx, [b"SCAN", b"%d" % cursor, b"COUNT", b"1"])
        rest.extend(keys)
    assert first + rest == [b"k0", b"k1"]


def test_scan_with_an_evicted_snapshot_restarts_from_a_new_snapshot_at_the_same_position() -> None:
    keyspace = make_keyspace(1)
    db = keyspace.db(0)
    fill(db, 6, None)
    ctx = ExecContext(keyspace, db)
    load_families()
    cursor, first = HANDLERS["scan"](ctx, [b"SCAN", b"0", b"COUNT", b"2"])
    keyspace.scan_snapshots.snapshots.clear()
    rest: list[bytes] = []
    while cursor:
        cursor, keys = HANDLERS["scan"](ctx, [b"SCAN", b"%d" % cursor, b"COUNT", b"2"])
        rest.extend(keys)
    assert first + rest == [b"k%d" % index for index in range(6)]


def test_scan_keeps_walking_its_snapshot_when_the_database_shrinks_below_count() -> None:
    """A compact hash comes back whole on any cursor; the keyspace never does,
    so a client mid-scan gets no key twice."""
    keyspace = make_keyspace(1)
    db = keyspace.db(0)
    fill(db, 6, None)
    ctx = ExecContext(keyspace, db)
    load_families()
    cursor, first = HANDLERS["scan"](ctx, [b"SCAN", b"0", b"COUNT", b"4"])
    for key in (b"k3", b"k4", b"k5"):
        db.delete(key)
    cursor, rest = HANDLERS["scan"](ctx, [b"SCAN", b"%d" % cursor, b"COUNT", b"4"])
    assert (first, rest, cursor) == ([b"k0", b"k1", b"k2", b"k3"], [], 0)


# -- the TTL sampling index ---------------------------------------------------
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 12)), max_size=80))
def test_key_sampler_agrees_with_a_set_across_chunks(monkeypatch: pytest.MonkeyPatch, ops) -> None:
    monkeypatch.setattr(keyspace_module, "CHUNK", 3)  # the same for every example
    sampler, model = KeySampler(), set()
    for adding, number in ops:
        key = b"k%d" % number
        if adding:
            sampler.add(key)
            model.add(key)
        else:
            sampler.discard(key)
            model.discard(key)
        assert sorted(sampler) == sorted(model) and len(sampler) == len(model)
        assert all(sampler[position] == key for key, position in sampler.positions.items())
        assert all(type(chunk) is tuple and len(chunk) == 3 for chunk in sampler.chunks[:-1])
        assert not sampler.chunks or type(sampler.chunks[-1]) is list
    if model:
        assert sampler.random_key() in model


def test_key_sampler_chunks_leave_the_cyclic_gc_after_a_collection() -> None:
    """The point of the chunks: settled tuples of bytes are not walked by the
    cyclic GC, where a list of a million keys was on every full collection."""
    sampler = KeySampler()
    for number in range(200):
        sampler.add(b"k%d" % number)
    gc.collect()
    assert not any(gc.is_tracked(chunk) for chunk in sampler.chunks[:-1])
