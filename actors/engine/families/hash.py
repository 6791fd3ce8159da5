"""Hash commands, with Redis 7.4's per-field expiry (HEXPIRE and friends).

Every handler reaches a hash through :func:`lookup_hash`, which also expires
due fields lazily (propagating HDEL and emitting ``hexpired``, then ``del``
when the hash is left empty), so no reply ever shows an expired field; the
active expiry cycle does the same for hashes nobody reads (see
:class:`~actors.engine.types.hash.FieldExpiryIndex`). A hash with field TTLs
is (re)registered in its database's index whenever it is reached, which
also picks up a hash that RENAME or COPY moved to a new key.

Writes follow Redis 7.0 for the encoding report: a hash turns "hashtable"
past 512 entries or with a field or value over 64 bytes, and stays so.
HSET drops a field's TTL; HINCRBY and HINCRBYFLOAT keep it.
"""

from __future__ import annotations

from typing import Any

import attrs

from protocol import errors
from protocol.errors import CommandError
from protocol.resp.values import OK

from actors.engine.args import INT64_MAX, INT64_MIN, parse_int
from actors.engine.context import ExecContext
from actors.engine.dispatch import command
from actors.engine.glob import compile_glob
from actors.engine.keyspace import Database
from actors.engine.longdouble import add_long_doubles, format_long_double, parse_long_double
from actors.engine.scan import parse_cursor, parse_scan_options, scan_step
from actors.engine.types.hash import FieldExpiryIndex, Hash
from actors.engine.values import lookup_typed, note_access
from actors.engine.view import ShardedDatabase

LONG_MAX = INT64_MAX
# Redis 7.4 keeps field expiry times in 48 bits and accepts a quarter of that range.
FIELD_EXPIRE_MAX_MS = ((1 << 48) - 1) >> 2
_CONDITIONS = (b"NX", b"XX", b"GT", b"LT")
_NO_FIELD, _CONDITION_NOT_MET, _SET, _DELETED = -2, 0, 1, 2
_NO_TTL, _PERSISTED = -1, 1


# -- reaching a hash -----------------------------------------------------------
def lookup_hash(ctx: ExecContext, key: bytes) -> Hash | None:
    """The live hash at ``key`` (None if missing), due fields expired first;
    WRONGTYPE for another type. Other families (SORT's ``*->field``) use this
    too, so they never see an expired field."""
    value = lookup_typed(ctx, key, Hash)
    if value is None or value.meta is None or not value.meta.expires:
        return value
    due = value.next_field_expire()
    if due is not None and due <= ctx.now_ms:
        expire_due_fields(ctx, key, value)
        if not value:
            return None
    following = value.next_field_expire()
    if following is not None:
        field_index(ctx.db, key).register(key, following)
    return value


def expire_due_fields(ctx: ExecContext, key: bytes, value: Hash) -> None:
    fields = value.expire_fields(ctx.now_ms)
    if not fields:
        return
    ctx.propagate([b"HDEL", key, *fields])
    ctx.notify("h", "hexpired", key)
    if not value:
        ctx.db.delete(key)
        ctx.notify("g", "del", key)
    ctx.touch(key)


def field_index(db: Database | ShardedDatabase, key: bytes) -> FieldExpiryIndex:
    owner = db.owner(key) if type(db) is ShardedDatabase else db
    return owner.field_expiry  # type: ignore[union-attr]


def _hash_for_write(ctx: ExecContext, key: bytes) -> Hash:
    value = lookup_hash(ctx, key)
    if value is None:
        value = Hash()
        ctx.db.store(key, value)
        note_access(ctx, key)
    return value


def _written(ctx: ExecContext, key: bytes, argv: list[bytes], event: str) -> None:
    ctx.touch(key)
    ctx.propagate(argv)
    ctx.notify("h", event, key)


def _delete_if_empty(ctx: ExecContext, key: bytes, value: Hash) -> bool:
    if value:
        return False
    ctx.db.delete(key)
    ctx.notify("g", "del", key)
    return True


