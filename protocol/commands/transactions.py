"""MULTI/EXEC transactions and optimistic locking with WATCH.

Specs only (DESIGN §3): data matches Redis 7.0's command table. The handlers
live in the engine / actors; see :mod:`protocol.commands.define` for the
helpers and :mod:`protocol.commands.syntax` for the ``syntax`` strings.
"""

from __future__ import annotations

from .define import for_group, ks
from .spec import Scope

command = for_group("transactions", Scope.CONNECTION)

MULTI = command(
    "multi", 1, "noscript loading stale fast allow_busy", "@fast @transaction",
    since="1.2.0",
    summary="Mark the start of a transaction block",
    complexity="O(1)",
)

EXEC = command(
    "exec", 1, "noscript loading stale skip_slowlog", "@slow @transaction",
    since="1.2.0",
    summary="Execute all commands issued after MULTI",
    complexity="Depends on commands in the transaction",
)

DISCARD = command(
    "discard", 1, "noscript loading stale fast allow_busy", "@fast @transaction",
    since="2.0.0",
    summary="Discard all commands issued after MULTI",
    complexity="O(N), when N is the number of queued commands",
)

WATCH = command(
    "watch", -2, "noscript loading stale fast allow_busy", "@fast @transaction",
    keys=[ks("RO", 1, lastkey=-1)],
    syntax="key ...",
    since="2.2.0",
    summary="Watch the given keys to determine execution of the MULTI/EXEC block",
    complexity="O(1) for every key.",
)

UNWATCH = command(
    "unwatch", 1, "noscript loading stale fast allow_busy", "@fast @transaction",
    since="2.2.0",
    summary="Forget about all watched keys",
    complexity="O(1)",
)


SPECS = (
    MULTI,
    EXEC,
    DISCARD,
    WATCH,
    UNWATCH,
)
