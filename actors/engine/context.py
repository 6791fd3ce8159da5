"""ExecContext: what a command handler sees of the world.

One context serves a whole batch on one shard (the owner sets ``db`` per
command when a batch spans databases). A handler reads and writes through
``ctx.db``, marks keys it changed with :meth:`touch` (WATCH), leaves its
effect in the change stream with :meth:`propagate` and raises keyspace events
with :meth:`notify`. The context never reads a clock: ``now_ms`` is the
owner's reading for the batch.
"""

from __future__ import annotations

from typing import Any

import attrs

from actors.engine.keyspace import Database, Keyspace


@attrs.define(eq=False, slots=True)
class ClientState:
    """What the engine may know of the client that sent the command."""

    client_id: int = 0
    resp3: bool = False
    no_touch: bool = False
    # CLIENT TRACKING: an actors.tracking.TrackingOptions while tracking is on.
    tracking: Any = None


@attrs.define(eq=False, slots=True)
class ExecContext:
    keyspace: Keyspace
    db: Database
    client: ClientState = attrs.field(factory=ClientState)
    propagated: list[tuple[int, list[bytes]]] = attrs.field(factory=list)
    events: list[tuple[str, bytes, int, bytes]] = attrs.field(factory=list)
    notify_classes: str = ""
    database_count: int = 16
    may_block: bool = True  # False inside MULTI/EXEC: blocking commands answer at once
    proto_max_bulk_len: int = 512 * 1024 * 1024
    extra: dict[str, Any] = attrs.field(factory=dict)
    # Keys written in this batch, recorded only while some client tracks
    # (the shard sets a list); they become invalidations (actors/tracking.py).
    written: list[bytes] | None = None

    @property
    def now_ms(self) -> int:
        return self.keyspace.now_ms

    @property
    def resp3(self) -> bool:
        return self.client.resp3

    def touch(self, key: bytes) -> None:
        self.db.touch(key)
        if self.written is not None:
            self.written.append(key)

    def propagate(self, argv: list[bytes]) -> None:
        """Record a write in its deterministic form for the AOF and replicas."""
        self.propagated.append((self.db.index, argv))

    def notify(self, type_class: str, event: str, key: bytes) -> None:
        """Record a keyspace event (delivered by the pub/sub hub when enabled)."""
        if self.notify_classes:
            self.events.append((type_class, event.encode(), self.db.index, key))

    def hit(self) -> None:
        self.keyspace.keyspace_hits += 1

    def miss(self) -> None:
        self.keyspace.keyspace_misses += 1
