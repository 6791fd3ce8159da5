"""The connection pool: bounded, fair, and the only place that reconnects.

At most ``max_size`` connections exist; a caller beyond that waits on a
:class:`trio.Semaphore`, which wakes waiters first in, first out. Idle
connections are reused last in, first out (the warm one first). Before one is
handed out it is checked without a round trip (a readable socket while nothing is
owed means the server closed it) and, after ``health_check_interval`` idle
seconds, with a PING; a dead one is dropped and replaced.

A new connection is opened with exponential backoff and full jitter between
attempts (``backoff_base * 2**attempt`` capped at ``backoff_cap``, times a random
factor in [0.5, 1]), up to ``reconnect_attempts`` retries, then the last
ConnectionError propagates. A command never retries itself: if its connection
dies in flight it raises, and only the next command reconnects.

:meth:`release` takes back only a connection that owes no reply and is not broken
(see :class:`~client.connection.Connection`); any other is closed.

With client-side caching (:mod:`client.tracking`) the pool runs ``setup`` on
every new connection (CLIENT TRACKING), routes pushes to ``on_push``, reads the
pushes idle connections received (:meth:`drain_idle`; a readable idle socket is
then not a closed one), and calls ``on_broken`` when a connection closes.
:meth:`retire_all` bumps the generation: connections of an older generation are
closed when they come back.
"""

from __future__ import annotations

import random
from typing import Any, Awaitable, Callable

import attrs
import trio

from protocol.resp import Push

from .connection import Connection, open_connection
from .errors import ConnectionError, TimeoutError
from .options import ConnectionOptions

__all__ = ["ConnectionPool", "PoolStatistics", "backoff_delay", "connect_with_backoff"]


def backoff_delay(options: ConnectionOptions, attempt: int) -> float:
    """Seconds to wait before retry number ``attempt`` (0-based)."""
    ceiling = min(options.backoff_cap, options.backoff_base * 2**attempt)
    return ceiling * random.uniform(0.5, 1.0)


async def connect_with_backoff(
    options: ConnectionOptions, *, on_failure: Callable[[], None] | None = None
) -> Connection:
    """A new connection; a failed attempt is retried after :func:`backoff_delay`,
    ``reconnect_attempts`` times, then its error propagates."""
    attempt = 0
    while True:
        try:
            return await open_connection(options)
        except (ConnectionError, TimeoutError):
            if on_failure is not None:
                on_failure()
            if attempt >= options.reconnect_attempts:
                raise
            await trio.sleep(backoff_delay(options, attempt))
            attempt += 1


@attrs.frozen
class PoolStatistics:
    max_size: int
    open: int
    idle: int
    waiting: int
    connects: int
    failed_connects: int
    dropped: int


def _drop_push(push: object) -> None:
    """Pushes on a command connection (no tracking, no subscriptions) are dropped."""


def _pushes_only(connection: Connection) -> Callable[[Any], None]:
    """The handler for an idle connection's unsolicited values: pushes go to its
    push handler; anything else is a reply nobody asked for, and breaks it."""
    def handle(value: Any) -> None:
        if type(value) is Push and connection.on_push is not None:
            connection.on_push(value)
        else:
            connection.close()

    return handle


@attrs.define(eq=False)
class ConnectionPool:
    options: ConnectionOptions
    max_size: int = 10
    _idle: list[Connection] = attrs.field(factory=list, init=False)
    _slots: trio.Semaphore = attrs.field(init=False)
    _open: int = attrs.field(default=0, init=False)
    _connects: int = attrs.field(default=0, init=False)
    _failed_connects: int = attrs.field(default=0, init=False)
    _dropped: int = attrs.field(default=0, init=False)
    _closed: bool = attrs.field(default=False, init=False)
    # Client-side caching: run on every new connection (CLIENT TRACKING), the
    # pushes' handler, and what to do when a connection breaks.
    setup: Callable[[Connection], Awaitable[None]] | None = attrs.field(default=None, kw_only=True)
    on_push: Callable[[Any], None] | None = attrs.field(default=None, kw_only=True)
    on_broken: Callable[[], None] | None = attrs.field(default=None, kw_only=True)
    generation: int = attrs.field(default=0, init=False)

    def __attrs_post_init__(self) -> None:
        if self.max_size < 1:
            raise ValueError("pool_size must be at least 1")
        self._slots = trio.Semaphore(self.max_size)

    def statistics(self) -> PoolStatistics:
        return PoolStatistics(
            self.max_size, self._open, len(self._idle),
            self._slots.statistics().tasks_waiting, self._connects,
            self._failed_connects, self._dropped,
        )

    async def acquire(self) -> Connection:
        if self._closed:
            raise ConnectionError("the client is closed")
        try:
            self._slots.acquire_nowait()
        except trio.WouldBlock:
            await self._slots.acquire()
        try:
            while self._idle:
                connection = self._idle.pop()
                if await self._healthy(connection):
                    return connection
                self._discard(connection)
            return await self.connect()
        except BaseException:
            self._slots.release()
            raise

    def release(self, connection: Connection) -> None:
        if connection.reusable and not self._closed and connection.generation == self.generation:
            self._idle.append(connection)
        else:
            self._discard(connection)
        self._slots.release()

    async def connect(self) -> Connection:
        def failed() -> None:
            self._failed_connects += 1

        connection = await connect_with_backoff(self.options, on_failure=failed)
        connection.on_push = self.on_push or _drop_push
        if self.setup is not None:
            try:
                await self.setup(connection)
            except BaseException:
                connection.close()
                raise
        # After setup, which may retire older connections (a new tracking redirect).
        connection.generation = self.generation
        connection.on_broken = self.on_broken
        self._open += 1
        self._connects += 1
        return connection

    def retire_all(self) -> None:
        """Close the idle connections and let none in use come back (their
        tracking redirect is gone)."""
        self.generation += 1
        while self._idle:
            self._discard(self._idle.pop())

    def idle_connections(self) -> list[Connection]:
        return self._idle

    def close(self) -> None:
        self._closed = True
        while self._idle:
            self._discard(self._idle.pop())

    async def drain_idle(self) -> None:
        """Read the pushes idle tracked connections have received (invalidations),
        without waiting for any. A connection is taken out of the idle list while
        it is read, so nobody acquires it meanwhile."""
        for connection in [c for c in self._idle if c.peer_closed()]:
            self._idle.remove(connection)
            try:
                await connection.receive_available(_pushes_only(connection))
            except ConnectionError:
                pass
            finally:
                if connection.reusable and not self._closed and connection.generation == self.generation:
                    self._idle.append(connection)
                else:
                    self._discard(connection)

    async def _healthy(self, connection: Connection) -> bool:
        if connection.broken:
            return False
        if connection.peer_closed():
            if self.on_push is None:
                return False
            try:
                await connection.receive_available(_pushes_only(connection))
            except ConnectionError:
                return False
            if not connection.reusable:
                return False
        if trio.current_time() - connection.last_used < self.options.health_check_interval:
            return True
        try:
            with trio.move_on_after(self.options.connect_timeout or 5.0):
                await connection.call("PING")
                return True
        except ConnectionError:
            pass
        return False

    def _discard(self, connection: Connection) -> None:
        connection.close()
        self._open -= 1
        self._dropped += 1
