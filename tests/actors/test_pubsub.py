"""The pub/sub hub as an actor: delivery through push queues, ordering, and
a stalled subscriber that is cut off without slowing anyone else."""

from __future__ import annotations

from typing import Any

import trio
import trio.testing

from actors.engine.context import ClientState
from actors.pubsub import Hub, OutputLimit, PushQueue, parse_notify_flags
from actors.config import Config
from tests.actors.conftest import Client, RecordingStream


def make_queue(client_id: int, resp3: bool = False) -> PushQueue:
    return PushQueue(client_id, ClientState(client_id=client_id, resp3=resp3))


def drain(queue: PushQueue) -> bytes:
    data = b"".join(queue.chunks)
    queue.chunks.clear()
    queue.sent(len(data))
    return data


def test_publish_encodes_once_per_protocol_and_counts_receivers() -> None:
    hub = Hub.create(Config())
    resp2, resp3 = make_queue(1), make_queue(2, resp3=True)
    hub.subscribe("channel", [b"c"], resp2)
    hub.subscribe("pattern", [b"c*"], resp3)
    drain(resp2), drain(resp3)
    assert hub.publish(b"c", b"hi") == 2
    assert drain(resp2) == b"*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$2\r\nhi\r\n"
    assert drain(resp3) == b">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$1\r\nc\r\n$2\r\nhi\r\n"


def test_a_queue_over_the_hard_limit_overflows_and_calls_its_owner() -> None:
    closed: list[int] = []
    queue = make_queue(7)
    queue.limit = OutputLimit(hard_bytes=100, soft_bytes=0, soft_seconds=0)
    queue.on_overflow = lambda: closed.append(7)
    queue.send_nowait(b"x" * 60)
    queue.send_nowait(b"x" * 60)
    assert closed == [7] and queue.overflowed and not queue.chunks
    queue.send_nowait(b"more")
    assert not queue.chunks


async def test_a_queue_over_the_soft_limit_overflows_only_after_the_seconds(
    autojump_clock: trio.testing.MockClock,
) -> None:
    queue = make_queue(1)
    queue.limit = OutputLimit(hard_bytes=0, soft_bytes=10, soft_seconds=60)
    queue.send_nowait(b"x" * 20)
    await trio.sleep(30)
    queue.send_nowait(b"x")
    assert not queue.overflowed
    await trio.sleep(31)
    queue.send_nowait(b"x")
    assert queue.overflowed


def test_notify_flags_are_normalised_as_redis_prints_them() -> None:
    assert parse_notify_flags("KEA") == "AKE"
    assert parse_notify_flags("xgKm") == "gxKm"
    assert parse_notify_flags("") == ""


async def test_a_stalled_subscriber_among_a_thousand_is_disconnected_and_nobody_waits(
    start_server: Any, nursery: trio.Nursery
) -> None:
    harness = await start_server(**{"client-output-buffer-limit": {
        "normal": (0, 0, 0), "replica": (0, 0, 0), "pubsub": (64 * 1024, 0, 0),
    }})
    server = harness.server
    # The stalled client's socket accepts nothing until someone reads it.
    stalled_end, server_end = trio.testing.lockstep_stream_pair()
    nursery.start_soon(server.serve_stream, RecordingStream(server_end), "127.0.0.1:1", "127.0.0.1:6379")
    stalled = Client(stalled_end, RecordingStream(server_end))
    await stalled.send_commands(("SUBSCRIBE", "feed"))
    subscribers = [await harness.connect() for _ in range(999)]
    for subscriber in subscribers:
        await subscriber.send_commands(("SUBSCRIBE", "feed"))
        assert await subscriber.read_replies(1) == [[b"subscribe", b"feed", 1]]
    publisher = await harness.connect()
    payload = b"p" * 1024
    for number in range(200):
        assert await publisher.call("PUBLISH", "feed", payload) in (1000, 999)
    assert await publisher.call("PUBSUB", "NUMSUB", "feed") == [b"feed", 999]
    assert await publisher.call("INFO", "stats") is not None
    for subscriber in subscribers[::100]:
        messages = await subscriber.read_replies(200)
        assert all(message == [b"message", b"feed", payload] for message in messages)
    info = (await publisher.call("INFO", "stats")).decode()
    assert "client_output_buffer_limit_disconnections:1" in info
