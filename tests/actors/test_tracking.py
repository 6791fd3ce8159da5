"""CLIENT TRACKING as actors: invalidations written by the owning shard in the
writer's step, tracking under multi-shard leases, RESET and disconnects.
Memory streams and the autojump clock: nothing sleeps for real."""

from __future__ import annotations

from typing import Any

import trio
import trio.testing

from protocol.resp.values import Push

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


async def read_invalidated_keys(client: Client, count: int) -> set[bytes]:
    keys: set[bytes] = set()
    for push in await client.read_replies(count):
        assert type(push) is Push and push.items[0] == b"invalidate"
        keys.update(push.items[1])
    return keys


async def test_the_invalidation_is_made_before_the_writers_reply(
    start_server: Any, autojump_clock: trio.testing.MockClock
) -> None:
    harness = await start_server(shards=2)
    tracker, tracker_id = await tracking_client(harness)
    writer = await harness.connect()
    for key in (b"a", b"b", b"c"):
        assert await tracker.call("GET", key) is None
        before = len(produced(harness, tracker, tracker_id))
        assert await writer.call("SET", key, "v") == b"OK"
        # No checkpoint between the shard's step and the writer's reply has
        # been needed for the push to exist: it is already sent or queued.
        assert produced(harness, tracker, tracker_id)[before:] == invalidate_bytes(key)
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


async def test_a_redirected_invalidation_still_goes_through_the_hub(
    start_server: Any, autojump_clock: trio.testing.MockClock
) -> None:
    harness = await start_server(shards=2)
    target = await harness.connect()
    target_id = await target.call("CLIENT", "ID")
    assert await target.call("SUBSCRIBE", "__redis__:invalidate") == [
        b"subscribe", b"__redis__:invalidate", 1
    ]
    tracker = await harness.connect()  # RESP2
    assert await tracker.call("CLIENT", "TRACKING", "ON", "REDIRECT", str(target_id)) == b"OK"
    assert await tracker.call("GET", "k") is None
    assert await tracker.call("SET", "k", "v") == b"OK"
    assert await target.read_replies(1) == [[b"message", b"__redis__:invalidate", [b"k"]]]


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
