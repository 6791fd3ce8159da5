"""An AOF base made of commands (``aof-use-rdb-preamble no``), as Redis 7.0's
``rewriteAppendOnlyFileRio`` writes it, and the RESP encoding of commands.

Per key, in the order Redis uses: the value as commands (SET; RPUSH, SADD,
ZADD with ``%.17g`` scores, HMSET, at most 64 items per command), then
``PEXPIREAT key <ms>`` when the key has a TTL. The database is chosen by a
SELECT in front of each database's keys (the snapshotter writes it).

Differences, both documented in docs/persistence.md: a stream is written as
``RESTORE key 0 <DUMP payload>`` (one command keeps its entries, groups, PELs
and consumers exactly; Redis writes XADD/XSETID/XGROUP/XCLAIM), and a hash
with field TTLs keeps only the fields alive at the snapshot, without TTLs, as
in an RDB file.
"""

from __future__ import annotations

from typing import Any

from protocol.resp import encode_command

from actors.engine.persistence.dump_payload import dump
from actors.engine.types.hash import Hash
from actors.engine.types.quicklist import QuickList
from actors.engine.types.set import SetValue
from actors.engine.types.sorted_set import SortedSet

# Redis's AOF_REWRITE_ITEMS_PER_CMD.
ITEMS_PER_COMMAND = 64


def format_score(score: float) -> bytes:
    """``%.17g``, as Redis's rioWriteBulkDouble ("inf", "-inf" included)."""
    return format(score, ".17g").encode()


def encode_key_commands(
    key: bytes, value: Any, expire_at_ms: int | None, now_ms: int, compression: bool = True
) -> bytes:
    """One key as base-file commands (``compression`` is unused: the walker's
    record-encoder signature)."""
    kind = type(value)
    if kind is bytes or kind is bytearray:
        commands = [[b"SET", key, bytes(value)]]
    elif kind is QuickList:
        commands = _batched(b"RPUSH", key, [bytes(element) for element in value])
    elif kind is SetValue:
        commands = _batched(b"SADD", key, [bytes(member) for member in value])
    elif kind is SortedSet:
        pairs = [(format_score(score), member) for score, member in value]
        commands = _batched(b"ZADD", key, pairs)
    elif kind is Hash:
        alive = [
            (field, item)
            for field, item in value.items()
            if not value.has_field_ttls() or (value.field_expire(field) or now_ms + 1) > now_ms
        ]
        commands = _batched(b"HMSET", key, alive)
    else:
        commands = [[b"RESTORE", key, b"0", dump(value, now_ms)]]
    if not commands:
        return b""  # a hash whose fields all expired
    if expire_at_ms is not None:
        commands.append([b"PEXPIREAT", key, str(expire_at_ms).encode()])
    return b"".join(encode_command(argv) for argv in commands)


def _batched(name: bytes, key: bytes, items: list[Any]) -> list[list[bytes]]:
    commands = []
    for first in range(0, len(items), ITEMS_PER_COMMAND):
        argv = [name, key]
        for item in items[first : first + ITEMS_PER_COMMAND]:
            if type(item) is tuple:
                argv.extend(item)
            else:
                argv.append(item)
        commands.append(argv)
    return commands
