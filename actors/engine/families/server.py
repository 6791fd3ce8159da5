"""Keyless keyspace commands, the shard-local half: DBSIZE, FLUSHDB, FLUSHALL,
KEYS, SCAN, RANDOMKEY, SWAPDB.

Each runs on every shard (scope ALL_SHARDS); the router merges the replies
by the spec's response policy. SCAN here takes and returns a shard-local
cursor; the router folds the shard id into the cursor the client sees.

SCAN's shard-local cursor: Python dicts offer no stable position that
survives inserts and deletes, so cursor 0 takes a snapshot of the key list
(one pointer per key) and later cursors are ``position << 16 | scan id``.
Every key present for the whole scan is in the snapshot, so Redis's
guarantee holds. At most ``MAX_SCANS`` snapshots are kept per database; an
evicted scan restarts its snapshot at the same position.
"""

from __future__ import annotations

from typing import Any

from protocol import errors
from protocol.errors import CommandError
from protocol.resp.values import OK

from actors.engine.args import Args, parse_int
from actors.engine.context import ExecContext
from actors.engine.dispatch import command
from actors.engine.glob import compile_glob
from actors.engine.scan import parse_cursor
from actors.engine.values import clear_access, swap_access, type_name

MAX_SCANS = 256
SCAN_ID_BITS = 16
SCAN_ID_MASK = (1 << SCAN_ID_BITS) - 1


@command("dbsize")
def dbsize(ctx: ExecContext, argv: list[bytes]) -> Any:
    return ctx.db.size()


def parse_flush_mode(argv: list[bytes]) -> None:
    if len(argv) > 2 or (len(argv) == 2 and argv[1].upper() not in (b"ASYNC", b"SYNC")):
        raise CommandError(errors.SYNTAX)


@command("flushdb")
def flushdb(ctx: ExecContext, argv: list[bytes]) -> Any:
    parse_flush_mode(argv)
    ctx.db.clear()
    clear_access(ctx.db)
    ctx.propagate([b"FLUSHDB"])
    return OK


@command("flushall")
def flushall(ctx: ExecContext, argv: list[bytes]) -> Any:
    parse_flush_mode(argv)
    for db in ctx.keyspace.databases:
        db.clear()
        clear_access(db)
    ctx.propagate([b"FLUSHALL"])
    return OK


@command("swapdb")
def swapdb(ctx: ExecContext, argv: list[bytes]) -> Any:
    first = parse_int(argv[1], errors.INVALID_FIRST_DB)
    second = parse_int(argv[2], errors.INVALID_SECOND_DB)
    count = ctx.database_count
    if not (0 <= first < count and 0 <= second < count):
        raise CommandError(errors.DB_INDEX_OUT_OF_RANGE)
    if first != second:
        ctx.keyspace.swap(first, second)
        swap_access(ctx.keyspace.databases[first], ctx.keyspace.databases[second])
    ctx.propagate(list(argv))
    return OK


@command("keys")
def keys(ctx: ExecContext, argv: list[bytes]) -> Any:
    matches = compile_glob(argv[1])
    return [key for key in ctx.db.keys() if matches(key)]


@command("randomkey")
def randomkey(ctx: ExecContext, argv: list[bytes]) -> Any:
    return ctx.db.random_key()


@command("scan")
def scan(ctx: ExecContext, argv: list[bytes]) -> Any:
    """``SCAN local-cursor [MATCH p] [COUNT n] [TYPE t]`` on this shard."""
    cursor = parse_cursor(argv[1])
    count = 10
    pattern = type_filter = None
    args = Args(argv, 2)
    while args:
        option = args.next_keyword()
        if option == b"MATCH" and args:
            pattern = args.next()
        elif option == b"COUNT" and args:
            count = parse_int(args.next())
            if count < 1:
                raise CommandError(errors.SYNTAX)
        elif option == b"TYPE" and args:
            type_filter = args.next().lower()
        else:
            raise CommandError(errors.SYNTAX)
    db = ctx.db
    position, scan_id = cursor >> SCAN_ID_BITS, cursor & SCAN_ID_MASK
    snapshot = db.scans.get(scan_id) if cursor else None
    if snapshot is None:
        snapshot = list(db.data)
        scan_id = db.next_scan_id
        db.next_scan_id = db.next_scan_id % SCAN_ID_MASK + 1
        db.scans.pop(scan_id, None)
        db.scans[scan_id] = snapshot
        while len(db.scans) > MAX_SCANS:
            del db.scans[next(iter(db.scans))]
    matches = compile_glob(pattern) if pattern is not None else None
    found = []
    end = min(position + count, len(snapshot))
    for key in snapshot[position:end]:
        if not db.is_alive(key):
            continue
        if matches is not None and not matches(key):
            continue
        if type_filter is not None and type_name(db.data[key]) != type_filter:
            continue
        found.append(key)
    if end >= len(snapshot):
        db.scans.pop(scan_id, None)
        return [0, found]
    return [end << SCAN_ID_BITS | scan_id, found]
