"""Blocking commands through the actors, on the autojump clock: timeouts run
on Trio's clock, the owning shard serves waiters in the order they blocked,
pipelined commands behind a blocked one wait for it, and a waiter over keys
on several shards is woken by whichever turns ready first."""

from __future__ import annotations

import trio
import trio.testing

from protocol.resp.values import NULL_ARRAY

from tests.actors.conftest import keys_on_distinct_shards


async def test_a_blpop_times_out_on_the_trio_clock(autojump_clock: trio.testing.MockClock, start_server) -> None:
    harness = await start_server()
    client = await harness.connect()
    started = trio.current_time()
    assert await client.call("BLPOP", "q", "2.5") is NULL_ARRAY
    assert 2.5 <= trio.current_time() - started < 2.6


async def test_waiters_are_served_in_the_order_they_blocked(
    autojump_clock: trio.testing.MockClock, start_server
) -> None:
    harness = await start_server()
    first, second, pusher = await harness.connect(), await harness.connect(), await harness.connect()
    replies: dict[str, object] = {}

    async def wait(name: str, client) -> None:
        replies[name] = await client.call("BLPOP", "q", "0")

    async with trio.open_nursery() as nursery:
        nursery.start_soon(wait, "first", first)
        await trio.testing.wait_all_tasks_blocked()
        nursery.start_soon(wait, "second", second)
        await trio.testing.wait_all_tasks_blocked()
        assert await pusher.call("RPUSH", "q", "one", "two") == 2
    assert replies == {"first": [b"q", b"one"], "second": [b"q", b"two"]}
    assert await pusher.call("EXISTS", "q") == 0


async def test_commands_pipelined_behind_a_blocked_one_run_after_it(
    autojump_clock: trio.testing.MockClock, start_server
) -> None:
    harness = await start_server()
    waiter, pusher = await harness.connect(), await harness.connect()
    await waiter.send_commands(("BLPOP", "q", "0"), ("GET", "after"))
    await trio.testing.wait_all_tasks_blocked()
    await pusher.call("SET", "after", "set-while-blocked")
    await pusher.call("RPUSH", "q", "job")
    assert await waiter.read_replies(2) == [[b"q", b"job"], b"set-while-blocked"]


async def test_a_waiter_over_two_shards_is_woken_by_either_key(
    autojump_clock: trio.testing.MockClock, start_server
) -> None:
    harness = await start_server(shards=4)
    left, right = keys_on_distinct_shards(4, 2)
    waiter, pusher = await harness.connect(), await harness.connect()
    result: list[object] = []

    async def wait() -> None:
        result.append(await waiter.call("BLPOP", left, right, "0"))

    async with trio.open_nursery() as nursery:
        nursery.start_soon(wait)
        await trio.testing.wait_all_tasks_blocked()
        await pusher.call("LPUSH", right, "value")
    assert result == [[right, b"value"]]


async def test_a_blocked_client_that_disconnects_is_forgotten(
    autojump_clock: trio.testing.MockClock, start_server
) -> None:
    harness = await start_server()
    waiter, pusher = await harness.connect(), await harness.connect()
    await waiter.send_commands(("BLPOP", "q", "0"))
    await trio.testing.wait_all_tasks_blocked()
    assert harness.server.runtime.blocked_count == 1
    await waiter.stream.aclose()
    await trio.testing.wait_all_tasks_blocked()
    assert harness.server.runtime.blocked_count == 0
    await pusher.call("RPUSH", "q", "kept")
    assert await pusher.call("LRANGE", "q", "0", "-1") == [b"kept"]
