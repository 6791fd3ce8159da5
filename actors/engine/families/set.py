"""Set commands: SADD ... SSCAN, on :class:`~actors.engine.types.set.SetValue`.

Rules, all checked against redis-server 7.0:

* Reply orders: a set Redis would keep as an intset replies in ascending
  numeric order (SMEMBERS, SINTER, SUNION, SDIFF, SSCAN, SPOP/SRANDMEMBER of
  the whole set); any other order is unspecified, here Python's.
* RESP3: SMEMBERS, SINTER, SUNION, SDIFF and SPOP with a count reply with a
  set; SRANDMEMBER with a count with an array (it may repeat members).
* Empty sets are deleted. The *STORE commands build a fresh set (its encoding
  follows its members) that replaces the destination and its TTL; an empty
  result deletes the destination.
* Propagation: SPOP is recorded as the SREM of the members it popped (DEL when
  it popped the whole set, as Redis 7.0 does); everything else as sent, and
  only when it changed something.
* Reads count keyspace hits and misses; writes do not (Redis's
  ``lookupKeyWrite``).
"""

from __future__ import annotations

from typing import Any

from protocol import errors
from protocol.errors import CommandError
from protocol.resp.values import RespSet

from actors.engine.args import INT64_MAX, Args, parse_int
from actors.engine.context import ExecContext
from actors.engine.dispatch import command
from actors.engine.scan import parse_cursor, parse_scan_options, scan_step
from actors.engine.types.set import (
    SET_MAX_INTSET_ENTRIES,
    SetValue,
    random_members_distinct,
    random_members_repeating,
    reply_order,
)
from actors.engine.values import lookup_typed, note_access

# Redis 7.0 pops more than this share of a set by choosing the members to keep.
SPOP_MOVE_STRATEGY_MUL = 5
# SPOP with a count propagates its SREMs in batches of this many members.
SPOP_PROPAGATE_BATCH = 1024


def max_intset_entries(ctx: ExecContext) -> int:
    """``set-max-intset-entries``, as the owner passes it in ``ctx.extra``."""
    return int(ctx.extra.get("set-max-intset-entries", SET_MAX_INTSET_ENTRIES))


# -- single-set commands -------------------------------------------------------
@command("sadd")
def sadd(ctx: ExecContext, argv: list[bytes]) -> Any:
    key = argv[1]
    value = lookup_set_for_write(ctx, key)
    if value is None:
        value = SetValue()
        ctx.db.store(key, value)
    added = value.add_members(argv[2:], max_intset_entries(ctx))
    if added:
        ctx.touch(key)
        ctx.propagate(argv)
        ctx.notify("s", "sadd", key)
    return added


@command("srem")
def srem(ctx: ExecContext, argv: list[bytes]) -> Any:
    key = argv[1]
    value = lookup_set_for_write(ctx, key)
    if value is None:
        return 0
    removed = value.remove_members(argv[2:])
    if removed:
        ctx.touch(key)
        ctx.propagate(argv)
        ctx.notify("s", "srem", key)
        delete_if_empty(ctx, key, value)
    return removed


@command("sismember")
def sismember(ctx: ExecContext, argv: list[bytes]) -> Any:
    value = lookup_typed(ctx, argv[1], SetValue)
    return int(value is not None and argv[2] in value)


@command("smismember")
def smismember(ctx: ExecContext, argv: list[bytes]) -> Any:
    value = lookup_typed(ctx, argv[1], SetValue)
    if value is None:
        return [0] * (len(argv) - 2)
    return [int(member in value) for member in argv[2:]]


@command("smembers")
def smembers(ctx: ExecContext, argv: list[bytes]) -> Any:
    value = lookup_typed(ctx, argv[1], SetValue)
    return RespSet(value.ordered() if value is not None else [])


@command("scard")
def scard(ctx: ExecContext, argv: list[bytes]) -> Any:
    value = lookup_typed(ctx, argv[1], SetValue)
    return len(value) if value is not None else 0


@command("spop")
def spop(ctx: ExecContext, argv: list[bytes]) -> Any:
    key = argv[1]
    if len(argv) > 3:
        raise CommandError(errors.SYNTAX)
    if len(argv) == 3:
        count = parse_int(argv[2], errors.SPOP_COUNT_NOT_POSITIVE)
        if count < 0:
            raise CommandError(errors.SPOP_COUNT_NOT_POSITIVE)
        return spop_count_generic(ctx, key, count)
    value = lookup_set_for_write(ctx, key)
    if value is None:
        return None
    member = value.pop_random(1)[0]
    ctx.touch(key)
    ctx.propagate([b"SREM", key, member])
    ctx.notify("s", "spop", key)
    delete_if_empty(ctx, key, value)
    return member


