"""The supervisor: builds the channels, starts the actors, shuts down in order.

Only this module knows the topology. It creates the shards and the runtime
handles, listens on TCP, spawns one connection actor per client, and runs its
own inbox of SERVER-scope commands (CONFIG, INFO, SHUTDOWN, DEBUG) one at a
time.

Shutdown (SIGINT/SIGTERM or SHUTDOWN): close the listeners, stop the
connections, then send every shard a barrier message and wait for its answer
so every batch already queued has run, then end the shards.
"""

from __future__ import annotations

import gc
import logging
import math
import os
import socket
from typing import Any

import attrs
import trio

from protocol import errors
from protocol.resp.parser import RequestParser
from protocol.resp.values import ErrorReply

from actors.clock import WallClock
from actors.config import SHARDIS_VERSION, Config
from actors.connection import ClientInfo, Connection
from actors.messages import KeyspaceEvents, ServerRequest, StatisticsRequest
from actors.pubsub import Hub
from actors.router import Router
from actors.runtime import Runtime
from actors.shard import INTERNAL_ERROR, Shard
from actors.sockets import DirectSocketStream, accept_connections, close_listeners, open_listeners
from actors.aof import AofError, AofWriter
from actors.engine.persistence.rdb_reader import RdbError
from actors.snapshot import SnapshotFailed, Snapshotter, install, install_gradually, read_rdb_file

log = logging.getLogger("shardis.server")


