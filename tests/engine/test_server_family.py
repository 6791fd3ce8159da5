"""Keyless keyspace handlers (actors/engine/families/server.py), synchronous."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocol.resp.values import OK, ErrorReply

from tests.engine.test_string import NOW, make_context, run


@pytest.fixture
def ctx():
    return make_context()


def test_dbsize_flushdb_flushall(ctx) -> None:
    run(ctx, "MSET", "a", "1", "b", "2")
    ctx.db = ctx.keyspace.databases[1]
    run(ctx, "SET", "c", "3")
    assert run(ctx, "DBSIZE") == 1
    assert run(ctx, "FLUSHDB", "ASYNC") == OK
    assert run(ctx, "DBSIZE") == 0
    assert ctx.keyspace.databases[0].size() == 2
    assert run(ctx, "FLUSHALL", "sync") == OK
    assert ctx.keyspace.databases[0].size() == 0
    assert run(ctx, "FLUSHALL", "x") == ErrorReply("ERR syntax error")


def test_swapdb(ctx) -> None:
    run(ctx, "SET", "a", "1", "PX", 100)
    assert run(ctx, "SWAPDB", "0", "1") == OK
    assert run(ctx, "DBSIZE") == 0
    assert ctx.keyspace.databases[1].get_expire(b"a") == NOW + 100
    assert run(ctx, "SWAPDB", "0", "16") == ErrorReply("ERR DB index is out of range")
    assert run(ctx, "SWAPDB", "a", "1") == ErrorReply("ERR invalid first DB index")


def test_keys_skips_expired_keys(ctx) -> None:
    run(ctx, "MSET", "a1", "1", "a2", "2", "b", "3")
    run(ctx, "PEXPIRE", "a2", 10)
    ctx.keyspace.now_ms = NOW + 10
    assert sorted(run(ctx, "KEYS", "a*")) == [b"a1"]


@pytest.mark.parametrize(
    "cursor, valid",
    [(b"0", True), (b"+0", True), (b"007", True), (b"-1", True),
     (b"18446744073709551615", True), (b"18446744073709551616", False), (b" 0", False),
     (b"x", False), (b"", False)],
)
def test_scan_cursor_parsing_is_strtoul(ctx, cursor, valid) -> None:
    reply = run(ctx, "SCAN", cursor)
    assert (reply != ErrorReply("ERR invalid cursor")) is valid


@settings(max_examples=50)
@given(
    initial=st.sets(st.integers(0, 60), max_size=40),
    churn=st.lists(st.tuples(st.booleans(), st.integers(0, 60)), max_size=40),
    count=st.integers(1, 12),
)
def test_a_full_scan_returns_every_key_present_throughout(initial, churn, count) -> None:
    ctx = make_context()
    for n in initial:
        run(ctx, "SET", f"k{n}", "v")
    present_throughout = {f"k{n}".encode() for n in initial}
    ever_present = set(present_throughout)
    cursor, seen, step = b"0", [], 0
    while True:
        cursor, keys = run(ctx, "SCAN", cursor, "COUNT", count)
        cursor = str(cursor).encode()
        seen.extend(keys)
        if step < len(churn):
            add, n = churn[step]
            key = f"k{n}".encode()
            if add:
                run(ctx, "SET", key, "v")
                ever_present.add(key)
            else:
                run(ctx, "DEL", key)
                present_throughout.discard(key)
        step += 1
        if cursor == b"0":
            break
    assert present_throughout <= set(seen) <= ever_present


def test_scan_type_and_match(ctx) -> None:
    run(ctx, "MSET", "user:1", "a", "user:2", "b", "item:1", "c")
    _, keys = run(ctx, "SCAN", "0", "MATCH", "user:*", "TYPE", "string", "COUNT", 100)
    assert sorted(keys) == [b"user:1", b"user:2"]
    assert run(ctx, "SCAN", "0", "TYPE", "list") == [0, []]


def test_randomkey(ctx) -> None:
    assert run(ctx, "RANDOMKEY") is None
    run(ctx, "SET", "only", "v")
    assert run(ctx, "RANDOMKEY") == b"only"