# -- setting and reading fields ----------------------------------------------------
@command("hset", "hmset")
def hset(ctx: ExecContext, argv: list[bytes]) -> Any:
    if len(argv) % 2:
        raise CommandError(errors.wrong_arity(argv[0].decode("utf-8", "replace")))
    key = argv[1]
    value = _hash_for_write(ctx, key)
    created = 0
    for index in range(2, len(argv), 2):
        created += value.set_field(argv[index], argv[index + 1])
    value.note_sizes(max(map(len, argv[2:])))
    _written(ctx, key, argv, "hset")
    return OK if argv[0].lower() == b"hmset" else created


@command("hsetnx")
def hsetnx(ctx: ExecContext, argv: list[bytes]) -> Any:
    key, field, new = argv[1], argv[2], argv[3]
    value = _hash_for_write(ctx, key)
    if field in value:
        return 0
    value.set_field(field, new)
    value.note_sizes(max(len(field), len(new)))
    _written(ctx, key, argv, "hset")
    return 1


@command("hget")
def hget(ctx: ExecContext, argv: list[bytes]) -> Any:
    value = lookup_hash(ctx, argv[1])
    return None if value is None else value.get(argv[2])


@command("hmget")
def hmget(ctx: ExecContext, argv: list[bytes]) -> Any:
    value = lookup_hash(ctx, argv[1])
    if value is None:
        return [None] * (len(argv) - 2)
    return [value.get(field) for field in argv[2:]]


@command("hgetall")
def hgetall(ctx: ExecContext, argv: list[bytes]) -> Any:
    value = lookup_hash(ctx, argv[1])
    return {} if value is None else dict(value)


@command("hkeys")
def hkeys(ctx: ExecContext, argv: list[bytes]) -> Any:
    value = lookup_hash(ctx, argv[1])
    return [] if value is None else list(value)


@command("hvals")
def hvals(ctx: ExecContext, argv: list[bytes]) -> Any:
    value = lookup_hash(ctx, argv[1])
    return [] if value is None else list(value.values())


@command("hlen")
def hlen(ctx: ExecContext, argv: list[bytes]) -> Any:
    value = lookup_hash(ctx, argv[1])
    return 0 if value is None else len(value)


@command("hexists")
def hexists(ctx: ExecContext, argv: list[bytes]) -> Any:
    value = lookup_hash(ctx, argv[1])
    return int(value is not None and argv[2] in value)


@command("hstrlen")
def hstrlen(ctx: ExecContext, argv: list[bytes]) -> Any:
    value = lookup_hash(ctx, argv[1])
    field_value = None if value is None else value.get(argv[2])
    return 0 if field_value is None else len(field_value)


@command("hdel")
def hdel(ctx: ExecContext, argv: list[bytes]) -> Any:
    key = argv[1]
    value = lookup_hash(ctx, key)
    if value is None:
        return 0
    deleted = sum(value.delete_field(field) for field in argv[2:])
    if deleted:
        _written(ctx, key, argv, "hdel")
        _delete_if_empty(ctx, key, value)
    return deleted


# -- counters ----------------------------------------------------------------------
@command("hincrby")
def hincrby(ctx: ExecContext, argv: list[bytes]) -> Any:
    key, field = argv[1], argv[2]
    increment = parse_int(argv[3])
    value = _hash_for_write(ctx, key)
    current_raw = value.get(field)
    current = 0 if current_raw is None else parse_int(current_raw, errors.HASH_NOT_INTEGER)
    result = current + increment
    if result > INT64_MAX or result < INT64_MIN:
        raise CommandError(errors.INCR_OVERFLOW)
    new = str(result).encode()
    value[field] = new  # keeps the field's TTL
    value.note_sizes(max(len(field), len(new)))
    _written(ctx, key, argv, "hincrby")
    return result


@command("hincrbyfloat")
def hincrbyfloat(ctx: ExecContext, argv: list[bytes]) -> Any:
    key, field = argv[1], argv[2]
    increment = parse_long_double(argv[3])
    if increment is None:
        raise CommandError(errors.VALUE_NAN_OR_INFINITY)
    value = _hash_for_write(ctx, key)
    current_raw = value.get(field)
    current = _stored_long_double(current_raw) if current_raw is not None else 0
    if current is None:
        raise CommandError(errors.INCR_NAN_OR_INF)
    new = format_long_double(add_long_doubles(current, increment))  # type: ignore[arg-type]
    value[field] = new  # keeps the field's TTL
    value.note_sizes(max(len(field), len(new)))
    ctx.touch(key)
    # Redis propagates the result as HSET, which would drop a TTL on a replica.
    ctx.propagate([b"HSET", key, field, new])
    expire_at = value.field_expire(field)
    if expire_at is not None:
        ctx.propagate([b"HPEXPIREAT", key, str(expire_at).encode(), b"FIELDS", b"1", field])
    ctx.notify("h", "hincrbyfloat", key)
    return new


