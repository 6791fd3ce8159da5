"""The pub/sub hub: channels, patterns, shard channels, keyspace notifications.

One actor owns every subscription. Connections and shards reach it only by
message on its unbounded inbox (``send_nowait``: nobody ever waits to hand
the hub work); it answers on the sender's ``reply_to``.

Delivery never waits either: each subscriber has a :class:`PushQueue`, the
bounded outbox its connection's writer drains. The hub encodes a message once
per protocol and appends the bytes with :meth:`PushQueue.append_nowait`; a queue
over its ``client-output-buffer-limit`` (hard, or soft for longer than the
seconds) marks itself overflowed and asks its connection to close, so a
stalled subscriber costs the hub one append, never a wait. Confirmations of
(P|S)(UN)SUBSCRIBE travel through the same queue as the messages, so a client
sees its ``subscribe`` reply before any message on that channel, and every
message published before its ``unsubscribe`` reply.

Keyspace notifications: shards hand their batch's events here
(:class:`~actors.messages.KeyspaceEvents`); the hub keeps the classes enabled
by ``notify-keyspace-events`` and publishes ``__keyspace@<db>__:<key>`` and
``__keyevent@<db>__:<event>`` as PUBLISH would.

MONITOR lines are delivered here too. Tracking invalidations are not: the
shards write them in the writer's step (docs/decisions/0006, 0008); the hub
only keeps the registry of tracking clients (:class:`~actors.tracking.Tracker`)
to count them and to mark a redirect broken when its target disconnects.

Delivery is batched per burst: the hub appends (:meth:`PushQueue.append_nowait`)
everything the messages in its inbox produce, and when the inbox is empty
flushes each queue it touched once (:meth:`PushQueue.flush_nowait`): one
non-blocking write per subscriber per burst when its writer is idle, else one
wake-up of the writer. A connection sends the (S)PUBLISHes of one read as one
:class:`~actors.messages.PublishMany` and gets their counts in one reply.
"""

from __future__ import annotations

import logging
import math
from collections import deque
from itertools import groupby
from operator import itemgetter
from collections.abc import Callable
from typing import Any

import attrs
import trio

from protocol.resp.values import SimpleString

from actors.engine.context import ClientState
from actors.engine.glob import compile_glob
from actors.messages import (
    ClientGone,
    KeyspaceEvents,
    MonitorLine,
    MonitorOn,
    PublishMany,
    PubsubQuery,
    ResetStatistics,
    StatisticsRequest,
    Subscribe,
    TrackingOn,
    Unsubscribe,
)
from actors.tracking import Tracker

log = logging.getLogger("shardis.pubsub")

CHANNEL, PATTERN, SHARD = "channel", "pattern", "shard"
# A run of (channel, message, shard) with the same channel and kind is delivered at once.
_CHANNEL_AND_KIND = itemgetter(0, 2)
_SUBSCRIBE = {CHANNEL: b"subscribe", PATTERN: b"psubscribe", SHARD: b"ssubscribe"}
_UNSUBSCRIBE = {CHANNEL: b"unsubscribe", PATTERN: b"punsubscribe", SHARD: b"sunsubscribe"}

# notify-keyspace-events: the class letters, in the order Redis prints them.
NOTIFY_TYPE_CLASSES = "g$lshzxetd"  # what "A" stands for
NOTIFY_LETTERS = "Ag$lshzxeKEtmdn"


def parse_notify_flags(raw: str) -> str:
    """Validate a ``notify-keyspace-events`` value and keep every class it
    names, ``A`` spelled out (``KEA`` -> ``g$lshzxetdKE``); raises ValueError
    on a bad letter. :func:`format_notify_flags` prints it as Redis does."""
    letters = set()
    for char in raw:
        if char not in NOTIFY_LETTERS:
            raise ValueError(char)
        letters.update(NOTIFY_TYPE_CLASSES if char == "A" else char)
    return "".join(char for char in NOTIFY_TYPE_CLASSES + "nKEm" if char in letters)


