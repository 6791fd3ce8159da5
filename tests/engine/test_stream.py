"""Streams: the family handlers (actors/engine/families/stream.py and
stream_groups.py), synchronous, with an injected clock."""

from __future__ import annotations

import pytest

from protocol import errors
from protocol.resp.values import NULL_ARRAY, ErrorReply

from actors.engine import dispatch
from actors.engine.blocking import BlockOn
from actors.engine.context import ExecContext
from actors.engine.keyspace import Keyspace

dispatch.load_families()

NOW = 1_700_000_000_000


def make_context() -> ExecContext:
    keyspace = Keyspace.create(16)
    keyspace.now_ms = NOW
    return ExecContext(keyspace, keyspace.databases[0], notify_classes="KEA")


def run(ctx: ExecContext, *args: bytes | str | int):
    argv = [a if isinstance(a, bytes) else str(a).encode() for a in args]
    name = argv[0].decode().lower()
    if name in ("xgroup", "xinfo"):
        name = f"{name}|{argv[1].decode().lower()}"
    return dispatch.execute(ctx, name, argv)


def entries(*pairs):
    return [[entry_id.encode(), [field.encode() for field in fields]] for entry_id, *fields in pairs]


def test_xadd_with_star_uses_the_clock_then_counts_sequence_numbers() -> None:
    ctx = make_context()
    assert run(ctx, "XADD", "s", "*", "a", "1") == b"%d-0" % NOW
    assert run(ctx, "XADD", "s", "*", "a", "2") == b"%d-1" % NOW
    assert ctx.propagated[-1] == (0, [b"XADD", b"s", b"%d-1" % NOW, b"a", b"2"])


@pytest.mark.parametrize(
    "id_arg, expected",
    [
        ("5-*", b"5-6"),
        ("4-*", errors.STREAM_ID_TOO_SMALL),
        ("6-*", b"6-0"),
        ("5-6", b"5-6"),
        ("5", errors.STREAM_ID_TOO_SMALL),
        ("0-0", errors.STREAM_ID_ZERO),
        ("1-x", errors.STREAM_INVALID_ID),
        ("-", errors.STREAM_INVALID_ID),
    ],
)
def test_xadd_explicit_and_partial_ids(id_arg: str, expected) -> None:
    ctx = make_context()
    run(ctx, "XADD", "s", "5-5", "f", "v")
    reply = run(ctx, "XADD", "s", id_arg, "f", "v")
    if isinstance(expected, str):
        assert reply == ErrorReply(expected)
    else:
        assert reply == expected


def test_xadd_nomkstream_on_a_missing_key_answers_null() -> None:
    ctx = make_context()
    assert run(ctx, "XADD", "s", "NOMKSTREAM", "*", "a", "1") is None
    assert run(ctx, "EXISTS", "s") == 0


def test_xadd_maxlen_exact_trims_and_propagates_the_exact_trim() -> None:
    ctx = make_context()
    for index in range(1, 6):
        run(ctx, "XADD", "s", f"{index}-0", "f", "v")
    assert run(ctx, "XADD", "s", "MAXLEN", "=", "2", "6-0", "f", "v") == b"6-0"
    assert run(ctx, "XLEN", "s") == 2
    assert ctx.propagated[-1] == (0, [b"XTRIM", b"s", b"MAXLEN", b"=", b"2"])
    assert ("t", b"xtrim", 0, b"s") in ctx.events


def test_approximate_trim_drops_only_whole_nodes_of_100() -> None:
    ctx = make_context()
    for index in range(1, 251):
        run(ctx, "XADD", "s", f"{index}-0", "f", "v")
    assert run(ctx, "XTRIM", "s", "MAXLEN", "~", "10") == 200
    assert run(ctx, "XLEN", "s") == 50
    assert run(ctx, "XTRIM", "s", "MINID", "~", "240") == 0
    assert run(ctx, "XTRIM", "s", "MINID", "240") == 39


def test_xrange_bounds_exclusive_ids_and_count() -> None:
    ctx = make_context()
    for entry_id in ("1-1", "1-2", "2-0", "3-5"):
        run(ctx, "XADD", "s", entry_id, "f", entry_id)
    assert run(ctx, "XRANGE", "s", "(1-1", "2") == entries(("1-2", "f", "1-2"), ("2-0", "f", "2-0"))
    assert run(ctx, "XRANGE", "s", "-", "+", "COUNT", "1") == entries(("1-1", "f", "1-1"))
    assert run(ctx, "XREVRANGE", "s", "+", "(2", "COUNT", "5") == entries(("3-5", "f", "3-5"))
    assert run(ctx, "XRANGE", "s", "-", "+", "COUNT", "0") is NULL_ARRAY
    assert run(ctx, "XRANGE", "s", "(18446744073709551615-18446744073709551615", "+") == ErrorReply(
        errors.STREAM_INVALID_START
    )


