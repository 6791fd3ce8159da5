"""Every message that crosses a channel between actors (frozen attrs classes).

Replies travel on the requester's own channel (``reply_to``), so an actor
never awaits a reply from a task that might be waiting on it.
"""

from __future__ import annotations

from typing import Any

import attrs
import trio

from actors.engine.context import ClientState


@attrs.frozen
class Batch:
    """Commands for one shard, run back to back with no await: ``(db, name, argv)``."""

    commands: list[tuple[int, str, list[bytes]]]
    client: ClientState
    reply_to: trio.MemorySendChannel[Any]


@attrs.frozen
class Atomic:
    """A transaction on one shard: check the watches, then run every command.
    The reply is None when a watched key changed, else the list of replies."""

    commands: list[tuple[int, str, list[bytes]]]
    watches: list[WatchedKey]
    client: ClientState
    reply_to: trio.MemorySendChannel[Any]
    may_block: bool = False  # True for one blocking command over several shards


@attrs.frozen
class WatchedKey:
    db: int
    key: bytes
    version: int
    alive: bool


@attrs.frozen
class Watch:
    """Start watching keys; the reply is a list of WatchedKey."""

    db: int
    keys: list[bytes]
    reply_to: trio.MemorySendChannel[Any]


@attrs.frozen
class Unwatch:
    """Stop watching (no reply)."""

    keys: list[tuple[int, bytes]]


@attrs.frozen
class Lease:
    """Hand the keyspace to the sender until ``released`` is set."""

    reply_to: trio.MemorySendChannel[Any]
    released: trio.Event


@attrs.frozen
class StatisticsRequest:
    reply_to: trio.MemorySendChannel[Any]


@attrs.frozen
class ExpireTick:
    """Run one active expiry cycle (sent by the shard's own timer task)."""


@attrs.frozen
class ServerRequest:
    """A SERVER-scope command for the supervisor."""

    name: str
    argv: list[bytes]
    client: ClientState
    reply_to: trio.MemorySendChannel[Any]
    db: int = 0


@attrs.frozen
class SetActiveExpire:
    """DEBUG SET-ACTIVE-EXPIRE: turn the shard's active expiry cycle on or off."""

    enabled: bool


@attrs.frozen
class Blocked:
    """The last reply of a batch whose command blocked: the connection waits
    (until ``timeout_ms``, 0 = forever) for the reply on its channel."""

    client: Any  # engine.blocking.BlockedClient
    timeout_ms: int


@attrs.frozen
class ResetStatistics:
    """CONFIG RESETSTAT: zero the shard's counters."""


# -- the pub/sub hub (actors/pubsub.py) ------------------------------------------


@attrs.frozen
class Subscribe:
    """(P|S)SUBSCRIBE: ``kind`` is "channel", "pattern" or "shard". The hub
    queues the confirmations on ``queue`` and replies ``(total, None)``, the
    client's number of subscriptions (``(total, confirmations)`` with
    ``confirm_in_reply``)."""

    kind: str
    names: list[bytes]
    queue: Any  # pubsub.PushQueue
    reply_to: trio.MemorySendChannel[Any]
    confirm_in_reply: bool = False  # inside EXEC: the reply carries the confirmations


@attrs.frozen
class Unsubscribe:
    """(P|S)UNSUBSCRIBE (every name of ``kind`` when ``names`` is empty;
    ``kind`` "all" for RESET, which sends no confirmations)."""

    kind: str
    names: list[bytes]
    queue: Any  # pubsub.PushQueue
    reply_to: trio.MemorySendChannel[Any]
    notify: bool = True
    confirm_in_reply: bool = False


@attrs.frozen
class PublishMany:
    """The (S)PUBLISHes of one read, in order: ``(channel, message, shard)``.
    The reply is the list of their receiver counts (one hub round trip)."""

    messages: list[tuple[bytes, bytes, bool]]
    reply_to: trio.MemorySendChannel[Any]


@attrs.frozen
class PubsubQuery:
    """PUBSUB CHANNELS/NUMSUB/NUMPAT/SHARDCHANNELS/SHARDNUMSUB."""

    subcommand: str
    args: list[bytes]
    reply_to: trio.MemorySendChannel[Any]


@attrs.frozen
class KeyspaceEvents:
    """A shard batch's keyspace events: ``(class, event, db, key)``."""

    events: list[tuple[str, bytes, int, bytes]]


@attrs.frozen
class ClientGone:
    """A connection closed: drop its subscriptions (and tracking state)."""

    client_id: int


@attrs.frozen
class DigestRequest:
    """DEBUG DIGEST / DIGEST-VALUE: with ``keys``, each key's value digest in
    ``db``; without, the per-database xors of the whole shard."""

    reply_to: trio.MemorySendChannel[Any]
    db: int = 0
    keys: tuple[bytes, ...] | None = None


@attrs.frozen
class InspectRequest:
    """DEBUG OBJECT: low-level facts about one key's value (None when missing)."""

    reply_to: trio.MemorySendChannel[Any]
    db: int
    key: bytes


# -- client-side caching and MONITOR (actors/tracking.py) -------------------------


@attrs.frozen
class TrackingClients:
    """To every shard: a client started (+1) or stopped (-1) tracking. A shard
    records reads and writes only while some client tracks. With a +1 the
    shard also keeps the client's state and push queue, and the connection
    registry to find REDIRECT targets, so it writes every invalidation itself
    in the writer's step (docs/decisions/0006, 0008)."""

    delta: int
    client_id: int = 0
    client: Any = None  # engine.context.ClientState (its .tracking is live)
    queue: Any = None  # pubsub.PushQueue
    clients: Any = None  # runtime.Runtime.clients: client id -> connection (read only)


@attrs.frozen
class TrackingOn:
    """To the hub: the client tracks with ``options`` (None: tracking off)."""

    client_id: int
    queue: Any  # pubsub.PushQueue
    options: Any  # tracking.TrackingOptions | None


@attrs.frozen
class MonitorOn:
    """To the hub: stream every executed command's line to ``queue`` (None: stop, RESET)."""

    client_id: int
    queue: Any  # pubsub.PushQueue


@attrs.frozen
class MonitorLine:
    """To the hub: one MONITOR line, already encoded."""

    line: bytes