def spop_count_generic(ctx: ExecContext, key: bytes, count: int) -> Any:
    value = lookup_set_for_write(ctx, key)
    if value is None or count == 0:
        return RespSet([])
    ctx.notify("s", "spop", key)
    ctx.touch(key)
    size = len(value)
    if count >= size:
        popped = reply_order(value, max_intset_entries(ctx))
        ctx.db.delete(key)
        ctx.notify("g", "del", key)
        ctx.propagate([b"DEL", key])
        return RespSet(popped)
    if (size - count) * SPOP_MOVE_STRATEGY_MUL > count:
        popped = value.pop_random(count)
    else:
        popped = value.keep_random(size - count, max_intset_entries(ctx))
    for start in range(0, len(popped), SPOP_PROPAGATE_BATCH):
        ctx.propagate([b"SREM", key, *popped[start : start + SPOP_PROPAGATE_BATCH]])
    return RespSet(popped)


@command("srandmember")
def srandmember(ctx: ExecContext, argv: list[bytes]) -> Any:
    if len(argv) > 3:
        raise CommandError(errors.SYNTAX)
    if len(argv) == 2:
        value = lookup_typed(ctx, argv[1], SetValue)
        return value.random_member() if value is not None else None
    count = parse_int(argv[2])
    if count < -INT64_MAX:
        raise CommandError(errors.SRANDMEMBER_COUNT_RANGE)
    value = lookup_typed(ctx, argv[1], SetValue)
    if value is None or count == 0:
        return []
    if count < 0:
        return random_members_repeating(value, -count)
    if count >= len(value):
        return value.ordered()
    return random_members_distinct(value, count)


@command("smove")
def smove(ctx: ExecContext, argv: list[bytes]) -> Any:
    source_key, destination_key, member = argv[1], argv[2], argv[3]
    source = ctx.db.lookup(source_key)
    destination = ctx.db.lookup(destination_key)
    if source is None:
        return 0
    if type(source) is not SetValue or (
        destination is not None and type(destination) is not SetValue
    ):
        raise CommandError(errors.WRONGTYPE)
    note_access(ctx, source_key)
    if source is destination:
        return int(member in source)
    if member not in source:
        return 0
    source.discard(member)
    ctx.notify("s", "srem", source_key)
    delete_if_empty(ctx, source_key, source)
    ctx.touch(source_key)
    ctx.propagate(argv)
    if destination is None:
        destination = SetValue()
        ctx.db.store(destination_key, destination)
    note_access(ctx, destination_key)
    if destination.add_members((member,), max_intset_entries(ctx)):
        ctx.touch(destination_key)
        ctx.notify("s", "sadd", destination_key)
    return 1


# -- algebra -------------------------------------------------------------------
@command("sinter")
def sinter(ctx: ExecContext, argv: list[bytes]) -> Any:
    result = sinter_generic(ctx, argv[1:])
    return RespSet(reply_order(result, max_intset_entries(ctx)))


@command("sintercard")
def sintercard(ctx: ExecContext, argv: list[bytes]) -> Any:
    numkeys = parse_int(argv[1], errors.SINTERCARD_NUMKEYS_NOT_POSITIVE)
    if numkeys < 1:
        raise CommandError(errors.SINTERCARD_NUMKEYS_NOT_POSITIVE)
    if numkeys > len(argv) - 2:
        raise CommandError(errors.SINTERCARD_TOO_MANY_KEYS)
    limit = 0
    args = Args(argv, 2 + numkeys)
    while args:
        option = args.next_keyword()
        if option == b"LIMIT" and args:
            limit = parse_int(args.next(), errors.SINTERCARD_LIMIT_NEGATIVE)
            if limit < 0:
                raise CommandError(errors.SINTERCARD_LIMIT_NEGATIVE)
        else:
            raise CommandError(errors.SYNTAX)
    return sinter_generic(ctx, argv[2 : 2 + numkeys], limit=limit, cardinality_only=True)


@command("sinterstore")
def sinterstore(ctx: ExecContext, argv: list[bytes]) -> Any:
    result = sinter_generic(ctx, argv[2:])
    return store_generic(ctx, argv, argv[1], result, "sinterstore")


