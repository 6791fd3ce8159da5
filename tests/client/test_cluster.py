"""Following cluster redirections (client/cluster.py): two fake nodes on trio
memory streams, the URL's node ``fake:6379`` and ``other:7001``, where a script
decides who answers ``-MOVED`` / ``-ASK``. Virtual time: nothing sleeps."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
import trio
import trio.testing

from client import AskError, CacheConfig, MovedError, open_client
from client.cluster import first_key_slot
from protocol.keyslot import key_slot
from tests.client.fake_server import FakeConnection, FakeServer, fake_server

URL = "redis://fake:6379/0"
HOME = "fake:6379"
OTHER = "other:7001"
SLOT = key_slot(b"moved-key")
MOVED = b"-MOVED %d other:7001\r\n" % SLOT
ASK = b"-ASK %d other:7001\r\n" % SLOT

Script = Callable[[FakeConnection, list[bytes]], Awaitable[None]]


@pytest.fixture
def mock_clock() -> trio.testing.MockClock:
    return trio.testing.MockClock(autojump_threshold=0)


def nodes(store: dict[str, dict[bytes, bytes]], *, home_redirect: bytes = MOVED,
          other_redirect: bytes | None = None, moved_keys: tuple[bytes, ...] = (b"moved-key",)) -> Script:
    """Both nodes keep a plain key -> value store. ``moved_keys`` live on OTHER: HOME
    answers them with ``home_redirect``; OTHER answers them, or with
    ``other_redirect`` when set (a redirect loop)."""
    asking: set[int] = set()

    async def script(connection: FakeConnection, argv: list[bytes]) -> None:
        name = argv[0].upper()
        data = store.setdefault(connection.address, {})
        if name == b"ASKING":
            asking.add(connection.number)
            await connection.reply(b"+OK\r\n")
            return
        asked = connection.number in asking
        asking.discard(connection.number)
        key = argv[1] if len(argv) > 1 else b""
        if name in (b"MULTI", b"EXEC", b"WATCH", b"UNWATCH") and connection.address == HOME:
            queued = connection.received[-4:-1]
            if name == b"EXEC" and any(request[1:2] and request[1] in moved_keys for request in queued):
                await connection.reply(b"-EXECABORT Transaction discarded because of previous errors.\r\n")
                return
            if name == b"WATCH" and key in moved_keys:
                await connection.reply(home_redirect)
                return
        if key in moved_keys:
            if connection.address == HOME:
                await connection.reply(home_redirect)
                return
            if other_redirect is not None or (home_redirect.startswith(b"-ASK") and not asked):
                await connection.reply(other_redirect or b"-MOVED %d fake:6379\r\n" % SLOT)
                return
        await answer(connection, name, argv, data)

    return script


async def answer(connection: FakeConnection, name: bytes, argv: list[bytes], data: dict[bytes, bytes]) -> None:
    if name == b"GET":
        value = data.get(argv[1])
        await connection.reply(b"$-1\r\n" if value is None else b"$%d\r\n%s\r\n" % (len(value), value))
    elif name == b"SET":
        data[argv[1]] = argv[2]
        await connection.reply(b"+OK\r\n")
    elif name == b"INCR":
        data[argv[1]] = b"%d" % (int(data.get(argv[1], b"0")) + 1)
        await connection.reply(b":%s\r\n" % data[argv[1]])
    elif name in (b"MULTI", b"WATCH", b"UNWATCH"):
        await connection.reply(b"+OK\r\n")
    elif name == b"EXEC":
        await connection.reply(b"*1\r\n+OK\r\n")
    else:
        await connection.reply(b"+QUEUED\r\n")


def gets(server: FakeServer, address: str) -> list[bytes]:
    return [argv[1] for argv in server.received_by(address) if argv[0].upper() == b"GET"]


async def test_a_moved_reply_is_followed_and_the_slot_remembered(
    monkeypatch: pytest.MonkeyPatch, mock_clock: trio.testing.MockClock,
) -> None:
    store = {OTHER: {b"moved-key": b"there"}, HOME: {b"home-key": b"here"}}
    async with trio.open_nursery() as nursery:
        with fake_server(monkeypatch, nursery, nodes(store)) as server:
            async with open_client(URL, protocol=2) as c:
                assert await c.get("moved-key") == b"there"
                assert await c.get("moved-key") == b"there"
                assert await c.get("home-key") == b"here"
                assert await c.set("moved-key", "new") is True
                statistics = c.routing_statistics()
            assert gets(server, HOME) == [b"moved-key", b"home-key"]
            assert gets(server, OTHER) == [b"moved-key", b"moved-key"]
            assert store[OTHER][b"moved-key"] == b"new"
            assert (statistics.known_slots, statistics.nodes, statistics.moved, statistics.asked) == (1, 1, 1, 0)
        nursery.cancel_scope.cancel()


async def test_an_ask_reply_sends_asking_then_the_command_once_and_remembers_nothing(
    monkeypatch: pytest.MonkeyPatch, mock_clock: trio.testing.MockClock,
) -> None:
    store = {OTHER: {b"moved-key": b"migrating"}}
    async with trio.open_nursery() as nursery:
        with fake_server(monkeypatch, nursery, nodes(store, home_redirect=ASK)) as server:
            async with open_client(URL, protocol=2) as c:
                assert await c.get("moved-key") == b"migrating"
                assert await c.get("moved-key") == b"migrating"
                statistics = c.routing_statistics()
            assert gets(server, HOME) == [b"moved-key", b"moved-key"]
            assert [argv[0] for argv in server.received_by(OTHER)] == [b"ASKING", b"GET"] * 2
            assert (statistics.known_slots, statistics.asked) == (0, 2)
        nursery.cancel_scope.cancel()


@pytest.mark.parametrize(("redirect", "error"), [(MOVED, MovedError), (ASK, AskError)])
async def test_redirects_that_never_end_raise_after_max_redirects(
    monkeypatch: pytest.MonkeyPatch, mock_clock: trio.testing.MockClock,
    redirect: bytes, error: type[Exception],
) -> None:
    back = redirect.replace(b"other:7001", b"fake:6379")
    script = nodes({}, home_redirect=redirect, other_redirect=back)
    async with trio.open_nursery() as nursery:
        with fake_server(monkeypatch, nursery, script) as server:
            async with open_client(URL, protocol=2, max_redirects=3) as c:
                with pytest.raises(error) as raised:
                    await c.get("moved-key")
            # The first try and 3 redirections, alternating between the nodes.
            assert len(gets(server, HOME)) == 2
            assert len(gets(server, OTHER)) == 2
            assert (raised.value.slot, raised.value.host, raised.value.port) == (SLOT, "fake", 6379)
        nursery.cancel_scope.cancel()


async def test_a_redirect_without_an_address_is_raised_as_is(
    monkeypatch: pytest.MonkeyPatch, mock_clock: trio.testing.MockClock,
) -> None:
    async with trio.open_nursery() as nursery:
        with fake_server(monkeypatch, nursery, nodes({}, home_redirect=b"-MOVED nowhere\r\n")):
            async with open_client(URL, protocol=2) as c:
                with pytest.raises(MovedError, match="^MOVED nowhere$"):
                    await c.get("moved-key")
        nursery.cancel_scope.cancel()


async def test_a_pipeline_sends_each_redirected_command_again_and_keeps_the_order_of_results(
    monkeypatch: pytest.MonkeyPatch, mock_clock: trio.testing.MockClock,
) -> None:
    store = {OTHER: {b"moved-key": b"there"}}
    async with trio.open_nursery() as nursery:
        with fake_server(monkeypatch, nursery, nodes(store)) as server:
            async with open_client(URL, protocol=2) as c:
                async with c.pipeline() as p:
                    p.set("home-key", "1").get("moved-key").incr("home-key")
                    assert await p.execute() == [True, b"there", 2]
                assert c.routing_statistics().known_slots == 1
                # Now known: a pipeline whose first key is there goes there.
                async with c.pipeline() as p:
                    p.get("moved-key")
                    assert await p.execute() == [b"there"]
            assert gets(server, HOME) == [b"moved-key"]
            assert gets(server, OTHER) == [b"moved-key", b"moved-key"]
        nursery.cancel_scope.cancel()


async def test_a_transaction_is_never_split_a_redirect_raises_and_a_retry_goes_to_the_owner(
    monkeypatch: pytest.MonkeyPatch, mock_clock: trio.testing.MockClock,
) -> None:
    store: dict[str, dict[bytes, bytes]] = {}
    async with trio.open_nursery() as nursery:
        with fake_server(monkeypatch, nursery, nodes(store)) as server:
            async with open_client(URL, protocol=2) as c:
                async with c.pipeline(transaction=True) as p:
                    p.set("moved-key", "v")
                    with pytest.raises(MovedError):
                        await p.execute()
                async with c.pipeline(transaction=True) as p:
                    p.set("moved-key", "v")
                    assert await p.execute() == [True]
            assert [argv[0] for argv in server.received_by(HOME)] == [b"MULTI", b"SET", b"EXEC"]
            assert [argv[0] for argv in server.received_by(OTHER)] == [b"MULTI", b"SET", b"EXEC"]
        nursery.cancel_scope.cancel()


async def test_client_transaction_follows_a_moved_watch_to_the_owner(
    monkeypatch: pytest.MonkeyPatch, mock_clock: trio.testing.MockClock,
) -> None:
    store: dict[str, dict[bytes, bytes]] = {}

    async def bump(pipe) -> None:  # type: ignore[no-untyped-def]
        pipe.multi()
        pipe.set("moved-key", "1")

    async with trio.open_nursery() as nursery:
        with fake_server(monkeypatch, nursery, nodes(store)) as server:
            async with open_client(URL, protocol=2) as c:
                assert await c.transaction(bump, "moved-key") == [True]
            assert [argv[0] for argv in server.received_by(HOME)] == [b"WATCH"]
            assert [argv[0] for argv in server.received_by(OTHER)] == [b"WATCH", b"MULTI", b"SET", b"EXEC"]
        nursery.cancel_scope.cancel()


async def test_with_a_client_cache_redirected_reads_are_never_cached(
    monkeypatch: pytest.MonkeyPatch, mock_clock: trio.testing.MockClock,
) -> None:
    store = {OTHER: {b"moved-key": b"there"}}
    async with trio.open_nursery() as nursery:
        with fake_server(monkeypatch, nursery, nodes(store)) as server:
            async with open_client(URL, protocol=3, cache=CacheConfig()) as c:
                assert await c.get("moved-key") == b"there"
                assert await c.get("moved-key") == b"there"
                statistics = c.cache_statistics()
            assert statistics is not None and statistics.hits == 0
            assert gets(server, OTHER) == [b"moved-key", b"moved-key"]
        nursery.cancel_scope.cancel()


def test_commands_route_by_the_slot_of_their_first_key() -> None:
    assert first_key_slot(("GET", "moved-key")) == SLOT
    assert first_key_slot(("MSET", "{moved-key}a", "1", "b", "2")) == SLOT
    assert first_key_slot(("OBJECT", "ENCODING", "moved-key")) == SLOT
    assert first_key_slot(("PING",)) is None
    assert first_key_slot(("NOSUCHCOMMAND", "x")) is None
    assert first_key_slot(("GET",)) is None
