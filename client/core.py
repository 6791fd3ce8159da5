"""The client: ``open_client()``, command execution over the pool, scan helpers,
pipelines, transactions and subscriptions.

``await client.get("k")`` takes a connection from the pool, writes one request,
reads one reply and gives the connection back; concurrent tasks use concurrent
connections (up to ``pool_size``, then they wait their turn). An error reply is
raised as its :class:`~client.errors.ResponseError`; any other reply is converted
(:mod:`client.replies`) and passed through the method's callback. With
``command_timeout`` each command runs under ``trio.fail_after``; a command that
times out raises :class:`~client.errors.TimeoutError` and its connection is
closed, because its reply may still come. A ``-MOVED``/``-ASK`` reply is followed
to the node it names (:mod:`client.cluster`).
"""

from __future__ import annotations

import ssl as ssl_module
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable

import attrs
import trio

from protocol.commands.table import lookup_full
from protocol.resp import ErrorReply, encode_command

from .cache import CacheConfig, CacheStatistics, ClientCache, key_bytes
from .cluster import ASKING, RoutingStatistics, SlotRouting, is_redirect
from .commands import Commands
from .errors import ConnectionError, MovedError, TimeoutError, WatchError, error_from_reply
from .generated import install
from .options import ConnectionOptions, parse_url
from .pipeline import Pipeline
from .pool import ConnectionPool
from .pubsub import Subscription
from .replies import Callback, converter
from .tracking import Tracker

__all__ = ["Client", "open_client"]


