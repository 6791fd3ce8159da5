"""Bitmap and bitfield commands.

Specs only (DESIGN §3): data matches Redis 7.0's command table. The handlers
live in the engine; see :mod:`protocol.commands.define` for the helpers and
:mod:`protocol.commands.syntax` for the ``syntax`` strings.
"""

from __future__ import annotations

from .define import for_group, ks
from .spec import Scope

command = for_group("bitmap", Scope.KEYS)


def _bitfield_keys(argv: list[bytes]) -> list[tuple[int, tuple[str, ...]]]:
    """BITFIELD only reads its key when every subcommand is a complete GET or
    OVERFLOW (Redis's bitfieldGetKeys); anything else counts as a write."""
    at = 2
    while at < len(argv):
        word, left = argv[at].lower(), len(argv) - at - 1
        if word == b"get" and left >= 2:
            at += 3
        elif word == b"overflow" and left >= 1:
            at += 2
        else:
            return [(1, ("RW", "access", "update"))]
    return [(1, ("RO", "access"))]

SETBIT = command(
    "setbit", 4, "write denyoom", "@write @bitmap @slow",
    keys=[ks("RW access update", 1)],
    syntax="key offset:integer value:integer",
    since="2.2.0",
    summary="Sets or clears the bit at offset in the string value stored at key",
    complexity="O(1)",
)

GETBIT = command(
    "getbit", 3, "readonly fast", "@read @bitmap @fast",
    keys=[ks("RO access", 1)],
    syntax="key offset:integer",
    since="2.2.0",
    summary="Returns the bit value at offset in the string value stored at key",
    complexity="O(1)",
)

BITCOUNT = command(
    "bitcount", -2, "readonly", "@read @bitmap @slow",
    keys=[ks("RO access", 1)],
    syntax="key [index: start:integer end:integer [index_unit@7.0.0: BYTE | BIT]]",
    since="2.6.0",
    summary="Count set bits in a string",
    complexity="O(N)",
    history=[("7.0.0", "Added the `BYTE|BIT` option.")],
)

BITPOS = command(
    "bitpos", -3, "readonly", "@read @bitmap @slow",
    keys=[ks("RO access", 1)],
    syntax="key bit:integer [index: start:integer [end_index: end:integer [index_unit@7.0.0: BYTE | BIT]]]",
    since="2.8.7",
    summary="Find first bit set or clear in a string",
    complexity="O(N)",
    history=[("7.0.0", "Added the `BYTE|BIT` option.")],
)

BITOP = command(
    "bitop", -4, "write denyoom", "@write @bitmap @slow",
    keys=[ks("OW update", 2), ks("RO access", 3, lastkey=-1)],
    syntax="operation destkey:key key#1 ...",
    since="2.6.0",
    summary="Perform bitwise operations between strings",
    complexity="O(N)",
)

BITFIELD = command(
    "bitfield", -2, "write denyoom", "@write @bitmap @slow",
    keys=[ks("RW access update variable_flags", 1, notes="This command allows both access and modification of the key")],
    keys_proc=_bitfield_keys,
    syntax="key [(operation: GET (encoding offset:integer) | (write: [OVERFLOW (WRAP | SAT | FAIL)] (write_operation: SET (encoding offset:integer value:integer) | INCRBY (encoding offset:integer increment:integer)))) ...]",
    since="3.2.0",
    summary="Perform arbitrary bitfield integer operations on strings",
    complexity="O(1) for each subcommand specified",
)

BITFIELD_RO = command(
    "bitfield_ro", -2, "readonly fast", "@read @bitmap @fast",
    keys=[ks("RO access", 1)],
    syntax="key [GET (encoding offset:integer)]...",
    since="6.0.0",
    summary="Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
    complexity="O(1) for each subcommand specified",
)

SPECS = (
    SETBIT,
    GETBIT,
    BITCOUNT,
    BITPOS,
    BITOP,
    BITFIELD,
    BITFIELD_RO,
)