@attrs.define(eq=False)
class Server:
    config: Config
    clock: Any = attrs.field(factory=WallClock)
    runtime: Runtime = attrs.field(init=False)
    inbox: trio.MemoryReceiveChannel[Any] = attrs.field(init=False)
    listeners: list[socket.socket] = attrs.field(factory=list)
    port: int = 0
    hub: Hub = attrs.field(init=False)
    snapshotter: Snapshotter = attrs.field(init=False)
    aof: AofWriter = attrs.field(init=False)
    # A server that owns its process (serve_forever) freezes what startup made.
    owns_process: bool = False

    def __attrs_post_init__(self) -> None:
        shard_count = self.config["shards"]
        shards = [Shard.create(shard_id, self.config, self.clock) for shard_id in range(shard_count)]
        send, self.inbox = trio.open_memory_channel[Any](1024)
        self.runtime = Runtime(shards, Router(shard_count), self.config, send, self.clock)
        self.hub = Hub.create(self.config)
        self.runtime.hub = self.hub.inbox_send
        for shard in shards:
            shard.event_sink = self.send_events
        self.snapshotter = Snapshotter(shards, self.config, self.clock)
        self.aof = AofWriter(self.config, self.snapshotter)
        for shard in shards:
            shard.propagate_sink = self.propagate
        self.config.on_change("appendonly", self.aof.on_appendonly_changed)
        # -MISCONF: recomputed whenever a save / AOF write status or a rule changes.
        self.snapshotter.on_status = self.update_disk_error
        self.snapshotter.other_busy = lambda: self.aof.rewriting
        self.aof.on_status = self.update_disk_error
        for name in ("save", "stop-writes-on-bgsave-error", "appendonly"):
            self.config.on_change(name, self.update_disk_error)
        # Connections wait for the fsync before replying only with appendfsync
        # always; otherwise the hook stays None and costs nothing per reply.
        self.config.on_change("appendonly", self.update_durable_hook)
        self.config.on_change("appendfsync", self.update_durable_hook)
        self.update_durable_hook()

    def update_disk_error(self, _value: Any = None) -> None:
        """Redis 7.0's writeCommandsDeniedByDiskError: a failed save with save
        rules and ``stop-writes-on-bgsave-error yes``, or an AOF write/fsync error."""
        config = self.config
        if config["stop-writes-on-bgsave-error"] and config["save"] and self.snapshotter.last_status != "ok":
            self.runtime.disk_error = errors.MISCONF
        else:
            self.runtime.disk_error = self.aof.disk_error()

    def update_durable_hook(self, _value: Any = None) -> None:
        always = self.config["appendonly"] and self.config["appendfsync"] == "always"
        self.runtime.durable = self.aof.wait_durable if always else None

    async def run(self, *, task_status: trio.TaskStatus[int] = trio.TASK_STATUS_IGNORED) -> None:
        runtime = self.runtime
        # As Redis: the listener opens first and answers -LOADING while the
        # data loads (commands flagged ``loading`` run normally).
        runtime.loading = True
        async with trio.open_nursery() as actors:
            await self.start_actors(actors)
            async with trio.open_nursery() as connections:
                self.listeners = await open_listeners(
                    self.config["bind"].split()[0] or None, self.config["port"],
                    self.config["tcp-backlog"],
                )
                self.port = self.listeners[0].getsockname()[1]
                for listener in self.listeners:
                    connections.start_soon(accept_connections, listener, self.handle_client, connections)
                task_status.started(self.port)
                aof_missing = await self.load_data_while_serving()
                runtime.loading = False
                self.snapshotter.check_rules = True
                if aof_missing:
                    # appendonly yes and no AOF yet: write a base first, as Redis does.
                    self.aof.enabled = True
                    self.aof.start_rewrite()
                if self.owns_process:
                    freeze_startup_objects()
                log.warning(
                    "shardis %s ready: port %d, pid %d, %d shard(s)",
                    SHARDIS_VERSION, self.port, os.getpid(), len(runtime.shards),
                )
                await runtime.shutdown_requested.wait()
                close_listeners(self.listeners)
                connections.cancel_scope.cancel()
            await self.drain_shards()
            with trio.CancelScope(shield=True):
                await self.save_on_shutdown()
            actors.cancel_scope.cancel()
        log.warning("shardis is now ready to exit, bye bye...")

    async def start_actors(self, nursery: trio.Nursery) -> None:
        """Start the shards and the supervisor's inbox (everything but the listener)."""
        self.runtime.started_at = trio.current_time()
        for shard in self.runtime.shards:
            await nursery.start(shard.run)
        await nursery.start(self.hub.run)
        await nursery.start(self.snapshotter.run)
        await nursery.start(self.aof.run)
        nursery.start_soon(self.supervise)

    def propagate(self, shard_id: int, entries: list[tuple[int, list[bytes]]]) -> None:
        """The change stream: a shard's writes count towards save rules and go to the AOF."""
        self.snapshotter.note_changes(len(entries))
        self.aof.feed(shard_id, entries)

    async def load_data_while_serving(self) -> bool:
        """Startup loading with clients connected (``runtime.loading`` set):
        the RDB is decoded off the Trio thread and installed a chunk at a
        time, so the loop keeps answering; the AOF replays a chunk at a time.
        A file that does not load stops the server, nothing is saved."""
        runtime = self.runtime
        if self.config["appendonly"]:
            try:
                loaded = await self.aof.load_gradually(runtime.shards, runtime.router, self.clock.now_ms())
            except (AofError, RdbError, OSError) as error:
                log.critical("Fatal error loading the AOF: %s", error)
                raise SystemExit(1) from None
            if loaded:
                log.warning("DB loaded from append only file")
            return not loaded
        path = self.snapshotter.rdb_path()
        try:
            contents = await trio.to_thread.run_sync(read_rdb_file, path)
        except (RdbError, OSError) as error:
            log.critical("Fatal error loading the DB %s: %s. Exiting.", path, error)
            raise SystemExit(1) from None
        if contents is not None:
            keys = await install_gradually(runtime.shards, runtime.router, contents, self.clock.now_ms())
            log.warning("DB loaded from disk: %d keys", keys)
        return False

    def load_data(self) -> bool:
        """Load the AOF (appendonly yes) or the RDB file into the shards before
        anything runs; a file that does not load stops the server. Returns True
        when appendonly is on but no AOF exists yet."""
        runtime = self.runtime
        now_ms = self.clock.now_ms()
        if self.config["appendonly"]:
            try:
                loaded = self.aof.load_at_boot(runtime.shards, runtime.router, now_ms)
            except (AofError, RdbError, OSError) as error:
                log.critical("Fatal error loading the AOF: %s", error)
                raise SystemExit(1) from None
            if loaded:
                log.warning("DB loaded from append only file")
            return not loaded
        path = self.snapshotter.rdb_path()
        try:
            contents = read_rdb_file(path)
        except (RdbError, OSError) as error:
            log.critical("Fatal error loading the DB %s: %s. Exiting.", path, error)
            raise SystemExit(1) from None
        if contents is not None:
            keys = install(runtime.shards, runtime.router, contents, now_ms)
            log.warning("DB loaded from disk: %d keys", keys)
        return False

    async def save_on_shutdown(self) -> None:
        """SHUTDOWN / SIGTERM: flush the AOF; save an RDB when save rules exist
        (or SHUTDOWN SAVE) unless NOSAVE."""
        modes = self.runtime.shutdown_mode.split()
        await self.aof.close()
        wants_save = "SAVE" in modes or (bool(self.config["save"]) and "NOSAVE" not in modes)
        if wants_save:
            log.warning("Saving the final RDB snapshot before exiting.")
            try:
                await self.snapshotter.save()
            except SnapshotFailed:
                log.error("Error trying to save the DB before exiting.")

    def send_events(self, events: list[tuple[str, bytes, int, bytes]]) -> None:
        """A shard's keyspace events go to the hub (never waits: unbounded inbox)."""
        self.hub.inbox_send.send_nowait(KeyspaceEvents(events))

    async def drain_shards(self) -> None:
        send, receive = trio.open_memory_channel[Any](math.inf)
        with trio.CancelScope(shield=True):
            for shard in self.runtime.shards:
                await shard.inbox_send.send(StatisticsRequest(send))
                await receive.receive()

    def request_shutdown(self, mode: str = "") -> None:
        self.runtime.shutdown_mode = mode
        self.runtime.shutdown_requested.set()

    async def handle_client(self, stream: trio.SocketStream) -> None:  # noqa: D401
        runtime = self.runtime
        runtime.stats.total_connections_received += 1
        if len(runtime.clients) >= self.config["maxclients"]:
            runtime.stats.rejected_connections += 1
            await _send_and_close(stream, b"-ERR max number of clients reached\r\n")
            return
        sock = stream.socket
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        await self.serve_stream(
            DirectSocketStream(stream),
            _format_address(sock.getpeername()),
            _format_address(sock.getsockname()),
            sock.fileno(),
        )

    async def serve_stream(self, stream: trio.abc.Stream, addr: str, laddr: str, fd: int = -1) -> None:
        """Run one connection actor over any byte stream (TCP, or memory streams in tests)."""
        runtime = self.runtime
        now = trio.current_time()
        client_id = next(runtime.client_ids)
        info = ClientInfo(
            client_id=client_id, addr=addr, laddr=laddr, created_at=now, last_interaction=now, fd=fd
        )
        parser = RequestParser(
            max_bulk_len=self.config["proto-max-bulk-len"],
            max_query_buffer=self.config["client-query-buffer-limit"],
        )
        connection = Connection(runtime, stream, info, parser)
        runtime.clients[client_id] = connection
        try:
            with trio.CancelScope() as scope:
                info.cancel_scope = scope
                await connection.serve()
        except Exception:
            # A bug in one connection must not take the server down (DESIGN §9).
            log.exception("connection %d failed; closing it", client_id)
        finally:
            del runtime.clients[client_id]
            with trio.CancelScope(shield=True):
                await stream.aclose()

    async def supervise(self) -> None:
        from actors.server_commands import SERVER_HANDLERS

        async for request in self.inbox:
            assert type(request) is ServerRequest
            try:
                reply = await SERVER_HANDLERS[request.name](self, request)
            except Exception:
                log.exception("bug while executing %r", request.argv[:8])
                reply = ErrorReply(INTERNAL_ERROR.format(request.name))
            request.reply_to.send_nowait(reply)

    def statistics_channel(self) -> tuple[trio.MemorySendChannel[Any], trio.MemoryReceiveChannel[Any]]:
        return trio.open_memory_channel[Any](math.inf)


