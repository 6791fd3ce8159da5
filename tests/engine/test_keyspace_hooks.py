"""The keyspace's ``new`` and ``keymiss`` hooks (actors/engine/keyspace.py):
``Keyspace.on_new`` when a store creates a key, ``Keyspace.on_miss`` when a
lookup finds nothing; both are off (None) unless the owner sets them."""

from __future__ import annotations

from actors.engine.keyspace import Keyspace

NOW_MS = 1_700_000_000_000


def hooked() -> tuple[Keyspace, list[tuple[str, int, bytes]]]:
    keyspace = Keyspace.create(2)
    keyspace.now_ms = NOW_MS
    seen: list[tuple[str, int, bytes]] = []
    keyspace.on_new = lambda db, key: seen.append(("new", db, key))
    keyspace.on_miss = lambda db, key: seen.append(("miss", db, key))
    return keyspace, seen


def test_storing_a_missing_key_is_new_and_overwriting_is_not() -> None:
    keyspace, seen = hooked()
    db = keyspace.db(1)
    db.store(b"a", b"1")
    db.store(b"a", b"2")
    db.store_new(b"b", b"1")
    db.store_new(b"b", b"2")
    assert seen == [("new", 1, b"a"), ("new", 1, b"b")]


def test_storing_over_an_expired_key_is_new() -> None:
    keyspace, seen = hooked()
    db = keyspace.db(0)
    db.store(b"a", b"1")
    db.set_expire(b"a", NOW_MS - 1)
    seen.clear()
    db.store_new(b"a", b"2")
    assert seen == [("new", 0, b"a")]


def test_a_lookup_that_finds_nothing_or_an_expired_key_is_a_miss() -> None:
    keyspace, seen = hooked()
    db = keyspace.db(0)
    db.store(b"live", b"1")
    db.store(b"old", b"1")
    db.set_expire(b"old", NOW_MS - 1)
    seen.clear()
    assert db.lookup(b"live") == b"1"
    assert db.lookup(b"nothing") is None
    assert db.lookup(b"old") is None
    assert seen == [("miss", 0, b"nothing"), ("miss", 0, b"old")]


def test_without_hooks_nothing_is_called() -> None:
    keyspace = Keyspace.create(1)
    assert keyspace.on_new is None and keyspace.on_miss is None
    db = keyspace.db(0)
    db.store(b"a", b"1")
    assert db.lookup(b"b") is None
