"""One connection to a server: a Trio stream, the sans-IO reply reader, the handshake.

A :class:`Connection` is used by one task at a time (the pool guarantees it). It
writes requests already encoded by :func:`protocol.resp.encode_command` and reads
replies with :class:`protocol.resp.ReplyReader`. Any transport failure marks it
broken, closes it and raises :class:`~client.errors.ConnectionError`; so does
being cancelled between a request and its last reply (a timeout), because the late
reply would answer the next caller. ``pending`` counts replies still owed: the
pool only takes back a connection that owes nothing and is not broken, so a
connection left inside MULTI, WATCH or SUBSCRIBE never reaches another caller.

RESP3 push messages are handed to ``on_push`` when it is set (a command
connection) and read as replies when it is not (a pub/sub connection).

The handshake runs once per connection: ``HELLO 3 [AUTH] [SETNAME]`` for RESP3,
falling back to RESP2 when the server does not know HELLO; ``AUTH`` and
``CLIENT SETNAME`` for RESP2; then ``SELECT`` and ``CLIENT SETINFO`` (whose
errors are ignored: older servers do not have it), as redis-py does.
"""

from __future__ import annotations

import select
import socket
from typing import Any, Callable

import attrs
import trio

from protocol.resp import NEED_DATA, ErrorReply, Push, ReplyReader, encode_command
from protocol.errors import ProtocolError

from .errors import ConnectionError, ResponseError, TimeoutError, error_from_reply
from .options import ConnectionOptions

__all__ = ["Connection", "ConnectionStatistics", "open_connection"]

LIBRARY_NAME = "shardis-client"
_TRANSPORT_ERRORS = (OSError, trio.BrokenResourceError, trio.ClosedResourceError)


@attrs.frozen
class ConnectionStatistics:
    requests_sent: int
    replies_read: int
    bytes_sent: int
    bytes_received: int
    pending: int
    broken: bool


