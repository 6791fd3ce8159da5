"""Pub/sub subscriptions: a dedicated connection, messages as an async iterator.

A :class:`Subscription` owns one connection outside the pool (a subscribed
connection can run nothing else in RESP2, and must never reach another caller).
Entering it subscribes and waits for every confirmation, so a message published
after the ``async with`` line is delivered. Iterating yields :class:`Message`
values for ``message``, ``pmessage`` and ``smessage``; confirmations of later
(un)subscribe calls are consumed silently.

When the connection is lost the subscription reconnects with the pool's backoff
and subscribes again to everything it had; messages published while it was
away are lost (pub/sub is at-most-once). When reconnection fails, the
ConnectionError reaches the iterating task.
"""

from __future__ import annotations

import collections
from typing import Any, AsyncIterator, Callable

import attrs
import trio

from protocol.resp import ErrorReply, Push, encode_command

from .connection import Connection
from .errors import ConnectionError, error_from_reply
from .options import ConnectionOptions
from .pool import connect_with_backoff

__all__ = ["Message", "Subscription", "SubscriptionStatistics"]

_MESSAGE_KINDS = {b"message": "message", b"pmessage": "pmessage", b"smessage": "smessage"}
_CONFIRMATIONS = frozenset(
    [b"subscribe", b"psubscribe", b"ssubscribe", b"unsubscribe", b"punsubscribe", b"sunsubscribe"]
)


@attrs.frozen
class Message:
    kind: str  # "message" | "pmessage" | "smessage"
    channel: Any
    data: Any
    pattern: Any = None


@attrs.frozen
class SubscriptionStatistics:
    channels: int
    patterns: int
    shard_channels: int
    messages: int
    reconnects: int


@attrs.define(eq=False)
class Subscription:
    options: ConnectionOptions
    convert: Callable[[Any], Any]
    channels: set[Any] = attrs.field(factory=set)
    patterns: set[Any] = attrs.field(factory=set)
    shard_channels: set[Any] = attrs.field(factory=set)
    _connection: Connection | None = attrs.field(default=None, init=False)
    _buffered: collections.deque[Message] = attrs.field(factory=collections.deque, init=False)
    _messages: int = attrs.field(default=0, init=False)
    _reconnects: int = attrs.field(default=0, init=False)

    def statistics(self) -> SubscriptionStatistics:
        return SubscriptionStatistics(
            len(self.channels), len(self.patterns), len(self.shard_channels),
            self._messages, self._reconnects,
        )

    async def __aenter__(self) -> Subscription:
        await self._connect()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def subscribe(self, *channels: Any) -> None:
        self.channels.update(channels)
        await self._send("SUBSCRIBE", channels)

    async def psubscribe(self, *patterns: Any) -> None:
        self.patterns.update(patterns)
        await self._send("PSUBSCRIBE", patterns)

    async def ssubscribe(self, *channels: Any) -> None:
        self.shard_channels.update(channels)
        await self._send("SSUBSCRIBE", channels)

    async def unsubscribe(self, *channels: Any) -> None:
        """Unsubscribe from ``channels`` (all when none are named)."""
        self.channels.difference_update(channels or set(self.channels))
        await self._send("UNSUBSCRIBE", channels, allow_empty=True)

    async def punsubscribe(self, *patterns: Any) -> None:
        self.patterns.difference_update(patterns or set(self.patterns))
        await self._send("PUNSUBSCRIBE", patterns, allow_empty=True)

    async def sunsubscribe(self, *channels: Any) -> None:
        self.shard_channels.difference_update(channels or set(self.shard_channels))
        await self._send("SUNSUBSCRIBE", channels, allow_empty=True)

    def __aiter__(self) -> AsyncIterator[Message]:
        return self

    async def __anext__(self) -> Message:
        return await self.get_message()

    async def get_message(self, timeout: float | None = None) -> Message:
        """The next message; ``trio.TooSlowError`` after ``timeout`` seconds."""
        with trio.fail_after(timeout if timeout is not None else float("inf")):
            while not self._buffered:
                await self._read_one()
        self._messages += 1
        return self._buffered.popleft()

    async def _read_one(self) -> None:
        if self._connection is None or self._connection.broken:
            await self._reconnect()
        assert self._connection is not None
        try:
            value = await self._connection.read_message()
        except ConnectionError:
            await self._reconnect()
            return
        self._accept(value)

    def _accept(self, value: Any) -> bool:
        """Buffer a message; True when ``value`` was a confirmation."""
        if type(value) is ErrorReply:
            raise error_from_reply(value)
        items = value.items if type(value) is Push else value
        if not isinstance(items, list) or not items:
            return False
        kind = bytes(items[0]).lower()
        if kind in _CONFIRMATIONS:
            return True
        convert = self.convert
        if kind == b"pmessage":
            self._buffered.append(Message("pmessage", convert(items[2]), convert(items[3]), convert(items[1])))
        elif kind in _MESSAGE_KINDS:
            self._buffered.append(Message(_MESSAGE_KINDS[kind], convert(items[1]), convert(items[2])))
        return False

    async def _send(self, command: str, names: tuple[Any, ...], allow_empty: bool = False) -> None:
        if not names and not allow_empty:
            return
        if self._connection is None:
            return  # not entered yet: _connect() subscribes to everything
        await self._connection.send(encode_command([command, *names]), 0)

    async def _connect(self) -> None:
        connection = await connect_with_backoff(self.options)
        self._connection = connection
        wanted = [("SUBSCRIBE", self.channels), ("PSUBSCRIBE", self.patterns), ("SSUBSCRIBE", self.shard_channels)]
        payload = b"".join(encode_command([name, *group]) for name, group in wanted if group)
        confirmations = len(self.channels) + len(self.patterns) + len(self.shard_channels)
        if not payload:
            return
        await connection.send(payload, 0)
        while confirmations:
            if self._accept(await connection.read_message()):
                confirmations -= 1

    async def _reconnect(self) -> None:
        self.close()
        self._reconnects += 1
        await self._connect()
