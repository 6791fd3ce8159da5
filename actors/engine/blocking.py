"""Blocking commands in the engine: what a handler returns when it must wait,
and how an owner serves the waiting clients once their keys are ready.

A blocking handler (BLPOP, BZPOPMIN, BLMOVE ...) first tries its operation.
If it served something it returns the reply like any handler. If nothing is
there it returns :class:`BlockOn` when ``ctx.may_block`` is set, or its
timeout reply when not (inside MULTI/EXEC a blocking command never blocks,
as in Redis).

The owner of the keyspace (a shard, or a coordinator holding leases)
registers a :class:`BlockedClient` on every key of the BlockOn. Writers
already call ``ctx.touch(key)``; touching a key that has waiters marks it
ready. After each batch the owner calls :func:`serve_ready`, which re-runs
the waiting commands in the order their clients blocked, inside the same
synchronous step, so an element pushed for a blocked client goes to it and
never to a later caller.

``claimed`` is the one piece of state a BlockedClient shares between its
connection and the shards it waits on: whoever flips it first (a shard
serving it, its connection timing out or going away, CLIENT UNBLOCK) owns the
outcome; everyone else drops it. Trio runs every task on one thread and
nobody awaits between the check and the flip, so no lock is needed.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from typing import Any

import attrs

from protocol import errors
from protocol.errors import CommandError
from protocol.resp.values import NULL_ARRAY

from actors.engine.args import INT64_MAX
from actors.engine.longdouble import parse_long_double


@attrs.frozen
class BlockOn:
    """Returned by a blocking handler that found nothing to serve."""

    keys: tuple[bytes, ...]
    timeout_ms: int  # 0 waits forever
    timeout_reply: Any = NULL_ARRAY


@attrs.define(eq=False, slots=True)
class BlockedClient:
    name: str
    argv: list[bytes]
    db: int
    client: Any  # ClientState
    keys: tuple[bytes, ...]
    timeout_reply: Any
    deliver: Any  # owner-supplied: deliver(reply) -> None
    wake_only: bool = False  # keys span shards and the command writes: wake, don't serve
    claimed: bool = False

    def claim(self) -> bool:
        """Take the right to answer this client; False if someone already has."""
        if self.claimed:
            return False
        self.claimed = True
        return True


WAKE_UP = object()
"""Delivered to a ``wake_only`` client: retry the command atomically."""


def parse_timeout(raw: bytes) -> int:
    """A blocking timeout in seconds -> milliseconds (0 = forever), as Redis
    7.0 reads it: a long double, times 1000, rounded up; a value past the
    64-bit range wraps negative in Redis's cast, hence "timeout is negative"."""
    try:
        seconds = parse_long_double(raw)
    except CommandError:
        raise CommandError(errors.TIMEOUT_NOT_FLOAT) from None
    if seconds is None:
        raise CommandError(errors.TIMEOUT_NEGATIVE)
    milliseconds = math.ceil(seconds * 1000)
    if milliseconds < 0 or milliseconds > INT64_MAX:
        raise CommandError(errors.TIMEOUT_NEGATIVE)
    return milliseconds


def register(keyspace: Any, blocked: BlockedClient) -> None:
    database = keyspace.databases[blocked.db]
    for key in blocked.keys:
        database.blocked.setdefault(key, deque()).append(blocked)


def serve_ready(keyspace: Any, run: Callable[[BlockedClient], Any]) -> None:
    """Serve waiters of every key marked ready, oldest first, until none can
    be served. ``run(blocked)`` re-executes the client's command and returns
    its reply or a BlockOn when there is still nothing for it."""
    ready = keyspace.ready_keys
    while ready:
        db_index, key = ready.pop()
        database = keyspace.databases[db_index]
        waiters = database.blocked.get(key)
        while waiters:
            blocked = waiters[0]
            if blocked.claimed:
                waiters.popleft()
                continue
            if blocked.wake_only:
                waiters.popleft()
                blocked.claim()
                blocked.deliver(WAKE_UP)
                continue
            reply = run(blocked)
            if type(reply) is BlockOn:
                break
            waiters.popleft()
            blocked.claim()
            blocked.deliver(reply)
        if not waiters:
            database.blocked.pop(key, None)


def forget_claimed(keyspace: Any) -> None:
    """Drop waiters whose clients were answered elsewhere (timeouts, disconnects)."""
    for database in keyspace.databases:
        for key in [key for key, waiters in database.blocked.items() if all(w.claimed for w in waiters)]:
            del database.blocked[key]
