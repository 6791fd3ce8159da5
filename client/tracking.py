"""CLIENT TRACKING glue: turns tracking on for every pooled connection and feeds
the server's invalidations to the :class:`~client.cache.ClientCache`.

Two ways invalidations arrive, picked per connection by the protocol its
handshake settled on:

- RESP3: ``CLIENT TRACKING ON`` on the connection itself; ``invalidate`` pushes
  arrive interleaved with its replies and are handled as they are read.
- RESP2: one extra connection, outside the pool, ``SUBSCRIBE``\\ d to
  ``__redis__:invalidate``; every pooled connection runs ``CLIENT TRACKING ON
  REDIRECT <its id>``.

Nothing runs in the background. Before the cache serves a read,
:meth:`Tracker.drain` reads whatever invalidations have already reached the
idle pooled connections and the redirect connection, without waiting (a
readable socket is the only cue), so a hit never returns a value the client
has already been told is stale.

Losing any tracked connection loses the invalidations it would have carried,
so the cache is flushed. Losing the redirect connection also retires every
pooled connection (their redirect target is gone); new connections enable
tracking again, against a new redirect connection.

A write this client makes drops the keys it writes (found through the command
table) at once, so the client reads its own writes without waiting for the
server's word.
"""

from __future__ import annotations

from typing import Any

import attrs
import trio

from protocol.commands.keys import InvalidKeys, key_positions
from protocol.commands.table import lookup_full
from protocol.resp import Push, encode_command

from .cache import ClientCache, key_bytes
from .connection import Connection, open_connection
from .errors import ConnectionError
from .options import ConnectionOptions
from .pool import ConnectionPool

__all__ = ["Tracker"]

INVALIDATION_CHANNEL = b"__redis__:invalidate"
_FLUSHING = frozenset([b"FLUSHALL", b"FLUSHDB", b"SWAPDB"])


@attrs.define(eq=False)
class Tracker:
    options: ConnectionOptions
    cache: ClientCache
    pool: ConnectionPool | None = None
    _redirect: Connection | None = attrs.field(default=None, init=False)
    _redirect_id: int | None = attrs.field(default=None, init=False)
    _redirect_lock: trio.Lock = attrs.field(factory=trio.Lock, init=False)

    async def setup(self, connection: Connection) -> None:
        """The pool's hook for a new connection: enable tracking on it."""
        if connection.protocol == 3:
            await connection.call(*self.cache.config.tracking_args())
        else:
            redirect_id = await self._ensure_redirect()
            await connection.call(*self.cache.config.tracking_args(redirect_id))

    def on_push(self, push: Push) -> None:
        self.cache.on_invalidation_message(push.items)

    def on_broken(self) -> None:
        self.cache.flush()

    async def drain(self) -> None:
        """Apply every invalidation that has already arrived; never waits."""
        redirect = self._redirect
        if redirect is not None and redirect.peer_closed() and not self._redirect_lock.locked():
            async with self._redirect_lock:
                try:
                    await redirect.receive_available(self._on_redirect_message)
                except ConnectionError:
                    self._redirect_lost()
        if self.pool is not None:
            await self.pool.drain_idle()

    def local_write(self, args: tuple[Any, ...]) -> None:
        """Drop the keys a write this client is about to send will change."""
        if self.cache.empty:
            return
        try:
            argv = [key_bytes(arg) for arg in args]
        except TypeError:
            self.cache.flush()  # cannot tell what it writes
            return
        name = argv[0].upper()
        if name in _FLUSHING:
            self.cache.flush()
            return
        spec = lookup_full(argv)
        if spec is None or not spec.is_write:
            return
        try:
            positions = key_positions(spec, argv)
        except InvalidKeys:
            return
        self.cache.invalidate([argv[position] for position in positions])

    def close(self) -> None:
        if self._redirect is not None:
            self._redirect.close()
            self._redirect = None

    def _on_redirect_message(self, value: Any) -> None:
        items = value.items if type(value) is Push else value
        if isinstance(items, list):
            self.cache.on_invalidation_message(items)

    def _redirect_lost(self) -> None:
        self.close()
        self._redirect_id = None
        self.cache.flush()
        if self.pool is not None:
            self.pool.retire_all()

    async def _ensure_redirect(self) -> int:
        async with self._redirect_lock:
            if self._redirect is not None and not self._redirect.broken:
                assert self._redirect_id is not None
                return self._redirect_id
            if self._redirect is not None:
                self._redirect_lost()
            connection = await open_connection(attrs.evolve(self.options, protocol=2))
            try:
                redirect_id = await connection.call("CLIENT", "ID")
                await connection.send(encode_command(["SUBSCRIBE", INVALIDATION_CHANNEL]), 0)
                confirmation = await connection.read_message()
                if not (isinstance(confirmation, list) and bytes(confirmation[0]).lower() == b"subscribe"):
                    raise ConnectionError(f"unexpected reply to SUBSCRIBE: {confirmation!r}")
            except BaseException:
                connection.close()
                raise
            self._redirect, self._redirect_id = connection, redirect_id
            return redirect_id