def format_notify_flags(flags: str) -> str:
    """Redis's keyspaceEventsFlagsToString: ``A`` for every type class (an
    ``n`` beside it is kept but not printed), then K, E and m."""
    if set(NOTIFY_TYPE_CLASSES).issubset(flags):
        text = "A"
    else:
        text = "".join(char for char in NOTIFY_TYPE_CLASSES + "n" if char in flags)
    return text + "".join(char for char in "KEm" if char in flags)


def _bulk(value: bytes) -> bytes:
    return b"$%d\r\n%b\r\n" % (len(value), value)


def _header(size: int, resp3: bool) -> bytes:
    return (b">%d\r\n" if resp3 else b"*%d\r\n") % size


def _confirm(
    queue: PushQueue, verb: bytes, name: bytes | None, count: int, collected: list[Any] | None
) -> None:
    """A (P|S)(UN)SUBSCRIBE confirmation: a push on the queue, or a reply value."""
    if collected is not None:
        collected.append([verb, name, count])
        return
    resp3 = queue.resp3
    encoded_name = _bulk(name) if name is not None else (b"_\r\n" if resp3 else b"$-1\r\n")
    queue.send_nowait(_header(3, resp3) + _bulk(verb) + encoded_name + b":%d\r\n" % count)


@attrs.define(eq=False, slots=True)
class PushBurst:
    """Queues appended to in one step of an actor (the hub's burst, a shard's
    batch), each written to its socket, or its writer woken, once at the end."""

    touched: list[Any] = attrs.field(factory=list)

    def deliver(self, queue: Any, data: bytes) -> None:
        if queue.append_nowait(data):
            self.touched.append(queue)

    def flush(self) -> None:
        touched = self.touched
        for queue in touched:
            queue.flush_nowait()
        touched.clear()


@attrs.frozen
class OutputLimit:
    hard_bytes: int
    soft_bytes: int
    soft_seconds: int


