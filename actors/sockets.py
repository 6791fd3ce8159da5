"""Listening and client TCP sockets, used without a scheduler round per call.

``trio.SocketStream`` checkpoints on every ``receive_some`` and ``send_all``, even
when the kernel had the bytes (or the room) at once: each call is a full trip
through Trio's run loop. A connection at ``-P 16`` pays four such rounds per
batch (read, shard inbox, shard reply, write) where only the wait for the shard's
reply is needed. :class:`DirectSocketStream` calls the socket first and waits on
the file descriptor only when the call would block, so a read whose bytes are
already there, and a write the kernel takes whole, cost no scheduling. After a
write it waits before reading: the client has to read the reply before it sends
more, so reading first would mostly fail.

Accepting works the same way: :func:`accept_connections` takes every connection
waiting in the backlog (up to a burst) each time the listener wakes, where
``trio.serve_listeners`` takes one per scheduler round. With 50 clients
connecting at once while others are served, the last of them used to wait for
50 rounds (about 18 ms here) for its first reply; Redis accepts up to 1000 per
event-loop turn.

What stays with the caller: a checkpoint per request round. The connection
yields at least once per read (its shard hop, or an explicit checkpoint when a
read ran nothing that awaited), so one client that never stops sending cannot
starve the others; see ``Connection._serve`` and decision 0010.
"""

from __future__ import annotations

import errno
import functools
import logging
import os
import socket
from collections.abc import Awaitable, Callable

import trio

log = logging.getLogger("shardis.server")

ACCEPT_BURST = 1000  # connections taken per wake-up of a listener, as Redis's MAX_ACCEPTS_PER_CALL
# The process or the system is out of descriptors or memory: wait, then accept again.
_ACCEPT_CAPACITY_ERRNOS = {errno.EMFILE, errno.ENFILE, errno.ENOMEM, errno.ENOBUFS}
_ACCEPT_RETRY_SECONDS = 0.1

# The peer went away: what trio.SocketStream turns into BrokenResourceError.
_BROKEN = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


class DirectSocketStream:
    """The subset of ``trio.SocketStream`` a connection uses, over its socket."""

    def __init__(self, stream: trio.SocketStream) -> None:
        self.stream = stream
        self.socket = stream.socket
        fd = stream.socket.fileno()  # non-blocking: Trio made it so
        self._recv = functools.partial(os.read, fd)
        self._send = functools.partial(os.write, fd)
        self.replied = False

    async def receive_some(self, max_bytes: int) -> bytes:
        if self.replied:
            # A client mostly sends its next request after reading our reply,
            # so a read straight after a write would almost always fail: wait
            # first (one epoll round instead of a failed recv and then one).
            self.replied = False
            await _wait(trio.lowlevel.wait_readable, self.socket)
        while True:
            try:
                return self._recv(max_bytes)
            except BlockingIOError:
                pass
            except _BROKEN as error:
                raise trio.BrokenResourceError(str(error)) from error
            except OSError as error:
                raise _closed_or_broken(error) from error
            await _wait(trio.lowlevel.wait_readable, self.socket)

    async def send_all(self, data: bytes) -> None:
        self.replied = True
        view = memoryview(data)
        while view:
            try:
                sent = self._send(view)
            except BlockingIOError:
                sent = 0
            except _BROKEN as error:
                raise trio.BrokenResourceError(str(error)) from error
            except OSError as error:
                raise _closed_or_broken(error) from error
            view = view[sent:]
            if view:
                await _wait(trio.lowlevel.wait_writable, self.socket)

    async def aclose(self) -> None:
        await self.stream.aclose()


async def _wait(
    wait: Callable[[trio.socket.SocketType], Awaitable[None]], sock: trio.socket.SocketType
) -> None:
    """Wait until ``sock`` is readable or writable (ClosedResourceError if it
    is closed meanwhile)."""
    try:
        await wait(sock)
    except OSError as error:
        raise _closed_or_broken(error) from error


def _closed_or_broken(error: OSError) -> Exception:
    if error.errno == errno.EBADF:
        return trio.ClosedResourceError("the socket was closed")
    return trio.BrokenResourceError(str(error))


# -- listening -------------------------------------------------------------------
async def open_listeners(host: str | None, port: int, backlog: int) -> list[socket.socket]:
    """Non-blocking listening sockets for every address ``host`` resolves to
    (all interfaces when None), as ``trio.open_tcp_listeners`` binds them."""
    addresses = await trio.socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )
    listeners: list[socket.socket] = []
    try:
        for family, kind, proto, _, address in addresses:
            try:
                listener = socket.socket(family, kind, proto)
            except OSError as error:
                if error.errno == errno.EAFNOSUPPORT:
                    continue
                raise
            listeners.append(listener)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            listener.bind(address)
            listener.listen(backlog)
            listener.setblocking(False)
    except BaseException:
        close_listeners(listeners)
        raise
    if not listeners:
        raise OSError(errno.EAFNOSUPPORT, f"no socket family of this system serves {host!r}")
    return listeners


def close_listeners(listeners: list[socket.socket]) -> None:
    for listener in listeners:
        trio.lowlevel.notify_closing(listener)  # wakes an accept loop waiting on it
        listener.close()


async def accept_connections(
    listener: socket.socket,
    handler: Callable[[trio.SocketStream], Awaitable[None]],
    nursery: trio.Nursery,
) -> None:
    """Start ``handler`` for every connection, taking all that wait (up to
    :data:`ACCEPT_BURST`) each time the listener wakes. Ends when the listener
    is closed (:func:`close_listeners`)."""
    while True:
        try:
            await trio.lowlevel.wait_readable(listener)
        except trio.ClosedResourceError:
            return
        for _ in range(ACCEPT_BURST):
            try:
                connection, _ = listener.accept()
            except BlockingIOError:
                break
            except OSError as error:
                if error.errno == errno.EBADF:
                    return  # closed under us
                if error.errno in _ACCEPT_CAPACITY_ERRNOS:
                    log.error("accept failed: %s; retrying in %s s", os.strerror(error.errno or 0),
                              _ACCEPT_RETRY_SECONDS)
                    await trio.sleep(_ACCEPT_RETRY_SECONDS)
                    break
                continue  # the peer gave up before we accepted (ECONNABORTED and the like)
            stream = trio.SocketStream(trio.socket.from_stdlib_socket(connection))
            nursery.start_soon(_serve_then_close, handler, stream)


async def _serve_then_close(
    handler: Callable[[trio.SocketStream], Awaitable[None]], stream: trio.SocketStream
) -> None:
    try:
        await handler(stream)
    finally:
        await trio.aclose_forcefully(stream)
