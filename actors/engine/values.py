"""Type names and typed lookups shared by every family.

A value's Redis type is decided by its Python type: ``bytes``/``bytearray``
are strings; every other type in ``engine/types`` declares ``redis_type`` and
``copy()``.
"""

from __future__ import annotations

from typing import Any

from protocol import errors
from protocol.errors import CommandError

from actors.engine.args import is_int64
from actors.engine.context import ExecContext


def type_name(value: Any) -> bytes:
    if type(value) is bytes or type(value) is bytearray:
        return b"string"
    return value.redis_type


def lookup_string(ctx: ExecContext, key: bytes) -> bytes | bytearray | None:
    value = ctx.db.lookup(key)
    if value is None:
        ctx.miss()
        return None
    if type(value) is not bytes and type(value) is not bytearray:
        raise CommandError(errors.WRONGTYPE)
    ctx.hit()
    return value


def lookup_typed(ctx: ExecContext, key: bytes, cls: type) -> Any:
    """The value at ``key`` if it is a ``cls``; None if missing; WRONGTYPE otherwise."""
    value = ctx.db.lookup(key)
    if value is None:
        ctx.miss()
        return None
    if type(value) is not cls:
        raise CommandError(errors.WRONGTYPE)
    ctx.hit()
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
