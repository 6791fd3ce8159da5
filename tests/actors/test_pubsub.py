"""The pub/sub hub as an actor: delivery through push queues, ordering, and
a stalled subscriber that is cut off without slowing anyone else."""

from __future__ import annotations

from typing import Any

import pytest
import trio
import trio.testing

from actors.engine.context import ClientState
from actors.pubsub import Hub, OutputLimit, PushQueue, format_notify_flags, parse_notify_flags
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


@pytest.mark.parametrize(
    "raw, kept, printed",
    [
        ("KEA", "g$lshzxetdKE", "AKE"),
        ("AKEn", "g$lshzxetdnKE", "AKE"),
        ("xgKm", "gxKm", "gxKm"),
        ("nE", "nE", "nE"),
        ("", "", ""),
    ],
)
def test_notify_flags_keep_every_class_and_print_as_redis(raw: str, kept: str, printed: str) -> None:
    assert parse_notify_flags(raw) == kept
    assert format_notify_flags(kept) == printed


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


def test_appended_pushes_go_to_the_socket_in_one_write_per_flush() -> None:
    writes: list[bytes] = []
    queue = make_queue(1)
    queue.data_ready = trio.Event()  # the writer task is parked on an empty queue
    queue.direct = lambda data: writes.append(data) or len(data)
    assert queue.append_nowait(b"one") is True
    assert queue.append_nowait(b"two") is False  # already due for a flush
    assert writes == [] and queue.queued_bytes == 6
    queue.flush_nowait()
    assert writes == [b"onetwo"] and not queue.chunks and queue.queued_bytes == 0
    assert queue.append_nowait(b"three") is True


def test_a_partial_direct_write_leaves_the_rest_to_the_writer_task() -> None:
    queue = make_queue(1)
    ready = queue.data_ready = trio.Event()
    queue.direct = lambda data: 2
    queue.append_nowait(b"abcdef")
    queue.flush_nowait()
    assert list(queue.chunks) == [b"cdef"] and queue.queued_bytes == 4
    assert ready.is_set() and queue.data_ready is None


def test_send_nowait_never_overtakes_pushes_waiting_for_a_flush() -> None:
    writes: list[bytes] = []
    queue = make_queue(1)
    queue.data_ready = trio.Event()
    queue.direct = lambda data: writes.append(data) or len(data)
    queue.append_nowait(b"first")
    queue.send_nowait(b"second")
    assert writes == [] and list(queue.chunks) == [b"first", b"second"]
    assert queue.data_ready is None  # the writer was woken to send both, in order


def test_publish_many_counts_each_message_and_keeps_the_order_per_subscriber() -> None:
    hub = Hub.create(Config())
    plain, both, shard = make_queue(1), make_queue(2, resp3=True), make_queue(3)
    hub.subscribe("channel", [b"a", b"b"], plain)
    hub.subscribe("channel", [b"a"], both)
    hub.subscribe("pattern", [b"a*"], both)
    hub.subscribe("shard", [b"a"], shard)
    for queue in (plain, both, shard):
        drain(queue)
    counts = hub.publish_many([
        (b"a", b"1", False), (b"a", b"2", False), (b"b", b"3", False),
        (b"a", b"4", True), (b"a", b"5", True), (b"nobody", b"6", False),
    ])
    assert counts == [3, 3, 1, 1, 1, 0]

    def message(channel: bytes, payload: bytes) -> bytes:
        return b"*3\r\n$7\r\nmessage\r\n$1\r\n%b\r\n$1\r\n%b\r\n" % (channel, payload)

    assert drain(plain) == message(b"a", b"1") + message(b"a", b"2") + message(b"b", b"3")
    pushes = [
        b">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$1\r\n%b\r\n"
        b">4\r\n$8\r\npmessage\r\n$2\r\na*\r\n$1\r\na\r\n$1\r\n%b\r\n" % (n, n)
        for n in (b"1", b"2")
    ]
    assert drain(both) == b"".join(pushes)  # message, pmessage, message, pmessage: Redis's order
    assert drain(shard) == b"".join(
        b"*3\r\n$8\r\nsmessage\r\n$1\r\na\r\n$1\r\n%b\r\n" % n for n in (b"4", b"5")
    )
    assert hub.statistics().messages_published == 6


async def test_pipelined_publishes_answer_in_order_and_reach_a_subscriber_in_one_write(
    start_server: Any, autojump_clock: trio.testing.MockClock
) -> None:
    harness = await start_server()
    subscriber = await harness.connect()
    assert await subscriber.call("SUBSCRIBE", "c") == [b"subscribe", b"c", 1]
    writes_before = len(subscriber.server_side.writes)
    publisher = await harness.connect()
    await publisher.send_commands(
        *[("PUBLISH", "c", str(n)) for n in range(50)],
        ("SET", "k", "v"), ("PUBLISH", "c", "after-set"), ("SPUBLISH", "c", "shard"), ("GET", "k"),
    )
    assert await publisher.read_replies(54) == [1] * 50 + [b"OK", 1, 0, b"v"]
    messages = await subscriber.read_replies(51)
    assert messages == [[b"message", b"c", str(n).encode()] for n in range(50)] + [
        [b"message", b"c", b"after-set"]
    ]
    # The first 50 were one hub message, so they left in one write.
    assert len(subscriber.server_side.writes) - writes_before <= 2
