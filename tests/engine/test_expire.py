"""Expiry handlers (actors/engine/families/expire.py), synchronous: the clock
is moved, never waited for."""

from __future__ import annotations

import pytest

from protocol.resp.values import ErrorReply

from tests.engine.test_string import NOW, make_context, run


@pytest.fixture
def ctx():
    context = make_context()
    run(context, "SET", "k", "v")
    return context


@pytest.mark.parametrize(
    "argv, reply, expire_at",
    [
        (["EXPIRE", "k", 10], 1, NOW + 10_000),
        (["PEXPIRE", "k", 10], 1, NOW + 10),
        (["EXPIREAT", "k", 2_000_000_000], 1, 2_000_000_000_000),
        (["PEXPIREAT", "k", NOW + 7], 1, NOW + 7),
        (["EXPIRE", "k", 10, "XX"], 0, None),
        (["EXPIRE", "k", 10, "GT"], 0, None),
        (["EXPIRE", "k", 10, "LT"], 1, NOW + 10_000),
        (["EXPIRE", "k", 10, "NX", "NX"], 1, NOW + 10_000),
        (["EXPIRE", "k", 10, "NX", "XX"],
         ErrorReply("ERR NX and XX, GT or LT options at the same time are not compatible"), None),
        (["EXPIRE", "k", 10, "GT", "LT"],
         ErrorReply("ERR GT and LT options at the same time are not compatible"), None),
        (["EXPIRE", "k", 10, "BAD"], ErrorReply("ERR Unsupported option BAD"), None),
        (["EXPIRE", "k", "9223372036854775"],
         ErrorReply("ERR invalid expire time in 'expire' command"), None),
        (["PEXPIRE", "k", "9223372036854775807"],
         ErrorReply("ERR invalid expire time in 'pexpire' command"), None),
        (["EXPIRE", "k", "x"], ErrorReply("ERR value is not an integer or out of range"), None),
    ],
)
def test_expire_variants(ctx, argv, reply, expire_at) -> None:
    assert run(ctx, *argv) == reply
    assert ctx.db.get_expire(b"k") == expire_at


@pytest.mark.parametrize("argv", [["EXPIRE", "k", -1], ["PEXPIRE", "k", 0], ["EXPIREAT", "k", 1]])
def test_a_time_in_the_past_deletes_and_propagates_del(ctx, argv) -> None:
    ctx.propagated.clear()
    assert run(ctx, *argv) == 1
    assert ctx.db.lookup(b"k") is None
    assert ctx.propagated == [(0, [b"DEL", b"k"])]


def test_relative_expiry_is_propagated_as_pexpireat(ctx) -> None:
    ctx.propagated.clear()
    run(ctx, "EXPIRE", "k", 10)
    assert ctx.propagated == [(0, [b"PEXPIREAT", b"k", str(NOW + 10_000).encode()])]


def test_ttl_rounds_and_reaches_minus_two_when_expired(ctx) -> None:
    run(ctx, "PEXPIRE", "k", 10_400)
    assert run(ctx, "TTL", "k") == 10
    assert run(ctx, "PTTL", "k") == 10_400
    ctx.keyspace.now_ms = NOW + 10_399
    assert run(ctx, "PTTL", "k") == 1
    assert run(ctx, "TTL", "k") == 0
    ctx.keyspace.now_ms = NOW + 10_400
    assert run(ctx, "TTL", "k") == -2
    assert run(ctx, "PEXPIRETIME", "k") == -2


def test_expiretime_and_persist(ctx) -> None:
    assert run(ctx, "EXPIRETIME", "k") == -1
    run(ctx, "PEXPIREAT", "k", NOW + 1500)
    assert run(ctx, "EXPIRETIME", "k") == (NOW + 1500 + 500) // 1000
    assert run(ctx, "PEXPIRETIME", "k") == NOW + 1500
    assert run(ctx, "PERSIST", "k") == 1
    assert run(ctx, "PERSIST", "k") == 0
    assert run(ctx, "TTL", "k") == -1
