"""Pub/sub, against a real redis-server only: shardis has no pub/sub yet."""

from __future__ import annotations

import trio

from client import Message, open_client
from tests.client.conftest import url
from tests.servers import RunningServer


async def test_channel_and_pattern_messages_arrive_in_order(redis_only: RunningServer) -> None:
    async with open_client(url(redis_only), decode=True) as c:
        async with c.subscribe("ch", pattern="ne*") as sub:
            assert await c.execute("PUBLISH", "ch", "one") == 1
            assert await c.execute("PUBLISH", "news", "two") == 1
            first = await sub.get_message(timeout=5)
            second = await sub.get_message(timeout=5)
    assert first == Message("message", "ch", "one")
    assert second == Message("pmessage", "news", "two", "ne*")


async def test_async_for_and_later_subscriptions(redis_only: RunningServer) -> None:
    async with open_client(url(redis_only), protocol=2) as c:
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


async def test_keyspace_event_helper(redis_only: RunningServer) -> None:
    async with open_client(url(redis_only), decode=True) as c:
        await c.config_set("notify-keyspace-events", "K$")
        try:
            async with c.keyspace_events("user:*") as events:
                await c.set("user:1", "x")
                message = await events.get_message(timeout=5)
        finally:
            await c.config_set("notify-keyspace-events", "")
    assert (message.channel, message.data) == ("__keyspace@0__:user:1", "set")
