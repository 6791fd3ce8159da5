"""Generic key commands: DEL, EXISTS, TYPE, TOUCH, RENAME, COPY, MOVE, OBJECT.

Commands whose keys may live on several shards (DEL, EXISTS, RENAME, COPY ...)
run here unchanged: the coordinator hands them a context whose ``db`` spans
the leased shards.

Access times follow Redis's lookups: TOUCH, RENAME, COPY and MOVE access
their keys; EXISTS, TYPE and OBJECT look without touching. OBJECT FREQ always
answers that no LFU policy is selected: the engine keeps no LFU counters, so
the LFU maxmemory policies are not supported.
"""

from __future__ import annotations

from typing import Any

from protocol import errors
from protocol.errors import CommandError
from protocol.resp.values import OK, SimpleString

from actors.engine.args import Args, parse_int
from actors.engine.context import ExecContext
from actors.engine.dispatch import command
from actors.engine.values import (
    copy_value,
    forget_access,
    idle_seconds,
    note_access,
    object_encoding,
    type_name,
)

SHARED_INTEGER_REFCOUNT = 2147483647
SHARED_INTEGERS = 10000


@command("del", "unlink")
def delete(ctx: ExecContext, argv: list[bytes]) -> Any:
    deleted = 0
    for key in argv[1:]:
        if ctx.db.lookup(key) is not None and ctx.db.delete(key):
            deleted += 1
            forget_access(ctx.db, key)
            ctx.touch(key)
            ctx.propagate([argv[0], key])
            ctx.notify("g", "del", key)
    return deleted


@command("exists")
def exists(ctx: ExecContext, argv: list[bytes]) -> Any:
    lookup = ctx.db.lookup
    return sum(1 for key in argv[1:] if lookup(key) is not None)


@command("touch")
def touch(ctx: ExecContext, argv: list[bytes]) -> Any:
    touched = 0
    for key in argv[1:]:
        if ctx.db.lookup(key) is not None:
            note_access(ctx, key)
            touched += 1
    return touched


@command("type")
def type_(ctx: ExecContext, argv: list[bytes]) -> Any:
    value = ctx.db.lookup(argv[1])
    return SimpleString(b"none" if value is None else type_name(value))


@command("rename")
def rename(ctx: ExecContext, argv: list[bytes]) -> Any:
    rename_generic(ctx, argv[1], argv[2], only_if_new=False)
    return OK


@command("renamenx")
def renamenx(ctx: ExecContext, argv: list[bytes]) -> Any:
    return rename_generic(ctx, argv[1], argv[2], only_if_new=True)


def rename_generic(ctx: ExecContext, source: bytes, target: bytes, only_if_new: bool) -> int:
    db = ctx.db
    value = db.lookup(source)
    if value is None:
        raise CommandError(errors.NO_SUCH_KEY)
    if source == target:
        return 0 if only_if_new else 1
    if db.lookup(target) is not None:
        if only_if_new:
            return 0
        db.delete(target)
    expire_at = db.get_expire(source)
    db.delete(source)
    forget_access(db, source)
    db.store_new(target, value)
    note_access(ctx, target)
    if expire_at is not None:
        db.set_expire(target, expire_at)
    ctx.touch(source)
    ctx.touch(target)
    ctx.propagate([b"RENAME", source, target])
    ctx.notify("g", "rename_from", source)
    ctx.notify("g", "rename_to", target)
    return 1


@command("copy")
def copy(ctx: ExecContext, argv: list[bytes]) -> Any:
    source, target = argv[1], argv[2]
    target_db = ctx.db
    replace = False
    args = Args(argv, 3)
    while args:
        option = args.next_keyword()
        if option == b"REPLACE":
            replace = True
        elif option == b"DB" and args:
            index = parse_int(args.next())
            if index < 0 or index >= ctx.database_count:
                raise CommandError(errors.DB_INDEX_OUT_OF_RANGE)
            target_db = ctx.keyspace.db(index)
        else:
            raise CommandError(errors.SYNTAX)
    if source == target and target_db.index == ctx.db.index:
        raise CommandError(errors.SAME_OBJECT)
    value = ctx.db.lookup(source)
    if value is None:
        return 0
    if target_db.lookup(target) is not None:
        if not replace:
            return 0
        target_db.delete(target)
    target_db.store_new(target, copy_value(value))
    note_access(ctx, source)
    note_access(ctx, target, target_db)
    expire_at = ctx.db.get_expire(source)
    if expire_at is not None:
        target_db.set_expire(target, expire_at)
    target_db.touch(target)
    ctx.propagate(list(argv))
    ctx.notify("g", "copy_to", target)
    return 1


@command("move")
def move(ctx: ExecContext, argv: list[bytes]) -> Any:
    key = argv[1]
    index = parse_int(argv[2])
    if index < 0 or index >= ctx.database_count:
        raise CommandError(errors.DB_INDEX_OUT_OF_RANGE)
    if index == ctx.db.index:
        raise CommandError(errors.SAME_OBJECT)
    value = ctx.db.lookup(key)
    if value is None:
        return 0
    target_db = ctx.keyspace.db(index)
    if target_db.lookup(key) is not None:
        return 0
    expire_at = ctx.db.get_expire(key)
    ctx.db.delete(key)
    forget_access(ctx.db, key)
    target_db.store_new(key, value)
    note_access(ctx, key, target_db)
    if expire_at is not None:
        target_db.set_expire(key, expire_at)
    ctx.touch(key)
    target_db.touch(key)
    ctx.propagate(list(argv))
    ctx.notify("g", "move_from", key)
    if ctx.notify_classes:
        ctx.events.append(("g", b"move_to", target_db.index, key))
    return 1


@command("object|encoding")
def object_encoding_(ctx: ExecContext, argv: list[bytes]) -> Any:
    value = ctx.db.lookup(argv[2])
    return None if value is None else object_encoding(value)


@command("object|refcount")
def object_refcount(ctx: ExecContext, argv: list[bytes]) -> Any:
    value = ctx.db.lookup(argv[2])
    if value is None:
        return None
    if object_encoding(value) == b"int" and 0 <= int(value) < SHARED_INTEGERS:
        return SHARED_INTEGER_REFCOUNT
    return 1


@command("object|idletime")
def object_idletime(ctx: ExecContext, argv: list[bytes]) -> Any:
    key = argv[2]
    if ctx.db.lookup(key) is None:
        return None
    return idle_seconds(ctx, key)


@command("object|freq")
def object_freq(ctx: ExecContext, argv: list[bytes]) -> Any:
    if ctx.db.lookup(argv[2]) is None:
        return None
    raise CommandError(errors.OBJECT_FREQ_NOT_LFU)


OBJECT_HELP_LINES = (
    "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
    "HELP",
    "    Prints this help.",
)


@command("object|help")
def object_help(ctx: ExecContext, argv: list[bytes]) -> Any:
    return [SimpleString(line.encode()) for line in OBJECT_HELP_LINES]
