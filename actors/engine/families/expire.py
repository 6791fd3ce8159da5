"""Key expiry commands: EXPIRE and friends, TTL and friends, PERSIST.

Times are absolute unix milliseconds inside the engine; relative forms are
turned absolute against ``ctx.now_ms`` and propagated as PEXPIREAT so a
replica or an AOF replay expires the key at the same instant.
"""

from __future__ import annotations

from typing import Any

from protocol import errors
from protocol.errors import CommandError

from actors.engine.args import INT64_MAX, INT64_MIN, parse_int
from actors.engine.context import ExecContext
from actors.engine.dispatch import command
from actors.engine.values import forget_access, note_access

_UNIT_MS = {b"EX": 1000, b"PX": 1, b"EXAT": 1000, b"PXAT": 1}
_RELATIVE = {b"EX", b"PX"}


def parse_expire_option(ctx: ExecContext, option: bytes, raw: bytes, command_name: str) -> int:
    """SET/GETEX-style EX|PX|EXAT|PXAT value -> absolute unix ms."""
    amount = parse_int(raw)
    unit = _UNIT_MS[option]
    if amount <= 0 or (unit == 1000 and amount > INT64_MAX // 1000):
        raise CommandError(errors.invalid_expire(command_name))
    when = amount * unit
    if option in _RELATIVE:
        when += ctx.now_ms
    if when > INT64_MAX:
        raise CommandError(errors.invalid_expire(command_name))
    return when


_FLAGS = (b"NX", b"XX", b"GT", b"LT")


@command("expire", "pexpire", "expireat", "pexpireat")
def expire(ctx: ExecContext, argv: list[bytes]) -> Any:
    name = argv[0].lower()
    flags = set()
    for raw in argv[3:]:
        flag = raw.upper()
        if flag not in _FLAGS:
            raise CommandError(errors.UNSUPPORTED_OPTION.format(raw.decode("utf-8", "replace")))
        flags.add(flag)
    if b"NX" in flags and len(flags) > 1:
        raise CommandError(errors.NX_XX_GT_LT)
    if b"GT" in flags and b"LT" in flags:
        raise CommandError(errors.GT_AND_LT)
    when = parse_int(argv[2])
    if name in (b"expire", b"expireat"):
        if when > INT64_MAX // 1000 or when < INT64_MIN // 1000:
            raise CommandError(errors.invalid_expire(name.decode()))
        when *= 1000
    base = ctx.now_ms if name in (b"expire", b"pexpire") else 0
    if when > INT64_MAX - base:
        raise CommandError(errors.invalid_expire(name.decode()))
    when += base
    return expire_at_generic(ctx, argv[1], when, flags)


def expire_at_generic(ctx: ExecContext, key: bytes, when: int, flags: set[bytes]) -> int:
    db = ctx.db
    if db.lookup(key) is None:
        return 0
    current = db.get_expire(key)
    if b"NX" in flags and current is not None:
        return 0
    if b"XX" in flags and current is None:
        return 0
    if b"GT" in flags and (current is None or when <= current):
        return 0
    if b"LT" in flags and current is not None and when >= current:
        return 0
    ctx.touch(key)
    if when <= ctx.now_ms:
        db.delete(key)
        forget_access(db, key)
        ctx.propagate([b"DEL", key])
        ctx.notify("g", "del", key)
        return 1
    db.set_expire(key, when)
    note_access(ctx, key)
    ctx.propagate([b"PEXPIREAT", key, str(when).encode()])
    ctx.notify("g", "expire", key)
    return 1


def ttl_generic(ctx: ExecContext, key: bytes, absolute: bool, in_ms: bool) -> int:
    if ctx.db.lookup(key) is None:
        return -2
    expire_at = ctx.db.get_expire(key)
    if expire_at is None:
        return -1
    ttl = expire_at if absolute else max(expire_at - ctx.now_ms, 0)
    return ttl if in_ms else (ttl + 500) // 1000


@command("ttl")
def ttl(ctx: ExecContext, argv: list[bytes]) -> Any:
    return ttl_generic(ctx, argv[1], absolute=False, in_ms=False)


@command("pttl")
def pttl(ctx: ExecContext, argv: list[bytes]) -> Any:
    return ttl_generic(ctx, argv[1], absolute=False, in_ms=True)


@command("expiretime")
def expiretime(ctx: ExecContext, argv: list[bytes]) -> Any:
    return ttl_generic(ctx, argv[1], absolute=True, in_ms=False)


@command("pexpiretime")
def pexpiretime(ctx: ExecContext, argv: list[bytes]) -> Any:
    return ttl_generic(ctx, argv[1], absolute=True, in_ms=True)


@command("persist")
def persist(ctx: ExecContext, argv: list[bytes]) -> Any:
    key = argv[1]
    if ctx.db.lookup(key) is None:
        return 0
    note_access(ctx, key)
    if not ctx.db.persist(key):
        return 0
    ctx.touch(key)
    ctx.propagate([b"PERSIST", key])
    ctx.notify("g", "persist", key)
    return 1
