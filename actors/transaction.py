"""The coordinator: atomic work over several shards by ownership (DESIGN §5).

``run_leased`` asks each needed shard for its keyspace with a Lease message,
in ascending shard id so two coordinators can never wait on each other, then
runs the commands synchronously against a :class:`ShardedKeyspace` view (or
each shard's own keyspace for an ALL_SHARDS command, merged by the router),
and gives every lease back in ``finally`` — also when cancelled half-way, so
no shard is left parked.

It runs inside the connection task that needs it: a coordinator is a role,
not a separate task (one hop fewer on the reply path).
"""

from __future__ import annotations

import logging
from typing import Any

import trio

from protocol.errors import CommandError
from protocol.resp.values import ErrorReply

from actors.engine.context import ClientState, ExecContext
from actors.engine.dispatch import HANDLERS
from actors.engine.view import ShardedKeyspace
from actors.messages import Lease, WatchedKey
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
        return execute_atomically(leased, router, commands, watches, client)
    finally:
        for lease in leases:
            lease.released.set()


def execute_atomically(
    leased: dict[int, Shard],
    router: Any,
    commands: list[tuple[int, str, list[bytes]]],
    watches: list[WatchedKey],
    client: ClientState,
) -> list[Any] | None:
    """Synchronous: the caller owns every shard in ``leased``."""
    keyspaces = {shard_id: shard.keyspace for shard_id, shard in leased.items()}
    view = ShardedKeyspace(keyspaces, router.shard_of_key)
    if not watches_hold(view, watches):
        return None
    ctx = ExecContext(view, view.databases[0], client)  # type: ignore[arg-type]
    ctx.database_count = len(view.databases)
    replies = []
    for db_index, name, argv in commands:
        if router.is_all_shards(name):
            per_shard = [
                shard.run_batch([(db_index, name, argv)], client)[0] for shard in leased.values()
            ]
            replies.append(router.merge(name, argv, per_shard))
            continue
        ctx.db = view.databases[db_index]  # type: ignore[assignment]
        try:
            replies.append(HANDLERS[name](ctx, argv))
        except CommandError as error:
            replies.append(ErrorReply(error.message))
        except Exception:
            log.exception("bug while executing %r", argv[:8])
            replies.append(ErrorReply(INTERNAL_ERROR.format(name)))
    view.settle()
    first = next(iter(leased.values()))
    first.flush_effects(ctx)
    return replies
