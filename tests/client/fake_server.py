"""A scripted fake server over trio memory streams, for fault injection.

:func:`fake_server` patches how the client opens a stream: every connection the
client opens becomes a :class:`FakeConnection` served by a task of the test's
nursery. The handshake (HELLO, CLIENT SETINFO, SELECT, CLIENT TRACKING, PING) is
answered here; every other command goes to the test's ``script``, which answers
with :meth:`FakeConnection.reply` (RESP bytes, in any pieces, with any delays),
or drops the connection, or sends garbage. ``connection.address`` is the
``host:port`` the client dialled, so one script can play several cluster nodes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import attrs
import pytest
import trio
import trio.testing

from client import connection as client_connection
from protocol.resp import RequestParser, encode

Script = Callable[["FakeConnection", list[bytes]], Awaitable[None]]


@attrs.define(eq=False)
class FakeConnection:
    stream: trio.abc.Stream
    number: int
    address: str = ""
    protocol: int = 2
    received: list[list[bytes]] = attrs.field(factory=list)
    closed: bool = False

    async def reply(self, *pieces: bytes) -> None:
        for piece in pieces:
            await self.stream.send_all(piece)

    async def value(self, value: Any) -> None:
        await self.stream.send_all(encode(value, self.protocol == 3))

    async def drop(self) -> None:
        self.closed = True
        await self.stream.aclose()


@attrs.define(eq=False)
class FakeServer:
    nursery: trio.Nursery
    script: Script
    connections: list[FakeConnection] = attrs.field(factory=list)
    refuse: bool = False

    def commands(self, name: bytes) -> list[list[bytes]]:
        """Every request named ``name`` any connection received, in order."""
        return [argv for c in self.connections for argv in c.received if argv[0].upper() == name]

    def received_by(self, address: str) -> list[list[bytes]]:
        """Every request the node at ``address`` received, handshakes left out."""
        return [argv for c in self.connections if c.address == address for argv in c.received
                if argv[0].upper() not in (b"HELLO", b"CLIENT", b"SELECT")]

    async def open_stream(self, options: object) -> trio.abc.Stream:
        if self.refuse:
            raise client_connection.ConnectionError("refused (fake)")
        client_side, server_side = trio.testing.memory_stream_pair()
        connection = FakeConnection(server_side, len(self.connections), getattr(options, "address", ""))
        self.connections.append(connection)
        self.nursery.start_soon(self._serve, connection)
        return client_side

    async def _serve(self, connection: FakeConnection) -> None:
        parser = RequestParser()
        try:
            while not connection.closed:
                data = await connection.stream.receive_some(65536)
                if not data:
                    return
                parser.feed(data)
                for argv in parser.requests():
                    if connection.closed:
                        return
                    connection.received.append(argv)
                    if not await self._handshake(connection, argv):
                        await self.script(connection, argv)
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            return

    async def _handshake(self, connection: FakeConnection, argv: list[bytes]) -> bool:
        name = argv[0].upper()
        words = [arg.upper() for arg in argv[1:3]]
        if name == b"HELLO":
            connection.protocol = int(argv[1])
            await connection.value({b"server": b"fake", b"proto": connection.protocol})
        elif name == b"CLIENT" and words[:1] in ([b"SETINFO"], [b"TRACKING"], [b"SETNAME"]):
            await connection.reply(b"+OK\r\n")
        elif name == b"CLIENT" and words[:1] == [b"ID"]:
            await connection.reply(b":%d\r\n" % (100 + connection.number))
        elif name == b"SELECT":
            await connection.reply(b"+OK\r\n")
        elif name == b"PING" and len(argv) == 1:
            await connection.reply(b"+PONG\r\n")
        else:
            return False
        return True


@contextmanager
def fake_server(monkeypatch: pytest.MonkeyPatch, nursery: trio.Nursery, script: Script) -> Iterator[FakeServer]:
    server = FakeServer(nursery, script)
    monkeypatch.setattr(client_connection, "_open_stream", server.open_stream)
    yield server
