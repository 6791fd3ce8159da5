"""The shard actor: owns one :class:`Keyspace` and runs batches synchronously.

Loop: wait for a message, then handle it and every message already queued
behind it (``receive_nowait``) before waiting again, so a busy shard pays one
wake-up per burst, not per batch. Handling a Batch or an Atomic runs every
command with no checkpoint in between: nothing else can see the keyspace
half-way. A Lease hands the keyspace to a coordinator and parks until it is
given back; the inbox just fills up meanwhile.

The active expiry timer is a second task that only *sends* ExpireTick
messages, so expiry runs inside the loop like any other batch.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import attrs
import trio

from protocol import errors
from protocol.commands.keys import InvalidKeys, key_positions
from protocol.commands.spec import Scope
from protocol.commands.table import BY_FULL_NAME
from protocol.errors import CommandError
from protocol.resp.values import ErrorReply

from actors.engine.blocking import BlockedClient, BlockOn, forget_claimed, register, serve_ready
from actors.engine.context import ClientState, ExecContext
from actors.engine.digest import ZERO, database_xors, value_digest
from actors.engine.inspect import describe
from actors.engine.dispatch import HANDLERS, load_families
from actors.engine.eviction import Evictor, MemoryAccount, idle_seconds_of, over_limit
from actors.engine.keymiss import NOT_A_READ, OWN_KEY_READ, read_lookup_kind
from actors.engine.keyspace import Keyspace
from actors.engine.values import forget_access
from actors.pubsub import PushBurst
from actors.tracking import TrackingOptions, TrackingTable, bcast_matches, invalidate_push, send_invalidation
from actors.messages import (
    Atomic,
    Batch,
    Blocked,
    DigestRequest,
    InspectRequest,
    ExpireTick,
    Lease,
    ResetStatistics,
    SetActiveExpire,
    StatisticsRequest,
    TrackingClients,
    Unwatch,
    Watch,
    WatchedKey,
)

log = logging.getLogger("shardis.shard")

# Keys serialised per snapshot step between batches (about 1 ms of work).
SNAPSHOT_STEP_KEYS = 256
# Propagated commands after which every tracking client gets a null invalidation.
FLUSHES = frozenset({b"FLUSHALL", b"FLUSHDB"})
# Writes that reach keys in other databases or all keys: the walk completes first.
SNAPSHOT_FINISHERS = frozenset({"copy", "move", "swapdb", "flushall", "flushdb"})

# The longest one active expiry cycle holds its shard, in seconds (Redis: 25 ms at hz 10).
MAX_EXPIRE_STALL = 0.010

INTERNAL_ERROR = "ERR internal error while executing '{}' (see the server log)"

# maxmemory: commands refused with -OOM while this shard stays over its share.
DENYOOM = frozenset(name for name, spec in BY_FULL_NAME.items() if "denyoom" in spec.flags)


@attrs.frozen
class ShardStatistics:
    shard_id: int
    keys: tuple[int, ...]
    expires: tuple[int, ...]
    keyspace_hits: int
    keyspace_misses: int
    expired_keys: int
    expire_cycles: int
    batches: int
    commands: int
    leases: int
    tracking_keys: int = 0
    evicted_keys: int = 0


@attrs.define(eq=False)
class Shard:
    shard_id: int
    keyspace: Keyspace
    clock: Any
    config: Any
    inbox: trio.MemoryReceiveChannel[Any]
    inbox_send: ShardInbox
    context: ExecContext = attrs.field(init=False)
    batches: int = 0
    commands: int = 0
    leases: int = 0
    active_expire: bool = True
    # Waiting on an empty inbox, between steps, with no lease and no snapshot
    # walk: a connection may then run a batch itself (decision 0011).
    parked: bool = False
    blocked_clients: int = 0
    # Set by the supervisor: where propagated writes and keyspace events go.
    propagate_sink: Callable[[int, list[tuple[int, list[bytes]]]], None] | None = None
    # True while an Atomic (MULTI/EXEC) runs: its writes propagate inside MULTI ... EXEC.
    wrap_propagation: bool = False
    event_sink: Callable[[list[tuple[str, bytes, int, bytes]]], None] | None = None
    # A point-in-time walk in progress (engine.persistence.walker), set by the
    # snapshotter while it holds this shard's lease.
    snapshot: Any = None
    # CLIENT TRACKING (actors/tracking.py): reads remembered while clients track.
    tracking_clients: int = 0
    tracking_table: TrackingTable = attrs.field(factory=TrackingTable)
    # client id -> (ClientState, PushQueue) of tracking clients, and the BCAST
    # ones among them: every invalidation is written to its target's queue
    # here, in the writer's step (decisions 0006 and 0008).
    tracked: dict[int, tuple[Any, Any]] = attrs.field(factory=dict)
    broadcasting: dict[int, tuple[Any, Any]] = attrs.field(factory=dict)
    # The connection registry (Runtime.clients, read only): REDIRECT targets.
    client_registry: dict[int, Any] = attrs.field(factory=dict)
    # Queues appended to in this step, flushed once each at its end.
    pushes: PushBurst = attrs.field(factory=PushBurst)
    # The command running now, (name, argv), kept while keymiss events are on.
    running: tuple[str, list[bytes]] | None = None
    own_key_missed: Any = None
    # A coordinator's context while this shard is leased to it (transaction.py):
    # new and keymiss events join that command's events, in order.
    lease_context: ExecContext | None = None
    # maxmemory (engine/eviction.py): the estimate is kept only while it is set.
    memory: MemoryAccount = attrs.field(factory=MemoryAccount)
    evictor: Evictor = attrs.field(factory=Evictor)
    evicted_keys: int = 0
    # Over maxmemory with nothing left to evict: connections refuse MULTI queueing.
    out_of_memory: bool = False

    def __attrs_post_init__(self) -> None:
        load_families()
        self.context = ExecContext(self.keyspace, self.keyspace.databases[0])
        self.keyspace.on_expired = self._on_expired
        self.keyspace.on_hash_fields_expired = self._on_hash_fields_expired
        self.context.database_count = len(self.keyspace.databases)
        self._set_notify_classes(self.config["notify-keyspace-events"])
        self.config.on_change("notify-keyspace-events", self._set_notify_classes)
        self._set_maxmemory(self.config["maxmemory"])
        self.config.on_change("maxmemory", self._set_maxmemory)

    @classmethod
    def create(cls, shard_id: int, config: Any, clock: Any, inbox_size: int = 4096) -> Shard:
        send, receive = trio.open_memory_channel[Any](inbox_size)
        keyspace = Keyspace.create(config["databases"])
        inbox = ShardInbox(send)
        shard = cls(shard_id, keyspace, clock, config, receive, inbox)
        inbox.shard = shard
        return shard

    def statistics(self) -> ShardStatistics:
        ks = self.keyspace
        return ShardStatistics(
            shard_id=self.shard_id,
            keys=tuple(db.size() for db in ks.databases),
            expires=tuple(db.expires_count() for db in ks.databases),
            keyspace_hits=ks.keyspace_hits,
            keyspace_misses=ks.keyspace_misses,
            expired_keys=ks.expiry.expired_keys,
            expire_cycles=ks.expiry.expire_cycles,
            batches=self.batches,
            commands=self.commands,
            leases=self.leases,
            tracking_keys=len(self.tracking_table.keys),
            evicted_keys=self.evicted_keys,
        )

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(self._expire_timer)
            task_status.started()
            inbox = self.inbox
            while True:
                try:
                    if self.snapshot is None:
                        self.parked = True
                        try:
                            message = await inbox.receive()
                        finally:
                            self.parked = False
                    else:
                        message = await self._next_message_while_walking()
                except trio.EndOfChannel:
                    nursery.cancel_scope.cancel()
                    return
                while True:
                    if type(message) is Lease:
                        await self._lend(message)
                    else:
                        self.handle(message)
                    if self.snapshot is not None:
                        self.snapshot_step()
                    try:
                        message = inbox.receive_nowait()
                    except (trio.WouldBlock, trio.EndOfChannel):
                        break

    def handle(self, message: Any) -> None:
        kind = type(message)
        if kind is Batch:
            message.reply_to.send_nowait(
                self.run_batch(message.commands, message.client, message.reply_to)
            )
        elif kind is Atomic:
            message.reply_to.send_nowait(self.run_atomic(message))
        elif kind is ExpireTick:
            if self.active_expire:
                self.run_expire_cycle()
            forget_claimed(self.keyspace)
        elif kind is TrackingClients:
            self.tracking_clients += message.delta
            if message.delta > 0 and message.client is not None:
                self.tracked[message.client_id] = (message.client, message.queue)
                if message.clients is not None:
                    self.client_registry = message.clients
                options = message.client.tracking
                if options is not None and options.bcast:  # fixed until tracking stops
                    self.broadcasting[message.client_id] = (message.client, message.queue)
            elif message.delta < 0:
                self.tracked.pop(message.client_id, None)
                self.broadcasting.pop(message.client_id, None)
            tracking = self.tracking_clients > 0
            self.context.written = [] if tracking else None
            if not tracking:
                self.tracking_table = TrackingTable()
        elif kind is SetActiveExpire:
            self.active_expire = message.enabled
        elif kind is ResetStatistics:
            keyspace = self.keyspace
            keyspace.keyspace_hits = keyspace.keyspace_misses = 0
            keyspace.expiry.expired_keys = 0
            self.evicted_keys = 0
        elif kind is Watch:
            self.keyspace.now_ms = self.clock.now_ms()
            db = self.keyspace.databases[message.db]
            watched = []
            for key in message.keys:
                version, alive = db.watch(key)
                watched.append(WatchedKey(message.db, key, version, alive))
            message.reply_to.send_nowait(watched)
        elif kind is Unwatch:
            for db_index, key in message.keys:
                self.keyspace.databases[db_index].unwatch(key)
        elif kind is InspectRequest:
            now_ms = self.keyspace.now_ms = self.clock.now_ms()
            message.reply_to.send_nowait(
                describe(self.keyspace.databases[message.db], message.key, now_ms)
            )
        elif kind is DigestRequest:
            self.keyspace.now_ms = self.clock.now_ms()
            message.reply_to.send_nowait(self.digest(message))
        elif kind is StatisticsRequest:
            message.reply_to.send_nowait(self.statistics())
        else:
            raise TypeError(f"shard got an unknown message {message!r}")

    def digest(self, request: DigestRequest) -> Any:
        if request.keys is None:
            return database_xors(self.keyspace)
        database = self.keyspace.databases[request.db]
        found = []
        for key in request.keys:
            value = database.lookup(key)
            found.append(
                ZERO if value is None
                else value_digest(ZERO, value, database.get_expire(key) is not None)
            )
        return found

    def run_batch(
        self,
        commands: list[tuple[int, str, list[bytes]]],
        client: ClientState,
        reply_to: trio.MemorySendChannel[Any] | None = None,
        *,
        may_block: bool = True,
    ) -> list[Any]:
        """Run commands back to back. A command that must block stops the batch:
        its client is registered on the keys and the last reply is a
        :class:`Blocked` marker; the commands after it are not run (the
        connection sends them again once the client is answered)."""
        keyspace = self.keyspace
        keyspace.now_ms = self.clock.now_ms()
        ctx = self.context
        ctx.client = client
        ctx.may_block = may_block and reply_to is not None
        databases = keyspace.databases
        replies = []
        append = replies.append
        tracking = client.tracking
        notes_misses = keyspace.on_miss is not None
        memory_on = self.memory.enabled
        for db_index, name, argv in commands:
            ctx.db = databases[db_index]
            if notes_misses:
                self.running = (name, argv)
            if memory_on:
                refusal = self.make_room(name)
                if refusal is not None:
                    append(refusal)
                    continue
            if self.snapshot is not None:
                self.snapshot_preserve(name, db_index, argv)
            try:
                reply = HANDLERS[name](ctx, argv)
            except CommandError as error:
                reply = ErrorReply(error.message)
            except Exception:
                log.exception("bug while executing %r", argv[:8])
                reply = ErrorReply(INTERNAL_ERROR.format(name))
            if type(reply) is BlockOn:
                assert reply_to is not None
                append(self.block(reply, name, argv, db_index, client, reply_to))
                break
            append(reply)
            if tracking is not None:
                self.remember_reads(tracking, client.client_id, name, argv)
        self.running = None
        self.batches += 1
        self.commands += len(replies)
        self.after_writes()
        return replies

    def block(
        self,
        block_on: BlockOn,
        name: str,
        argv: list[bytes],
        db_index: int,
        client: ClientState,
        reply_to: trio.MemorySendChannel[Any],
    ) -> Blocked:
        """Register a client that must wait on this shard's keys."""
        blocked = BlockedClient(
            name, argv, db_index, client, block_on.keys, block_on.timeout_reply, reply_to.send_nowait
        )
        self.register_blocked(blocked)
        return Blocked(blocked, block_on.timeout_ms)

    def register_blocked(self, blocked: BlockedClient) -> None:
        register(self.keyspace, blocked)
        self.blocked_clients += 1

    def run_atomic(self, message: Atomic) -> list[Any] | None:
        self.keyspace.now_ms = self.clock.now_ms()
        if not watches_hold(self.keyspace, message.watches):
            return None
        self.wrap_propagation = True
        try:
            return self.run_batch(
                message.commands, message.client, message.reply_to, may_block=message.may_block
            )
        finally:
            self.wrap_propagation = False

    def after_writes(self, ctx: ExecContext | None = None) -> None:
        """Serve clients blocked on keys the batch made ready, then hand the
        effects on. Runs in the same synchronous step as the writes; ``ctx`` is
        a coordinator's context when the writes ran under a lease."""
        if self.keyspace.ready_keys:
            serve_ready(self.keyspace, self.run_blocked)
        if ctx is not None and ctx is not self.context:
            self.flush_effects(ctx)
        self.flush_effects(self.context)

    def run_blocked(self, blocked: BlockedClient) -> Any:
        ctx = self.context
        ctx.client = blocked.client
        ctx.db = self.keyspace.databases[blocked.db]
        ctx.may_block = True
        if self.snapshot is not None:
            self.snapshot_preserve(blocked.name, blocked.db, blocked.argv)
        if self.keyspace.on_miss is not None:
            self.running = (blocked.name, blocked.argv)
        try:
            return HANDLERS[blocked.name](ctx, blocked.argv)
        except CommandError as error:
            if error.message == errors.WRONGTYPE:
                # Redis 7.0 serves a blocked client only from a key of its type.
                return BlockOn(blocked.keys, 0, blocked.timeout_reply)
            return ErrorReply(error.message)

    def remember_reads(
        self,
        tracking: TrackingOptions,
        client_id: int,
        name: str,
        argv: list[bytes],
        owner: Callable[[bytes], Shard] | None = None,
    ) -> None:
        """A tracking client ran a command: remember the keys a read-only one
        read (default mode, or as CLIENT CACHING asked), then forget CACHING.
        Under a lease ``owner`` gives the shard whose table holds a key."""
        spec = BY_FULL_NAME[name]
        if "readonly" in spec.flags and self.tracking_clients and tracking.remembers_reads():
            try:
                positions = key_positions(spec, argv)
            except InvalidKeys:
                positions = []
            table = self.tracking_table
            for position in positions:
                key = argv[position]
                (table if owner is None else owner(key).tracking_table).remember(key, client_id)
        if tracking.caching is not None and not name.startswith("client|"):
            tracking.caching = None

    def send_invalidations(self, ctx: ExecContext) -> None:
        """Pop the keys this batch wrote from the tracking table (and the
        oldest over ``tracking-table-max-keys``) and invalidate them."""
        written = list(dict.fromkeys(ctx.written)) if ctx.written else []
        if ctx.written:
            ctx.written.clear()
        flushed = any(argv[0] in FLUSHES for _, argv in ctx.propagated)
        self.invalidate(written, ctx.client.client_id, flushed)

    def invalidate(self, written: list[bytes], writer: int, flushed: bool = False) -> None:
        """Pop ``written`` (keys this shard owns) from the tracking table and
        write every invalidation it causes to its target's push queue now, in
        the writer's synchronous step, so all of them are queued before the
        writer's reply exists (decisions 0006, 0008): a flush's null to every
        tracking client (shard 0 only: a FLUSHALL reaches every shard), the
        popped keys (default mode, or the REDIRECT target), then the BCAST
        prefixes that match ``written``. Each queue gets one write."""
        table = self.tracking_table
        if flushed:
            table.keys.clear()
        entries = []
        for key in written:
            clients = table.pop(key)
            if clients is not None:
                entries.append((key, clients))
        entries += table.evict_over(self.config["tracking-table-max-keys"])
        flush_null = flushed and self.shard_id == 0
        if not (entries or flush_null or (written and self.broadcasting)):
            return
        if flush_null:
            deliver, find_client = self.pushes.deliver, self.client_registry.get
            for client, queue in list(self.tracked.values()):
                if client.tracking is not None:
                    send_invalidation(client.tracking, queue, None, find_client, deliver)
        if entries:
            self.push_invalidations(entries, writer)
        if written and self.broadcasting:
            self.broadcast_invalidations(written, writer)
        self.pushes.flush()

    def push_invalidations(self, entries: list[tuple[bytes, set[int]]], writer: int) -> None:
        """Queue the invalidations of keys read in default mode (OPTIN/OPTOUT
        included): a RESP3 client's own push, or its REDIRECT target's."""
        tracked = self.tracked
        deliver, find_client = self.pushes.deliver, self.client_registry.get
        for key, client_ids in entries:
            push = None
            for client_id in client_ids:
                found = tracked.get(client_id)
                if found is None:
                    continue  # disconnected or stopped tracking
                client, queue = found
                options = client.tracking
                if options is None or options.bcast or (options.noloop and client_id == writer):
                    continue
                if options.redirect:
                    send_invalidation(options, queue, [key], find_client, deliver)
                elif queue.resp3:  # a RESP2 client without REDIRECT gets nothing (as Redis)
                    if push is None:
                        push = invalidate_push(key)
                    deliver(queue, push)

    def broadcast_invalidations(self, written: list[bytes], writer: int) -> None:
        """BCAST clients: one invalidation per prefix the written keys match."""
        deliver, find_client = self.pushes.deliver, self.client_registry.get
        for client_id, (client, queue) in list(self.broadcasting.items()):
            options = client.tracking
            if options is None or not options.bcast or (options.noloop and client_id == writer):
                continue
            for keys in bcast_matches(options, written):
                send_invalidation(options, queue, keys, find_client, deliver)

    def flush_effects(self, ctx: ExecContext) -> None:
        """Hand propagated writes to the change stream (AOF, replicas) and
        keyspace events to the pub/sub hub; without a sink they are dropped."""
        if ctx.written is not None:
            self.send_invalidations(ctx)
        if ctx.propagated:
            if self.wrap_propagation and len(ctx.propagated) > 1:
                # Redis 7.0 wraps an atomic unit's writes when there are several.
                ctx.propagated.insert(0, (ctx.propagated[0][0], [b"MULTI"]))
                ctx.propagated.append((ctx.propagated[-1][0], [b"EXEC"]))
            if self.propagate_sink is not None:
                self.propagate_sink(self.shard_id, ctx.propagated)
                ctx.propagated = []
            else:
                ctx.propagated.clear()
        if ctx.events:
            if self.event_sink is not None:
                self.event_sink(ctx.events)
                ctx.events = []
            else:
                ctx.events.clear()

    def _set_notify_classes(self, flags: str) -> None:
        """Record keyspace events only while some would be published; the
        hub filters them by class."""
        published = ("K" in flags or "E" in flags) and flags.strip("KE")
        self.context.notify_classes = flags if published else ""
        self.keyspace.on_new = self._on_new if published and "n" in flags else None
        self.keyspace.on_miss = self._on_miss if published and "m" in flags else None

    def _on_new(self, db_index: int, key: bytes) -> None:
        """A key was created (Redis's dbAdd): raise ``new`` before the command's event."""
        (self.lease_context or self.context).events.append(("n", b"new", db_index, key))

    def _on_miss(self, db_index: int, key: bytes) -> None:
        """A lookup found nothing: raise ``keymiss`` when Redis's lookup would be a read."""
        running = self.running
        if running is None:
            return
        lookup = read_lookup_kind(running[0], running[1], key)
        if lookup == NOT_A_READ:
            return
        if lookup == OWN_KEY_READ:
            # Redis reads a write's own key once; the handler here may look twice.
            missed = self.own_key_missed
            if missed is not None and missed[0] is running and missed[1] == key:
                return
            self.own_key_missed = (running, key)
        (self.lease_context or self.context).events.append(("m", b"keymiss", db_index, key))

    # -- maxmemory (engine/eviction.py) ------------------------------------------
    def _set_maxmemory(self, maxmemory: int) -> None:
        if maxmemory:
            self.memory.enable(self.keyspace)
            used = self.memory.settle(self.keyspace)
            self.out_of_memory = over_limit(used, maxmemory, self.config["shards"])
        else:
            self.memory.disable(self.keyspace)
            self.evictor.forget()
            self.out_of_memory = False

    def make_room(self, name: str) -> ErrorReply | None:
        """Before a command, as Redis's performEvictions: evict by policy while
        this shard is over its share of maxmemory; still over, a ``denyoom``
        command gets -OOM (others run)."""
        config = self.config
        maxmemory, shard_count = config["maxmemory"], config["shards"]
        keyspace = self.keyspace
        used = self.memory.settle(keyspace)
        if not over_limit(used, maxmemory, shard_count):
            self.out_of_memory = False
            return None
        policy, samples = config["maxmemory-policy"], config["maxmemory-samples"]
        while over_limit(self.memory.total, maxmemory, shard_count):
            victim = self.evictor.choose(keyspace, policy, samples, idle_seconds_of)
            if victim is None:
                break
            self.evict(*victim)
        self.out_of_memory = over_limit(self.memory.total, maxmemory, shard_count)
        if self.out_of_memory and name in DENYOOM:
            return ErrorReply(errors.OOM)
        return None

    def evict(self, db_index: int, key: bytes) -> None:
        """Delete one victim as Redis does: DEL propagated, WATCH and tracking
        see a write, ``evicted`` (class e) raised, counted in INFO."""
        if self.snapshot is not None:
            self.snapshot.preserve(db_index, key)
        db = self.keyspace.databases[db_index]
        db.delete(key)
        forget_access(db, key)
        db.touch(key)
        self.memory.remeasure(db, key)
        self.evicted_keys += 1
        # Redis's propagateDeletion: UNLINK under lazyfree-lazy-eviction.
        verb = b"UNLINK" if self.config["lazyfree-lazy-eviction"] else b"DEL"
        self._removed_by_the_server(db_index, key, verb, "e", b"evicted")

    def _removed_by_the_server(
        self, db_index: int, key: bytes, verb: bytes, type_class: str, event: bytes
    ) -> None:
        """A key expiry or eviction removed: ``verb key`` joins the change
        stream, tracking clients see a write, and the keyspace event is raised."""
        ctx = self.context
        ctx.propagated.append((db_index, [verb, key]))
        if ctx.written is not None:
            ctx.written.append(key)
        if ctx.notify_classes:
            ctx.events.append((type_class, event, db_index, key))

    def _on_expired(self, db_index: int, key: bytes) -> None:
        """Lazy or active expiry removed a key: propagate DEL, raise ``expired``."""
        self._removed_by_the_server(db_index, key, b"DEL", "x", b"expired")
        if self.keyspace.memory_dirty is not None:
            self.keyspace.memory_dirty.add((db_index, key))

    def _on_hash_fields_expired(
        self, db_index: int, key: bytes, fields: list[bytes], key_deleted: bool
    ) -> None:
        ctx = self.context
        ctx.propagated.append((db_index, [b"HDEL", key, *fields]))
        if self.keyspace.memory_dirty is not None:
            self.keyspace.memory_dirty.add((db_index, key))
        if ctx.notify_classes:
            ctx.events.append(("h", b"hexpired", db_index, key))
            if key_deleted:
                ctx.events.append(("g", b"del", db_index, key))

    # -- fork-free snapshots (DESIGN §6) ---------------------------------------
    def snapshot_preserve(self, name: str, db_index: int, argv: list[bytes]) -> None:
        """Before a write runs, serialise the pre-image of the keys it names;
        a write whose keys are unknown or span databases completes the walk."""
        spec = BY_FULL_NAME.get(name)
        if spec is None or not spec.is_write:
            return
        walk = self.snapshot
        if spec.scope is not Scope.KEYS or name in SNAPSHOT_FINISHERS:
            walk.finish()
            return
        try:
            positions = key_positions(spec, argv)
        except InvalidKeys:
            walk.finish()
            return
        for position in positions:
            walk.preserve(db_index, argv[position])

    def snapshot_step(self, budget: int = SNAPSHOT_STEP_KEYS) -> None:
        walk = self.snapshot
        if walk.step(budget):
            self.snapshot = None
            walk.on_done(self.shard_id, walk)

    async def _next_message_while_walking(self) -> Any:
        """Walk the snapshot in steps while the inbox is empty, yielding to
        other tasks after each step; returns the next message."""
        inbox = self.inbox
        while self.snapshot is not None:
            try:
                return inbox.receive_nowait()
            except trio.WouldBlock:
                pass
            self.snapshot_step()
            await trio.lowlevel.checkpoint()
        return await inbox.receive()

    async def _lend(self, lease: Lease) -> None:
        if lease.released.is_set():
            return
        self.leases += 1
        if self.snapshot is not None:
            # The lessee writes without the pre-image hook: complete the walk first.
            self.snapshot.finish()
            self.snapshot_step()
        self.keyspace.now_ms = self.clock.now_ms()
        lease.reply_to.send_nowait(self)
        await lease.released.wait()

    def expire_cycle_limits(self) -> tuple[float, float, float]:
        """(tick interval, one cycle's time budget, interval after a cycle cut
        short), in seconds. As Redis, active expiry may use (25 + 2 * (effort - 1))
        percent of the shard's time; unlike Redis, one cycle holds the shard for at
        most MAX_EXPIRE_STALL, and a cycle that stopped with expired keys left is
        followed sooner, so the share stays the same in shorter stalls."""
        interval = 1.0 / max(self.config["hz"], 1)
        share = (25 + 2 * (self.config["active-expire-effort"] - 1)) / 100
        budget = min(interval * share, MAX_EXPIRE_STALL)
        return interval, budget, budget / share

    def run_expire_cycle(self) -> None:
        """One active expiry cycle, within its time budget (real time: it is a
        bound on how long clients wait, not on the data's clock)."""
        _, budget, _ = self.expire_cycle_limits()
        deadline = time.perf_counter() + budget
        self.keyspace.now_ms = self.clock.now_ms()
        self.keyspace.active_expire_cycle(out_of_time=lambda: time.perf_counter() > deadline)
        self.flush_effects(self.context)

    async def _expire_timer(self) -> None:
        while True:
            interval, _, interval_when_behind = self.expire_cycle_limits()
            behind = self.active_expire and self.keyspace.expiry.cut_short
            await trio.sleep(interval_when_behind if behind else interval)
            try:
                self.inbox_send.send_nowait(ExpireTick())
            except trio.WouldBlock:
                continue  # a full inbox means a busy shard: skip this tick
            except trio.ClosedResourceError:
                return


@attrs.define(eq=False, slots=True)
class ShardInbox:
    """The sending side of a shard's inbox. Every message un-parks the shard:
    what was sent to it must run before any batch a connection would run
    itself (decision 0011), the sender's own earlier messages above all."""

    channel: trio.MemorySendChannel[Any]
    shard: Shard | None = None

    def send_nowait(self, message: Any) -> None:
        assert self.shard is not None
        self.shard.parked = False
        self.channel.send_nowait(message)

    async def send(self, message: Any) -> None:
        assert self.shard is not None
        self.shard.parked = False
        await self.channel.send(message)

    async def aclose(self) -> None:
        await self.channel.aclose()


def watches_hold(keyspace: Any, watches: list[WatchedKey]) -> bool:
    """EXEC's check: no watched key was written, and none that was alive expired."""
    for watched in watches:
        db = keyspace.databases[watched.db]
        if db.watch_version(watched.key) != watched.version:
            return False
        if watched.alive and not db.is_alive(watched.key):
            return False
    return True