@attrs.define(eq=False)
class Connection:
    stream: trio.abc.Stream
    options: ConnectionOptions
    protocol: int = 2
    pending: int = 0
    broken: bool = False
    last_used: float = 0.0
    on_push: Callable[[Push], None] | None = None
    # Called once when the connection breaks (the client cache flushes on it).
    on_broken: Callable[[], None] | None = None
    # The pool's generation when it was opened: older ones are not reused.
    generation: int = 0
    _reader: ReplyReader = attrs.field(factory=ReplyReader)
    _requests_sent: int = 0
    _replies_read: int = 0
    _bytes_sent: int = 0
    _bytes_received: int = 0

    @property
    def reusable(self) -> bool:
        return not self.broken and self.pending == 0

    def statistics(self) -> ConnectionStatistics:
        return ConnectionStatistics(
            self._requests_sent, self._replies_read, self._bytes_sent,
            self._bytes_received, self.pending, self.broken,
        )

    async def send(self, data: bytes, replies: int) -> None:
        """Write one or more encoded requests that will be answered by ``replies`` replies."""
        if self.broken:
            raise ConnectionError("connection is closed")
        self.pending += replies
        try:
            await self.stream.send_all(data)
        except _TRANSPORT_ERRORS as error:
            self._break()
            raise ConnectionError(f"error writing to {self.options.address}: {error}") from error
        except BaseException:
            # Cancelled mid-write: the request may be half sent.
            self._break()
            raise
        self._requests_sent += replies
        self._bytes_sent += len(data)

    async def read_reply(self) -> Any:
        """The next reply owed (an :class:`ErrorReply` is returned, not raised)."""
        reader = self._reader
        try:
            while True:
                reply = reader.next_reply()
                if reply is NEED_DATA:
                    data = await self.stream.receive_some(self.options.read_size)
                    if not data:
                        raise ConnectionError(f"{self.options.address} closed the connection")
                    self._bytes_received += len(data)
                    reader.feed(data)
                    continue
                if type(reply) is Push and self.on_push is not None:
                    self.on_push(reply)
                    continue
                self.pending -= 1
                self._replies_read += 1
                self.last_used = trio.current_time()
                return reply
        except _TRANSPORT_ERRORS as error:
            self._break()
            raise ConnectionError(f"error reading from {self.options.address}: {error}") from error
        except ProtocolError as error:
            self._break()
            raise ConnectionError(f"{self.options.address} sent bytes that are not RESP: {error}") from error
        except BaseException:
            if self.pending:
                # Cancelled (or the peer vanished) while a reply is owed.
                self._break()
            raise

    async def read_message(self) -> Any:
        """The next value on a subscribed connection, where replies and messages
        are not counted. Cancelling it loses nothing: a half-read value stays
        buffered in the reader."""
        reader = self._reader
        try:
            while True:
                value = reader.next_reply()
                if value is not NEED_DATA:
                    self.last_used = trio.current_time()
                    return value
                data = await self.stream.receive_some(self.options.read_size)
                if not data:
                    raise ConnectionError(f"{self.options.address} closed the connection")
                self._bytes_received += len(data)
                reader.feed(data)
        except _TRANSPORT_ERRORS as error:
            self._break()
            raise ConnectionError(f"error reading from {self.options.address}: {error}") from error
        except ProtocolError as error:
            self._break()
            raise ConnectionError(f"{self.options.address} sent bytes that are not RESP: {error}") from error

    async def request(self, data: bytes) -> Any:
        """Send one encoded request and read its reply."""
        await self.send(data, 1)
        return await self.read_reply()

    async def call(self, *args: Any) -> Any:
        """Run one command; an error reply raises its :class:`ResponseError`."""
        reply = await self.request(encode_command(args))
        if type(reply) is ErrorReply:
            raise error_from_reply(reply)
        return reply

    async def receive_available(self, handle: Callable[[Any], None]) -> None:
        """Hand ``handle`` every value the server has already sent, reading only
        while the socket is readable (so it never waits for the server). For a
        connection that owes nothing: pushes on a tracked connection, messages
        on the invalidation subscriber."""
        reader = self._reader
        try:
            while self.peer_closed():
                data = await self.stream.receive_some(self.options.read_size)
                if not data:
                    raise ConnectionError(f"{self.options.address} closed the connection")
                self._bytes_received += len(data)
                reader.feed(data)
                while (value := reader.next_reply()) is not NEED_DATA:
                    handle(value)
        except _TRANSPORT_ERRORS as error:
            self._break()
            raise ConnectionError(f"error reading from {self.options.address}: {error}") from error
        except ProtocolError as error:
            self._break()
            raise ConnectionError(f"{self.options.address} sent bytes that are not RESP: {error}") from error
        except BaseException:
            # Cancelled mid-read: a half-read value stays buffered, nothing is lost;
            # but a value the handler refused means the stream is out of step.
            if not self.broken and self.pending:
                self._break()
            raise

    def peer_closed(self) -> bool:
        """True when the socket is readable while no reply is owed: the server
        closed it (or sent something nobody asked for). Never blocks."""
        sock = _raw_socket(self.stream)
        if sock is None:
            return False
        try:
            readable, _, _ = select.select([sock.fileno()], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(readable)

    def close(self) -> None:
        self._break()

    def _break(self) -> None:
        if not self.broken:
            self.broken = True
            _close_stream(self.stream)
            if self.on_broken is not None:
                self.on_broken()


def _raw_socket(stream: trio.abc.Stream) -> Any:
    while True:
        sock = getattr(stream, "socket", None)
        if sock is not None:
            return sock
        stream = getattr(stream, "transport_stream", None)
        if stream is None:
            return None


def _close_stream(stream: trio.abc.Stream) -> None:
    # The synchronous close of the socket underneath: usable from finally blocks
    # and from cancelled code, where awaiting aclose() is not.
    sock = _raw_socket(stream)
    if sock is not None:
        sock.close()


async def open_connection(options: ConnectionOptions) -> Connection:
    """Connect and run the handshake, within ``connect_timeout``."""
    try:
        with trio.fail_after(options.connect_timeout if options.connect_timeout is not None else float("inf")):
            stream = await _open_stream(options)
            connection = Connection(stream, options)
            try:
                await _handshake(connection)
            except BaseException:
                connection.close()
                raise
    except trio.TooSlowError as error:
        raise TimeoutError(f"connecting to {options.address} timed out") from error
    connection.last_used = trio.current_time()
    return connection


async def _open_stream(options: ConnectionOptions) -> trio.abc.Stream:
    try:
        if options.unix_path is not None:
            stream: trio.abc.Stream = await trio.open_unix_socket(options.unix_path)
        else:
            stream = await trio.open_tcp_stream(options.host, options.port)
            if options.keepalive:
                stream.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        if options.ssl is not None:
            ssl_stream = trio.SSLStream(
                stream, options.ssl,
                server_hostname=options.ssl_server_hostname or options.host,
                https_compatible=False,
            )
            await ssl_stream.do_handshake()
            stream = ssl_stream
    except (OSError, trio.BrokenResourceError) as error:
        raise ConnectionError(f"cannot connect to {options.address}: {error}") from error
    return stream


async def _handshake(connection: Connection) -> None:
    options = connection.options
    name_sent = False
    if options.protocol == 3:
        args: list[Any] = ["HELLO", 3]
        if options.password is not None:
            args += ["AUTH", options.username or "default", options.password]
        if options.client_name:
            args += ["SETNAME", options.client_name]
            name_sent = True
        try:
            await connection.call(*args)
            connection.protocol = 3
        except ResponseError as error:
            # Unknown command or NOPROTO: the server only speaks RESP2.
            unknown = error.prefix == "ERR" and "unknown command" in error.message
            if error.prefix != "NOPROTO" and not unknown:
                raise
            name_sent = False
    if connection.protocol == 2 and options.password is not None:
        if options.username:
            await connection.call("AUTH", options.username, options.password)
        else:
            await connection.call("AUTH", options.password)
    if options.client_name and not name_sent:
        await connection.call("CLIENT", "SETNAME", options.client_name)
    # One round trip for the rest: SELECT must succeed, SETINFO may be unknown.
    followups: list[tuple[Any, ...]] = [("CLIENT", "SETINFO", "LIB-NAME", LIBRARY_NAME)]
    if options.db:
        followups.insert(0, ("SELECT", options.db))
    await connection.send(b"".join(encode_command(args) for args in followups), len(followups))
    replies = [await connection.read_reply() for _ in followups]
    if options.db and type(replies[0]) is ErrorReply:
        raise error_from_reply(replies[0])
