"""The RDB encoder: values and whole files in the format Redis 7.0 reads (RDB 10).

A file is ``REDIS0010``, AUX fields, then per non-empty database a SELECTDB
and a RESIZEDB hint followed by its keys (each optionally preceded by
EXPIRETIME_MS), then EOF and the CRC-64 of everything before it (eight zero
bytes when ``rdbchecksum`` is off; Redis then skips the check).

Values are written in the plain encodings every Redis since 2.x loads and
re-encodes compactly on load:

* string: an integer in int32 range that round-trips as text is stored as
  INT8/16/32; longer than 20 bytes and ``rdbcompression`` on, LZF when it
  saves at least four bytes; raw otherwise.
* list: RDB_TYPE_LIST (length, elements) — Redis 7.0 builds a quicklist.
* set: RDB_TYPE_SET; sorted set: RDB_TYPE_ZSET_2 with binary doubles; hash:
  RDB_TYPE_HASH.
* stream: RDB_TYPE_STREAM_LISTPACKS_2, Redis 7.0's own (listpack nodes,
  metadata, consumer groups and PELs; see :mod:`stream_codec`).
* a hash with field TTLs (Redis 7.4) cannot be represented in RDB 10: it is
  written as a plain hash of the fields still alive at ``now_ms``; their TTLs
  are lost (documented in docs/persistence.md).

Rules: the encoder never mutates a value; records are returned as ``bytes``
so a shard can serialise a key's pre-image and keep it until the file is
assembled.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from typing import Any

from actors.engine.persistence.crc64 import crc64
from actors.engine.persistence.lzf import compress
from actors.engine.persistence import stream_codec
from actors.engine.types.hash import Hash
from actors.engine.types.quicklist import QuickList
from actors.engine.types.set import SetValue
from actors.engine.types.sorted_set import SortedSet
from actors.engine.types.stream import Stream

RDB_VERSION = 10
MAGIC = b"REDIS%04d" % RDB_VERSION

# value types
TYPE_STRING = 0
TYPE_LIST = 1
TYPE_SET = 2
TYPE_ZSET = 3
TYPE_HASH = 4
TYPE_ZSET_2 = 5
TYPE_STREAM_LISTPACKS_2 = stream_codec.TYPE_STREAM_LISTPACKS_2

# opcodes
OP_FUNCTION2 = 245
OP_FUNCTION_PRE_GA = 246
OP_MODULE_AUX = 247
OP_IDLE = 248
OP_FREQ = 249
OP_AUX = 250
OP_RESIZEDB = 251
OP_EXPIRETIME_MS = 252
OP_EXPIRETIME = 253
OP_SELECTDB = 254
OP_EOF = 255

ENC_INT8 = 0
ENC_INT16 = 1
ENC_INT32 = 2
ENC_LZF = 3

_DOUBLE = struct.Struct("<d")
_INT64 = struct.Struct("<q")


def encode_length(length: int) -> bytes:
    if length < 1 << 6:
        return bytes((length,))
    if length < 1 << 14:
        return bytes((0x40 | (length >> 8), length & 0xFF))
    if length <= 0xFFFFFFFF:
        return b"\x80" + length.to_bytes(4, "big")
    return b"\x81" + length.to_bytes(8, "big")


def _integer_encoding(value: bytes) -> bytes | None:
    """INT8/16/32 for a canonical integer string in int32 range (rdbTryIntegerEncoding)."""
    if not value or len(value) > 11:
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    if str(number).encode() != value:
        return None
    if -(1 << 7) <= number < 1 << 7:
        return bytes((0xC0 | ENC_INT8,)) + number.to_bytes(1, "little", signed=True)
    if -(1 << 15) <= number < 1 << 15:
        return bytes((0xC0 | ENC_INT16,)) + number.to_bytes(2, "little", signed=True)
    if -(1 << 31) <= number < 1 << 31:
        return bytes((0xC0 | ENC_INT32,)) + number.to_bytes(4, "little", signed=True)
    return None


def encode_string(value: bytes | bytearray, compression: bool = True) -> bytes:
    value = bytes(value)
    length = len(value)
    if length <= 11:
        encoded = _integer_encoding(value)
        if encoded is not None:
            return encoded
    if compression and length > 20:
        packed = compress(value, length - 4)
        if packed is not None and len(packed) < length - 4:
            return (
                bytes((0xC0 | ENC_LZF,)) + encode_length(len(packed)) + encode_length(length) + packed
            )
    return encode_length(length) + value


def encode_value(value: Any, now_ms: int, compression: bool = True) -> tuple[int, bytes]:
    """(RDB type, serialised payload) of one value."""
    kind = type(value)
    if kind is bytes or kind is bytearray:
        return TYPE_STRING, encode_string(value, compression)
    parts: list[bytes] = []
    if kind is QuickList:
        parts.append(encode_length(len(value)))
        parts.extend(encode_string(element, compression) for element in value)
        return TYPE_LIST, b"".join(parts)
    if kind is SetValue:
        parts.append(encode_length(len(value)))
        parts.extend(encode_string(member, compression) for member in value)
        return TYPE_SET, b"".join(parts)
    if kind is SortedSet:
        parts.append(encode_length(len(value)))
        pack = _DOUBLE.pack
        for score, member in value:
            parts.append(encode_string(member, compression))
            parts.append(pack(score))
        return TYPE_ZSET_2, b"".join(parts)
    if kind is Hash:
        fields: Iterable[tuple[bytes, bytes]] = value.items()
        if value.has_field_ttls():
            fields = [
                (field, item)
                for field, item in value.items()
                if (value.field_expire(field) or now_ms + 1) > now_ms
            ]
        fields = list(fields)
        parts.append(encode_length(len(fields)))
        for field, item in fields:
            parts.append(encode_string(field, compression))
            parts.append(encode_string(item, compression))
        return TYPE_HASH, b"".join(parts)
    if kind is Stream:
        body = stream_codec.encode(
            value, encode_length, lambda raw: encode_string(raw, compression)
        )
        return TYPE_STREAM_LISTPACKS_2, body
    raise TypeError(f"no RDB encoding for {kind.__name__}")


def encode_record(
    key: bytes, value: Any, expire_at_ms: int | None, now_ms: int, compression: bool = True
) -> bytes:
    """One key as it appears in a file: [EXPIRETIME_MS ms] type key value."""
    value_type, payload = encode_value(value, now_ms, compression)
    head = b""
    if expire_at_ms is not None:
        head = bytes((OP_EXPIRETIME_MS,)) + _INT64.pack(expire_at_ms)
    return head + bytes((value_type,)) + encode_string(key, compression) + payload


def encode_aux(name: bytes, value: bytes | int) -> bytes:
    raw = str(value).encode() if isinstance(value, int) else value
    return bytes((OP_AUX,)) + encode_string(name, False) + encode_string(raw, False)


def encode_header(aux: Iterable[tuple[bytes, bytes | int]]) -> bytes:
    return MAGIC + b"".join(encode_aux(name, value) for name, value in aux)


def encode_select_db(index: int, keys: int, expires: int) -> bytes:
    return (
        bytes((OP_SELECTDB,)) + encode_length(index)
        + bytes((OP_RESIZEDB,)) + encode_length(keys) + encode_length(expires)
    )


class RdbBuilder:
    """Accumulates a file's bytes and its running checksum (``rdbchecksum``)."""

    def __init__(self, checksum: bool = True) -> None:
        self.checksum = checksum
        self.crc = 0
        self.chunks: list[bytes] = []
        self.size = 0

    def write(self, chunk: bytes) -> None:
        if self.checksum:
            self.crc = crc64(chunk, self.crc)
        self.chunks.append(chunk)
        self.size += len(chunk)

    def finish(self) -> list[bytes]:
        """Append EOF and the checksum; returns the file's chunks."""
        self.write(bytes((OP_EOF,)))
        self.chunks.append(self.crc.to_bytes(8, "little") if self.checksum else b"\0" * 8)
        return self.chunks


def encode_file(
    databases: Iterable[tuple[int, list[tuple[bytes, Any, int | None]]]],
    aux: Iterable[tuple[bytes, bytes | int]],
    now_ms: int,
    *,
    compression: bool = True,
    checksum: bool = True,
) -> bytes:
    """A whole file from ``(db index, [(key, value, expire_at_ms), ...])`` (tests, DEBUG)."""
    builder = RdbBuilder(checksum)
    builder.write(encode_header(aux))
    for index, records in databases:
        if not records:
            continue
        expires = sum(1 for _, _, expire in records if expire is not None)
        builder.write(encode_select_db(index, len(records), expires))
        for key, value, expire in records:
            builder.write(encode_record(key, value, expire, now_ms, compression))
    return b"".join(builder.finish())
