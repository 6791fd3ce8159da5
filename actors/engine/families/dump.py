"""DUMP and RESTORE: a value in Redis's serialised form, interchangeable with redis-server.

The payload is an RDB value with the RDB version and a CRC-64 behind it
(:mod:`actors.engine.persistence.dump_payload`). RESTORE checks its options
and the target in Redis 7.0's order (options, BUSYKEY, TTL, payload), and
propagates its deterministic form: an absolute expiry with ABSTTL and
REPLACE, or DEL when REPLACE removed a key and the TTL was already past.
IDLETIME sets the key's access time; FREQ is accepted and ignored (no LFU
counters, see generic.py).
"""

from __future__ import annotations

from typing import Any

from protocol import errors
from protocol.errors import CommandError
from protocol.resp.values import OK

from actors.engine.args import parse_int
from actors.engine.context import ExecContext
from actors.engine.dispatch import command
from actors.engine.persistence import dump_payload
from actors.engine.values import access_seconds, forget_access, note_access


@command("dump")
def dump(ctx: ExecContext, argv: list[bytes]) -> Any:
    value = ctx.db.lookup(argv[1])
    if value is None:
        ctx.miss()
        return None
    ctx.hit()
    note_access(ctx, argv[1])
    compression = bool(ctx.extra.get("rdbcompression", True))
    return dump_payload.dump(value, ctx.now_ms, compression)


@command("restore")
def restore(ctx: ExecContext, argv: list[bytes]) -> Any:
    key = argv[1]
    replace = absttl = False
    idle: int | None = None
    frequency: int | None = None
    position = 4
    while position < len(argv):
        option = argv[position].upper()
        more = len(argv) - position - 1
        if option == b"REPLACE":
            replace = True
        elif option == b"ABSTTL":
            absttl = True
        elif option == b"IDLETIME" and more >= 1 and frequency is None:
            idle = parse_int(argv[position + 1])
            if idle < 0:
                raise CommandError(errors.RESTORE_BAD_IDLETIME)
            position += 1
        elif option == b"FREQ" and more >= 1 and idle is None:
            frequency = parse_int(argv[position + 1])
            if frequency < 0 or frequency > 255:
                raise CommandError(errors.RESTORE_BAD_FREQ)
            position += 1
        else:
            raise CommandError(errors.SYNTAX)
        position += 1
    db = ctx.db
    if not replace and db.lookup(key) is not None:
        raise CommandError(errors.BUSYKEY)
    ttl = parse_int(argv[2])
    if ttl < 0:
        raise CommandError(errors.RESTORE_BAD_TTL)
    try:
        value = dump_payload.restore(argv[3])
    except dump_payload.PayloadVersionOrChecksumError:
        raise CommandError(errors.DUMP_PAYLOAD_WRONG) from None
    except dump_payload.PayloadFormatError:
        raise CommandError(errors.BAD_DATA_FORMAT) from None
    deleted = False
    if replace:
        deleted = db.lookup(key) is not None and db.delete(key)
        forget_access(db, key)
    expire_at = None
    if ttl:
        expire_at = ttl if absttl else ttl + ctx.now_ms
    if expire_at is not None and expire_at <= ctx.now_ms:
        if deleted:
            ctx.touch(key)
            ctx.propagate([b"DEL", key])
            ctx.notify("g", "del", key)
        return OK
    db.store_new(key, value)
    if expire_at is not None:
        db.set_expire(key, expire_at)
    if idle is not None:
        access_seconds(db, key)[key] = ctx.now_ms // 1000 - idle
    else:
        note_access(ctx, key)
    ctx.touch(key)
    ctx.propagate(
        [b"RESTORE", key, str(expire_at or 0).encode(), argv[3], b"REPLACE", b"ABSTTL"]
    )
    ctx.notify("g", "restore", key)
    return OK
