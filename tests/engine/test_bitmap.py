"""Bitmap family handlers (actors/engine/families/bitmap.py), synchronous."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from protocol.resp.values import ErrorReply

from actors.engine import dispatch
from actors.engine.context import ExecContext
from actors.engine.families.bitmap import bitpos_generic
from actors.engine.keyspace import Keyspace

dispatch.load_families()


def make_context() -> ExecContext:
    keyspace = Keyspace.create(16)
    keyspace.now_ms = 1_700_000_000_000
    return ExecContext(keyspace, keyspace.databases[0])


def run(ctx: ExecContext, *args: bytes | str | int):
    argv = [a if isinstance(a, bytes) else str(a).encode() for a in args]
    return dispatch.execute(ctx, argv[0].decode().lower(), argv)


def test_setbit_turns_the_value_into_a_bytearray_and_propagates() -> None:
    ctx = make_context()
    ctx.db.store(b"k", b"a")
    assert run(ctx, "SETBIT", "k", 15, 1) == 0
    assert ctx.db.lookup(b"k") == bytearray(b"a\x01")
    assert type(ctx.db.lookup(b"k")) is bytearray
    assert ctx.propagated == [(0, [b"SETBIT", b"k", b"15", b"1"])]


def test_setbit_that_changes_nothing_is_not_propagated() -> None:
    ctx = make_context()
    run(ctx, "SETBIT", "k", 3, 1)
    ctx.propagated.clear()
    assert run(ctx, "SETBIT", "k", 3, 1) == 1
    assert ctx.propagated == []


def test_setbit_offset_is_bounded_by_proto_max_bulk_len() -> None:
    ctx = make_context()
    ctx.proto_max_bulk_len = 1024 * 1024
    assert run(ctx, "SETBIT", "k", 8 * 1024 * 1024, 1) == ErrorReply(
        "ERR bit offset is not an integer or out of range"
    )
    assert run(ctx, "SETBIT", "k", 8 * 1024 * 1024 - 1, 1) == 0


def test_bitfield_hash_offsets_multiply_by_the_width() -> None:
    ctx = make_context()
    assert run(ctx, "BITFIELD", "k", "SET", "u8", "#2", 7, "GET", "u8", 16) == [0, 7]
    assert ctx.db.lookup(b"k") == bytearray(b"\x00\x00\x07")


def test_bitfield_sat_and_fail_leave_the_field_at_its_limit() -> None:
    ctx = make_context()
    assert run(ctx, "BITFIELD", "k", "OVERFLOW", "SAT", "INCRBY", "u4", 0, 100) == [15]
    assert run(ctx, "BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u4", 0, 1) == [None]
    assert run(ctx, "BITFIELD", "k", "GET", "u4", 0) == [15]


def _model_bitpos(data: bytes, bit: int, start: int, end: int) -> int:
    for position in range(start, end + 1):
        if (data[position >> 3] >> (7 - (position & 7))) & 1 == bit:
            return position
    return -1


@given(st.binary(min_size=1, max_size=12), st.sampled_from([0, 1]), st.data())
def test_bitpos_generic_matches_a_bit_by_bit_scan(data, bit, draw) -> None:
    start = draw.draw(st.integers(0, len(data) * 8 - 1))
    end = draw.draw(st.integers(start, len(data) * 8 - 1))
    assert bitpos_generic(data, bit, start, end, end_given=True) == _model_bitpos(data, bit, start, end)


@given(st.binary(max_size=16))
def test_bitcount_of_the_whole_value_counts_every_set_bit(data) -> None:
    ctx = make_context()
    ctx.db.store(b"k", data)
    assert run(ctx, "BITCOUNT", "k") == sum(bin(byte).count("1") for byte in data)
