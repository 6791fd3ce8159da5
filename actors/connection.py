"""One client connection: read -> parse -> gate -> route -> write.

The connection task is the only writer to its socket. For every read it
parses all complete requests, runs the gates (unknown command, arity, auth,
MULTI queueing), and groups consecutive commands for the same shard into one
Batch message; it awaits each batch's replies before sending the next, so
commands run in the order the client sent them. All replies of one read go
out in one send. Commands of scope CONNECTION run here; SERVER commands go to
the supervisor; commands over several shards lease them (transaction.py).

Protocol errors: the requests before the bad bytes run, then ``-ERR
Protocol error: ...`` is written and the connection closes, as in Redis.

Pushes (pub/sub messages, subscribe confirmations, tracking invalidations,
MONITOR lines) come from other actors. The first time a client needs them
(SUBSCRIBE, CLIENT TRACKING, MONITOR) the connection switches to *push mode*
for good: it creates a :class:`~actors.pubsub.PushQueue` and a writer task
that becomes the socket's single writer. From then on replies are appended to
that queue too, after everything queued before them, so pushes land between
replies, never inside one. Before a (P|S)(UN)SUBSCRIBE reaches the hub, the
replies made so far in the read are queued, so the hub's confirmations come
after them. Clients that never need pushes keep the direct ``send_all`` path.
"""

from __future__ import annotations

import functools
import logging
import math
import os
from typing import Any

import attrs
import trio

from protocol import errors
from protocol.commands.spec import CommandSpec, Scope
from protocol.commands.table import BY_FULL_NAME, resolve
from protocol.errors import CommandError, ProtocolError
from protocol.resp.parser import QueryBufferLimitExceeded, RequestParser
from protocol.resp.values import NULL_ARRAY, QUEUED, ErrorReply
from protocol.resp.writer import encode_many

from actors.engine.context import ClientState
from actors.engine.blocking import WAKE_UP, BlockedClient
from actors.messages import (
    Atomic,
    Batch,
    Blocked,
    ClientGone,
    MonitorLine,
    MonitorOn,
    PublishMany,
    ServerRequest,
    TrackingClients,
    TrackingOn,
    Unwatch,
    Watch,
    WatchedKey,
)
from actors.pubsub import PushQueue
from actors.runtime import Runtime
from actors.shard import INTERNAL_ERROR
from actors.tracking import TrackingOptions, monitor_line
from actors.transaction import run_leased

log = logging.getLogger("shardis.connection")

RECEIVE_SIZE = 64 * 1024
# Commands that run even inside MULTI instead of being queued.
MULTI_CONTROL = frozenset({"exec", "discard", "multi", "watch", "quit", "reset"})
# Commands that may change the protocol replies are encoded in.
PROTOCOL_SWITCHES = frozenset({"hello", "reset"})
# Commands whose replies the hub queues (after the replies made before them).
HUB_CONFIRMED = frozenset(
    {"subscribe", "unsubscribe", "psubscribe", "punsubscribe", "ssubscribe", "sunsubscribe"}
)
# Commands whose handler queues its own reply (after the replies made before it).
QUEUED_FIRST = HUB_CONFIRMED | {"monitor"}
# Consecutive ones in a read reach the hub as one PublishMany.
PUBLISHERS = frozenset({"publish", "spublish"})
# What a RESP2 client may run while subscribed.
SUBSCRIBED_MODE_ALLOWED = HUB_CONFIRMED | {"ping", "quit", "reset"}
# Push mode: the main task waits for the writer past this many queued bytes.
QUEUED_REPLIES_HIGH_WATER = 256 * 1024


@attrs.define(eq=False)
class ClientInfo:
    """What CLIENT LIST / CLIENT INFO show; written only by its own connection."""

    client_id: int
    addr: str
    laddr: str
    created_at: float
    last_interaction: float
    fd: int = -1
    name: bytes = b""
    lib_name: bytes = b""
    lib_ver: bytes = b""
    db: int = 0
    resp: int = 2
    last_command: str = "NULL"
    multi_count: int = -1
    watch_count: int = 0
    no_evict: bool = False
    no_touch: bool = False
    cancel_scope: trio.CancelScope | None = None
    killed: bool = False


