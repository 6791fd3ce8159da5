"""Pipelines and MULTI/EXEC transactions.

A :class:`Pipeline` queues commands (its methods return the pipeline, so calls
chain) and :meth:`Pipeline.execute` sends them in one write and reads the replies
in one batch on one connection; with ``transaction=True`` they are wrapped in
MULTI/EXEC. After :meth:`Pipeline.watch` the pipeline holds its connection and
runs commands immediately (their methods return awaitables) until
:meth:`Pipeline.multi`; then commands queue again and EXEC runs them only if no
watched key changed, else :class:`~client.errors.WatchError`. This is redis-py's
model, so ``Client.transaction(fn, *keys)`` reads the same.

A pipeline holds a connection only while watching or executing. It gives it back
after EXEC, or on leaving the ``async with`` block after an UNWATCH; a connection
left mid-transaction by a cancellation owes replies and is closed by the pool.

Cluster redirections (:mod:`client.cluster`): a pipeline goes to the node that
owns its first key as far as the client knows (WATCH's first key, else the first
queued command's). In a plain pipeline each command answered ``-MOVED``/``-ASK``
is sent again on its own, after the batch, following its redirections as a single
command does; its reply takes its place in the results. A transaction is never
split: a redirected WATCH or queued command raises its
:class:`~client.errors.MovedError` / :class:`~client.errors.AskError` (EXEC ran
nothing), after a MOVED is remembered, so running it again reaches the right node
(``Client.transaction`` does that by itself).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import trio

from protocol.resp import NULL_ARRAY, ErrorReply, encode_command

from .cluster import is_redirect
from .commands import Commands
from .connection import Connection
from .errors import ExecAbortError, MovedError, ResponseError, TimeoutError, WatchError, error_from_reply
from .generated import install
from .pool import ConnectionPool
from .replies import Callback

if TYPE_CHECKING:
    from .core import Client

__all__ = ["Pipeline"]

_MULTI = encode_command(["MULTI"])
_EXEC = encode_command(["EXEC"])


@attrs.define(eq=False)
class Pipeline(Commands):
    client: Client
    transaction: bool = False
    _queue: list[tuple[tuple[Any, ...], Callback | None]] = attrs.field(factory=list, init=False)
    _connection: Connection | None = attrs.field(default=None, init=False)
    _pool: ConnectionPool | None = attrs.field(default=None, init=False)
    _watching: bool = attrs.field(default=False, init=False)
    _explicit_multi: bool = attrs.field(default=False, init=False)

    def __len__(self) -> int:
        return len(self._queue)

    async def __aenter__(self) -> Pipeline:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.reset()

    def _run(self, callback: Callback | None, *args: Any) -> Any:
        if self._watching and not self._explicit_multi:
            return self._immediate(callback, args)
        self._queue.append((args, callback))
        return self

    async def _immediate(self, callback: Callback | None, args: tuple[Any, ...]) -> Any:
        assert self._connection is not None
        reply = await self._connection.call(*args)
        value = self.client._convert(reply)
        return callback(value) if callback is not None else value

    async def watch(self, *names: Any) -> None:
        """WATCH on this pipeline's connection; commands now run immediately until multi()."""
        if self._explicit_multi:
            raise RuntimeError("watch() after multi()")
        if self._connection is None:
            await self._acquire([("WATCH", *names)])
        assert self._connection is not None
        try:
            await self._connection.call("WATCH", *names)
        except MovedError as error:
            self.client.routing.follow(ErrorReply(error.message))
            self._release()
            raise
        self._watching = True

    async def unwatch(self) -> None:
        if self._watching and self._connection is not None:
            await self._connection.call("UNWATCH")
        self._watching = False

    def multi(self) -> None:
        """Start queueing the transaction's commands (after watch())."""
        if self._explicit_multi:
            raise RuntimeError("multi() called twice")
        if self._queue:
            raise RuntimeError("multi() after commands were queued")
        self._explicit_multi = True

    async def execute(self, raise_on_error: bool = True) -> list[Any]:
        """Send the queued commands in one write and return their converted replies.

        An error reply becomes its exception: raised (the first one) when
        ``raise_on_error``, else left in the list in its place.
        """
        queue, self._queue = self._queue, []
        transactional = self.transaction or self._explicit_multi
        if not queue and not transactional:
            return []
        if self._connection is None:
            await self._acquire([args for args, _ in queue])
        connection = self._connection
        assert connection is not None
        payload = [encode_command(args) for args, _ in queue]
        if transactional:
            payload = [_MULTI, *payload, _EXEC]
        timeout = self.client.options.command_timeout
        try:
            with trio.fail_after(timeout if timeout is not None else float("inf")):
                await connection.send(b"".join(payload), len(payload))
                replies = [await connection.read_reply() for _ in payload]
        except trio.TooSlowError as error:
            raise TimeoutError(f"pipeline timed out after {timeout} s") from error
        finally:
            self._watching = False
            self._explicit_multi = False
            self._release()
        if transactional:
            replies = self._exec_results(replies)
        else:
            await self._follow_redirects(queue, replies)
        return self._convert_all(queue, replies, raise_on_error)

    async def _acquire(self, commands: list[tuple[Any, ...]]) -> None:
        self._pool = self.client.routing.pool_for_batch(commands)
        self._connection = await self._pool.acquire()

    async def _follow_redirects(self, queue: list[tuple[tuple[Any, ...], Callback | None]],
                                replies: list[Any]) -> None:
        """Send each redirected command again, alone, where its redirect points."""
        for index, reply in enumerate(replies):
            if type(reply) is ErrorReply and is_redirect(reply):
                request = encode_command(queue[index][0])
                replies[index] = await self.client._follow_redirects(reply, request)

    def _exec_results(self, replies: list[Any]) -> list[Any]:
        """MULTI's reply, the QUEUED replies and EXEC's reply -> the commands' replies.
        A redirected command aborted the transaction: its redirect is raised."""
        redirect = next((reply for reply in replies[:-1] if is_redirect(reply)), None)
        if redirect is not None and type(replies[-1]) is ErrorReply:
            self.client.routing.follow(redirect)
            raise error_from_reply(redirect)
        return _exec_results(replies)

    def _convert_all(self, queue: list[tuple[tuple[Any, ...], Callback | None]],
                     replies: list[Any], raise_on_error: bool) -> list[Any]:
        convert = self.client._convert
        results: list[Any] = []
        first_error: ResponseError | None = None
        for (args, callback), reply in zip(queue, replies):
            if type(reply) is ErrorReply:
                error = error_from_reply(reply)
                first_error = first_error or error
                results.append(error)
                continue
            value = convert(reply)
            results.append(callback(value) if callback is not None else value)
        if raise_on_error and first_error is not None:
            raise first_error
        return results

    async def reset(self) -> None:
        """Drop queued commands, UNWATCH, and give the connection back."""
        self._queue.clear()
        try:
            if self._watching and self._connection is not None and not self._connection.broken:
                with trio.CancelScope(shield=True):
                    await self._connection.call("UNWATCH")
        finally:
            self._watching = False
            self._explicit_multi = False
            self._release()

    def _release(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            pool, self._pool = self._pool, None
            assert pool is not None
            pool.release(connection)


def _exec_results(replies: list[Any]) -> list[Any]:
    """MULTI's reply, the QUEUED replies and EXEC's reply -> the commands' replies."""
    exec_reply = replies[-1]
    if type(exec_reply) is ErrorReply:
        queued_errors = [reply.message for reply in replies[1:-1] if type(reply) is ErrorReply]
        detail = f" (first rejected command: {queued_errors[0]})" if queued_errors else ""
        raise ExecAbortError(exec_reply.message + detail)
    if exec_reply is None or exec_reply is NULL_ARRAY:
        raise WatchError("a watched key changed: the transaction did not run")
    return exec_reply


install(Pipeline)
