"""The connection, pipeline, pub/sub and cache state machines under injected
faults: a fake server on trio memory streams that drops the connection
mid-reply, sends garbage or answers late. Virtual time: nothing sleeps."""

from __future__ import annotations

import pytest
import trio
import trio.testing

from client import CacheConfig, ConnectionError, TimeoutError, open_client
from tests.client.fake_server import FakeConnection, fake_server

URL = "redis://fake:6379/0"


@pytest.fixture
def mock_clock() -> trio.testing.MockClock:
    return trio.testing.MockClock(autojump_threshold=0)


async def answer_get_then_drop_the_first_connection(connection: FakeConnection, argv: list[bytes]) -> None:
    name = argv[0].upper()
    if name == b"GET" and connection.number == 0:
        await connection.reply(b"$5\r\nhel")  # half a reply, then the connection dies
        await connection.drop()
    elif name == b"GET":
        await connection.reply(b"$5\r\nhello\r\n")
    elif name == b"INCR":
        if connection.number == 0:
            await connection.drop()
        else:
            await connection.reply(b":1\r\n")
    elif name == b"SET":
        await connection.reply(b"+OK\r\n")


async def test_a_connection_dropped_mid_reply_raises_and_the_next_command_reconnects(
    monkeypatch: pytest.MonkeyPatch, mock_clock: trio.testing.MockClock,
) -> None:
    async with trio.open_nursery() as nursery:
        with fake_server(monkeypatch, nursery, answer_get_then_drop_the_first_connection) as server:
            async with open_client(URL, protocol=2) as c:
                with pytest.raises(ConnectionError, match="closed the connection"):
                    await c.get("k")
                assert await c.get("k") == b"hello"
                assert c.statistics().connects == 2
            assert len(server.commands(b"GET")) == 2
        nursery.cancel_scope.cancel()


async def test_with_retry_reads_a_read_whose_connection_died_is_run_again(
    monkeypatch: pytest.MonkeyPatch, mock_clock: trio.testing.MockClock,
) -> None:
    async with trio.open_nursery() as nursery:
        with fake_server(monkeypatch, nursery, answer_get_then_drop_the_first_connection) as server:
            async with open_client(URL, protocol=2, retry_reads=True) as c:
                assert await c.get("k") == b"hello"
                assert c.retried_reads == 1
            assert [argv[1] for argv in server.commands(b"GET")] == [b"k", b"k"]
        nursery.cancel_scope.cancel()


async def test_with_retry_reads_a_write_whose_connection_died_is_never_replayed(
    monkeypatch: pytest.MonkeyPatch, mock_clock: trio.testing.MockClock,
) -> None:
    async with trio.open_nursery() as nursery:
        with fake_server(monkeypatch, nursery, answer_get_then_drop_the_first_connection) as server:
            async with open_client(URL, protocol=2, retry_reads=True) as c:
                with pytest.raises(ConnectionError):
                    await c.incr("counter")
                assert c.retried_reads == 0
            assert len(server.commands(b"INCR")) == 1
        nursery.cancel_scope.cancel()


async def test_garbage_from_the_server_breaks_the_connection(
    monkeypatch: pytest.MonkeyPatch, mock_clock: trio.testing.MockClock,
) -> None:
    async def garbage(connection: FakeConnection, argv: list[bytes]) -> None:
        await connection.reply(b"?what\r\n" if connection.number == 0 else b"+PONG\r\n")

    async with trio.open_nursery() as nursery:
        with fake_server(monkeypatch, nursery, garbage):
            async with open_client(URL, protocol=2) as c:
                with pytest.raises(ConnectionError, match="not RESP"):
                    await c.execute("ECHO", "x")
                assert await c.execute("ECHO", "x") == b"PONG"
                assert c.statistics().dropped == 1
        nursery.cancel_scope.cancel()


async def test_a_late_reply_times_out_and_never_answers_the_next_command(
    monkeypatch: pytest.MonkeyPatch, mock_clock: trio.testing.MockClock,
) -> None:
    async def slow_first(connection: FakeConnection, argv: list[bytes]) -> None:
        if argv[1] == b"slow":
            await trio.sleep(10)
        await connection.value(argv[1])

    async with trio.open_nursery() as nursery:
        with fake_server(monkeypatch, nursery, slow_first):
            async with open_client(URL, protocol=2, command_timeout=1.0) as c:
                with pytest.raises(TimeoutError):
                    await c.echo("slow")
                assert await c.echo("fast") == b"fast"
                assert c.statistics().connects == 2
        nursery.cancel_scope.cancel()