@attrs.define(eq=False)
class Client(Commands):
    options: ConnectionOptions
    pool: ConnectionPool
    tracker: Tracker | None = None
    routing: SlotRouting = attrs.field(init=False)
    _convert: Callable[[Any], Any] = attrs.field(init=False)
    _retried_reads: int = attrs.field(default=0, init=False)

    def __attrs_post_init__(self) -> None:
        self._convert = converter(self.options.decode, self.options.encoding)
        self.routing = SlotRouting(self.options, self.pool, self.pool.max_size)

    def statistics(self) -> Any:
        return self.pool.statistics()

    def cache_statistics(self) -> CacheStatistics | None:
        """Hits, misses, invalidations ... of the client-side cache (None without one)."""
        return None if self.tracker is None else self.tracker.cache.statistics()

    def routing_statistics(self) -> RoutingStatistics:
        """Slots known to live on other nodes, their pools, redirects followed."""
        return self.routing.statistics()

    @property
    def retried_reads(self) -> int:
        """Reads run again after their connection died (``retry_reads=True``)."""
        return self._retried_reads

    def _run(self, callback: Callback | None, *args: Any) -> Awaitable[Any]:
        return self._execute(callback, args)

    async def _execute(self, callback: Callback | None, args: tuple[Any, ...]) -> Any:
        tracker = self.tracker
        # Invalidations come from the URL's node only: once redirected, no caching.
        if tracker is not None and not self.routing.slots:
            key = tracker.cache.cache_key(args)
            if key is not None:
                return await self._cached(tracker, key, callback, args)
            tracker.local_write(args)
        reply = await self._request(args)
        if type(reply) is ErrorReply:
            raise error_from_reply(reply)
        value = self._convert(reply)
        return value if callback is None else callback(value)

    async def _cached(self, tracker: Tracker, key: bytes, callback: Callback | None,
                      args: tuple[Any, ...]) -> Any:
        """A cacheable read: from the cache after applying the invalidations
        already received, else from the server (stored unless invalidated while
        in flight)."""
        cache = tracker.cache
        await tracker.drain()
        try:
            hit, reply = cache.lookup(key, args, trio.current_time())
        except TypeError:  # unhashable arguments: not cacheable after all
            hit, reply, key = False, None, b""
        if not hit:
            token = cache.begin(key)
            redirects = self.routing.moved + self.routing.asked
            try:
                reply = await self._request(args)
            except BaseException:
                cache.abandon(key, token)
                raise
            if type(reply) is ErrorReply:
                cache.abandon(key, token)
                raise error_from_reply(reply)
            if self.routing.moved + self.routing.asked != redirects:
                # Maybe answered by another node, whose invalidations never reach us.
                cache.abandon(key, token)
                key = b""
            if key:
                cache.finish(key, args, token, reply, trio.current_time())
        value = self._convert(reply)
        return value if callback is None else callback(value)

    async def _request(self, args: tuple[Any, ...]) -> Any:
        request = encode_command(args)
        retry = self.options.retry_reads and _retryable(args)
        timeout = self.options.command_timeout
        if timeout is None:
            return await self._routed(args, request, retry)
        try:
            with trio.fail_after(timeout):
                return await self._routed(args, request, retry)
        except trio.TooSlowError as error:
            raise TimeoutError(f"{args[0]} timed out after {timeout} s") from error

    async def _routed(self, args: tuple[Any, ...], request: bytes, retry: bool) -> Any:
        pool = self.routing.pool_for(args) if self.routing.slots else self.pool
        reply = await self._round_trip(pool, request, retry)
        if type(reply) is ErrorReply and is_redirect(reply):
            reply = await self._follow_redirects(reply, request, retry)
        return reply

    async def _follow_redirects(self, reply: ErrorReply, request: bytes, retry: bool = False) -> Any:
        """Send ``request`` where each MOVED/ASK points, ``max_redirects`` times at
        most; the last reply is returned (a redirect still, when they ran out)."""
        for _ in range(self.options.max_redirects):
            target = self.routing.follow(reply)
            if target is None:
                return reply
            pool, asking = target
            if asking:
                reply = await self._asking(pool, request)
            else:
                reply = await self._round_trip(pool, request, retry)
            if not is_redirect(reply):
                return reply
        return reply

    async def _asking(self, pool: ConnectionPool, request: bytes) -> Any:
        """ASKING and ``request`` in one write on one connection; the request's reply
        (ASKING's +OK only opens the migrating slot for that next command)."""
        connection = await pool.acquire()
        try:
            await connection.send(ASKING + request, 2)
            await connection.read_reply()
            return await connection.read_reply()
        finally:
            pool.release(connection)

    async def _round_trip(self, pool: ConnectionPool, request: bytes, retry: bool = False) -> Any:
        connection = await pool.acquire()
        try:
            return await connection.request(request)
        except ConnectionError:
            if not retry:
                raise
        finally:
            pool.release(connection)
        # A read whose connection died in flight: once more on a new connection.
        self._retried_reads += 1
        connection = await pool.acquire()
        try:
            return await connection.request(request)
        finally:
            pool.release(connection)

    async def execute(self, *args: Any) -> Any:
        """Run any command: ``await c.execute("OBJECT", "ENCODING", "k")``."""
        return await self._execute(None, args)

    async def scan_iter(self, match: Any = None, count: int | None = None,
                        _type: str | None = None) -> AsyncIterator[Any]:
        """Every key SCAN returns, following the cursor to the end."""
        cursor = None
        while cursor != 0:
            cursor, keys = await self.scan(cursor or 0, match=match, count=count, _type=_type)
            for key in keys:
                yield key

    async def shutdown(self, save: bool = False, nosave: bool = False, now: bool = False,
                       force: bool = False, abort: bool = False) -> None:
        """SHUTDOWN: success closes the connection, so a ConnectionError is the
        expected answer (an error reply, e.g. with ABORT, is raised)."""
        args = ["SHUTDOWN"] + [word for word, wanted in (
            ("SAVE", save), ("NOSAVE", nosave), ("NOW", now), ("FORCE", force), ("ABORT", abort)
        ) if wanted]
        try:
            await self.execute(*args)
        except ConnectionError:
            return

    def pipeline(self, transaction: bool = False) -> Pipeline:
        """``async with c.pipeline() as p: p.set(...).incr(...); await p.execute()``."""
        return Pipeline(self, transaction)

    async def transaction(self, fn: Callable[[Pipeline], Awaitable[Any]], *watches: Any,
                          value_from_callable: bool = False, max_attempts: int | None = None) -> Any:
        """WATCH ``watches``, run ``await fn(pipe)`` (reads run immediately; it calls
        ``pipe.multi()`` before queueing the writes), then EXEC; when a watched key
        changed, start again (at most ``max_attempts`` times, then WatchError).
        A ``-MOVED`` (the keys live on another node) starts again there, at most
        ``max_redirects`` times."""
        attempt = redirects = 0
        while True:
            attempt += 1
            async with self.pipeline(transaction=True) as pipe:
                try:
                    if watches:
                        await pipe.watch(*watches)
                    value = await fn(pipe)
                    results = await pipe.execute()
                except WatchError:
                    if max_attempts is not None and attempt >= max_attempts:
                        raise
                    continue
                except MovedError:
                    redirects += 1
                    if redirects > self.options.max_redirects:
                        raise
                    continue
                return value if value_from_callable else results

    def subscribe(self, *channels: Any, pattern: Any = None,
                  shard_channels: Any = ()) -> Subscription:
        """``async with c.subscribe("ch", pattern="news.*") as sub: async for m in sub:``.
        ``pattern`` and ``shard_channels`` take one name or a list."""
        return Subscription(
            self.options, self._convert,
            channels=set(channels), patterns=_names(pattern), shard_channels=_names(shard_channels),
        )

    def keyspace_events(self, key_pattern: str = "*", db: int | None = None) -> Subscription:
        """Keyspace notifications for keys matching ``key_pattern`` (the server's
        ``notify-keyspace-events`` must enable them): messages on
        ``__keyspace@<db>__:<key>`` whose data is the event name."""
        return self.subscribe(pattern=f"__keyspace@{self.options.db if db is None else db}__:{key_pattern}")

    def aclose(self) -> None:
        self.pool.close()
        self.routing.close()
        if self.tracker is not None:
            self.tracker.close()