@attrs.define(eq=False)
class PushQueue:
    """A connection's outbox once it receives pushes: encoded replies and
    pushes in the order they must reach the socket. The connection's writer
    task is its only reader; anyone may append without waiting.

    ``queued_bytes`` counts bytes appended and not yet accepted by the socket
    (a chunk being sent still counts), as Redis's output buffer does."""

    client_id: int
    client: ClientState  # read for the protocol in force when a push is made
    limit: OutputLimit | None = None  # None: the "normal" class, no limit
    on_overflow: Callable[[], None] | None = None
    chunks: deque[bytes] = attrs.field(factory=deque)
    queued_bytes: int = 0
    peak_bytes: int = 0
    over_soft_since: float | None = None
    overflowed: bool = False
    data_ready: trio.Event | None = None
    drained: trio.Event | None = None
    # The socket's non-blocking write (``os.write`` on its fd), or None (memory
    # streams, TLS). Used only while the writer task is parked on an empty
    # queue, so nothing is in flight: see send_nowait and flush_nowait.
    direct: Callable[[bytes], int] | None = None
    unflushed: bool = False  # appended to (append_nowait) since the last flush_nowait
    # (channels, patterns, shard channels): written by the hub, read by CLIENT LIST.
    subscription_counts: tuple[int, int, int] = (0, 0, 0)

    @property
    def resp3(self) -> bool:
        return self.client.resp3

    def send_nowait(self, data: bytes) -> None:
        """Queue ``data`` and get it going now: straight to the socket when
        the writer is idle, else wake the writer."""
        if self.overflowed:
            return
        if self.data_ready is not None and self.direct is not None and not self.chunks:
            # The writer is parked on an empty queue: nothing is in flight, so
            # the bytes may go to the socket right now. This skips a task
            # wake-up per push, and an invalidation written in a shard's step
            # reaches the socket before the writer's reply (decision 0006).
            written = self._write_now(data)
            if written == len(data):
                return
            data = data[written:]
        self._queue(data)
        if self.data_ready is not None:
            self.data_ready.set()
            self.data_ready = None

    def append_nowait(self, data: bytes) -> bool:
        """Queue ``data`` without writing or waking the writer: a producer
        that appends many pushes in one step (the hub's burst, a shard's
        batch) calls :meth:`flush_nowait` once at the end, so the socket gets
        one write per burst. Returns True when the queue was flushed since
        its last append (the caller must remember to flush it)."""
        if self.overflowed:
            return False
        self._queue(data)
        if self.unflushed:
            return False
        self.unflushed = True
        return True

    def flush_nowait(self) -> None:
        """Hand what :meth:`append_nowait` queued to the socket: one
        non-blocking write when the writer is idle (the rest, if the socket
        took only part, and any other case wake the writer)."""
        self.unflushed = False
        chunks = self.chunks
        if self.overflowed or not chunks or self.data_ready is None:
            return  # nothing to do, or the writer is busy and takes it all next
        if self.direct is not None:
            data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
            written = self._write_now(data)
            chunks.clear()
            if written:
                self.sent(written)
            if written == len(data):
                return
            chunks.append(data[written:])
        self.data_ready.set()
        self.data_ready = None

    def _write_now(self, data: bytes) -> int:
        """One non-blocking write straight to the socket: the bytes it took
        (0 when it would block, or failed: the writer task meets the error)."""
        assert self.direct is not None
        try:
            return self.direct(data)
        except BlockingIOError:
            return 0
        except OSError:
            self.direct = None
            return 0

    def _queue(self, data: bytes) -> None:
        """Count ``data`` into the queue and against the output-buffer limit."""
        self.chunks.append(data)
        self.queued_bytes += len(data)
        if self.queued_bytes > self.peak_bytes:
            self.peak_bytes = self.queued_bytes
        if self.limit is not None:
            self._check_limit(self.limit)

    def _check_limit(self, limit: OutputLimit) -> None:
        queued = self.queued_bytes
        if limit.hard_bytes and queued > limit.hard_bytes:
            self.overflow()
        elif limit.soft_bytes and queued > limit.soft_bytes:
            now = trio.current_time()
            if self.over_soft_since is None:
                self.over_soft_since = now
            elif now - self.over_soft_since > limit.soft_seconds:
                self.overflow()
        else:
            self.over_soft_since = None

    def overflow(self) -> None:
        self.overflowed = True
        self.chunks.clear()
        log.warning(
            "client %d scheduled to be closed ASAP for overcoming of output buffer limits",
            self.client_id,
        )
        if self.on_overflow is not None:
            self.on_overflow()

    async def take(self) -> bytes:
        """Wait until something is queued; return all of it (the writer then
        calls :meth:`sent` once the socket accepted it)."""
        while not self.chunks:
            self.data_ready = trio.Event()
            await self.data_ready.wait()
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data

    def sent(self, size: int) -> None:
        self.queued_bytes -= size
        if self.drained is not None and self.queued_bytes <= 0:
            self.drained.set()
            self.drained = None

    async def wait_drained(self) -> None:
        while self.queued_bytes > 0 and not self.overflowed:
            self.drained = trio.Event()
            await self.drained.wait()


@attrs.define(eq=False)
class Subscriber:
    queue: PushQueue
    channels: set[bytes] = attrs.field(factory=set)
    patterns: set[bytes] = attrs.field(factory=set)
    shard_channels: set[bytes] = attrs.field(factory=set)

    def of_kind(self, kind: str) -> set[bytes]:
        if kind == CHANNEL:
            return self.channels
        return self.patterns if kind == PATTERN else self.shard_channels

    def count(self, kind: str) -> int:
        """The count in a confirmation: Redis 7.0 counts channels and
        patterns together, shard channels apart."""
        if kind == SHARD:
            return len(self.shard_channels)
        return len(self.channels) + len(self.patterns)

    def total(self) -> int:
        return len(self.channels) + len(self.patterns) + len(self.shard_channels)

    def counts(self) -> tuple[int, int, int]:
        return len(self.channels), len(self.patterns), len(self.shard_channels)


@attrs.frozen
class HubStatistics:
    channels: int
    patterns: int
    shard_channels: int
    subscribers: int
    messages_published: int
    tracking_clients: int = 0
    monitors: int = 0


