"""A client's TCP socket, read and written without a scheduler round per call.

``trio.SocketStream`` checkpoints on every ``receive_some`` and ``send_all``, even
when the kernel had the bytes (or the room) at once: each call is a full trip
through Trio's run loop. A connection at ``-P 16`` pays four such rounds per
batch (read, shard inbox, shard reply, write) where only the wait for the shard's
reply is needed. :class:`DirectSocketStream` calls the socket first and waits on
the file descriptor only when the call would block, so a read whose bytes are
already there, and a write the kernel takes whole, cost no scheduling. After a
write it waits before reading: the client has to read the reply before it sends
more, so reading first would mostly fail.

What stays with the caller: a checkpoint per request round. The connection
yields at least once per read (its shard hop, or an explicit checkpoint when a
read ran nothing that awaited), so one client that never stops sending cannot
starve the others; see ``Connection._serve`` and decision 0010.
"""

from __future__ import annotations

import errno
import functools
import os
from collections.abc import Awaitable, Callable

import trio

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


async def _wait(wait: Callable[[trio.socket.SocketType], Awaitable[None]], sock: trio.socket.SocketType) -> None:
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
