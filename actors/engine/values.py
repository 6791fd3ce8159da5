"""Type names, typed lookups and per-key access times shared by every family.

A value's Redis type is decided by its Python type: ``bytes``/``bytearray``
are strings; every other type in ``engine/types`` declares ``redis_type`` and
``copy()``.

Access times (OBJECT IDLETIME): Redis stamps each object with an LRU clock
reading (1 s resolution) whenever a command reads or writes its key, except
for "no touch" lookups (TYPE, EXISTS, TTL, OBJECT). Values here are plain
``bytes`` with no room for a stamp, so each database keeps a side dict, key ->
unix second of the last access, holding only keys that were accessed through
:func:`lookup_string`, :func:`lookup_typed` or :func:`note_access`. A miss
drops the key's stale stamp; a key with no stamp counts as never idle. The
dict is found by the owning :class:`Database` (a weak mapping, so a dropped
keyspace takes its stamps with it) because ``Database`` has no slot for it.
"""

from __future__ import annotations

from typing import Any

from protocol import errors
from protocol.errors import CommandError

from actors.engine.args import is_int64
from actors.engine.context import ExecContext
from actors.engine.keyspace import Database
from actors.engine.view import ShardedDatabase


def type_name(value: Any) -> bytes:
    if type(value) is bytes or type(value) is bytearray:
        return b"string"
    return value.redis_type


def lookup_string(ctx: ExecContext, key: bytes) -> bytes | bytearray | None:
    value = ctx.db.lookup(key)
    if value is None:
        ctx.miss()
        forget_access(ctx.db, key)
        return None
    if type(value) is not bytes and type(value) is not bytearray:
        raise CommandError(errors.WRONGTYPE)
    ctx.hit()
    note_access(ctx, key)
    return value


def lookup_typed(ctx: ExecContext, key: bytes, cls: type) -> Any:
    """The value at ``key`` if it is a ``cls``; None if missing; WRONGTYPE otherwise."""
    value = ctx.db.lookup(key)
    if value is None:
        ctx.miss()
        forget_access(ctx.db, key)
        return None
    if type(value) is not cls:
        raise CommandError(errors.WRONGTYPE)
    ctx.hit()
    note_access(ctx, key)
    return value


def copy_value(value: Any) -> Any:
    if type(value) is bytes:
        return value
    if type(value) is bytearray:
        return bytearray(value)
    return value.copy()


def object_encoding(value: Any) -> bytes:
    if type(value) is bytes:
        if is_int64(value):
            return b"int"
        return b"embstr" if len(value) <= 44 else b"raw"
    if type(value) is bytearray:
        return b"raw"
    return value.encoding()


# -- access times (OBJECT IDLETIME) ------------------------------------------
def access_seconds(db: Database | ShardedDatabase, key: bytes) -> dict[bytes, int]:
    """The access-time dict of the database that owns ``key``."""
    return db.access if type(db) is Database else db.owner(key).access  # type: ignore[union-attr]


def note_access(ctx: ExecContext, key: bytes, db: Database | None = None) -> None:
    """A command read or wrote ``key`` (in ``db``, default the command's)."""
    target = db if db is not None else ctx.db
    owner = target if type(target) is Database else target.owner(key)  # type: ignore[union-attr]
    owner.access[key] = access_second(ctx.keyspace)


_SECOND_CACHE: list[int] = [-1]


def access_second(keyspace: Any) -> int:
    """The current unix second as one shared int object: a million keys
    touched in the same second share it instead of holding a million ints."""
    seconds = keyspace.now_ms // 1000
    cached = _SECOND_CACHE[0]
    if seconds == cached:
        return cached
    _SECOND_CACHE[0] = seconds
    return seconds


def forget_access(db: Database | ShardedDatabase, key: bytes) -> None:
    access_seconds(db, key).pop(key, None)


def idle_seconds(ctx: ExecContext, key: bytes) -> int:
    return idle_since(access_seconds(ctx.db, key).get(key), ctx.now_ms)


def idle_since(accessed: int | None, now_ms: int) -> int:
    """OBJECT IDLETIME from a key's access second: 0 for a key never stamped."""
    return 0 if accessed is None else max(now_ms // 1000 - accessed, 0)


def clear_access(db: Database) -> None:
    db.access = {}


def swap_access(first: Database, second: Database) -> None:
    first.access, second.access = second.access, first.access
