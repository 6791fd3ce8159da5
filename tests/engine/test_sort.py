"""SORT and SORT_RO (actors/engine/families/sort.py), synchronous.

Lists are stood in for by :class:`FakeList` (the family reaches values by
duck typing: a list iterates its elements in order), so these tests do not
depend on the list family.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocol.resp.values import ErrorReply

from actors.engine import dispatch
from actors.engine.context import ExecContext
from actors.engine.families.sort import strtod_score
from actors.engine.keyspace import Keyspace

dispatch.load_families()
NOW = 1_700_000_000_000
WRONGTYPE = ErrorReply("WRONGTYPE Operation against a key holding the wrong kind of value")
SYNTAX = ErrorReply("ERR syntax error")
NOT_DOUBLE = ErrorReply("ERR One or more scores can't be converted into double")


class FakeList(list):  # type: ignore[type-arg]
    redis_type = b"list"

    def copy(self) -> FakeList:
        return FakeList(self)


def make_context() -> ExecContext:
    keyspace = Keyspace.create(16)
    keyspace.now_ms = NOW
    ctx = ExecContext(keyspace, keyspace.databases[0])
    ctx.notify_classes = "KEA"
    return ctx


def run(ctx: ExecContext, *args: bytes | str | int):
    argv = [a if isinstance(a, bytes) else str(a).encode() for a in args]
    return dispatch.execute(ctx, argv[0].decode().lower(), argv)


def b(*items: str) -> list[bytes]:
    return [item.encode() for item in items]


@pytest.fixture
def ctx() -> ExecContext:
    context = make_context()
    context.db.store(b"l", FakeList(b("3", "10", "1", "2")))
    context.db.store(b"words", FakeList(b("pear", "apple", "fig")))
    return context


@pytest.mark.parametrize(
    "argv, reply",
    [
        (["SORT", "l"], b("1", "2", "3", "10")),
        (["SORT", "l", "DESC"], b("10", "3", "2", "1")),
        (["SORT", "l", "ALPHA"], b("1", "10", "2", "3")),
        (["SORT", "l", "ASC", "DESC", "ASC"], b("1", "2", "3", "10")),
        (["SORT", "l", "LIMIT", "1", "2"], b("2", "3")),
        (["SORT", "l", "LIMIT", "-5", "2"], b("1", "2")),
        (["SORT", "l", "LIMIT", "2", "-1"], b("3", "10")),
        (["SORT", "l", "LIMIT", "10", "1"], []),
        (["SORT", "l", "LIMIT", "0", "0"], []),
        (["SORT", "l", "BY", "nosort"], b("3", "10", "1", "2")),
        (["SORT", "l", "BY", "nosort", "DESC"], b("2", "1", "10", "3")),
        (["SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2"], b("1", "10")),
        (["SORT", "l", "BY", "nosort", "LIMIT", "3", "5"], b("2")),
        (["SORT", "l", "GET", "#", "GET", "missing_*"], [b"1", None, b"2", None, b"3", None,
                                                        b"10", None]),
        (["SORT", "l", "GET", "nostar"], [None] * 4),
        (["SORT", "missing"], []),
        (["SORT", "missing", "GET", "#", "LIMIT", "0", "5"], []),
        (["SORT", "words"], NOT_DOUBLE),
        (["SORT", "words", "ALPHA"], b("apple", "fig", "pear")),
        (["SORT", "words", "ALPHA", "DESC", "LIMIT", "0", "1"], b("pear")),
        (["SORT_RO", "l", "LIMIT", "0", "1"], b("1")),
        (["SORT", "l", "LIMIT", "1"], SYNTAX),
        (["SORT", "l", "LIMIT", "a", "1"], ErrorReply("ERR value is not an integer or out of range")),
        (["SORT", "l", "BY"], SYNTAX),
        (["SORT", "l", "GET"], SYNTAX),
        (["SORT", "l", "STORE"], SYNTAX),
        (["SORT", "l", "FOO"], SYNTAX),
        (["SORT_RO", "l", "STORE", "d"], SYNTAX),
        (["SORT", "str"], WRONGTYPE),
        (["SORT_RO", "str"], WRONGTYPE),
    ],
)
def test_sort_options(ctx, argv, reply) -> None:
    ctx.db.store(b"str", b"x")
    assert run(ctx, *argv) == reply


def test_sort_by_key_and_hash_field_patterns(ctx) -> None:
    run(ctx, "SET", "w_3", "30")
    run(ctx, "SET", "w_10", "5")
    run(ctx, "SET", "w_1", "20")
    run(ctx, "HSET", "h_1", "f", "z", "n", "1")
    run(ctx, "HSET", "h_2", "f", "a")
    assert run(ctx, "SORT", "l", "BY", "w_*") == b("2", "10", "1", "3")
    assert run(ctx, "SORT", "l", "BY", "w_*", "DESC") == b("3", "1", "10", "2")
    # ALPHA with BY: missing values first, in no specified order among themselves.
    by_field = run(ctx, "SORT", "l", "BY", "h_*->f", "ALPHA")
    assert set(by_field[:2]) == set(b("10", "3")) and by_field[2:] == b("2", "1")
    assert run(ctx, "SORT", "l", "BY", "w_*", "GET", "h_*->f", "GET", "#", "GET", "w_*") == [
        b"a", b"2", None, None, b"10", b"5", b"z", b"1", b"20", None, b"3", b"30"]
    assert run(ctx, "SORT", "l", "BY", "h_*->") == b("1", "10", "2", "3")
    assert run(ctx, "SORT", "l", "GET", "h_*->n", "LIMIT", "0", "1") == [b"1"]


def test_pattern_keys_of_the_wrong_type_read_as_missing(ctx) -> None:
    run(ctx, "HSET", "w_1", "f", "v")
    run(ctx, "SET", "h_1", "x")
    assert run(ctx, "SORT", "l", "GET", "w_*", "GET", "h_*->f", "LIMIT", "0", "1") == [None, None]


def test_numeric_ties_sort_by_the_element_bytes(ctx) -> None:
    ctx.db.store(b"t", FakeList(b("b", "a", "c")))
    assert run(ctx, "SORT", "t", "BY", "missing_*") == b("a", "b", "c")
    assert run(ctx, "SORT", "t", "BY", "missing_*", "DESC") == b("c", "b", "a")


def test_sort_of_a_set_and_of_a_sorted_set(ctx) -> None:
    run(ctx, "SADD", "s", "5", "-1", "3")
    run(ctx, "ZADD", "z", "3", "a", "1", "b", "2", "c")
    assert run(ctx, "SORT", "s") == b("-1", "3", "5")
    assert run(ctx, "SORT", "s", "BY", "nosort", "DESC") == b("-1", "3", "5")
    assert run(ctx, "SORT", "z", "ALPHA") == b("a", "b", "c")
    assert run(ctx, "SORT", "z", "BY", "nosort") == b("b", "c", "a")
    assert run(ctx, "SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "1") == b("c")


def test_sort_store_of_an_empty_result_deletes_the_destination(ctx) -> None:
    run(ctx, "SET", "d", "x")
    ctx.propagated.clear()
    assert run(ctx, "SORT", "missing", "STORE", "d") == 0
    assert ctx.db.lookup(b"d") is None
    assert ctx.propagated == [(0, [b"SORT", b"missing", b"STORE", b"d"])]
    assert run(ctx, "SORT", "missing", "STORE", "d") == 0
    assert len(ctx.propagated) == 1


def test_a_score_error_is_reported_even_with_store(ctx) -> None:
    assert run(ctx, "SORT", "words", "STORE", "d") == NOT_DOUBLE
    assert ctx.db.lookup(b"d") is None


@pytest.mark.parametrize(
    "raw, score",
    [
        (b"1", 1.0), (b" 5", 5.0), (b"\t\n7", 7.0), (b"", 0.0), (b"0x10", 16.0),
        (b"inf", math.inf), (b"-INFINITY", -math.inf), (b"+3", 3.0), (b".5", 0.5),
        (b"5.", 5.0), (b"-0", -0.0), (b"1e-300", 1e-300), (b"0x1p-1074", 5e-324),
        (b"1\x00junk", 1.0), (b"1 ", None), (b"nan", None), (b"1e400", None),
        (b"1e-400", None), (b"1e-310", None), (b"abc", None), (b"  ", None), (b"0x", None),
    ],
)
def test_strtod_score_follows_c_strtod(raw, score) -> None:
    assert strtod_score(raw) == score


@given(st.floats(allow_nan=False, allow_infinity=False).filter(lambda v: v == 0 or abs(v) >= 2.3e-308))
def test_strtod_score_reads_back_repr(value: float) -> None:
    assert strtod_score(repr(value).encode()) == value


@given(st.lists(st.integers(-1000, 1000), max_size=30), st.booleans())
def test_numeric_sort_matches_a_python_sort(values: list[int], desc: bool) -> None:
    ctx = make_context()
    ctx.db.store(b"l", FakeList(str(v).encode() for v in values))
    expected = sorted(values, reverse=desc)
    argv = ["SORT", "l", "DESC"] if desc else ["SORT", "l"]
    assert run(ctx, *argv) == [str(v).encode() for v in expected]