async def _send_and_close(stream: trio.SocketStream, data: bytes) -> None:
    try:
        await stream.send_all(data)
    except trio.BrokenResourceError:
        pass
    finally:
        await stream.aclose()


def _format_address(address: Any) -> str:
    if isinstance(address, tuple):
        host, port = address[0], address[1]
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return f"{address}:0"


async def serve_forever(config: Config) -> None:
    """Run a server until SIGINT/SIGTERM or SHUTDOWN."""
    import signal

    server = Server(config, owns_process=True)
    async with trio.open_nursery() as nursery:
        with trio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
            nursery.start_soon(_watch_signals, signals, server)
            await server.run()
            nursery.cancel_scope.cancel()


def freeze_startup_objects() -> None:
    """Move everything startup made (modules, the command table, a loaded
    dataset) out of the cyclic GC's reach: a full collection otherwise walks
    those tens of thousands of objects again every few seconds under load,
    a pause of several milliseconds each time. Garbage is collected first,
    so nothing unreachable is frozen; what is frozen is still freed by
    reference counting when dropped."""
    gc.collect()
    gc.freeze()


async def _watch_signals(signals: Any, server: Server) -> None:
    async for signum in signals:
        log.warning("received signal %d, scheduling shutdown...", signum)
        server.request_shutdown()
        return
