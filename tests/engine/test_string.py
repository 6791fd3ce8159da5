"""String family handlers (actors/engine/families/string.py), synchronous."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocol.resp.values import OK, ErrorReply

from actors.engine import dispatch
from actors.engine.context import ExecContext
from actors.engine.keyspace import Keyspace

dispatch.load_families()
NOW = 1_700_000_000_000


def make_context() -> ExecContext:
    keyspace = Keyspace.create(16)
    keyspace.now_ms = NOW
    return ExecContext(keyspace, keyspace.databases[0])


def run(ctx: ExecContext, *args: bytes | str | int):
    argv = [a if isinstance(a, bytes) else str(a).encode() for a in args]
    name = argv[0].decode().lower()
    if name == "object":
        name = f"object|{argv[1].decode().lower()}"
    return dispatch.execute(ctx, name, argv)


@pytest.fixture
def ctx() -> ExecContext:
    return make_context()


@pytest.mark.parametrize(
    "argv, reply, stored, expire_at",
    [
        (["SET", "k", "v"], OK, b"v", None),
        (["SET", "k", "v", "EX", 10], OK, b"v", NOW + 10_000),
        (["SET", "k", "v", "PX", 10], OK, b"v", NOW + 10),
        (["SET", "k", "v", "EXAT", 2_000_000_000], OK, b"v", 2_000_000_000_000),
        (["SET", "k", "v", "PXAT", NOW + 5], OK, b"v", NOW + 5),
        (["SET", "k", "v", "EX", 1, "EX", 2], OK, b"v", NOW + 2000),
        (["SET", "k", "v", "XX"], None, None, None),
        (["SET", "k", "v", "NX", "GET"], None, b"v", None),
        (["SET", "k", "v", "NX", "XX"], ErrorReply("ERR syntax error"), None, None),
        (["SET", "k", "v", "EX", 0], ErrorReply("ERR invalid expire time in 'set' command"), None, None),
        (["SET", "k", "v", "EX", 0, "FOO"], ErrorReply("ERR syntax error"), None, None),
        (["SET", "k", "v", "KEEPTTL", "PX", 5], ErrorReply("ERR syntax error"), None, None),
    ],
)
def test_set_options_store_the_value_and_expiry(ctx, argv, reply, stored, expire_at) -> None:
    assert run(ctx, *argv) == reply
    assert ctx.db.lookup(b"k") == stored
    assert ctx.db.get_expire(b"k") == expire_at


def test_set_is_propagated_with_an_absolute_expiry(ctx) -> None:
    run(ctx, "SET", "k", "v", "EX", 10)
    assert ctx.propagated == [(0, [b"SET", b"k", b"v", b"PXAT", str(NOW + 10_000).encode()])]


def test_a_key_expires_when_the_clock_passes_its_ttl(ctx) -> None:
    run(ctx, "SET", "k", "v", "PX", 100)
    ctx.keyspace.now_ms = NOW + 99
    assert run(ctx, "GET", "k") == b"v"
    ctx.keyspace.now_ms = NOW + 100
    assert run(ctx, "GET", "k") is None


def test_getex_in_the_past_deletes_and_propagates_a_del(ctx) -> None:
    run(ctx, "SET", "k", "v")
    ctx.propagated.clear()
    assert run(ctx, "GETEX", "k", "PXAT", 1) == b"v"
    assert ctx.db.lookup(b"k") is None
    assert ctx.propagated == [(0, [b"DEL", b"k"])]


@pytest.mark.parametrize(
    "start, increments, expected",
    [
        (b"10.5", [b"0.1"], b"10.6"),
        (b"10", [b"5.0e3"], b"5010"),
        (b"3.0e3", [b"0"], b"3000"),
        (b"1", [b"0.1", b"0.2", b"-3.3"], b"-2"),
        (None, [b"1.23456789012345678901"], b"1.23456789012345679"),
        (b"7", [b"5e-18"], b"7.00000000000000001"),
        (b"12345678901234567890123", [b"1"], b"12345678901234567889920"),
        (b"0x10", [b"1"], b"17"),
    ],
)
def test_incrbyfloat_matches_recorded_redis_outputs(ctx, start, increments, expected) -> None:
    if start is not None:
        run(ctx, "SET", "k", start)
    for increment in increments:
        reply = run(ctx, "INCRBYFLOAT", "k", increment)
    assert reply == expected
    assert ctx.propagated[-1] == (0, [b"SET", b"k", expected, b"KEEPTTL"])


@pytest.mark.parametrize(
    "stored, increment, error",
    [
        (b"abc", b"1", "ERR value is not a valid float"),
        (b"inf", b"abc", "ERR value is not a valid float"),
        (b"inf", b"1", "ERR increment would produce NaN or Infinity"),
        (b"1", b"1.2e4932", "ERR value is not a valid float"),
        (b"1.18e4932", b"1.18e4932", "ERR increment would produce NaN or Infinity"),
        (b"\x000", b"1", "ERR value is not a valid float"),
    ],
)
def test_incrbyfloat_errors(ctx, stored, increment, error) -> None:
    run(ctx, "SET", "k", stored)
    assert run(ctx, "INCRBYFLOAT", "k", increment) == ErrorReply(error)
    assert ctx.db.lookup(b"k") == stored


def redis_getrange(value: bytes, start: int, end: int) -> bytes:
    """Redis's getrangeCommand, transcribed."""
    length = len(value)
    if start < 0 and end < 0 and start > end:
        return b""
    if start < 0:
        start = max(length + start, 0)
    if end < 0:
        end = max(length + end, 0)
    end = min(end, length - 1)
    if start > end or length == 0:
        return b""
    return value[start : end + 1]


