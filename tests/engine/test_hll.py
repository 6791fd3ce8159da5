"""HyperLogLog: the value functions (actors/engine/types/hll.py) and the
family handlers (actors/engine/families/hll.py), synchronous."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from protocol.resp.values import ErrorReply

from actors.engine import dispatch
from actors.engine.context import ExecContext
from actors.engine.keyspace import Keyspace
from actors.engine.types import hll

dispatch.load_families()


def make_context() -> ExecContext:
    keyspace = Keyspace.create(16)
    keyspace.now_ms = 1_700_000_000_000
    return ExecContext(keyspace, keyspace.databases[0])


def run(ctx: ExecContext, *args: bytes | str | int):
    argv = [a if isinstance(a, bytes) else str(a).encode() for a in args]
    return dispatch.execute(ctx, argv[0].decode().lower(), argv)


def test_murmurhash64a_matches_redis_reference_values() -> None:
    # redis-server 7.0: PFADD h a b; PFDEBUG DECODE h -> "Z:12711 v:2,1 Z:3068 v:1,1 Z:603"
    assert hll.pattern(b"a") == (12711, 2)
    assert hll.pattern(b"b") == (15780, 1)


def test_an_empty_hll_is_one_xzero_opcode() -> None:
    value = hll.create()
    assert bytes(value) == b"HYLL\x01" + bytes(11) + b"\x7f\xff"
    assert hll.count(value) == 0


@settings(max_examples=30, deadline=None)
@given(st.lists(st.binary(max_size=10), max_size=300))
def test_sparse_and_dense_encodings_hold_the_same_registers(elements) -> None:
    sparse = hll.create()
    dense = hll.create()
    hll.to_dense(dense)
    for element in elements:
        hll.add(sparse, element, 3000)
        hll.add(dense, element, 3000)
    assert hll.registers(sparse) == hll.registers(dense)
    assert hll.count(sparse) == hll.count(dense)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32))
def test_dense_set_and_get_round_trip_every_register(seed) -> None:
    rng = random.Random(seed)
    values = [rng.randrange(64) for _ in range(hll.REGISTERS)]
    value = hll.create()
    hll.to_dense(value)
    for index, count in enumerate(values):
        hll.dense_set(value, index, count)
    assert hll.dense_registers(value) == values
    assert [hll.dense_get(value, index) for index in range(0, hll.REGISTERS, 97)] == values[::97]


def test_a_sparse_hll_past_the_size_limit_turns_dense() -> None:
    value = hll.create()
    for number in range(2000):
        hll.add(value, b"%d" % number, 300)
    assert hll.encoding(value) == hll.DENSE
    assert len(value) == hll.DENSE_SIZE


def test_pfcount_caches_the_cardinality_and_propagates_the_refresh() -> None:
    ctx = make_context()
    assert run(ctx, "PFADD", "h", "a", "b", "c") == 1
    ctx.propagated.clear()
    assert run(ctx, "PFCOUNT", "h") == 3
    assert hll.cached_cardinality(ctx.db.lookup(b"h")) == 3
    assert ctx.propagated == [(0, [b"PFCOUNT", b"h"])]
    ctx.propagated.clear()
    assert run(ctx, "PFCOUNT", "h") == 3
    assert ctx.propagated == []


def test_a_corrupt_sparse_stream_is_invalidobj() -> None:
    ctx = make_context()
    ctx.db.store(b"h", b"HYLL\x01" + bytes(10) + b"\x80" + b"\x7f\xfe")
    assert run(ctx, "PFCOUNT", "h") == ErrorReply("INVALIDOBJ Corrupted HLL object detected")
    # A register inside the covered part still updates, as in Redis.
    assert run(ctx, "PFADD", "h", "x") == 1
    assert ctx.db.lookup(b"h") == b"HYLL\x01" + bytes(10) + b"\x80\x7f\xf5\x84\x07"


def test_the_estimate_of_many_elements_is_within_two_percent() -> None:
    value = hll.create()
    for number in range(50000):
        hll.add(value, b"element:%d" % number, 3000)
    assert abs(hll.count(value) - 50000) < 1000


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.binary(max_size=8), max_size=60), max_size=30), st.sampled_from([200, 3000]))
def test_sparse_updates_with_the_kept_index_equal_updates_from_scratch(batches, limit) -> None:
    kept = hll.create()
    for batch in batches:
        fresh = bytearray(kept)  # a new object: its index is built from the bytes
        assert hll.add_many(kept, batch, limit) == hll.add_many(fresh, batch, limit)
        assert kept == fresh


def test_a_sparse_hll_changed_by_another_writer_is_indexed_again() -> None:
    value = hll.create()
    hll.add_many(value, [b"a", b"b", b"c"], 3000)
    other = hll.create()
    hll.add_many(other, [b"x%d" % number for number in range(40)], 3000)
    # What SETRANGE does to the same bytearray: the kept index no longer fits.
    value[hll.HEADER_SIZE :] = other[hll.HEADER_SIZE :]
    hll.add_many(value, [b"y"], 3000)
    hll.add_many(other, [b"y"], 3000)
    assert value[hll.HEADER_SIZE :] == other[hll.HEADER_SIZE :]
