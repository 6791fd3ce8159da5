"""Keyless keyspace commands, the shard-local half: DBSIZE, FLUSHDB, FLUSHALL,
KEYS, SCAN, RANDOMKEY, SWAPDB.

Each runs on every shard (scope ALL_SHARDS); the router merges the replies
by the spec's response policy. SCAN here takes and returns a shard-local
cursor; the router folds the shard id into the cursor the client sees.

SCAN's shard-local cursor comes from ``engine/scan.py`` like HSCAN's: cursor
0 takes a snapshot of the key list (one pointer per key) and later cursors
name the snapshot and the position in it. Unlike a compact hash, the main
dictionary is never returned whole on a later cursor: a client mid-scan
keeps walking its snapshot.
"""

from __future__ import annotations

from typing import Any

from protocol import errors
from protocol.errors import CommandError
from protocol.resp.values import OK

from actors.engine.args import parse_int
from actors.engine.context import ExecContext
from actors.engine.dispatch import command
from actors.engine.glob import compile_glob
from actors.engine.scan import parse_scan_options, scan_step
from actors.engine.values import clear_access, swap_access, type_name


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
    options = parse_scan_options(argv, 1, allow_type=True)
    db = ctx.db
    cursor, batch = scan_step(
        ctx.keyspace.scan_snapshots, lambda: list(db.data), len(db.data), options, whole_when_small=False
    )
    matches = options.matcher()
    wanted_type = options.type_name
    found = []
    for key in batch:
        if not db.is_alive(key):
            continue
        if matches is not None and not matches(key):
            continue
        if wanted_type is not None and type_name(db.data[key]) != wanted_type:
            continue
        found.append(key)
    return [cursor, found]
