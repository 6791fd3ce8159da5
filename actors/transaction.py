"""The coordinator: atomic work over several shards by ownership (DESIGN §5).

``run_leased`` asks each needed shard for its keyspace with a Lease message,
in ascending shard id so two coordinators can never wait on each other, then
runs the commands synchronously against a :class:`ShardedKeyspace` view (or
each shard's own keyspace for an ALL_SHARDS command, merged by the router),
serves clients blocked on keys the run made ready, and gives every lease back
in ``finally`` — also when cancelled half-way, so no shard is left parked.

It runs inside the connection task that needs it: a coordinator is a role,
not a separate task (docs/decisions/0001).
"""

from __future__ import annotations

import logging
from typing import Any

import trio

from protocol.errors import CommandError
from protocol.resp.values import ErrorReply

from actors.engine.blocking import BlockedClient, BlockOn
from actors.engine.context import ClientState, ExecContext
from actors.engine.dispatch import HANDLERS
from actors.engine.view import ShardedKeyspace
from actors.messages import Blocked, Lease, WatchedKey
from actors.shard import INTERNAL_ERROR, Shard, watches_hold

log = logging.getLogger("shardis.transaction")


async def run_leased(
    shards: list[Shard],
    shard_ids: set[int],
    router: Any,
    commands: list[tuple[int, str, list[bytes]]],
    watches: list[WatchedKey],
    client: ClientState,
    reply_channel: tuple[trio.MemorySendChannel[Any], trio.MemoryReceiveChannel[Any]],
    *,
    may_block: bool = False,
) -> list[Any] | None:
    send, receive = reply_channel
    leases: list[Lease] = []
    try:
        leased: dict[int, Shard] = {}
        for shard_id in sorted(shard_ids):
            lease = Lease(send, trio.Event())
            leases.append(lease)
            await shards[shard_id].inbox_send.send(lease)
            leased[shard_id] = await receive.receive()
        return execute_atomically(
            leased, router, commands, watches, client, send if may_block else None
        )
    finally:
        for lease in leases:
            lease.released.set()


def run_on_every_shard(
    leased: dict[int, Shard], plan: list[tuple[int, list[bytes]]], db_index: int, name: str,
    client: ClientState, propagated: list[tuple[int, list[bytes]]],
) -> list[Any]:
    """An ALL_SHARDS command inside an atomic unit. Its writes join the
    unit's change stream in order (inside MULTI ... EXEC, as Redis propagates
    FLUSHALL in a transaction) instead of going out on their own; the command
    itself, which every shard propagates, is kept once."""
    command = name.encode()
    kept = False

    def collect(_shard_id: int, entries: list[tuple[int, list[bytes]]]) -> None:
        nonlocal kept
        for entry in entries:
            if entry[1][0].lower() == command:
                if kept:
                    continue
                kept = True
            propagated.append(entry)

    replies = []
    for shard_id, shard_argv in plan:
        shard = leased[shard_id]
        sink = shard.propagate_sink
        shard.propagate_sink = collect
        try:
            replies.append(shard.run_batch([(db_index, name, shard_argv)], client)[0])
        finally:
            shard.propagate_sink = sink
    return replies


def execute_atomically(
    leased: dict[int, Shard],
    router: Any,
    commands: list[tuple[int, str, list[bytes]]],
    watches: list[WatchedKey],
    client: ClientState,
    block_reply_to: trio.MemorySendChannel[Any] | None = None,
) -> list[Any] | None:
    """Synchronous: the caller owns every shard in ``leased``. With
    ``block_reply_to`` the single blocking command may block: its client is
    registered (wake-only) on every leased shard that owns one of its keys."""
    keyspaces = {shard_id: shard.keyspace for shard_id, shard in leased.items()}
    view = ShardedKeyspace(keyspaces, router.shard_of_key)
    if not watches_hold(view, watches):
        return None
    ctx = ExecContext(view, view.databases[0], client)  # type: ignore[arg-type]
    ctx.database_count = len(view.databases)
    ctx.notify_classes = next(iter(leased.values())).context.notify_classes
    ctx.may_block = block_reply_to is not None
    first = next(iter(leased.values()))
    if first.tracking_clients:
        ctx.written = []  # CLIENT TRACKING: every shard counts the same clients

    def owner(key: bytes) -> Shard:
        return leased[router.shard_of_key(key)]

    replies: list[Any] = []
    notes_misses = first.keyspace.on_miss is not None
    for shard in leased.values():
        shard.lease_context = ctx
    try:
        for db_index, name, argv in commands:
            if notes_misses:
                running = (name, argv)
                for shard in leased.values():
                    shard.running = running
            if router.is_all_shards(name):
                plan = router.plan_all_shards(name, argv)
                per_shard = run_on_every_shard(leased, plan, db_index, name, client, ctx.propagated)
                replies.append(router.merge(name, argv, per_shard, [shard_id for shard_id, _ in plan]))
                continue
            ctx.db = view.databases[db_index]  # type: ignore[assignment]
            try:
                reply = HANDLERS[name](ctx, argv)
            except CommandError as error:
                reply = ErrorReply(error.message)
            except Exception:
                log.exception("bug while executing %r", argv[:8])
                reply = ErrorReply(INTERNAL_ERROR.format(name))
            if type(reply) is BlockOn and block_reply_to is not None:
                # One BlockedClient on every owning shard: whichever key turns ready
                # first wakes it (one shared claim), and the connection retries the
                # whole command atomically.
                blocked = BlockedClient(
                    name, argv, db_index, client, reply.keys, reply.timeout_reply,
                    block_reply_to.send_nowait, wake_only=True,
                )
                for shard_id in sorted({router.shard_of_key(key) for key in reply.keys}):
                    leased[shard_id].register_blocked(blocked)
                reply = Blocked(blocked, reply.timeout_ms)
            replies.append(reply)
            if client.tracking is not None:
                first.remember_reads(client.tracking, client.client_id, name, argv, owner)
    finally:
        for shard in leased.values():
            shard.lease_context = None
            shard.running = None
    view.settle()
    propagated = ctx.propagated
    if len(propagated) > 1:
        # As Redis 7.0 (propagatePendingCommands): more than one write from
        # one atomic unit reaches the AOF and replicas inside MULTI ... EXEC.
        propagated.insert(0, (propagated[0][0], [b"MULTI"]))
        propagated.append((propagated[-1][0], [b"EXEC"]))
    if ctx.written:
        # Each owning shard pops (and invalidates) the written keys of its table.
        by_shard: dict[int, list[bytes]] = {}
        for key in dict.fromkeys(ctx.written):
            by_shard.setdefault(router.shard_of_key(key), []).append(key)
        ctx.written.clear()
        for shard_id, keys in by_shard.items():
            leased[shard_id].invalidate(keys, client.client_id)
    for shard in leased.values():
        shard.after_writes(ctx if shard is first else None)
    return replies

