"""Shared harness for actor tests: a server without a listener, clients over
trio memory streams, and the autojump clock (DESIGN §8: nothing sleeps for real).

pytest-trio runs a test under any :class:`trio.abc.Clock` among its fixtures,
so requesting ``autojump_clock`` makes virtual time jump whenever every task
is blocked: shard expiry timers and ``trio.fail_after`` cost nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import attrs
import pytest
import trio
import trio.testing

from protocol.resp.reader import NEED_DATA, ReplyReader

from actors.clock import TrioClock
from actors.config import Config
from actors.router import Router
from actors.server import Server


@pytest.fixture
def autojump_clock() -> trio.testing.MockClock:
    return trio.testing.MockClock(autojump_threshold=0)


def make_config(shards: int = 1, **values: Any) -> Config:
    config = Config()
    config.values["shards"] = shards
    config.values.update(values)
    return config


def keys_on_distinct_shards(shards: int, count: int, prefix: bytes = b"key") -> list[bytes]:
    """``count`` keys, each owned by a different shard (in ascending shard order)."""
    router = Router(shards)
    by_shard: dict[int, bytes] = {}
    index = 0
    while len(by_shard) < count:
        key = b"%s%d" % (prefix, index)
        by_shard.setdefault(router.shard_of_key(key), key)
        index += 1
    return [by_shard[shard_id] for shard_id in sorted(by_shard)][:count]


@attrs.define(eq=False)
class RecordingStream(trio.abc.Stream):
    """The server's end of a connection; remembers every ``send_all``."""

    inner: trio.abc.Stream
    writes: list[bytes] = attrs.field(factory=list)

    async def send_all(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))
        await self.inner.send_all(data)

    async def wait_send_all_might_not_block(self) -> None:
        await self.inner.wait_send_all_might_not_block()

    async def receive_some(self, max_bytes: int | None = None) -> bytes | bytearray:
        return await self.inner.receive_some(max_bytes)

    async def aclose(self) -> None:
        await self.inner.aclose()


def encode_command(*args: bytes | str | int) -> bytes:
    parts = [arg if isinstance(arg, bytes) else str(arg).encode() for arg in args]
    return b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)


@attrs.define(eq=False)
class Client:
    """A test client speaking RESP over a memory stream."""

    stream: trio.abc.Stream
    server_side: RecordingStream
    reader: ReplyReader = attrs.field(factory=ReplyReader)
    eof: bool = False

    async def send(self, data: bytes) -> None:
        await self.stream.send_all(data)

    async def send_commands(self, *commands: tuple[Any, ...]) -> None:
        """Pipeline: every command in one write."""
        await self.send(b"".join(encode_command(*command) for command in commands))

    async def read_replies(self, count: int) -> list[Any]:
        replies: list[Any] = []
        while len(replies) < count:
            reply = self.reader.next_reply()
            if reply is NEED_DATA:
                data = await self.stream.receive_some()
                if not data:
                    raise EOFError(f"connection closed after {replies!r}")
                self.reader.feed(data)
                continue
            replies.append(reply)
        return replies

    async def call(self, *args: Any) -> Any:
        await self.send_commands(args)
        (reply,) = await self.read_replies(1)
        return reply

    async def read_until_eof(self) -> bytes:
        received = bytearray()
        while True:
            data = await self.stream.receive_some()
            if not data:
                return bytes(received)
            received += data


Connect = Callable[[], Awaitable[Client]]


@attrs.define(eq=False)
class Harness:
    server: Server
    nursery: trio.Nursery

    async def connect(self) -> Client:
        client_end, server_end = trio.testing.memory_stream_pair()
        recording = RecordingStream(server_end)
        self.nursery.start_soon(
            self.server.serve_stream, recording, "127.0.0.1:50000", "127.0.0.1:6379"
        )
        return Client(client_end, recording)


@pytest.fixture
def start_server(nursery: trio.Nursery) -> Callable[..., Awaitable[Harness]]:
    """``await start_server(shards=4)``: shards and supervisor running on the test's
    nursery (cancelled when the test ends), expiry following trio's clock."""

    async def start(shards: int = 1, **values: Any) -> Harness:
        server = Server(make_config(shards, **values), clock=TrioClock())
        await server.start_actors(nursery)
        return Harness(server, nursery)

    return start
