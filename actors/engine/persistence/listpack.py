"""Redis's listpack, written byte-for-byte as listpack.c writes it.

Layout: ``total-bytes`` (uint32 LE), ``num-elements`` (uint16 LE, 65535
when unknown), the entries, and the ``0xFF`` terminator. Each entry is an
encoding header with its data followed by a *backlen*: the entry's length
(header + data) in 7-bit groups, most significant group first, every byte
but the first with the high bit set, so the list can be walked backwards.

An element that is a canonical int64 text (Redis's ``lpStringToInt64``: no
leading zeros, no ``+``, no ``-0``) is stored as the narrowest integer
encoding (7-bit unsigned, 13, 16, 24, 32 or 64-bit signed); any other
string as a 6-bit, 12-bit or 32-bit length string. Reading goes through
:func:`actors.engine.persistence.rdb_reader.parse_listpack`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

HEADER_SIZE = 6
NUMELE_UNKNOWN = 65535
_CANONICAL_INT = re.compile(rb"-?[1-9][0-9]{0,19}|0")
_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1


def backlen(entry_length: int) -> bytes:
    """lpEncodeBacklen: most significant 7-bit group first."""
    if entry_length <= 127:
        return bytes((entry_length,))
    groups = []
    remaining = entry_length
    while remaining:
        groups.append(remaining & 127)
        remaining >>= 7
    # The byte next to the entry (the highest group) carries no flag; every
    # byte after it does, so a backwards reader knows to keep going.
    groups.reverse()
    return bytes((groups[0],)) + bytes(group | 128 for group in groups[1:])


def encode_integer(number: int) -> bytes:
    if 0 <= number <= 127:
        return bytes((number,))
    if -4096 <= number <= 4095:
        if number < 0:
            number += 1 << 13
        return bytes((0xC0 | (number >> 8), number & 0xFF))
    if -(1 << 15) <= number < 1 << 15:
        return b"\xf1" + number.to_bytes(2, "little", signed=True)
    if -(1 << 23) <= number < 1 << 23:
        return b"\xf2" + number.to_bytes(3, "little", signed=True)
    if -(1 << 31) <= number < 1 << 31:
        return b"\xf3" + number.to_bytes(4, "little", signed=True)
    return b"\xf4" + number.to_bytes(8, "little", signed=True)


def encode_string(value: bytes) -> bytes:
    if _CANONICAL_INT.fullmatch(value):
        number = int(value)
        if _INT64_MIN <= number <= _INT64_MAX:
            return encode_integer(number)
    length = len(value)
    if length < 64:
        return bytes((0x80 | length,)) + value
    if length < 4096:
        return bytes((0xE0 | (length >> 8), length & 0xFF)) + value
    return b"\xf0" + length.to_bytes(4, "little") + value


def build(elements: Iterable[bytes | int]) -> bytes:
    """A listpack of ``elements`` (ints use the integer encodings directly)."""
    parts: list[bytes] = []
    count = 0
    for element in elements:
        entry = encode_integer(element) if type(element) is int else encode_string(element)  # type: ignore[arg-type]
        parts.append(entry)
        parts.append(backlen(len(entry)))
        count += 1
    body = b"".join(parts)
    total = HEADER_SIZE + len(body) + 1
    numele = count if count < NUMELE_UNKNOWN else NUMELE_UNKNOWN
    return total.to_bytes(4, "little") + numele.to_bytes(2, "little") + body + b"\xff"