@given(value=st.binary(max_size=20), start=st.integers(-30, 30), end=st.integers(-30, 30))
def test_getrange_matches_the_bytes_model(value, start, end) -> None:
    ctx = make_context()
    if value:
        run(ctx, "SET", "k", value)
    assert run(ctx, "GETRANGE", "k", start, end) == redis_getrange(value, start, end)


@given(
    patches=st.lists(st.tuples(st.integers(0, 40), st.binary(max_size=8)), max_size=8),
    suffix=st.binary(max_size=5),
)
def test_setrange_and_append_match_the_bytes_model(patches, suffix) -> None:
    ctx = make_context()
    model: bytes | None = None
    for offset, patch in patches:
        reply = run(ctx, "SETRANGE", "k", offset, patch)
        if patch:
            current = model or b""
            current = current.ljust(offset, b"\0")
            model = current[:offset] + patch + current[offset + len(patch) :]
        assert reply == len(model or b"")
    assert run(ctx, "APPEND", "k", suffix) == len((model or b"") + suffix)
    assert run(ctx, "GET", "k") == (model or b"") + suffix


def test_setrange_past_the_bulk_limit_is_refused(ctx) -> None:
    ctx.proto_max_bulk_len = 10
    assert run(ctx, "SETRANGE", "k", 10, "x") == ErrorReply(
        "ERR string exceeds maximum allowed size (proto-max-bulk-len)")
    assert run(ctx, "SETRANGE", "k", 9, "x") == 10
    assert run(ctx, "APPEND", "k", "y") == ErrorReply(
        "ERR string exceeds maximum allowed size (proto-max-bulk-len)")


@pytest.mark.parametrize(
    "options, reply",
    [
        ([], b"mytext"),
        (["LEN"], 6),
        (["IDX"], {b"matches": [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], b"len": 6}),
        (["IDX", "MINMATCHLEN", 4, "WITHMATCHLEN"], {b"matches": [[[4, 7], [5, 8], 4]], b"len": 6}),
        (["LEN", "IDX"], ErrorReply("ERR If you want both the length and indexes, please just use IDX.")),
    ],
)
def test_lcs(ctx, options, reply) -> None:
    run(ctx, "MSET", "a", "ohmytext", "b", "mynewtext")
    assert run(ctx, "LCS", "a", "b", *options) == reply


@pytest.mark.parametrize(
    "argv, reply",
    [
        (["INCR", "k"], 1),
        (["DECRBY", "k", "-9223372036854775808"], ErrorReply("ERR decrement would overflow")),
        (["INCRBY", "k", "x"], ErrorReply("ERR value is not an integer or out of range")),
        (["MSETNX", "k", "1", "j"], ErrorReply("ERR wrong number of arguments for 'msetnx' command")),
    ],
)
def test_counters_and_arity(ctx, argv, reply) -> None:
    assert run(ctx, *argv) == reply


@pytest.mark.parametrize(
    "argv, propagated",
    [
        (["INCR", "n"], [b"INCR", b"n"]),
        (["DECR", "n"], [b"DECR", b"n"]),
        (["INCRBY", "n", "5"], [b"INCRBY", b"n", b"5"]),
        (["DECRBY", "n", "5"], [b"DECRBY", b"n", b"5"]),
        (["INCRBYFLOAT", "n", "1.5"], [b"SET", b"n", b"11.5", b"KEEPTTL"]),
    ],
)
def test_counters_propagate_as_redis_does(ctx, argv, propagated) -> None:
    """INCR and friends replay to the same result, so Redis propagates them as
    they came; INCRBYFLOAT's float formatting might not, so it becomes a SET."""
    run(ctx, "SET", "n", "10")
    ctx.propagated.clear()
    run(ctx, *argv)
    assert ctx.propagated == [(0, propagated)]