@attrs.define(eq=False)
class Connection:
    runtime: Runtime
    stream: trio.abc.Stream
    info: ClientInfo
    parser: RequestParser
    client: ClientState = attrs.field(factory=ClientState)
    replies_send: trio.MemorySendChannel[Any] = attrs.field(init=False)
    replies_receive: trio.MemoryReceiveChannel[Any] = attrs.field(init=False)
    db: int = 0
    multi: list[tuple[CommandSpec, list[bytes]]] | None = None
    multi_failed: bool = False
    watches: list[WatchedKey] = attrs.field(factory=list)
    is_authenticated: bool = True
    reply_mode: str = "on"
    closing: bool = False
    blocked: BlockedClient | None = None
    early_input: list[bytes] = attrs.field(factory=list)
    watching_peer: bool = False
    pushes: PushQueue | None = None  # set once the client enters push mode
    subscriptions: int = 0  # channels + patterns + shard channels, as the hub counts
    nursery: trio.Nursery | None = None
    in_exec: bool = False  # EXEC is running queued commands (replies go in its array)
    monitoring: bool = False  # MONITOR: the hub streams every command's line here
    yielded: bool = False  # this read's requests went through the scheduler (a shard hop)

    def __attrs_post_init__(self) -> None:
        self.replies_send, self.replies_receive = trio.open_memory_channel[Any](math.inf)
        self.client.client_id = self.info.client_id
        self.authenticated = not self.runtime.config["requirepass"]

    @property
    def authenticated(self) -> bool:
        return self.is_authenticated

    @authenticated.setter
    def authenticated(self, value: bool) -> None:
        # Before AUTH, Redis's parser refuses big multibulk counts and bulks.
        self.is_authenticated = value
        self.parser.authenticated = value

    # -- the loop ----------------------------------------------------------
    async def serve(self) -> None:
        try:
            async with trio.open_nursery() as nursery:
                self.nursery = nursery
                await self._serve()
                if self.pushes is not None and not self.pushes.overflowed:
                    with trio.move_on_after(1):  # flush what is queued (QUIT's +OK)
                        await self.pushes.wait_drained()
                nursery.cancel_scope.cancel()
        finally:
            self.release_watches()
            if self.client.tracking is not None:
                self.client.tracking = None
                self.tell_shards_tracking(-1)
            if self.monitoring:
                self.runtime.monitors -= 1
            if self.pushes is not None:
                self.pushes.direct = None  # the fd closes after this (and may be reused)
                self.leave_hub()

    async def _serve(self) -> None:
        stream = self.stream
        parser = self.parser
        runtime = self.runtime
        while not self.closing:
            if self.early_input:
                data = b"".join(self.early_input)  # read while a command was blocked
                self.early_input.clear()
            else:
                try:
                    data = await stream.receive_some(RECEIVE_SIZE)
                except (trio.BrokenResourceError, trio.ClosedResourceError):
                    return
            if not data:
                return
            runtime.stats.total_net_input_bytes += len(data)
            self.info.last_interaction = trio.current_time()
            failure: ProtocolError | None = None
            try:
                parser.feed(data)
                requests = parser.requests()
            except QueryBufferLimitExceeded:
                log.warning("closing client %d: query buffer limit", self.info.client_id)
                return
            except ProtocolError as error:
                requests, failure = [], error
            self.yielded = False
            out = await self.run_requests(requests) if requests else b""
            if not self.yielded:
                # The socket reads without a scheduler round (actors/sockets.py):
                # yield once per read, so a client that never stops sending
                # cannot starve the others. (Yielding here even when the read
                # waited measured cheaper: the replies of a scheduler round go
                # out together, and epoll then reports more clients at once.)
                await trio.lowlevel.checkpoint()
            failure = failure or parser.error
            if failure is not None:
                out += encode_many([ErrorReply("ERR " + failure.message)], self.client.resp3)
                self.closing = True
            if out:
                if runtime.durable is not None:
                    await runtime.durable()  # appendfsync always: group commit (aof.py)
                runtime.stats.total_net_output_bytes += len(out)
                if self.pushes is not None:
                    await self.queue_reply(out)
                    continue
                try:
                    await stream.send_all(out)
                except (trio.BrokenResourceError, trio.ClosedResourceError):
                    return

    async def run_requests(self, requests: list[list[bytes]]) -> bytes:
        """Run a read's worth of requests in order; returns the bytes to send.

        Replies are encoded in the protocol in force when each was produced
        (HELLO and RESET switch it mid-read), and CLIENT REPLY OFF|SKIP drop
        replies per request, as Redis decides after every command."""
        replies: list[Any] = []
        keep: list[bool] = []
        encoded: list[bytes] = []
        batch: list[tuple[int, str, list[bytes]]] = []
        batch_shard = -1
        publishes: list[tuple[bytes, bytes, bool]] = []  # never pending together with batch
        runtime = self.runtime
        router = runtime.router
        single_shard = router.shard_count == 1
        counts = runtime.command_counts
        info = self.info
        gates_open = self.gates_open()
        recheck = False
        for argv in requests:
            if recheck:
                # The last command, or another client while this one awaited,
                # may have opened or shut a gate.
                gates_open, recheck = self.gates_open(), False
            if gates_open:
                skip_this = False
                keep.append(True)
            else:
                skip_this = self.reply_mode == "skip-next"
                if skip_this:
                    self.reply_mode = "on"
                keep.append(not skip_this and self.reply_mode == "on")
            try:
                spec = resolve(argv)
            except CommandError as error:
                if self.multi is not None:
                    self.multi_failed = True
                self.count_error(error.message)
                replies.append(ErrorReply(error.message))
                continue
            name = spec.name
            info.last_command = name
            entry = counts.get(name)
            if entry is None:
                counts[name] = [1, 0]
            else:
                entry[0] += 1
            if (
                gates_open and spec.scope is Scope.KEYS and single_shard
                and name not in PUBLISHERS and not publishes
            ):
                # The common case, with no gate to pass: straight into the batch.
                # (After PUBLISHes the general path below sends them first.)
                batch_shard = 0
                batch.append((self.db, name, argv))
                continue
            recheck = True
            if not self.is_authenticated and "no_auth" not in spec.flags:
                replies.append(ErrorReply(errors.NOAUTH))
                continue
            if runtime.disk_error is not None and (
                spec.is_write or name == "ping" or (name == "exec" and self.queued_a_write())
            ):
                # As Redis 7.0: a failed save / AOF write refuses writes (and PING),
                # and an EXEC with a write queued before the error (execCommandAbort).
                if name == "exec" and self.multi is not None:
                    self.discard_transaction()
                    refusal = errors.EXECABORT_BECAUSE.format(runtime.disk_error)
                else:
                    if self.multi is not None:
                        self.multi_failed = True
                    refusal = runtime.disk_error
                self.count_error(refusal)
                replies.append(ErrorReply(refusal))
                continue
            if self.subscriptions and not self.client.resp3 and name not in SUBSCRIBED_MODE_ALLOWED:
                self.count_error(errors.subscribed_mode_only(name))
                replies.append(ErrorReply(errors.subscribed_mode_only(name)))
                continue
            if runtime.loading and "loading" not in spec.flags:
                if self.multi is not None:
                    self.multi_failed = True
                self.count_error(errors.LOADING)
                replies.append(ErrorReply(errors.LOADING))
                continue
            if self.multi is not None and name not in MULTI_CONTROL:
                if runtime.config["maxmemory"] and any(shard.out_of_memory for shard in runtime.shards):
                    # Redis 7.0 refuses queueing anything while out of memory (flags the transaction).
                    self.multi_failed = True
                    self.count_error(errors.OOM)
                    replies.append(ErrorReply(errors.OOM))
                    continue
                if "no_multi" in spec.flags:
                    replies.append(ErrorReply(errors.COMMAND_NOT_ALLOWED_IN_MULTI))
                    continue
                self.multi.append((spec, argv))
                self.info.multi_count = len(self.multi)
                replies.append(QUEUED)
                continue
            if runtime.monitors:
                self.feed_monitors(spec, argv)
            if self.runtime.pause.until and self.runtime.pause.blocks(spec.is_write):
                if batch:
                    replies.extend(await self.run_batch(batch_shard, batch))
                    batch, batch_shard = [], -1
                if publishes:
                    replies.extend(await self.publish_many(publishes))
                    publishes = []
                await self.runtime.pause.wait()
            if name in PUBLISHERS:
                if batch:
                    replies.extend(await self.run_batch(batch_shard, batch))
                    batch, batch_shard = [], -1
                publishes.append((argv[1], argv[2], name == "spublish"))
                tracking = self.client.tracking
                if tracking is not None:
                    tracking.caching = None  # CLIENT CACHING answers for the next command only
                continue
            if publishes:
                replies.extend(await self.publish_many(publishes))
                publishes = []
            if spec.scope is Scope.KEYS:
                if single_shard:
                    shard_id = 0
                else:
                    shards = router.shards_of(spec, argv)
                    if len(shards) > 1:
                        if batch:
                            replies.extend(await self.run_batch(batch_shard, batch))
                            batch, batch_shard = [], -1
                        result = await self.run_atomic(
                            [(self.db, name, argv)], shards, [], may_block="blocking" in spec.flags
                        )
                        replies.extend(result or [])
                        continue
                    (shard_id,) = shards
                if shard_id != batch_shard and batch:
                    replies.extend(await self.run_batch(batch_shard, batch))
                    batch = []
                batch_shard = shard_id
                batch.append((self.db, name, argv))
                continue
            if batch:
                replies.extend(await self.run_batch(batch_shard, batch))
                batch, batch_shard = [], -1
            if name in PROTOCOL_SWITCHES and replies:
                # Replies before HELLO/RESET go out in the protocol they were made in.
                encoded.append(self.encode_kept(replies, keep[:-1]))
                replies, keep = [], keep[-1:]
            if name in QUEUED_FIRST and self.multi is None:
                # The hub queues the confirmations: queue what comes before them.
                pushes = self.enter_push_mode()
                encoded.append(self.encode_kept(replies, keep[:-1]))
                replies, keep = [], keep[-1:]
                pushes.send_nowait(b"".join(encoded))
                encoded = []
            reply = await self.run_unbatched(spec, argv)
            if reply is _NO_REPLY:
                keep.pop()
            else:
                replies.append(reply)
                if self.reply_mode == "on":
                    keep[-1] = keep[-1] or not skip_this  # CLIENT REPLY ON answers

            if self.closing:
                break
        if batch:
            replies.extend(await self.run_batch(batch_shard, batch))
        if publishes:
            replies.extend(await self.publish_many(publishes))
        encoded.append(self.encode_kept(replies, keep))
        return b"".join(encoded)

    def gates_open(self) -> bool:
        """Whether no per-command gate applies now: replies on, authenticated,
        no MULTI, not subscribed, no disk error, not loading, no MONITOR, no
        CLIENT PAUSE. Then a keyed command goes straight into the batch."""
        runtime = self.runtime
        return (
            self.reply_mode == "on"
            and self.is_authenticated
            and self.multi is None
            and not self.subscriptions
            and runtime.disk_error is None
            and not runtime.loading
            and not runtime.monitors
            and not runtime.pause.until
        )

    # -- push mode -----------------------------------------------------------
    def enter_push_mode(self) -> PushQueue:
        """Create the push queue and its writer task (once per connection)."""
        if self.pushes is None:
            assert self.nursery is not None
            self.pushes = PushQueue(self.info.client_id, self.client)
            self.pushes.on_overflow = self.output_buffer_overflowed
            sock = getattr(self.stream, "socket", None)  # a trio SocketStream
            if sock is not None:
                self.pushes.direct = functools.partial(os.write, sock.fileno())
            self.nursery.start_soon(self.write_queued, self.pushes)
        return self.pushes

    async def write_queued(self, pushes: PushQueue) -> None:
        """The socket's single writer in push mode."""
        stream = self.stream
        while True:
            data = await pushes.take()
            try:
                await stream.send_all(data)
            except (trio.BrokenResourceError, trio.ClosedResourceError):
                self.close_now()
                return
            pushes.sent(len(data))

    async def queue_reply(self, data: bytes) -> None:
        pushes = self.pushes
        assert pushes is not None
        pushes.send_nowait(data)
        if pushes.queued_bytes > QUEUED_REPLIES_HIGH_WATER:
            await pushes.wait_drained()

    def output_buffer_overflowed(self) -> None:
        self.runtime.stats.client_output_buffer_limit_disconnections += 1
        self.close_now()

    def close_now(self) -> None:
        self.closing = True
        if self.nursery is not None:
            self.nursery.cancel_scope.cancel()

    async def publish_many(self, messages: list[tuple[bytes, bytes, bool]]) -> list[int]:
        """(S)PUBLISH ``(channel, message, shard)`` in order, in one hub round
        trip; returns each message's number of receivers."""
        return await self.ask_hub(PublishMany(messages, self.replies_send))

    async def ask_hub(self, message: Any) -> Any:
        hub = self.runtime.hub
        assert hub is not None
        hub.send_nowait(message)
        return await self.replies_receive.receive()

    # -- CLIENT TRACKING and MONITOR ---------------------------------------------
    async def set_tracking(self, options: TrackingOptions | None) -> None:
        """Turn tracking on (or change its options) or off: the shards count
        tracking clients and write their invalidations; the hub counts them
        and notices a redirect target's disconnect."""
        was_tracking = self.client.tracking is not None
        pushes = self.enter_push_mode() if options is not None else self.pushes
        self.client.tracking = options
        if options is not None and not was_tracking:
            # The shards keep this client's queue and write its invalidations.
            tracking_on = TrackingClients(1, self.info.client_id, self.client, pushes, self.runtime.clients)
            for shard in self.runtime.shards:
                await shard.inbox_send.send(tracking_on)
        elif options is None and was_tracking:
            self.tell_shards_tracking(-1)
        if pushes is not None and self.runtime.hub is not None:
            self.runtime.hub.send_nowait(TrackingOn(self.info.client_id, pushes, options))

    def tell_shards_tracking(self, delta: int) -> None:
        for shard in self.runtime.shards:
            try:
                shard.inbox_send.send_nowait(TrackingClients(delta, self.info.client_id))
            except (trio.WouldBlock, trio.ClosedResourceError):
                log.warning("could not tell shard %d that a client stopped tracking", shard.shard_id)

    def feed_monitors(self, spec: CommandSpec, argv: list[bytes]) -> None:
        """Send this command's MONITOR line to the hub (Redis hides admin
        commands; EXEC is fed after the commands it ran, as Redis does)."""
        if "admin" in spec.flags or "skip_monitor" in spec.flags or spec.name == "exec":
            return
        hub = self.runtime.hub
        # Redis feeds after the call: SELECT shows the database it selected.
        db = self.selectable_db(argv[1], self.db) if spec.name == "select" else self.db
        if hub is not None:
            if spec.name == "reset" and self.monitoring:
                # Redis feeds after the call: RESET has left MONITOR mode by then.
                hub.send_nowait(MonitorOn(self.info.client_id, None))
            hub.send_nowait(MonitorLine(monitor_line(db, self.info.addr, spec.name, argv)))

    def leave_hub(self) -> None:
        hub = self.runtime.hub
        if hub is not None:
            hub.send_nowait(ClientGone(self.info.client_id))

    def encode_kept(self, replies: list[Any], keep: list[bool]) -> bytes:
        if all(keep):
            return encode_many(replies, self.client.resp3)
        return encode_many([reply for reply, kept in zip(replies, keep) if kept], self.client.resp3)

    def count_error(self, message: str) -> None:
        prefix = message.split(" ", 1)[0]
        counts = self.runtime.error_counts
        counts[prefix] = counts.get(prefix, 0) + 1
        self.runtime.stats.total_error_replies += 1

    # -- execution paths -----------------------------------------------------
    async def run_batch(self, shard_id: int, commands: list[tuple[int, str, list[bytes]]]) -> list[Any]:
        shard = self.runtime.shards[shard_id]
        if shard.parked:
            # The shard is between steps on an empty inbox: run the batch as
            # its step, here, with no await (decision 0011).
            replies = shard.run_batch(commands, self.client, self.replies_send)
        else:
            batch = Batch(commands, self.client, self.replies_send)
            try:
                shard.inbox_send.send_nowait(batch)  # no scheduler round unless the inbox is full
            except trio.WouldBlock:
                await shard.inbox_send.send(batch)
            replies = await self.replies_receive.receive()
            self.yielded = True
        for reply in replies:
            if type(reply) is ErrorReply:
                self.count_error(reply.message)
        if replies and type(replies[-1]) is Blocked:
            done = len(replies)
            replies[-1] = await self.wait_unblocked(replies[-1], None)
            if done < len(commands):
                replies.extend(await self.run_batch(shard_id, commands[done:]))
        return replies

    async def wait_unblocked(self, marker: Blocked, deadline: float | None) -> Any:
        """Wait for a blocked command's answer: a shard serves it, or the
        timeout (or CLIENT UNBLOCK, or a disconnect) claims it first."""
        blocked = marker.client
        if deadline is None and marker.timeout_ms:
            deadline = trio.current_time() + marker.timeout_ms / 1000
        self.blocked = blocked
        self.runtime.blocked_count += 1
        try:
            if self.watching_peer:  # a retry after a wake-up: the watcher already runs
                return await self.await_unblock(blocked, deadline)
            result: Any = blocked.timeout_reply
            self.watching_peer = True
            try:
                async with trio.open_nursery() as nursery:
                    # A blocked client still reads its socket: Redis notices a
                    # disconnect at once and forgets the client.
                    nursery.start_soon(self.watch_peer_while_blocked, nursery.cancel_scope)
                    result = await self.await_unblock(blocked, deadline)
                    nursery.cancel_scope.cancel()
            finally:
                self.watching_peer = False
            return result
        finally:
            blocked.claim()
            self.blocked = None
            self.runtime.blocked_count -= 1

    async def watch_peer_while_blocked(self, scope: trio.CancelScope) -> None:
        """Keep what the client sends meanwhile for later; on EOF give up the wait."""
        while True:
            try:
                data = await self.stream.receive_some(RECEIVE_SIZE)
            except (trio.BrokenResourceError, trio.ClosedResourceError):
                data = b""
            if not data:
                self.closing = True
                if self.blocked is not None:
                    self.blocked.claim()
                scope.cancel()
                return
            self.early_input.append(data)

    async def await_unblock(self, blocked: BlockedClient, deadline: float | None) -> Any:
        with trio.move_on_at(deadline if deadline is not None else math.inf):
            reply = await self.replies_receive.receive()
            if reply is WAKE_UP:
                return await self.retry_woken(blocked, deadline)
            return reply
        if blocked.claim():
            return blocked.timeout_reply
        reply = await self.replies_receive.receive()
        if reply is WAKE_UP:
            return blocked.timeout_reply
        return reply

    async def retry_woken(self, blocked: BlockedClient, deadline: float | None) -> Any:
        """A command blocked over several shards was woken: run it again
        atomically; it may block again until the same deadline."""
        spec = BY_FULL_NAME[blocked.name]
        shards = self.runtime.router.shards_of(spec, blocked.argv)
        result = await self.run_atomic([(blocked.db, blocked.name, blocked.argv)], shards, [], may_block=True)
        assert result is not None
        reply = result[0]
        if type(reply) is Blocked:
            return await self.wait_unblocked(reply, deadline)
        return reply

    async def run_atomic(
        self,
        commands: list[tuple[int, str, list[bytes]]],
        shard_ids: set[int],
        watches: list[WatchedKey],
        *,
        may_block: bool = False,
    ) -> list[Any] | None:
        """Commands that must run as one step: one Atomic message when a single
        shard owns everything, else leases in ascending shard order. With
        ``may_block`` (one blocking command over several shards) the reply may
        end in a Blocked marker, which this waits on."""
        if len(shard_ids) == 1:
            (shard_id,) = shard_ids
            shard = self.runtime.shards[shard_id]
            await shard.inbox_send.send(
                Atomic(commands, watches, self.client, self.replies_send, may_block)
            )
            result = await self.replies_receive.receive()
        else:
            result = await run_leased(
                self.runtime.shards,
                shard_ids,
                self.runtime.router,
                commands,
                watches,
                self.client,
                (self.replies_send, self.replies_receive),
                may_block=may_block,
            )
        if may_block and result and type(result[-1]) is Blocked:
            result[-1] = await self.wait_unblocked(result[-1], None)
        return result

    async def run_all_shards(self, spec: CommandSpec, argv: list[bytes]) -> Any:
        router = self.runtime.router
        plan = router.plan_all_shards(spec.name, argv)
        replies = []
        for shard_id, shard_argv in plan:
            replies.extend(await self.run_batch(shard_id, [(self.db, spec.name, shard_argv)]))
        return router.merge(spec.name, argv, replies, [shard_id for shard_id, _ in plan])

    async def run_on_server(self, spec: CommandSpec, argv: list[bytes]) -> Any:
        from actors.server_commands import SHUTDOWN_STARTED

        await self.runtime.supervisor_inbox.send(
            ServerRequest(spec.name, argv, self.client, self.replies_send, self.db)
        )
        reply = await self.replies_receive.receive()
        if reply is SHUTDOWN_STARTED:
            self.closing = True
            return _NO_REPLY
        return reply

    async def run_unbatched(self, spec: CommandSpec, argv: list[bytes]) -> Any:
        scope = spec.scope
        if scope is Scope.ALL_SHARDS:
            return await self.run_all_shards(spec, argv)
        if scope is Scope.SERVER:
            return await self.run_on_server(spec, argv)
        from actors.connection_commands import LOCAL_HANDLERS

        tracking = self.client.tracking
        if tracking is not None and tracking.caching is not None and not spec.name.startswith("client|"):
            tracking.caching = None  # CLIENT CACHING answers for the next command only
        try:
            return await LOCAL_HANDLERS[spec.name](self, argv)
        except CommandError as error:
            self.count_error(error.message)
            return ErrorReply(error.message)
        except Exception:
            log.exception("bug while executing %r", argv[:8])
            return ErrorReply(INTERNAL_ERROR.format(spec.name))

    # -- transactions --------------------------------------------------------
    async def exec_transaction(self) -> Any:
        """EXEC: connection-scope commands are answered here, server-scope ones
        after the atomic part; the rest run as one atomic step."""
        from actors.connection_commands import LOCAL_HANDLERS

        queued = self.multi or []
        self.multi = None
        self.in_exec = True
        try:
            return await self._exec_queued(queued)
        finally:
            self.in_exec = False
            if self.runtime.monitors:
                for spec, argv in queued:
                    self.feed_monitors(spec, argv)
                hub = self.runtime.hub
                if hub is not None:
                    hub.send_nowait(MonitorLine(monitor_line(self.db, self.info.addr, "exec", [b"EXEC"])))

    async def _exec_queued(self, queued: list[tuple[CommandSpec, list[bytes]]]) -> Any:
        from actors.connection_commands import LOCAL_HANDLERS

        self.info.multi_count = -1
        if self.multi_failed:
            self.multi_failed = False
            self.release_watches()
            return ErrorReply(errors.EXECABORT)
        router = self.runtime.router
        plan: list[tuple[str, Any]] = []
        atomic: list[tuple[int, str, list[bytes]]] = []
        shard_ids: set[int] = set()
        db = self.db
        for spec, argv in queued:
            if spec.scope is Scope.KEYS or spec.scope is Scope.ALL_SHARDS:
                atomic.append((db, spec.name, argv))
                plan.append(("atomic", None))
                if spec.scope is Scope.ALL_SHARDS:
                    shard_ids.update(range(router.shard_count))
                else:
                    shard_ids |= router.shards_of(spec, argv)
            elif spec.scope is Scope.SERVER:
                plan.append(("server", (spec, argv)))
            else:
                plan.append(("local", (spec, argv)))
                if spec.name == "select":
                    db = self.selectable_db(argv[1], db)
        for watched in self.watches:
            shard_ids.add(router.shard_of_key(watched.key))
        if not shard_ids:
            shard_ids.add(0)
        watches = self.watches
        result = await self.run_atomic(atomic, shard_ids, watches)
        self.release_watches()
        if result is None:
            return NULL_ARRAY
        replies: list[Any] = []
        atomic_replies = iter(result)
        for kind, payload in plan:
            if kind == "atomic":
                replies.append(next(atomic_replies))
                continue
            spec, argv = payload
            try:
                if kind == "server":
                    replies.append(await self.run_on_server(spec, argv))
                else:
                    replies.append(await LOCAL_HANDLERS[spec.name](self, argv))
            except CommandError as error:
                replies.append(ErrorReply(error.message))
        return replies

    def queued_a_write(self) -> bool:
        return self.multi is not None and any(spec.is_write for spec, _ in self.multi)

    def discard_transaction(self) -> None:
        """DISCARD, RESET, and an EXEC aborted by a check: no transaction, no watches."""
        self.multi = None
        self.multi_failed = False
        self.info.multi_count = -1
        self.release_watches()

    def selectable_db(self, raw: bytes, current: int) -> int:
        if raw.lstrip(b"-").isdigit() and 0 <= int(raw) < self.runtime.config["databases"]:
            return int(raw)
        return current

    async def watch_keys(self, keys: list[bytes]) -> None:
        router = self.runtime.router
        by_shard: dict[int, list[bytes]] = {}
        for key in keys:
            by_shard.setdefault(router.shard_of_key(key), []).append(key)
        for shard_id, shard_keys in by_shard.items():
            await self.runtime.shards[shard_id].inbox_send.send(
                Watch(self.db, shard_keys, self.replies_send)
            )
            self.watches.extend(await self.replies_receive.receive())
        self.info.watch_count = len(self.watches)

    def release_watches(self) -> None:
        if not self.watches:
            return
        router = self.runtime.router
        by_shard: dict[int, list[tuple[int, bytes]]] = {}
        for watched in self.watches:
            by_shard.setdefault(router.shard_of_key(watched.key), []).append((watched.db, watched.key))
        self.watches = []
        self.info.watch_count = 0
        for shard_id, keys in by_shard.items():
            try:
                self.runtime.shards[shard_id].inbox_send.send_nowait(Unwatch(keys))
            except (trio.WouldBlock, trio.ClosedResourceError):
                log.warning("could not release watches on shard %d", shard_id)


class _NoReply:
    """A command that answers nothing (CLIENT REPLY OFF|SKIP itself)."""


_NO_REPLY: Any = _NoReply()
