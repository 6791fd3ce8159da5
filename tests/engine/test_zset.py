"""Sorted set family handlers (actors/engine/families/zset.py), synchronous."""

from __future__ import annotations

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from protocol.resp.values import NULL_ARRAY, ErrorReply

from actors.engine import dispatch
from actors.engine.blocking import BlockOn
from actors.engine.context import ExecContext
from actors.engine.keyspace import Keyspace
from actors.engine.types.sorted_set import SortedSet

dispatch.load_families()
NOW = 1_700_000_000_000


def make_context() -> ExecContext:
    keyspace = Keyspace.create(16)
    keyspace.now_ms = NOW
    ctx = ExecContext(keyspace, keyspace.databases[0])
    ctx.notify_classes = "KEA"
    return ctx


def run(ctx: ExecContext, *args: bytes | str | int | float):
    argv = [a if isinstance(a, bytes) else str(a).encode() for a in args]
    return dispatch.execute(ctx, argv[0].decode().lower(), argv)


@pytest.fixture
def ctx() -> ExecContext:
    return make_context()


@pytest.mark.parametrize(
    "script",
    [
        [("ZADD k 1 a 2 b", 2), ("ZRANGE k 0 -1 WITHSCORES", [b"a", 1.0, b"b", 2.0])],
        [("ZADD k INCR 2 a", 2.0), ("ZINCRBY k 0.5 a", 2.5), ("ZADD k XX INCR 1 nope", None)],
        [("ZADD k NX XX 1 a", ErrorReply("ERR XX and NX options at the same time are not compatible"))],
        [("ZADD k inf a", 1), ("ZINCRBY k -inf a", ErrorReply("ERR resulting score is not a number (NaN)"))],
        [("ZADD k 1 a 2 b 3 c", 3), ("ZRANGEBYSCORE k (1 3 LIMIT 0 1", [b"b"]),
         ("ZREVRANGEBYSCORE k +inf -inf LIMIT 1 -1", [b"b", b"a"]), ("ZCOUNT k -inf (3", 2)],
        [("ZADD k 0 a 0 b 0 c", 3), ("ZRANGEBYLEX k (a +", [b"b", b"c"]), ("ZLEXCOUNT k [b [b", 1),
         ("ZREVRANGEBYLEX k + - LIMIT 0 1", [b"c"])],
        [("ZADD k 1 a 2 b", 2), ("ZPOPMIN k", [b"a", 1.0]), ("ZPOPMAX k 3", [b"b", 2.0]), ("EXISTS k", 0)],
        [("ZRANGE k 0 1 LIMIT 0 1", ErrorReply(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"))],
        [("ZCOUNT k 1 nope", ErrorReply("ERR min or max is not a float"))],
        [("ZLEXCOUNT k a b", ErrorReply("ERR min or max not valid string range item"))],
        [("SET k v", None), ("ZADD k 1 a", ErrorReply(
            "WRONGTYPE Operation against a key holding the wrong kind of value"))],
    ],
)
def test_zset_scripts(ctx, script) -> None:
    for line, expected in script:
        reply = run(ctx, *line.split())
        if expected is not None or line.startswith(("ZADD", "ZSCORE")):
            assert reply == expected, line


def test_resp3_withscores_come_as_pairs(ctx) -> None:
    ctx.client.resp3 = True
    run(ctx, "ZADD", "k", 1, "a", 2, "b")
    assert run(ctx, "ZRANGE", "k", 0, -1, "WITHSCORES") == [[b"a", 1.0], [b"b", 2.0]]
    assert run(ctx, "ZPOPMIN", "k") == [b"a", 1.0]
    assert run(ctx, "ZPOPMIN", "k", 1) == [[b"b", 2.0]]


def test_zadd_records_events_touch_and_propagation(ctx) -> None:
    run(ctx, "ZADD", "k", 1, "a")
    run(ctx, "ZADD", "k", "NX", 5, "a")
    run(ctx, "ZINCRBY", "k", 1, "a")
    assert [argv for _, argv in ctx.propagated] == [
        [b"ZADD", b"k", b"1", b"a"], [b"ZINCRBY", b"k", b"1", b"a"]]
    assert [event for _, event, _, _ in ctx.events] == [b"zadd", b"zincr"]


def test_pops_propagate_what_was_popped_and_delete_the_key(ctx) -> None:
    run(ctx, "ZADD", "k", 1, "a", 2, "b")
    assert run(ctx, "ZPOPMAX", "k", 10) == [b"b", 2.0, b"a", 1.0]
    assert ctx.propagated[-1] == (0, [b"ZPOPMAX", b"k", b"2"])
    assert [event for _, event, _, _ in ctx.events][-2:] == [b"zpopmax", b"del"]
    assert ctx.db.lookup(b"k") is None


def test_bzpopmin_blocks_then_serves_when_rerun(ctx) -> None:
    reply = run(ctx, "BZPOPMIN", "a", "b", "1.5")
    assert reply == BlockOn((b"a", b"b"), 1500)
    run(ctx, "ZADD", "b", 7, "m")
    assert run(ctx, "BZPOPMIN", "a", "b", "1.5") == [b"b", b"m", 7.0]
    assert ctx.propagated[-1] == (0, [b"ZPOPMIN", b"b", b"1"])


def test_bzmpop_blocks_and_never_blocks_inside_multi(ctx) -> None:
    assert run(ctx, "BZMPOP", 0, 2, "a", "b", "MAX", "COUNT", 2) == BlockOn((b"a", b"b"), 0)
    ctx.may_block = False
    assert run(ctx, "BZMPOP", 0, 1, "a", "MIN") is NULL_ARRAY
    assert run(ctx, "BZPOPMAX", "a", 0) is NULL_ARRAY


def test_zunionstore_replaces_the_destination_and_drops_its_ttl(ctx) -> None:
    run(ctx, "ZADD", "a", 1, "x")
    run(ctx, "SET", "d", "v", "EX", 100)
    assert run(ctx, "ZUNIONSTORE", "d", 1, "a") == 1
    assert ctx.db.get_expire(b"d") is None
    assert type(ctx.db.lookup(b"d")) is SortedSet
    assert run(ctx, "ZINTERSTORE", "d", 2, "a", "missing") == 0
    assert ctx.db.lookup(b"d") is None


def test_zscan_pages_through_a_large_set(ctx) -> None:
    for index in range(300):
        run(ctx, "ZADD", "k", index, b"m%d" % index)
    seen = {}
    cursor = b"0"
    while True:
        cursor, flat = run(ctx, "ZSCAN", "k", cursor, "COUNT", 50)
        seen.update(zip(flat[::2], flat[1::2]))
        if cursor == b"0":
            break
    assert seen == {b"m%d" % i: b"%d" % i for i in range(300)}


def test_zrandmember_negative_count_repeats_and_positive_is_unique(ctx) -> None:
    run(ctx, "ZADD", "k", 1, "a", 2, "b", 3, "c")
    assert len(run(ctx, "ZRANDMEMBER", "k", -10)) == 10
    picked = run(ctx, "ZRANDMEMBER", "k", 2)
    assert len(set(picked)) == 2 and set(picked) <= {b"a", b"b", b"c"}
    assert sorted(run(ctx, "ZRANDMEMBER", "k", 10)) == [b"a", b"b", b"c"]


@settings(max_examples=60, deadline=None)
@given(
    operations=st.lists(
        st.tuples(
            st.sampled_from(["ZADD", "ZREM", "ZINCRBY", "ZPOPMIN", "ZPOPMAX"]),
            st.sampled_from([b"a", b"b", b"c", b"d"]),
            st.integers(-3, 3),
        ),
        max_size=40,
    )
)
def test_command_mix_agrees_with_a_dict_model(operations) -> None:
    ctx = make_context()
    model: dict[bytes, float] = {}
    for name, member, number in operations:
        if name == "ZADD":
            run(ctx, "ZADD", "k", number, member)
            model[member] = float(number)
        elif name == "ZREM":
            run(ctx, "ZREM", "k", member)
            model.pop(member, None)
        elif name == "ZINCRBY":
            assert run(ctx, "ZINCRBY", "k", number, member) == model.get(member, 0.0) + number
            model[member] = model.get(member, 0.0) + number
        elif model:
            ordered = sorted((s, m) for m, s in model.items())
            score, popped = ordered[-1] if name == "ZPOPMAX" else ordered[0]
            assert run(ctx, name, "k") == [popped, score]
            del model[popped]
        ordered = sorted((s, m) for m, s in model.items())
        expected = [item for s, m in ordered for item in (m, s)]
        assert run(ctx, "ZRANGE", "k", 0, -1, "WITHSCORES") == expected
        assert run(ctx, "EXISTS", "k") == (1 if model else 0)
