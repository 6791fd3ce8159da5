"""Pipelines, MULTI/EXEC and WATCH-based transactions."""

from __future__ import annotations

import pytest
import trio

from client import Client, ExecAbortError, Pipeline, ResponseError, WatchError


async def test_pipeline_returns_every_reply_in_order(c: Client) -> None:
    async with c.pipeline() as p:
        p.set("a", 1).incr("a").get("a").expire("a", 10).get("missing")
        assert len(p) == 5
        assert await p.execute() == [True, 2, b"2", True, None]


async def test_pipeline_is_one_write(c: Client) -> None:
    async with c.pipeline() as p:
        for i in range(1000):
            p.set(f"k{i}", i)
        await p.execute()
    stats = c.pool.statistics()
    assert stats.connects == 1
    assert await c.get("k999") == b"999"


async def test_pipeline_errors_raise_or_stay_in_place(c: Client) -> None:
    await c.set("s", "x")
    async with c.pipeline() as p:
        p.incr("s").set("t", 1)
        with pytest.raises(ResponseError, match="not an integer"):
            await p.execute()
    assert await c.get("t") == b"1"
    async with c.pipeline() as p:
        p.incr("s").get("t")
        error, value = await p.execute(raise_on_error=False)
    assert isinstance(error, ResponseError) and value == b"1"


async def test_transaction_pipeline_wraps_multi_exec(c: Client) -> None:
    async with c.pipeline(transaction=True) as p:
        p.incr("a").incr("a").mget("a", "b")
        assert await p.execute() == [1, 2, [b"2", None]]


async def test_a_command_rejected_while_queueing_aborts_the_transaction(c: Client) -> None:
    async with c.pipeline(transaction=True) as p:
        p.set("a", 1).execute_command("NOSUCHCOMMAND")
        with pytest.raises(ExecAbortError, match="^EXECABORT.*unknown command"):
            await p.execute()
    assert await c.get("a") is None


async def test_transaction_retries_when_a_watched_key_changes(c: Client) -> None:
    await c.set("balance", 10)
    attempts = 0

    async def double(pipe: Pipeline) -> None:
        nonlocal attempts
        attempts += 1
        value = int(await pipe.get("balance"))
        if attempts == 1:
            await c.set("balance", 100)  # another client changes the watched key
        pipe.multi()
        pipe.set("balance", value * 2)

    assert await c.transaction(double, "balance") == [True]
    assert attempts == 2
    assert await c.get("balance") == b"200"


async def test_transaction_gives_up_after_max_attempts(c: Client) -> None:
    async def always_broken(pipe: Pipeline) -> None:
        await pipe.get("k")
        await c.incr("k")
        pipe.multi()
        pipe.set("k", 0)

    with pytest.raises(WatchError):
        await c.transaction(always_broken, "k", max_attempts=3)
    assert await c.get("k") == b"3"


async def test_leaving_a_watching_pipeline_unwatches_its_connection(c: Client) -> None:
    async with c.pipeline(transaction=True) as p:
        await p.watch("w")
    await c.set("w", "changed")
    # The same (only) connection must not still watch "w".
    async with c.pipeline(transaction=True) as p:
        p.set("x", 1)
        assert await p.execute() == [True]
    assert c.pool.statistics().connects == 1


async def test_a_cancelled_transaction_never_reaches_another_caller(c: Client) -> None:
    with trio.move_on_after(0.2):
        async with c.pipeline(transaction=True) as p:
            p.set("a", 1)
            p.execute_command("DEBUG", "SLEEP", "1")
            await p.execute()
    # The connection that owed replies was closed, not pooled.
    assert c.pool.statistics().idle == 0
    assert await c.ping() is True
