"""Pub/sub against shardis and redis-server: dedicated connections, and in RESP3
commands on the subscribed connection."""

from __future__ import annotations

import pytest
import trio

from client import Message, ResponseError, open_client
from tests.client.conftest import url
from actors.testing import RunningServer


async def test_channel_and_pattern_messages_arrive_in_order(server: RunningServer) -> None:
    async with open_client(url(server), decode=True) as c:
        async with c.subscribe("ch", pattern="ne*") as sub:
            assert await c.execute("PUBLISH", "ch", "one") == 1
            assert await c.execute("PUBLISH", "news", "two") == 1
            first = await sub.get_message(timeout=5)
            second = await sub.get_message(timeout=5)
    assert first == Message("message", "ch", "one")
    assert second == Message("pmessage", "news", "two", "ne*")


async def test_async_for_and_later_subscriptions(server: RunningServer) -> None:
    async with open_client(url(server), protocol=2) as c:
        async with c.subscribe("a") as sub:
            await sub.subscribe("b")
            # The confirmation of "b" is consumed by the iterator; poll until it took effect.
            with trio.fail_after(5):
                while await c.execute("PUBSUB", "NUMSUB", "b") != [b"b", 1]:
                    await trio.sleep(0.01)
            await c.execute("PUBLISH", "b", "x")
            await c.execute("PUBLISH", "a", "y")
            got = []
            async for message in sub:
                got.append((message.channel, message.data))
                if len(got) == 2:
                    break
    assert got == [(b"b", b"x"), (b"a", b"y")]


async def test_keyspace_event_helper(server: RunningServer) -> None:
    async with open_client(url(server), decode=True) as c:
        await c.config_set("notify-keyspace-events", "K$")
        try:
            async with c.keyspace_events("user:*") as events:
                await c.set("user:1", "x")
                message = await events.get_message(timeout=5)
        finally:
            await c.config_set("notify-keyspace-events", "")
    assert (message.channel, message.data) == ("__keyspace@0__:user:1", "set")


async def test_in_resp3_commands_run_on_the_subscribed_connection_between_messages(
    server: RunningServer,
) -> None:
    async with open_client(url(server), protocol=3) as c:
        await c.set("k", "v")
        async with c.subscribe("ch") as sub:
            assert await c.execute("PUBLISH", "ch", "one") == 1
            assert await sub.get("k") == b"v"
            assert await sub.execute("PUBLISH", "ch", "two") == 1
            assert await sub.incr("n") == 1
            first = await sub.get_message(timeout=5)
            second = await sub.get_message(timeout=5)
    assert (first.data, second.data) == (b"one", b"two")


async def test_a_command_waiting_while_another_task_iterates_gets_its_reply(server: RunningServer) -> None:
    async with open_client(url(server), protocol=3) as c:
        async with c.subscribe("ch") as sub:
            got: list[bytes] = []

            async def listen() -> None:
                async for message in sub:
                    got.append(message.data)
                    if len(got) == 2:
                        return

            async with trio.open_nursery() as nursery:
                nursery.start_soon(listen)
                await trio.sleep(0)  # the listener takes the read lock first
                assert await sub.execute("PUBLISH", "ch", "a") == 1
                assert await sub.echo("hello") == b"hello"
                assert await sub.execute("PUBLISH", "ch", "b") == 1
    assert got == [b"a", b"b"]


async def test_a_resp2_subscription_runs_no_commands(server: RunningServer) -> None:
    async with open_client(url(server), protocol=2) as c:
        async with c.subscribe("ch") as sub:
            with pytest.raises(ResponseError, match="RESP2 subscription"):
                await sub.get("k")