@command("sunion")
def sunion(ctx: ExecContext, argv: list[bytes]) -> Any:
    result = sunion_generic(ctx, argv[1:])
    return RespSet(reply_order(result, max_intset_entries(ctx)))


@command("sunionstore")
def sunionstore(ctx: ExecContext, argv: list[bytes]) -> Any:
    result = sunion_generic(ctx, argv[2:])
    return store_generic(ctx, argv, argv[1], result, "sunionstore")


@command("sdiff")
def sdiff(ctx: ExecContext, argv: list[bytes]) -> Any:
    result = sdiff_generic(ctx, argv[1:])
    return RespSet(reply_order(result, max_intset_entries(ctx)))


@command("sdiffstore")
def sdiffstore(ctx: ExecContext, argv: list[bytes]) -> Any:
    result = sdiff_generic(ctx, argv[2:])
    return store_generic(ctx, argv, argv[1], result, "sdiffstore")


def sinter_generic(
    ctx: ExecContext, keys: list[bytes], *, limit: int = 0, cardinality_only: bool = False
) -> Any:
    """The intersection (or, with ``cardinality_only``, its size, counting at
    most ``limit`` when it is not 0). Every key is type-checked first."""
    sets = lookup_sets(ctx, keys)
    if any(value is None for value in sets):
        return 0 if cardinality_only else set()
    ordered = sorted(sets, key=len)
    smallest, others = ordered[0], ordered[1:]
    if not cardinality_only:
        return {member for member in smallest if all(member in other for other in others)}
    count = 0
    for member in smallest:
        if all(member in other for other in others):
            count += 1
            if count == limit:
                break
    return count


def sunion_generic(ctx: ExecContext, keys: list[bytes]) -> set[bytes]:
    result: set[bytes] = set()
    for value in lookup_sets(ctx, keys):
        if value is not None:
            result |= value
    return result


def sdiff_generic(ctx: ExecContext, keys: list[bytes]) -> set[bytes]:
    sets = lookup_sets(ctx, keys)
    if sets[0] is None:
        return set()
    result = set(sets[0])
    for value in sets[1:]:
        if value is not None:
            result -= value
    return result


def store_generic(
    ctx: ExecContext, argv: list[bytes], destination: bytes, result: set[bytes], event: str
) -> int:
    """Replace ``destination`` by ``result`` (dropping its TTL), or delete it
    when ``result`` is empty."""
    if result:
        ctx.db.store_new(destination, SetValue.from_members(result, max_intset_entries(ctx)))
        note_access(ctx, destination)
        ctx.touch(destination)
        ctx.propagate(argv)
        ctx.notify("s", event, destination)
    elif ctx.db.delete(destination):
        ctx.touch(destination)
        ctx.propagate(argv)
        ctx.notify("g", "del", destination)
    return len(result)


# -- SSCAN ---------------------------------------------------------------------
@command("sscan")
def sscan(ctx: ExecContext, argv: list[bytes]) -> Any:
    parse_cursor(argv[2])
    value = lookup_typed(ctx, argv[1], SetValue)
    if value is None:
        return [b"0", []]
    options = parse_scan_options(argv, 2, allow_type=False)
    if value.is_intset:
        # Redis returns a compact encoding whole, whatever the cursor says.
        cursor, batch = 0, value.ordered()
    else:
        cursor, batch = scan_step(ctx.keyspace.scan_snapshots, value.ordered, len(value), options)
    matches = options.matcher()
    members = [
        member
        for member in batch
        if member in value and (matches is None or matches(member))
    ]
    return [str(cursor).encode(), members]


# -- helpers -------------------------------------------------------------------
def lookup_set_for_write(ctx: ExecContext, key: bytes) -> SetValue | None:
    """The set at ``key`` for a write: WRONGTYPE for another type, no hit/miss
    counting."""
    value = ctx.db.lookup(key)
    if value is None:
        return None
    if type(value) is not SetValue:
        raise CommandError(errors.WRONGTYPE)
    note_access(ctx, key)
    return value


def lookup_sets(ctx: ExecContext, keys: list[bytes]) -> list[SetValue | None]:
    """Every key's set (None when missing); WRONGTYPE if any holds another type."""
    return [lookup_typed(ctx, key, SetValue) for key in keys]


def delete_if_empty(ctx: ExecContext, key: bytes, value: SetValue) -> None:
    if not value:
        ctx.db.delete(key)
        ctx.notify("g", "del", key)