def test_xdel_counts_removed_entries_and_records_the_max_deleted_id() -> None:
    ctx = make_context()
    for entry_id in ("1-0", "2-0", "3-0"):
        run(ctx, "XADD", "s", entry_id, "f", "v")
    assert run(ctx, "XDEL", "s", "2-0", "9-0") == 1
    info = run(ctx, "XINFO", "STREAM", "s")
    assert info[b"max-deleted-entry-id"] == b"2-0"
    assert info[b"length"] == 2


def test_xread_dollar_blocks_and_is_rewritten_to_the_last_id() -> None:
    ctx = make_context()
    run(ctx, "XADD", "s", "1-0", "f", "v")
    argv = [b"XREAD", b"BLOCK", b"0", b"STREAMS", b"s", b"$"]
    reply = dispatch.execute(ctx, "xread", argv)
    assert reply == BlockOn((b"s",), 0, NULL_ARRAY)
    assert argv[-1] == b"1-0"
    run(ctx, "XADD", "s", "2-0", "g", "w")
    assert dispatch.execute(ctx, "xread", argv) == [[b"s", entries(("2-0", "g", "w"))]]


def test_xread_in_resp3_is_a_map() -> None:
    ctx = make_context()
    ctx.client.resp3 = True
    run(ctx, "XADD", "s", "1-0", "f", "v")
    assert run(ctx, "XREAD", "STREAMS", "s", "0") == {b"s": entries(("1-0", "f", "v"))}


def test_xreadgroup_delivers_new_entries_and_records_them_pending() -> None:
    ctx = make_context()
    run(ctx, "XADD", "s", "1-0", "f", "v")
    assert run(ctx, "XGROUP", "CREATE", "s", "g", "0") == b"OK"
    reply = run(ctx, "XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">")
    assert reply == [[b"s", entries(("1-0", "f", "v"))]]
    assert run(ctx, "XPENDING", "s", "g") == [1, b"1-0", b"1-0", [[b"alice", b"1"]]]
    assert ctx.propagated[-1] == (0, [b"XGROUP", b"SETID", b"s", b"g", b"1-0", b"ENTRIESREAD", b"1"])
    assert run(ctx, "XINFO", "GROUPS", "s")[0][b"lag"] == 0
    assert run(ctx, "XACK", "s", "g", "1-0") == 1
    assert run(ctx, "XPENDING", "s", "g") == [0, None, None, NULL_ARRAY]


def test_xclaim_moves_an_idle_entry_and_bumps_its_delivery_count() -> None:
    ctx = make_context()
    run(ctx, "XADD", "s", "1-0", "f", "v")
    run(ctx, "XGROUP", "CREATE", "s", "g", "0")
    run(ctx, "XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">")
    ctx.keyspace.now_ms += 5000
    assert run(ctx, "XCLAIM", "s", "g", "bob", "10000", "1-0") == []
    assert run(ctx, "XCLAIM", "s", "g", "bob", "1000", "1-0") == entries(("1-0", "f", "v"))
    assert run(ctx, "XPENDING", "s", "g", "-", "+", "10") == [[b"1-0", b"bob", 0, 2]]


def test_xautoclaim_reports_and_clears_deleted_entries() -> None:
    ctx = make_context()
    run(ctx, "XADD", "s", "1-0", "f", "v")
    run(ctx, "XADD", "s", "2-0", "f", "w")
    run(ctx, "XGROUP", "CREATE", "s", "g", "0")
    run(ctx, "XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">")
    run(ctx, "XDEL", "s", "1-0")
    assert run(ctx, "XAUTOCLAIM", "s", "g", "bob", "0", "0") == [
        b"0-0", entries(("2-0", "f", "w")), [b"1-0"],
    ]


def test_xreadgroup_history_shows_deleted_entries_as_null() -> None:
    ctx = make_context()
    run(ctx, "XADD", "s", "1-0", "f", "v")
    run(ctx, "XGROUP", "CREATE", "s", "g", "0")
    run(ctx, "XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">")
    run(ctx, "XDEL", "s", "1-0")
    assert run(ctx, "XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0") == [[b"s", [[b"1-0", NULL_ARRAY]]]]


def test_wrong_type_is_refused() -> None:
    ctx = make_context()
    run(ctx, "SET", "k", "v")
    assert run(ctx, "XADD", "k", "*", "a", "1") == ErrorReply(errors.WRONGTYPE)
    assert run(ctx, "XLEN", "k") == ErrorReply(errors.WRONGTYPE)
