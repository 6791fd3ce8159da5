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

In RESP3 messages are push values, so the subscribed connection also runs
commands: the subscription has the client's command methods (``await
sub.get("k")``, ``await sub.execute(...)``), their replies interleaved with the
pushes. One task reads at a time (``_read_lock``): a reply goes to the oldest
command waiting (``_waiting``, in sending order), a push to the message buffer.
The reader keeps reading while commands wait, and wakes them when it stops, so
a command never waits on a reader that left. In RESP2 a subscribed connection
can run nothing else, and commands raise :class:`~client.errors.ResponseError`.
"""

from __future__ import annotations

import collections
from typing import Any, AsyncIterator, Callable

import attrs
import trio

from protocol.resp import ErrorReply, Push, encode_command

from .commands import Commands
from .connection import Connection
from .errors import ConnectionError, ResponseError, error_from_reply
from .generated import install
from .options import ConnectionOptions
from .pool import connect_with_backoff
from .replies import Callback

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
class _PendingReply:
    done: bool = False
    value: Any = None
    wake: trio.Event | None = None


@attrs.define(eq=False)
class Subscription(Commands):
    options: ConnectionOptions
    convert: Callable[[Any], Any]
    channels: set[Any] = attrs.field(factory=set)
    patterns: set[Any] = attrs.field(factory=set)
    shard_channels: set[Any] = attrs.field(factory=set)
    _connection: Connection | None = attrs.field(default=None, init=False)
    _buffered: collections.deque[Message] = attrs.field(factory=collections.deque, init=False)
    _messages: int = attrs.field(default=0, init=False)
    _reconnects: int = attrs.field(default=0, init=False)
    _read_lock: trio.Lock = attrs.field(factory=trio.Lock, init=False)
    _send_lock: trio.Lock = attrs.field(factory=trio.Lock, init=False)
    _waiting: collections.deque[_PendingReply] = attrs.field(factory=collections.deque, init=False)

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
            async with self._read_lock:
                try:
                    while not self._buffered:
                        await self._read_one()
                finally:
                    self._wake_waiting()
        self._messages += 1
        return self._buffered.popleft()

    async def execute(self, *args: Any) -> Any:
        """Run a command on the subscribed connection (RESP3 only)."""
        return await self._execute(None, args)

    def _run(self, callback: Callback | None, *args: Any) -> Any:
        return self._execute(callback, args)

    async def _execute(self, callback: Callback | None, args: tuple[Any, ...]) -> Any:
        connection = self._connection
        if connection is None or connection.broken:
            raise ConnectionError("the subscription is not connected")
        if connection.protocol != 3:
            raise ResponseError("ERR a RESP2 subscription runs no other commands: use the client")
        pending = _PendingReply()
        async with self._send_lock:
            self._waiting.append(pending)
            try:
                await connection.send(encode_command(args), 0)
            except BaseException:
                self._waiting.remove(pending)
                raise
        while not pending.done:
            if self._read_lock.locked():
                # The reader keeps reading while we wait, and wakes us when it stops.
                pending.wake = trio.Event()
                await pending.wake.wait()
                continue
            async with self._read_lock:
                try:
                    while not pending.done:
                        await self._read_value(connection)
                finally:
                    self._wake_waiting()
        reply = pending.value
        if isinstance(reply, ConnectionError):
            raise reply
        if type(reply) is ErrorReply:
            raise error_from_reply(reply)
        value = self.convert(reply)
        return value if callback is None else callback(value)

    async def _read_one(self) -> None:
        if self._connection is None or self._connection.broken:
            await self._reconnect()
        assert self._connection is not None
        try:
            await self._read_value(self._connection)
        except ConnectionError:
            await self._reconnect()

    async def _read_value(self, connection: Connection) -> None:
        """Read one value: a reply to the oldest waiting command, or a push."""
        try:
            value = await connection.read_message()
        except ConnectionError as error:
            self._fail_waiting(error)
            raise
        if connection.protocol == 3 and type(value) is not Push and self._waiting:
            pending = self._waiting.popleft()
            pending.done, pending.value = True, value
            if pending.wake is not None:
                pending.wake.set()
            return
        self._accept(value)

    def _wake_waiting(self) -> None:
        for pending in self._waiting:
            if pending.wake is not None:
                pending.wake.set()

    def _fail_waiting(self, error: ConnectionError) -> None:
        while self._waiting:
            pending = self._waiting.popleft()
            pending.done, pending.value = True, error
            if pending.wake is not None:
                pending.wake.set()

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
        async with self._send_lock:
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
        self._fail_waiting(ConnectionError("the subscription's connection was lost"))
        self.close()
        self._reconnects += 1
        await self._connect()


install(Subscription)
