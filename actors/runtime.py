"""The handles a connection needs to reach the rest of the server.

Built once by the supervisor (the only module that knows the topology) and
shared by every connection: the shards' inboxes, the router, the live config,
the supervisor's inbox, the client registry and the CLIENT PAUSE gate.
"""

from __future__ import annotations

import itertools
import secrets
from typing import Any

import attrs
import trio

from actors.router import Router


@attrs.define(eq=False)
class PauseGate:
    """CLIENT PAUSE: until ``until`` (trio time), writes (or all commands) wait."""

    until: float = 0.0
    writes_only: bool = True
    resumed: trio.Event = attrs.field(factory=trio.Event)

    def pause(self, until: float, writes_only: bool) -> None:
        if self.until <= trio.current_time():
            self.resumed = trio.Event()
            self.writes_only = writes_only
        else:
            self.writes_only = self.writes_only and writes_only
        self.until = max(self.until, until)

    def unpause(self) -> None:
        self.until = 0.0
        self.resumed.set()

    def blocks(self, is_write: bool) -> bool:
        if self.until <= 0.0:
            return False
        if self.until <= trio.current_time():
            self.unpause()
            return False
        return is_write or not self.writes_only

    async def wait(self) -> None:
        with trio.move_on_at(self.until):
            await self.resumed.wait()
        if self.until <= trio.current_time():
            self.unpause()


@attrs.define(eq=False)
class ConnectionStats:
    total_connections_received: int = 0
    rejected_connections: int = 0
    total_net_input_bytes: int = 0
    total_net_output_bytes: int = 0
    total_error_replies: int = 0
    client_output_buffer_limit_disconnections: int = 0


@attrs.define(eq=False)
class Runtime:
    shards: list[Any]
    router: Router
    config: Any
    supervisor_inbox: trio.MemorySendChannel[Any]
    clock: Any
    clients: dict[int, Any] = attrs.field(factory=dict)
    pause: PauseGate = attrs.field(factory=PauseGate)
    stats: ConnectionStats = attrs.field(factory=ConnectionStats)
    client_ids: Any = attrs.field(factory=lambda: itertools.count(1))
    started_at: float = 0.0
    shutdown_requested: trio.Event = attrs.field(factory=trio.Event)
    shutdown_mode: str = ""
    command_counts: dict[str, list[int]] = attrs.field(factory=dict)
    error_counts: dict[str, int] = attrs.field(factory=dict)
    blocked_count: int = 0
    # Group commit (appendfsync always): awaited before a connection writes replies.
    durable: Any = None
    hub: trio.MemorySendChannel[Any] | None = None  # the pub/sub hub's inbox
    monitors: int = 0  # MONITOR clients; commands are fed to the hub while nonzero
    # Startup loading: commands without the ``loading`` flag get -LOADING meanwhile.
    loading: bool = False
    # -MISCONF text while writes are refused after a failed save / AOF write, else None.
    disk_error: str | None = None
    run_id: str = attrs.field(factory=lambda: secrets.token_hex(20))
