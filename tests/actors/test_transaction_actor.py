"""The coordinator: leases in ascending shard order, atomic runs over a view
of several shards, leases always given back (actors/transaction.py)."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import Any

import trio
import trio.testing

from protocol.resp.values import OK, QUEUED, ErrorReply

from actors.engine.context import ClientState
from actors.messages import Batch, Lease, Watch
from actors.shard import Shard
from actors.transaction import run_leased

from tests.actors.conftest import Harness, keys_on_distinct_shards

StartServer = Callable[..., Awaitable[Harness]]
CLIENT = ClientState()


def reply_channel() -> tuple[trio.MemorySendChannel[Any], trio.MemoryReceiveChannel[Any]]:
    return trio.open_memory_channel[Any](math.inf)


async def hold_lease(shard: Shard) -> trio.Event:
    """Lease ``shard`` from the test; setting the returned event gives it back."""
    send, receive = reply_channel()
    released = trio.Event()
    await shard.inbox_send.send(Lease(send, released))
    assert await receive.receive() is shard
    return released


async def get(shard: Shard, key: bytes) -> Any:
    send, receive = reply_channel()
    await shard.inbox_send.send(Batch([(0, "get", [b"GET", key])], CLIENT, send))
    (reply,) = await receive.receive()
    return reply


async def test_shards_are_leased_in_ascending_id_order(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    harness = await start_server(shards=4)
    shards, router = harness.server.runtime.shards, harness.server.runtime.router
    keys = keys_on_distinct_shards(4, 4)
    held = await hold_lease(shards[2])
    commands = [(0, "mset", [b"MSET", keys[3], b"x", keys[1], b"y", keys[2], b"z"])]
    result: list[Any] = []

    async def coordinate() -> None:
        result.append(
            await run_leased(shards, {3, 1, 2}, router, commands, [], CLIENT, reply_channel())
        )

    harness.nursery.start_soon(coordinate)
    await trio.testing.wait_all_tasks_blocked()
    # Shard 1 is leased, shard 2 still lent to the test (its one lease so far),
    # shard 3 not asked yet.
    assert [shard.statistics().leases for shard in shards] == [0, 1, 1, 0]
    assert result == []
    held.set()
    await trio.testing.wait_all_tasks_blocked()
    assert result == [[OK]]
    assert [shard.statistics().leases for shard in shards] == [0, 1, 2, 1]
    assert [await get(shards[index], keys[index]) for index in (1, 2, 3)] == [b"y", b"z", b"x"]


async def test_a_coordinator_cancelled_half_way_gives_back_every_lease(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    harness = await start_server(shards=4)
    shards, router = harness.server.runtime.shards, harness.server.runtime.router
    held = await hold_lease(shards[2])
    with trio.move_on_after(1) as scope:
        await run_leased(shards, {1, 2}, router, [], [], CLIENT, reply_channel())
    assert scope.cancelled_caught
    with trio.fail_after(1):
        assert await get(shards[1], b"anything") is None  # shard 1 was given back
    held.set()
    with trio.fail_after(1):
        assert await get(shards[2], b"anything") is None
    # The lease that shard 2 found already released was skipped.
    assert shards[2].statistics().leases == 1


async def test_a_broken_watch_makes_the_leased_run_return_none_and_write_nothing(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    harness = await start_server(shards=4)
    shards, router = harness.server.runtime.shards, harness.server.runtime.router
    low, high = keys_on_distinct_shards(4, 2)
    low_shard, high_shard = router.shard_of_key(low), router.shard_of_key(high)
    send, receive = reply_channel()
    await shards[high_shard].inbox_send.send(Watch(0, [high], send))
    watches = await receive.receive()
    await shards[high_shard].inbox_send.send(
        Batch([(0, "set", [b"SET", high, b"changed"])], CLIENT, send)
    )
    await receive.receive()
    commands = [(0, "set", [b"SET", low, b"x"]), (0, "set", [b"SET", high, b"x"])]
    result = await run_leased(
        shards, {low_shard, high_shard}, router, commands, watches, CLIENT, reply_channel()
    )
    assert result is None
    assert await get(shards[low_shard], low) is None
    assert await get(shards[high_shard], high) == b"changed"


async def test_exec_over_several_shards_returns_each_reply_in_queue_order(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    harness = await start_server(shards=4)
    client = await harness.connect()
    first, second, third = keys_on_distinct_shards(4, 3)
    await client.send_commands(
        ("MULTI",),
        ("SET", third, "3"),
        ("INCR", first),
        ("GET", third),
        ("PING",),
        ("RENAME", third, second),
        ("MGET", first, second, third),
        ("EXEC",),
    )
    replies = await client.read_replies(8)
    assert replies[:7] == [OK] + [QUEUED] * 6
    assert replies[7] == [OK, 1, b"3", b"PONG", OK, [b"1", b"3", None]]


async def test_exec_after_select_runs_later_commands_in_the_selected_database(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    client = await (await start_server(shards=4)).connect()
    first, second = keys_on_distinct_shards(4, 2)
    await client.send_commands(
        ("MULTI",), ("SET", first, "db0"), ("SELECT", "2"), ("SET", second, "db2"), ("EXEC",)
    )
    assert (await client.read_replies(5))[-1] == [OK, OK, OK]
    assert await client.call("MGET", first, second) == [None, b"db2"]
    assert await client.call("SELECT", "0") == OK
    assert await client.call("MGET", first, second) == [b"db0", None]


async def test_discard_drops_the_queue_and_the_watches(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    harness = await start_server(shards=4)
    alice, bob = await harness.connect(), await harness.connect()
    await alice.send_commands(("WATCH", "k"), ("MULTI",), ("SET", "k", "mine"), ("DISCARD",))
    assert await alice.read_replies(4) == [OK, OK, QUEUED, OK]
    assert await bob.call("SET", "k", "bob") == OK
    await alice.send_commands(("MULTI",), ("SET", "k", "mine"), ("EXEC",))
    assert (await alice.read_replies(3))[-1] == [OK]
    assert await bob.call("GET", "k") == b"mine"


async def test_an_error_while_queueing_aborts_exec(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    client = await (await start_server(shards=4)).connect()
    await client.send_commands(("MULTI",), ("SET", "k", "v"), ("GET",), ("EXEC",), ("GET", "k"))
    assert await client.read_replies(5) == [
        OK,
        QUEUED,
        ErrorReply("ERR wrong number of arguments for 'get' command"),
        ErrorReply("EXECABORT Transaction discarded because of previous errors."),
        None,
    ]


async def test_concurrent_transactions_on_one_shard_serialise(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    harness = await start_server(shards=4)
    clients = [await harness.connect() for _ in range(5)]

    async def add(client: Any) -> None:
        for _ in range(20):
            await client.send_commands(("MULTI",), ("INCR", "{c}n"), ("INCR", "{c}m"), ("EXEC",))
            assert (await client.read_replies(4))[-1][0] >= 1

    with trio.fail_after(30):
        async with trio.open_nursery() as nursery:
            for client in clients:
                nursery.start_soon(add, client)
    assert await clients[0].call("MGET", "{c}n", "{c}m") == [b"100", b"100"]


async def test_exec_merges_keyless_commands_over_every_shard(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    client = await (await start_server(shards=4)).connect()
    keys = keys_on_distinct_shards(4, 2)
    await client.send_commands(
        ("MULTI",), ("SET", keys[0], "1"), ("SET", keys[1], "2"), ("DBSIZE",), ("EXEC",)
    )
    assert (await client.read_replies(5))[-1] == [OK, OK, 2]