async def test_a_pipeline_cut_mid_batch_raises_and_nothing_is_replayed(
    monkeypatch: pytest.MonkeyPatch, mock_clock: trio.testing.MockClock,
) -> None:
    async def cut_after_first(connection: FakeConnection, argv: list[bytes]) -> None:
        if argv[0].upper() != b"INCR":
            return
        if len(connection.received) == 3:  # HELLO-less RESP2: SETINFO, INCR, INCR
            await connection.drop()
        elif not connection.closed:
            await connection.reply(b":%d\r\n" % len(connection.received))

    async with trio.open_nursery() as nursery:
        with fake_server(monkeypatch, nursery, cut_after_first) as server:
            async with open_client(URL, protocol=2, retry_reads=True) as c:
                async with c.pipeline() as p:
                    p.incr("a").incr("a").incr("a")
                    with pytest.raises(ConnectionError):
                        await p.execute()
            # The server read two INCRs before the cut; none was sent again.
            assert len(server.commands(b"INCR")) == 2
            assert len(server.connections) == 1
        nursery.cancel_scope.cancel()


async def test_a_subscription_whose_connection_drops_subscribes_again(
    monkeypatch: pytest.MonkeyPatch, mock_clock: trio.testing.MockClock,
) -> None:
    async def pubsub(connection: FakeConnection, argv: list[bytes]) -> None:
        if argv[0].upper() == b"SUBSCRIBE":
            await connection.value([b"subscribe", argv[1], 1])
            if connection.number == 0:
                await connection.value([b"message", argv[1], b"first"])
                await connection.reply(b"*3\r\n$7\r\nmessage\r\n$2\r\n")  # cut inside a message
                await connection.drop()
            else:
                await connection.value([b"message", argv[1], b"second"])

    async with trio.open_nursery() as nursery:
        with fake_server(monkeypatch, nursery, pubsub) as server:
            async with open_client(URL, protocol=2) as c:
                async with c.subscribe("ch") as sub:
                    assert (await sub.get_message()).data == b"first"
                    assert (await sub.get_message()).data == b"second"
                    assert sub.statistics().reconnects == 1
            assert server.commands(b"SUBSCRIBE") == [[b"SUBSCRIBE", b"ch"]] * 2
        nursery.cancel_scope.cancel()


async def test_an_invalidation_pushed_before_the_reply_keeps_the_reply_out_of_the_cache(
    monkeypatch: pytest.MonkeyPatch, mock_clock: trio.testing.MockClock,
) -> None:
    async def racing(connection: FakeConnection, argv: list[bytes]) -> None:
        if argv[0].upper() == b"GET":
            # The key changed between the read and its reply: the push comes first.
            await connection.reply(b">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n", b"$3\r\nold\r\n")

    async with trio.open_nursery() as nursery:
        with fake_server(monkeypatch, nursery, racing) as server:
            async with open_client(URL, protocol=3, cache=CacheConfig()) as c:
                assert await c.get("k") == b"old"
                assert await c.get("k") == b"old"
                stats = c.cache_statistics()
                assert stats is not None and (stats.hits, stats.misses) == (0, 2)
            assert len(server.commands(b"GET")) == 2
            assert [b"CLIENT", b"TRACKING", b"ON"] in server.commands(b"CLIENT")
        nursery.cancel_scope.cancel()


async def test_a_lost_tracked_connection_flushes_the_cache_and_the_new_one_tracks_again(
    monkeypatch: pytest.MonkeyPatch, mock_clock: trio.testing.MockClock,
) -> None:
    async def drop_on_incr(connection: FakeConnection, argv: list[bytes]) -> None:
        name = argv[0].upper()
        if name == b"GET":
            await connection.value(b"v%d" % connection.number)
        elif name == b"INCR":
            await connection.drop()

    async with trio.open_nursery() as nursery:
        with fake_server(monkeypatch, nursery, drop_on_incr) as server:
            async with open_client(URL, protocol=3, cache=CacheConfig()) as c:
                assert await c.get("k") == b"v0"
                assert await c.get("k") == b"v0"  # a hit
                with pytest.raises(ConnectionError):
                    await c.incr("other")
                assert await c.get("k") == b"v1"  # flushed: read again, on a new connection
            tracking = [argv for argv in server.commands(b"CLIENT") if argv[1].upper() == b"TRACKING"]
            assert len(tracking) == 2
        nursery.cancel_scope.cancel()


async def test_resp2_tracking_redirects_to_a_connection_subscribed_to_invalidations(
    monkeypatch: pytest.MonkeyPatch, mock_clock: trio.testing.MockClock,
) -> None:
    async def redirecting(connection: FakeConnection, argv: list[bytes]) -> None:
        if argv[0].upper() == b"SUBSCRIBE":
            await connection.value([b"subscribe", argv[1], 1])
        elif argv[0].upper() == b"GET":
            await connection.value(b"v")

    async with trio.open_nursery() as nursery:
        with fake_server(monkeypatch, nursery, redirecting) as server:
            async with open_client(URL, protocol=2, cache=CacheConfig()) as c:
                assert await c.get("k") == b"v"
            subscriber = server.connections[1]
            assert [b"SUBSCRIBE", b"__redis__:invalidate"] in subscriber.received
            tracking = [argv for argv in server.commands(b"CLIENT") if argv[1].upper() == b"TRACKING"]
            assert tracking == [[b"CLIENT", b"TRACKING", b"ON", b"REDIRECT", b"101"]]
        nursery.cancel_scope.cancel()
