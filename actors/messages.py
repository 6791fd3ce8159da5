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
