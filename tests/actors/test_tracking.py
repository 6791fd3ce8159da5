"""CLIENT TRACKING as actors: invalidations written by the owning shard in the
writer's step (default mode, REDIRECT, BCAST and flushes; decisions 0006 and
0008), tracking under multi-shard leases, RESET and disconnects.
Memory streams and the autojump clock: nothing sleeps for real."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pytest
import trio
import trio.testing

from protocol.resp.values import Push

from actors.shard import Shard

from tests.actors.conftest import Client, keys_on_distinct_shards


def invalidate_bytes(key: bytes) -> bytes:
    return b">2\r\n$10\r\ninvalidate\r\n*1\r\n$%d\r\n%b\r\n" % (len(key), key)


async def tracking_client(harness: Any, *args: str) -> tuple[Client, int]:
    client = await harness.connect()
    await client.call("HELLO", "3")
    client_id = await client.call("CLIENT", "ID")
    assert await client.call("CLIENT", "TRACKING", "ON", *args) == b"OK"
    return client, client_id


def produced(harness: Any, client: Client, client_id: int) -> bytes:
    """Everything the server made for this client: sent, or queued to send."""
    pushes = harness.server.runtime.clients[client_id].pushes
    return b"".join(client.server_side.writes) + b"".join(pushes.chunks)


@attrs.define(eq=False)
class SnapshotOnReply:
    """Stands in for a connection's reply channel: whenever an actor hands
    that connection a reply, first records ``snapshot()``. What a snapshot
    holds was queued before the reply was released, whatever the scheduler
    does next."""

    inner: Any
    snapshot: Callable[[], bytes]
    snapshots: list[bytes] = attrs.field(factory=list)

    def send_nowait(self, value: Any) -> None:
        self.snapshots.append(self.snapshot())
        self.inner.send_nowait(value)

    async def send(self, value: Any) -> None:
        self.send_nowait(value)


async def watch_replies(
    harness: Any, writer: Client, target: Client, target_id: int, monkeypatch: pytest.MonkeyPatch
) -> SnapshotOnReply:
    """From now on, snapshot what ``target`` was made each time ``writer`` gets a
    reply: handed over its reply channel, or returned by a batch the writer ran
    itself on a parked shard (decision 0011)."""
    writer_id = await writer.call("CLIENT", "ID")
    connection = harness.server.runtime.clients[writer_id]
    watcher = SnapshotOnReply(connection.replies_send, lambda: produced(harness, target, target_id))
    connection.replies_send = watcher
    run_batch = Shard.run_batch

    def run_batch_then_snapshot(
        shard: Shard, commands: Any, client: Any, reply_to: Any = None, **options: Any
    ) -> Any:
        replies = run_batch(shard, commands, client, reply_to, **options)
        channel = reply_to
        while channel is not None:  # watchers wrap one another (one per watched client)
            if channel is watcher:
                watcher.snapshots.append(watcher.snapshot())
                break
            channel = getattr(channel, "inner", None)
        return replies

    monkeypatch.setattr(Shard, "run_batch", run_batch_then_snapshot)
    return watcher


async def read_invalidated_keys(client: Client, count: int) -> set[bytes]:
    keys: set[bytes] = set()
    for push in await client.read_replies(count):
        assert type(push) is Push and push.items[0] == b"invalidate"
        keys.update(push.items[1])
    return keys


async def test_the_invalidation_is_made_before_the_writers_reply(
    start_server: Any, autojump_clock: trio.testing.MockClock,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    harness = await start_server(shards=2)
    tracker, tracker_id = await tracking_client(harness)
    writer = await harness.connect()
    watcher = await watch_replies(harness, writer, tracker, tracker_id, monkeypatch)
    for key in (b"a", b"b", b"c"):
        assert await tracker.call("GET", key) is None
        before = len(produced(harness, tracker, tracker_id))
        assert await writer.call("SET", key, "v") == b"OK"
        # When the shard handed the writer its reply, the push was already
        # sent or queued.
        assert watcher.snapshots[-1][before:] == invalidate_bytes(key)
        assert await read_invalidated_keys(tracker, 1) == {key}


async def test_reads_and_writes_under_a_lease_are_tracked_by_each_owning_shard(
    start_server: Any, autojump_clock: trio.testing.MockClock
) -> None:
    harness = await start_server(shards=4)
    keys = keys_on_distinct_shards(4, 4)
    tracker, tracker_id = await tracking_client(harness)
    writer = await harness.connect()
    assert await tracker.call("MGET", *keys) == [None] * 4
    tables = [shard.tracking_table.keys for shard in harness.server.runtime.shards]
    assert tables == [{key: {tracker_id}} for key in keys]
    assert await writer.call("MSET", *[part for key in keys for part in (key, b"1")]) == b"OK"
    assert await read_invalidated_keys(tracker, 4) == set(keys)
    assert all(not shard.tracking_table.keys for shard in harness.server.runtime.shards)


async def test_reads_inside_exec_over_shards_are_invalidated_by_a_leased_write(
    start_server: Any, autojump_clock: trio.testing.MockClock
) -> None:
    harness = await start_server(shards=4)
    first, second = keys_on_distinct_shards(4, 2)
    tracker, _ = await tracking_client(harness)
    writer = await harness.connect()
    await tracker.send_commands(("MULTI",), ("GET", first), ("GET", second), ("EXEC",))
    assert await tracker.read_replies(4) == [b"OK", b"QUEUED", b"QUEUED", [None, None]]
    assert await writer.call("MSET", first, "1", second, "1") == b"OK"
    assert await read_invalidated_keys(tracker, 2) == {first, second}


async def test_noloop_skips_the_writers_own_invalidation_under_a_lease(
    start_server: Any, autojump_clock: trio.testing.MockClock
) -> None:
    harness = await start_server(shards=4)
    first, second = keys_on_distinct_shards(4, 2)
    tracker, _ = await tracking_client(harness, "NOLOOP")
    writer = await harness.connect()
    assert await tracker.call("MGET", first, second) == [None, None]
    assert await tracker.call("MSET", first, "1", second, "1") == b"OK"
    assert await tracker.call("MGET", first, second) == [b"1", b"1"]
    assert await writer.call("SET", first, "2") == b"OK"
    assert await read_invalidated_keys(tracker, 1) == {first}


REDIRECT_KEY = b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n"
REDIRECT_FLUSH = b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n"
RESP3_FLUSH = b">2\r\n$10\r\ninvalidate\r\n_\r\n"


async def redirect_target(harness: Any) -> tuple[Client, int]:
    """A RESP2 connection subscribed to ``__redis__:invalidate``."""
    target = await harness.connect()
    target_id = await target.call("CLIENT", "ID")
    assert await target.call("SUBSCRIBE", "__redis__:invalidate") == [
        b"subscribe", b"__redis__:invalidate", 1
    ]
    return target, target_id


async def test_a_redirected_invalidation_is_queued_before_the_writers_reply(
    start_server: Any, autojump_clock: trio.testing.MockClock,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    harness = await start_server(shards=2)
    target, target_id = await redirect_target(harness)
    tracker = await harness.connect()  # RESP2
    assert await tracker.call("CLIENT", "TRACKING", "ON", "REDIRECT", str(target_id)) == b"OK"
    assert await tracker.call("GET", "k") is None
    writer = await harness.connect()
    watcher = await watch_replies(harness, writer, target, target_id, monkeypatch)
    before = len(produced(harness, target, target_id))
    assert await writer.call("SET", "k", "v") == b"OK"
    assert watcher.snapshots[-1][before:] == REDIRECT_KEY
    assert await target.read_replies(1) == [[b"message", b"__redis__:invalidate", [b"k"]]]


async def test_a_bcast_invalidation_is_queued_before_the_writers_reply(
    start_server: Any, autojump_clock: trio.testing.MockClock,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    harness = await start_server(shards=2)
    tracker, tracker_id = await tracking_client(harness, "BCAST", "PREFIX", "user:")
    writer = await harness.connect()
    watcher = await watch_replies(harness, writer, tracker, tracker_id, monkeypatch)
    before = len(produced(harness, tracker, tracker_id))
    assert await writer.call("SET", "user:1", "v") == b"OK"
    assert watcher.snapshots[-1][before:] == invalidate_bytes(b"user:1")
    assert await writer.call("SET", "other", "v") == b"OK"  # no prefix matches
    assert await writer.call("SET", "user:2", "v") == b"OK"
    assert await read_invalidated_keys(tracker, 2) == {b"user:1", b"user:2"}


async def test_bcast_sends_one_invalidation_per_matching_prefix_and_honours_noloop(
    start_server: Any, autojump_clock: trio.testing.MockClock
) -> None:
    harness = await start_server()
    tracker, _ = await tracking_client(harness, "BCAST", "PREFIX", "a:", "PREFIX", "b:", "NOLOOP")
    writer = await harness.connect()
    assert await writer.call("MSET", "a:1", "x", "b:1", "x", "a:2", "x", "c:1", "x") == b"OK"
    pushes = await tracker.read_replies(2)
    assert sorted(push.items[1] for push in pushes) == [[b"a:1", b"a:2"], [b"b:1"]]
    assert await tracker.call("SET", "a:3", "own write") == b"OK"  # NOLOOP: nothing
    assert await tracker.call("PING") == b"PONG"


async def test_a_flush_invalidation_is_queued_for_every_tracking_client_before_the_reply(
    start_server: Any, autojump_clock: trio.testing.MockClock,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    # One shard: one reply, so nothing but the shard's own step comes before it.
    harness = await start_server()
    target, target_id = await redirect_target(harness)
    redirected = await harness.connect()  # RESP2, through the target
    assert await redirected.call("CLIENT", "TRACKING", "ON", "REDIRECT", str(target_id)) == b"OK"
    tracker, tracker_id = await tracking_client(harness)
    bcast, bcast_id = await tracking_client(harness, "BCAST")
    writer = await harness.connect()
    watchers = {}
    for client, client_id in ((target, target_id), (tracker, tracker_id), (bcast, bcast_id)):
        before = len(produced(harness, client, client_id))
        watchers[client_id] = (await watch_replies(harness, writer, client, client_id, monkeypatch), before)
    # One wrapper per watched client around the writer's channel: all of them
    # snapshot in the same synchronous hand-over of the reply.
    assert await writer.call("FLUSHALL") == b"OK"
    expectations = ((target_id, REDIRECT_FLUSH), (tracker_id, RESP3_FLUSH), (bcast_id, RESP3_FLUSH))
    for client_id, expected in expectations:
        watcher, before = watchers[client_id]
        assert watcher.snapshots[-1][before:] == expected
    assert await target.read_replies(1) == [[b"message", b"__redis__:invalidate", None]]
    for client in (tracker, bcast):
        (push,) = await client.read_replies(1)
        assert type(push) is Push and push.items == [b"invalidate", None]


async def test_a_redirect_to_a_closed_connection_is_reported_broken_once(
    start_server: Any, autojump_clock: trio.testing.MockClock
) -> None:
    harness = await start_server()
    target, target_id = await redirect_target(harness)
    tracker, _ = await tracking_client(harness, "REDIRECT", str(target_id))
    assert await tracker.call("GET", "k") is None
    await target.stream.aclose()
    await trio.testing.wait_all_tasks_blocked()
    writer = await harness.connect()
    (push,) = await tracker.read_replies(1)
    assert push.items == [b"tracking-redir-broken", target_id]
    assert await writer.call("SET", "k", "v") == b"OK"  # the target is gone: nothing more
    assert await tracker.call("GET", "k") == b"v"
    assert await writer.call("SET", "k", "w") == b"OK"
    assert await tracker.call("PING") == b"PONG"
    info = await tracker.call("CLIENT", "TRACKINGINFO")
    assert info[b"flags"].items == [b"on", b"broken_redirect"]


async def test_reset_and_disconnect_unregister_the_client_from_every_shard(
    start_server: Any, autojump_clock: trio.testing.MockClock
) -> None:
    harness = await start_server(shards=4)
    shards = harness.server.runtime.shards
    tracker, tracker_id = await tracking_client(harness)
    assert all(tracker_id in shard.tracked for shard in shards)
    assert await tracker.call("RESET") == b"RESET"
    assert await tracker.call("CLIENT", "TRACKINGINFO") == [
        b"flags", [b"off"], b"redirect", -1, b"prefixes", []
    ]
    await trio.testing.wait_all_tasks_blocked()
    assert all(not shard.tracked and not shard.tracking_clients for shard in shards)
    other, other_id = await tracking_client(harness)
    assert all(other_id in shard.tracked for shard in shards)
    await other.stream.aclose()
    await trio.testing.wait_all_tasks_blocked()
    assert all(not shard.tracked and not shard.tracking_clients for shard in shards)


async def test_reset_leaves_monitor_mode(
    start_server: Any, autojump_clock: trio.testing.MockClock
) -> None:
    harness = await start_server()
    monitor = await harness.connect()
    assert await monitor.call("MONITOR") == b"OK"
    assert harness.server.runtime.monitors == 1
    assert await monitor.call("RESET") == b"RESET"
    writer = await harness.connect()
    assert await writer.call("SET", "k", "v") == b"OK"
    assert await monitor.call("PING") == b"PONG"
    assert harness.server.runtime.monitors == 0


async def test_a_read_right_after_tracking_on_in_the_same_write_is_tracked(
    start_server: Any, autojump_clock: trio.testing.MockClock
) -> None:
    # CLIENT TRACKING ON tells the shard by message; the GET after it must not
    # overtake that message, also when the connection runs it itself (0011).
    # Trio's scheduling order varies, so the race gets several chances.
    harness = await start_server()
    writer = await harness.connect()
    for attempt in range(10):
        key = b"k%d" % attempt
        tracker = await harness.connect()
        await tracker.call("HELLO", "3")
        await tracker.send_commands(("CLIENT", "TRACKING", "ON"), ("GET", key))
        assert await tracker.read_replies(2) == [b"OK", None]
        assert await writer.call("SET", key, "v") == b"OK"
        with trio.fail_after(5):  # virtual seconds: a lost invalidation fails at once
            assert await read_invalidated_keys(tracker, 1) == {key}