def _retryable(args: tuple[Any, ...]) -> bool:
    """Read-only and not blocking: safe to run twice."""
    try:
        argv = [key_bytes(arg) for arg in args[:2]]
    except TypeError:
        return False
    spec = lookup_full(argv)
    return spec is not None and "readonly" in spec.flags and "blocking" not in spec.flags


def _names(value: Any) -> set[Any]:
    if value is None:
        return set()
    if isinstance(value, (bytes, str)):
        return {value}
    return set(value)


install(Client)


@asynccontextmanager
async def open_client(
    url: str = "redis://127.0.0.1:6379/0",
    *,
    protocol: int | None = None,
    decode: bool = False,
    ssl: ssl_module.SSLContext | bool | None = None,
    client_name: str | None = None,
    pool_size: int = 10,
    cache: CacheConfig | None = None,
    **options: Any,
) -> AsyncIterator[Client]:
    """A client for the server ``url`` names; connections open on first use and
    close when the block ends. Other keywords are :class:`ConnectionOptions`
    fields (``connect_timeout``, ``command_timeout``, ``username``, ``password``,
    ``db``, ``health_check_interval``, ``reconnect_attempts`` ...)."""
    settings: dict[str, Any] = parse_url(url)
    url_ssl = settings.pop("ssl", None)
    settings.update(options)
    if protocol is not None:
        settings["protocol"] = protocol
    if client_name is not None:
        settings["client_name"] = client_name
    if ssl is None:
        ssl = url_ssl
    if ssl is True:
        ssl = ssl_module.create_default_context()
    settings["ssl"] = ssl or None
    settings["decode"] = decode
    connection_options = ConnectionOptions(**settings)
    if connection_options.protocol not in (2, 3):
        raise ValueError("protocol must be 2 or 3")
    if cache is None:
        client = Client(connection_options, ConnectionPool(connection_options, pool_size))
    else:
        tracker = Tracker(connection_options, ClientCache(cache))
        pool = ConnectionPool(connection_options, pool_size, setup=tracker.setup,
                              on_push=tracker.on_push, on_broken=tracker.on_broken)
        tracker.pool = pool
        client = Client(connection_options, pool, tracker)
    try:
        yield client
    finally:
        client.aclose()