def _stored_long_double(raw: bytes) -> Any:
    try:
        return parse_long_double(raw)
    except CommandError:
        raise CommandError(errors.HASH_NOT_FLOAT) from None


# -- random fields and scanning --------------------------------------------------------
@command("hrandfield")
def hrandfield(ctx: ExecContext, argv: list[bytes]) -> Any:
    if len(argv) == 2:
        value = lookup_hash(ctx, argv[1])
        return None if value is None else value.random_field()
    count = parse_int(argv[2])
    if count == INT64_MIN:
        raise CommandError(errors.HRANDFIELD_COUNT_RANGE)
    if len(argv) > 4 or (len(argv) == 4 and argv[3].lower() != b"withvalues"):
        raise CommandError(errors.SYNTAX)
    with_values = len(argv) == 4
    if with_values and not -(LONG_MAX // 2) <= count <= LONG_MAX // 2:
        raise CommandError(errors.VALUE_OUT_OF_RANGE)
    value = lookup_hash(ctx, argv[1])
    if value is None or count == 0:
        return []
    if count < 0:
        fields = value.random_fields_with_repeats(-count)
    elif count >= len(value):
        fields = list(value)
    else:
        fields = value.random_fields(count)
    if not with_values:
        return fields
    if ctx.resp3:
        return [[field, value[field]] for field in fields]
    flat: list[bytes] = []
    for field in fields:
        flat.append(field)
        flat.append(value[field])
    return flat


@command("hscan")
def hscan(ctx: ExecContext, argv: list[bytes]) -> Any:
    parse_cursor(argv[2])
    value = lookup_hash(ctx, argv[1])
    if value is None:
        return [b"0", []]
    options = parse_scan_options(argv, 2, allow_type=False)
    if value.encoding() != b"hashtable":
        # a listpack is always returned whole, whatever COUNT says
        options = attrs.evolve(options, count=max(options.count, len(value)))
    cursor, batch = scan_step(ctx.keyspace.scan_snapshots, lambda: list(value), len(value), options)
    matches = compile_glob(options.pattern) if options.pattern is not None else None
    reply: list[bytes] = []
    for field in batch:
        field_value = value.get(field)
        if field_value is not None and (matches is None or matches(field)):
            reply.append(field)
            reply.append(field_value)
    return [str(cursor).encode(), reply]


# -- field expiry (Redis 7.4) ------------------------------------------------------------
@command("hexpire")
def hexpire(ctx: ExecContext, argv: list[bytes]) -> Any:
    return hexpire_generic(ctx, argv, ctx.now_ms, 1000)


@command("hpexpire")
def hpexpire(ctx: ExecContext, argv: list[bytes]) -> Any:
    return hexpire_generic(ctx, argv, ctx.now_ms, 1)


@command("hexpireat")
def hexpireat(ctx: ExecContext, argv: list[bytes]) -> Any:
    return hexpire_generic(ctx, argv, 0, 1000)


@command("hpexpireat")
def hpexpireat(ctx: ExecContext, argv: list[bytes]) -> Any:
    return hexpire_generic(ctx, argv, 0, 1)


def hexpire_generic(ctx: ExecContext, argv: list[bytes], base_ms: int, unit_ms: int) -> Any:
    """Checks in Redis 7.4's order: type, time, condition, FIELDS, count."""
    key = argv[1]
    name = argv[0].decode("utf-8", "replace")
    value = lookup_hash(ctx, key)
    when = parse_int(argv[2])
    if when < 0:
        raise CommandError(errors.HASH_EXPIRE_NEGATIVE)
    if when > FIELD_EXPIRE_MAX_MS // unit_ms:
        raise CommandError(errors.invalid_expire(name))
    when *= unit_ms
    if when > FIELD_EXPIRE_MAX_MS - base_ms:
        raise CommandError(errors.invalid_expire(name))
    expire_at = when + base_ms
    condition = argv[3].upper()
    fields_at = 4
    if condition in _CONDITIONS:
        fields_at = 5
    else:
        condition = b""
    fields = _parse_fields(argv, fields_at, errors.HASH_NUMFIELDS_POSITIVE)
    if value is None:
        return [_NO_FIELD] * len(fields)
    now = ctx.now_ms
    replies: list[int] = []
    updated: list[bytes] = []
    deleted: list[bytes] = []
    for field in fields:
        reply = _field_expire_outcome(value, field, expire_at, condition, now)
        if reply == _SET:
            value.set_field_expire(field, expire_at)
            updated.append(field)
        elif reply == _DELETED:
            value.delete_field(field)
            deleted.append(field)
        replies.append(reply)
    if not updated and not deleted:
        return replies
    ctx.touch(key)
    if deleted:
        ctx.propagate([b"HDEL", key, *deleted])
    if updated:
        count = str(len(updated)).encode()
        ctx.propagate([b"HPEXPIREAT", key, str(expire_at).encode(), b"FIELDS", count, *updated])
        field_index(ctx.db, key).register(key, expire_at)
    ctx.notify("h", "hdel" if deleted else "hexpire", key)
    _delete_if_empty(ctx, key, value)
    return replies


def _field_expire_outcome(
    value: Hash, field: bytes, expire_at: int, condition: bytes, now: int
) -> int:
    """A field without a TTL counts as never expiring for GT and LT."""
    if field not in value:
        return _NO_FIELD
    current = value.field_expire(field)
    if current is None:
        if condition in (b"XX", b"GT"):
            return _CONDITION_NOT_MET
    elif (
        condition == b"NX"
        or (condition == b"GT" and current >= expire_at)
        or (condition == b"LT" and current <= expire_at)
    ):
        return _CONDITION_NOT_MET
    return _DELETED if expire_at <= now else _SET


def _parse_fields(argv: list[bytes], fields_at: int, count_error: str) -> list[bytes]:
    """``FIELDS numfields field ...`` starting at ``argv[fields_at - 1]``."""
    if argv[fields_at - 1].upper() != b"FIELDS":
        raise CommandError(errors.HASH_FIELDS_KEYWORD)
    count = parse_int(argv[fields_at], count_error) if fields_at < len(argv) else 0
    if count < 1:
        raise CommandError(count_error)
    if count != len(argv) - fields_at - 1:
        raise CommandError(errors.HASH_NUMFIELDS_MISMATCH)
    return argv[fields_at + 1 :]


@command("httl")
def httl(ctx: ExecContext, argv: list[bytes]) -> Any:
    return httl_generic(ctx, argv, lambda at, now: (at + 999 - now) // 1000)


@command("hpttl")
def hpttl(ctx: ExecContext, argv: list[bytes]) -> Any:
    return httl_generic(ctx, argv, lambda at, now: at - now)


@command("hexpiretime")
def hexpiretime(ctx: ExecContext, argv: list[bytes]) -> Any:
    # Redis rounds up here too: (expire + 999) / 1000.
    return httl_generic(ctx, argv, lambda at, now: (at + 999) // 1000)


@command("hpexpiretime")
def hpexpiretime(ctx: ExecContext, argv: list[bytes]) -> Any:
    return httl_generic(ctx, argv, lambda at, now: at)


def httl_generic(ctx: ExecContext, argv: list[bytes], report: Any) -> Any:
    value = lookup_hash(ctx, argv[1])
    fields = _parse_fields(argv, 3, errors.HASH_NUMFIELDS_POSITIVE_INTEGER)
    replies: list[int] = []
    for field in fields:
        if value is None or field not in value:
            replies.append(_NO_FIELD)
            continue
        expire_at = value.field_expire(field)
        replies.append(_NO_TTL if expire_at is None else report(expire_at, ctx.now_ms))
    return replies


@command("hpersist")
def hpersist(ctx: ExecContext, argv: list[bytes]) -> Any:
    key = argv[1]
    value = lookup_hash(ctx, key)
    fields = _parse_fields(argv, 3, errors.HASH_NUMFIELDS_POSITIVE_INTEGER)
    replies: list[int] = []
    for field in fields:
        if value is None or field not in value:
            replies.append(_NO_FIELD)
        else:
            replies.append(_PERSISTED if value.persist_field(field) else _NO_TTL)
    if _PERSISTED in replies:
        _written(ctx, key, argv, "hpersist")
    return replies