@attrs.define(eq=False)
class Hub:
    config: Any
    inbox: trio.MemoryReceiveChannel[Any]
    inbox_send: trio.MemorySendChannel[Any]
    subscribers: dict[int, Subscriber] = attrs.field(factory=dict)
    # name -> {client id: queue}; dicts keep subscription order for delivery
    channels: dict[bytes, dict[int, PushQueue]] = attrs.field(factory=dict)
    patterns: dict[bytes, dict[int, PushQueue]] = attrs.field(factory=dict)
    shard_channels: dict[bytes, dict[int, PushQueue]] = attrs.field(factory=dict)
    notify_flags: str = ""  # the enabled letters, "A" spelled out
    messages_published: int = 0
    tracker: Tracker = attrs.field(factory=Tracker)
    monitors: dict[int, PushQueue] = attrs.field(factory=dict)
    # Queues appended to in this burst: flushed once each when the inbox is empty.
    burst: PushBurst = attrs.field(factory=lambda: PushBurst())

    @classmethod
    def create(cls, config: Any) -> Hub:
        send, receive = trio.open_memory_channel[Any](math.inf)
        hub = cls(config, receive, send)
        hub._set_notify_flags(config["notify-keyspace-events"])
        config.on_change("notify-keyspace-events", hub._set_notify_flags)
        return hub

    def _set_notify_flags(self, flags: str) -> None:
        self.notify_flags = flags

    def statistics(self) -> HubStatistics:
        return HubStatistics(
            channels=len(self.channels),
            patterns=len(self.patterns),
            shard_channels=len(self.shard_channels),
            subscribers=len(self.subscribers),
            messages_published=self.messages_published,
            tracking_clients=len(self.tracker.clients),
            monitors=len(self.monitors),
        )

    def output_limit(self) -> OutputLimit:
        hard, soft, seconds = self.config["client-output-buffer-limit"]["pubsub"]
        return OutputLimit(hard, soft, seconds)

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        task_status.started()
        inbox = self.inbox
        while True:
            try:
                message = await inbox.receive()
            except trio.EndOfChannel:
                return
            while True:
                self.handle(message)
                try:
                    message = inbox.receive_nowait()
                except (trio.WouldBlock, trio.EndOfChannel):
                    break
            self.burst.flush()

    def handle(self, message: Any) -> None:
        kind = type(message)
        if kind is PublishMany:
            message.reply_to.send_nowait(self.publish_many(message.messages))
        elif kind is KeyspaceEvents:
            self.keyspace_events(message.events)
        elif kind is Subscribe:
            collected: list[Any] | None = [] if message.confirm_in_reply else None
            total = self.subscribe(message.kind, message.names, message.queue, collected)
            message.reply_to.send_nowait((total, collected))
        elif kind is Unsubscribe:
            collected = [] if message.confirm_in_reply else None
            notify = message.notify
            total = self.unsubscribe(message.kind, message.names, message.queue, notify, collected)
            message.reply_to.send_nowait((total, collected))
        elif kind is MonitorLine:
            for queue in self.monitors.values():
                self.burst.deliver(queue, message.line)
        elif kind is TrackingOn:
            if message.options is None:
                self.tracker.disable(message.client_id)
            else:
                self.tracker.enable(message.client_id, message.queue, message.options)
        elif kind is MonitorOn:
            if message.queue is None:  # RESET leaves MONITOR mode
                self.monitors.pop(message.client_id, None)
            else:
                self.monitors[message.client_id] = message.queue
        elif kind is ClientGone:
            self.forget(message.client_id)
            self.monitors.pop(message.client_id, None)
            self.tracker.forget(message.client_id, self.burst.deliver)
        elif kind is PubsubQuery:
            message.reply_to.send_nowait(self.query(message.subcommand, message.args))
        elif kind is StatisticsRequest:
            message.reply_to.send_nowait(self.statistics())
        elif kind is ResetStatistics:
            self.messages_published = 0
        else:
            raise TypeError(f"pub/sub hub got an unknown message {message!r}")

    # -- subscriptions -------------------------------------------------------
    def _table(self, kind: str) -> dict[bytes, dict[int, PushQueue]]:
        if kind == CHANNEL:
            return self.channels
        return self.patterns if kind == PATTERN else self.shard_channels

    def subscribe(
        self, kind: str, names: list[bytes], queue: PushQueue, collected: list[Any] | None = None
    ) -> int:
        """Add subscriptions and queue one confirmation per name (or append
        them to ``collected``: inside EXEC); returns the client's total
        number of subscriptions (all kinds)."""
        subscriber = self.subscribers.get(queue.client_id)
        if subscriber is None:
            subscriber = self.subscribers[queue.client_id] = Subscriber(queue)
            queue.limit = self.output_limit()
        table, mine = self._table(kind), subscriber.of_kind(kind)
        for name in names:
            if name not in mine:
                mine.add(name)
                table.setdefault(name, {})[queue.client_id] = queue
            _confirm(queue, _SUBSCRIBE[kind], name, subscriber.count(kind), collected)
        queue.subscription_counts = subscriber.counts()
        return subscriber.total()

    def unsubscribe(
        self,
        kind: str,
        names: list[bytes],
        queue: PushQueue,
        notify: bool = True,
        collected: list[Any] | None = None,
    ) -> int:
        """Remove subscriptions (all of ``kind`` when ``names`` is empty) and
        queue the confirmations; returns the client's remaining total."""
        subscriber = self.subscribers.get(queue.client_id)
        if subscriber is None:
            subscriber = Subscriber(queue)
        kinds = (CHANNEL, PATTERN, SHARD) if kind == "all" else (kind,)
        for each in kinds:
            self._unsubscribe_kind(each, names, subscriber, notify, collected)
        if not subscriber.total():
            self.subscribers.pop(queue.client_id, None)
            queue.limit = None
        queue.subscription_counts = subscriber.counts()
        return subscriber.total()

    def _unsubscribe_kind(
        self,
        kind: str,
        names: list[bytes],
        subscriber: Subscriber,
        notify: bool,
        collected: list[Any] | None,
    ) -> None:
        queue = subscriber.queue
        table, mine = self._table(kind), subscriber.of_kind(kind)
        targets = names or list(mine)
        for name in targets:
            if name in mine:
                mine.discard(name)
                receivers = table[name]
                del receivers[queue.client_id]
                if not receivers:
                    del table[name]
            if notify:
                _confirm(queue, _UNSUBSCRIBE[kind], name, subscriber.count(kind), collected)
        if notify and not targets:
            _confirm(queue, _UNSUBSCRIBE[kind], None, subscriber.count(kind), collected)

    def forget(self, client_id: int) -> None:
        subscriber = self.subscribers.get(client_id)
        if subscriber is not None:
            self.unsubscribe("all", [], subscriber.queue, notify=False)

    # -- delivery ------------------------------------------------------------
    def publish_many(self, messages: list[tuple[bytes, bytes, bool]]) -> list[int]:
        """(S)PUBLISH a connection's run of ``(channel, message, shard)`` in
        order; returns each one's number of receivers. Consecutive messages
        to the same channel are delivered as one append per subscriber."""
        if len(messages) == 1:
            channel, payload, shard = messages[0]
            return [self.publish(channel, payload, shard)]
        counts: list[int] = []
        for (channel, shard), run in groupby(messages, _CHANNEL_AND_KIND):
            counts += self.publish_run(channel, [payload for _, payload, _ in run], shard)
        return counts

    def publish_run(self, channel: bytes, payloads: list[bytes], shard: bool) -> list[int]:
        """Several messages to one channel: each subscriber gets them all in
        one append. A matching pattern interleaves ``pmessage`` after each
        ``message`` (Redis's order for a client with both), so then the
        messages go one by one."""
        patterns = [] if shard else [
            (pattern, subscribed)
            for pattern, subscribed in self.patterns.items()
            if compile_glob(pattern)(channel)
        ]
        if patterns or len(payloads) == 1:
            return [self.publish(channel, payload, shard) for payload in payloads]
        self.messages_published += len(payloads)
        subscribed = (self.shard_channels if shard else self.channels).get(channel)
        if not subscribed:
            return [0] * len(payloads)
        kind = b"$8\r\nsmessage\r\n" if shard else b"$7\r\nmessage\r\n"
        head = kind + _bulk(channel)
        bulks = [b"$%d\r\n%b\r\n" % (len(payload), payload) for payload in payloads]
        encoded: list[bytes | None] = [None, None]
        deliver = self.burst.deliver
        for queue in tuple(subscribed.values()):
            resp3 = queue.resp3
            data = encoded[resp3]
            if data is None:
                prefix = _header(3, resp3) + head  # before every message's payload
                data = encoded[resp3] = prefix + prefix.join(bulks)
            deliver(queue, data)
        return [len(subscribed)] * len(payloads)

    def publish(self, channel: bytes, message: bytes, shard: bool = False) -> int:
        """Deliver to channel subscribers, then pattern subscribers (or to
        shard-channel subscribers); returns the number of receivers. The
        bytes are appended; :meth:`flush` writes them at the burst's end."""
        self.messages_published += 1
        encoded: list[bytes | None] = [None, None]
        receivers = 0
        deliver = self.burst.deliver
        table = self.shard_channels if shard else self.channels
        subscribed = table.get(channel)
        if subscribed:
            kind = b"$8\r\nsmessage\r\n" if shard else b"$7\r\nmessage\r\n"
            body = kind + _bulk(channel) + _bulk(message)
            for queue in tuple(subscribed.values()):
                resp3 = queue.resp3
                data = encoded[resp3]
                if data is None:
                    data = encoded[resp3] = _header(3, resp3) + body
                deliver(queue, data)
            receivers += len(subscribed)
        if shard or not self.patterns:
            return receivers
        for pattern, subscribed in list(self.patterns.items()):
            if not compile_glob(pattern)(channel):
                continue
            body = b"$8\r\npmessage\r\n" + _bulk(pattern) + _bulk(channel) + _bulk(message)
            bodies = [_header(4, False) + body, _header(4, True) + body]
            for queue in tuple(subscribed.values()):
                deliver(queue, bodies[queue.resp3])
            receivers += len(subscribed)
        return receivers

    def keyspace_events(self, events: list[tuple[str, bytes, int, bytes]]) -> None:
        flags = self.notify_flags
        if not flags:
            return
        keyspace, keyevent = "K" in flags, "E" in flags
        for type_class, event, db, key in events:
            if type_class not in flags:
                continue
            if keyspace:
                self.publish(b"__keyspace@%d__:%b" % (db, key), event)
            if keyevent:
                self.publish(b"__keyevent@%d__:%b" % (db, event), key)

    # -- PUBSUB introspection -----------------------------------------------------
    def query(self, subcommand: str, args: list[bytes]) -> Any:
        if subcommand in ("channels", "shardchannels"):
            table = self.channels if subcommand == "channels" else self.shard_channels
            if not args:
                return list(table)
            matches = compile_glob(args[0])
            return [name for name in table if matches(name)]
        if subcommand in ("numsub", "shardnumsub"):
            table = self.channels if subcommand == "numsub" else self.shard_channels
            reply: list[Any] = []
            for name in args:
                reply += [name, len(table.get(name, ()))]
            return reply
        if subcommand == "numpat":
            return len(self.patterns)
        raise ValueError(subcommand)


PUBSUB_HELP = (
    "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CHANNELS [<pattern>]",
    "    Return the currently active channels matching a <pattern> (default: '*').",
    "NUMPAT",
    "    Return number of subscriptions to patterns.",
    "NUMSUB [<channel> ...]",
    "    Return the number of subscribers for the specified channels, excluding",
    "    pattern subscriptions(default: no channels).",
    "SHARDCHANNELS [<pattern>]",
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    "SHARDNUMSUB [<shardchannel> ...]",
    "    Return the number of subscribers for the specified shard level channel(s)",
    "HELP",
    "    Prints this help.",
)


def pubsub_help() -> list[SimpleString]:
    return [SimpleString(line.encode()) for line in PUBSUB_HELP]
