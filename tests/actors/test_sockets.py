"""DirectSocketStream (actors/sockets.py) over a real socket pair."""

from __future__ import annotations

import trio
import trio.testing

from actors.sockets import DirectSocketStream, accept_connections, close_listeners, open_listeners


def socket_pair() -> tuple[DirectSocketStream, trio.SocketStream]:
    """The server's end (direct) and the peer's end (a plain trio stream)."""
    ours, theirs = trio.socket.socketpair()
    return DirectSocketStream(trio.SocketStream(ours)), trio.SocketStream(theirs)


async def test_bytes_already_sent_are_received_at_once() -> None:
    ours, theirs = socket_pair()
    await theirs.send_all(b"PING\r\n")
    assert await ours.receive_some(1024) == b"PING\r\n"


async def test_a_receive_with_nothing_sent_waits_until_the_peer_sends() -> None:
    ours, theirs = socket_pair()
    received: list[bytes] = []

    async def receive() -> None:
        received.append(await ours.receive_some(1024))

    async with trio.open_nursery() as nursery:
        nursery.start_soon(receive)
        await trio.testing.wait_all_tasks_blocked()
        assert received == []
        await theirs.send_all(b"late")
    assert received == [b"late"]


async def test_a_receive_after_a_reply_still_gets_what_the_peer_had_sent() -> None:
    ours, theirs = socket_pair()
    await theirs.send_all(b"sent before the reply")
    await ours.send_all(b"+OK\r\n")
    assert await ours.receive_some(1024) == b"sent before the reply"
    assert await theirs.receive_some(1024) == b"+OK\r\n"


async def test_a_write_bigger_than_the_socket_buffer_completes_as_the_peer_reads() -> None:
    ours, theirs = socket_pair()
    payload = bytes(range(256)) * 32768  # 8 MiB: many partial writes
    received = bytearray()

    async def drain() -> None:
        while len(received) < len(payload):
            received.extend(await theirs.receive_some(65536))

    async with trio.open_nursery() as nursery:
        nursery.start_soon(drain)
        await ours.send_all(payload)
    assert bytes(received) == payload


async def test_the_peer_closing_reads_as_end_of_stream() -> None:
    ours, theirs = socket_pair()
    await theirs.send_all(b"last words")
    await theirs.aclose()
    assert await ours.receive_some(1024) == b"last words"
    assert await ours.receive_some(1024) == b""


async def test_writing_to_a_closed_peer_is_a_broken_resource() -> None:
    ours, theirs = socket_pair()
    await theirs.aclose()
    try:
        await ours.send_all(b"+OK\r\n" * 100000)
    except trio.BrokenResourceError:
        pass
    else:
        raise AssertionError("the write to a closed peer succeeded")


async def test_a_receive_waiting_when_the_socket_closes_is_a_closed_resource() -> None:
    ours, _theirs = socket_pair()
    outcome: list[str] = []

    async def receive() -> None:
        try:
            await ours.receive_some(1024)
        except trio.ClosedResourceError:
            outcome.append("closed")

    async with trio.open_nursery() as nursery:
        nursery.start_soon(receive)
        await trio.testing.wait_all_tasks_blocked()
        await ours.aclose()
    assert outcome == ["closed"]


async def test_every_connection_waiting_in_the_backlog_is_served() -> None:
    (listener,) = await open_listeners("127.0.0.1", 0, 64)
    port = listener.getsockname()[1]
    clients = [await trio.open_tcp_stream("127.0.0.1", port) for _ in range(20)]  # all queued
    greeted: list[bytes] = []

    async def handler(stream: trio.SocketStream) -> None:
        greeted.append(await stream.receive_some(100))
        await stream.send_all(b"+OK\r\n")

    async with trio.open_nursery() as nursery:
        nursery.start_soon(accept_connections, listener, handler, nursery)
        for index, client in enumerate(clients):
            await client.send_all(b"hello %d" % index)
        for client in clients:
            assert await client.receive_some(100) == b"+OK\r\n"
        close_listeners([listener])
    assert sorted(greeted) == sorted(b"hello %d" % index for index in range(20))


async def test_closing_the_listener_ends_the_accept_loop_and_refuses_connections() -> None:
    (listener,) = await open_listeners("127.0.0.1", 0, 64)
    port = listener.getsockname()[1]

    async def handler(stream: trio.SocketStream) -> None:
        raise AssertionError("no connection was made")

    async with trio.open_nursery() as nursery:
        nursery.start_soon(accept_connections, listener, handler, nursery)
        await trio.testing.wait_all_tasks_blocked()
        close_listeners([listener])
    try:
        await trio.open_tcp_stream("127.0.0.1", port)
    except OSError:
        pass
    else:
        raise AssertionError("the closed listener still accepted")
