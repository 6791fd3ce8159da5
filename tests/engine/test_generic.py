"""Generic key handlers (actors/engine/families/generic.py), synchronous."""

from __future__ import annotations

import pytest

from protocol.resp.values import OK, ErrorReply, SimpleString

from tests.engine.test_string import NOW, make_context, run


@pytest.fixture
def ctx():
    return make_context()


def test_rename_moves_value_and_ttl_and_propagates(ctx) -> None:
    run(ctx, "SET", "a", "1", "PX", 500)
    ctx.propagated.clear()
    assert run(ctx, "RENAME", "a", "b") == OK
    assert ctx.db.get_expire(b"b") == NOW + 500
    assert ctx.db.lookup(b"a") is None
    assert ctx.propagated == [(0, [b"RENAME", b"a", b"b"])]


def test_copy_to_another_database_keeps_the_ttl(ctx) -> None:
    run(ctx, "SET", "a", "1", "PX", 500)
    assert run(ctx, "COPY", "a", "b", "DB", 3) == 1
    assert ctx.keyspace.databases[3].lookup(b"b") == b"1"
    assert ctx.keyspace.databases[3].get_expire(b"b") == NOW + 500


def test_copy_of_a_raw_string_is_independent(ctx) -> None:
    run(ctx, "APPEND", "a", "xy")
    run(ctx, "COPY", "a", "b")
    run(ctx, "APPEND", "a", "z")
    assert run(ctx, "GET", "b") == b"xy"


@pytest.mark.parametrize(
    "argv, reply",
    [
        (["MOVE", "a", "x"], ErrorReply("ERR value is not an integer or out of range")),
        (["MOVE", "a", "16"], ErrorReply("ERR DB index is out of range")),
        (["MOVE", "a", "0"], ErrorReply("ERR source and destination objects are the same")),
        (["MOVE", "a", "1"], 1),
        (["COPY", "a", "a"], ErrorReply("ERR source and destination objects are the same")),
        (["RENAME", "z", "y"], ErrorReply("ERR no such key")),
        (["TYPE", "a"], SimpleString(b"string")),
        (["TYPE", "z"], SimpleString(b"none")),
        (["EXISTS", "a", "a", "z"], 2),
        (["TOUCH", "a", "z"], 1),
        (["DEL", "a", "z"], 1),
    ],
)
def test_generic_replies(ctx, argv, reply) -> None:
    run(ctx, "SET", "a", "1")
    assert run(ctx, *argv) == reply


@pytest.mark.parametrize(
    "setup, encoding",
    [
        (["SET", "k", "123"], b"int"),
        (["SET", "k", "0123"], b"embstr"),
        (["SET", "k", "x" * 44], b"embstr"),
        (["SET", "k", "x" * 45], b"raw"),
        (["APPEND", "k", "1"], b"int"),
        (["SETRANGE", "k", "0", "1"], b"raw"),
    ],
)
def test_object_encoding(ctx, setup, encoding) -> None:
    run(ctx, *setup)
    assert run(ctx, "OBJECT", "ENCODING", "k") == encoding


def test_object_idletime_counts_seconds_since_the_last_access(ctx) -> None:
    run(ctx, "SET", "k", "v")
    ctx.keyspace.now_ms = NOW + 5_999
    assert run(ctx, "OBJECT", "IDLETIME", "k") == 5
    run(ctx, "EXISTS", "k")
    run(ctx, "TYPE", "k")
    run(ctx, "TTL", "k")
    assert run(ctx, "OBJECT", "IDLETIME", "k") == 5
    run(ctx, "GET", "k")
    assert run(ctx, "OBJECT", "IDLETIME", "k") == 0


@pytest.mark.parametrize(
    "access",
    [["GET", "k"], ["TOUCH", "k"], ["APPEND", "k", "x"], ["EXPIRE", "k", "100"],
     ["MGET", "k"], ["STRLEN", "k"], ["GETRANGE", "k", "0", "1"], ["SET", "k", "w"]],
)
def test_reads_and_writes_reset_the_idle_time(ctx, access) -> None:
    run(ctx, "SET", "k", "v")
    ctx.keyspace.now_ms = NOW + 10_000
    run(ctx, *access)
    assert run(ctx, "OBJECT", "IDLETIME", "k") == 0


def test_idle_time_follows_rename_swapdb_and_flush(ctx) -> None:
    run(ctx, "SET", "k", "v")
    ctx.keyspace.now_ms = NOW + 10_000
    run(ctx, "RENAME", "k", "j")
    ctx.keyspace.now_ms = NOW + 13_000
    assert run(ctx, "OBJECT", "IDLETIME", "j") == 3
    run(ctx, "SWAPDB", "0", "1")
    ctx.db = ctx.keyspace.databases[1]
    assert run(ctx, "OBJECT", "IDLETIME", "j") == 3
    run(ctx, "FLUSHALL")
    run(ctx, "SET", "j", "v")
    assert run(ctx, "OBJECT", "IDLETIME", "j") == 0


def test_a_deleted_and_recreated_key_is_fresh(ctx) -> None:
    run(ctx, "SET", "k", "v")
    run(ctx, "DEL", "k")
    ctx.keyspace.now_ms = NOW + 50_000
    run(ctx, "SET", "k", "v")
    assert run(ctx, "OBJECT", "IDLETIME", "k") == 0


def test_object_freq_without_lfu_and_of_a_missing_key(ctx) -> None:
    run(ctx, "SET", "k", "v")
    assert run(ctx, "OBJECT", "FREQ", "k").message.startswith(
        "ERR An LFU maxmemory policy is not selected")
    assert run(ctx, "OBJECT", "FREQ", "z") is None
    assert run(ctx, "OBJECT", "IDLETIME", "z") is None


def test_object_help_is_fifteen_status_lines(ctx) -> None:
    lines = run(ctx, "OBJECT", "HELP")
    assert len(lines) == 15 and all(type(line) is SimpleString for line in lines)
