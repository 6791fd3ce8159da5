"""The RDB decoder: files up to version 12 and DUMP payload bodies.

Reads every encoding real Redis writes for the types shardis has: strings
(raw, INT8/16/32, LZF), lists (plain, ziplist, quicklist, quicklist-2 with
plain and packed nodes), sets (plain, intset, listpack), sorted sets (plain
with text scores, ZSET_2 with binary doubles, ziplist, listpack) and hashes
(plain, zipmap, ziplist, listpack) and streams (types 15, 19 and 21, see
:mod:`stream_codec`). Module values are refused with a clear error.

Rules:

* The whole input is in memory; the checksum is verified *before* anything
  is decoded, so a corrupt file is refused without a partial load.
* Every failure is an :class:`RdbError` naming the byte offset where it was
  found ("truncated", "unknown type", "checksum mismatch" ...).
* Values come back as engine values with the encoding flags Redis 7.0 would
  pick on load (intset, listpack or hashtable ...); keys with an expiry in
  the past are still returned: the caller decides (Redis drops them on a
  master).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from typing import Any

import attrs

from actors.engine.persistence.crc64 import crc64
from actors.engine.persistence.lzf import LzfError, decompress
from actors.engine.persistence import rdb_writer as w
from actors.engine.persistence import stream_codec
from actors.engine.types.hash import Hash
from actors.engine.types.quicklist import QuickList
from actors.engine.types.set import SetValue
from actors.engine.types.sorted_set import SortedSet

MAX_VERSION = 12

TYPE_MODULE = 6
TYPE_MODULE_2 = 7
TYPE_HASH_ZIPMAP = 9
TYPE_LIST_ZIPLIST = 10
TYPE_SET_INTSET = 11
TYPE_ZSET_ZIPLIST = 12
TYPE_HASH_ZIPLIST = 13
TYPE_LIST_QUICKLIST = 14
TYPE_STREAM_LISTPACKS = 15
TYPE_HASH_LISTPACK = 16
TYPE_ZSET_LISTPACK = 17
TYPE_LIST_QUICKLIST_2 = 18
TYPE_STREAM_LISTPACKS_2 = 19
TYPE_SET_LISTPACK = 20
TYPE_STREAM_LISTPACKS_3 = 21
OP_SLOT_INFO = 244

QUICKLIST_NODE_PLAIN = 1
QUICKLIST_NODE_PACKED = 2

_DOUBLE = struct.Struct("<d")


class RdbError(ValueError):
    """A file or payload that cannot be loaded; ``offset`` is where it failed."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"{message} at offset {offset}")
        self.reason = message
        self.offset = offset


@attrs.define(eq=False)
class RdbContents:
    version: int
    aux: dict[bytes, bytes] = attrs.field(factory=dict)
    # (db, key, value, expire_at_ms or None), in file order
    records: list[tuple[int, bytes, Any, int | None]] = attrs.field(factory=list)
    functions: list[bytes] = attrs.field(factory=list)


class _Cursor:
    __slots__ = ("data", "position")

    def __init__(self, data: bytes, position: int = 0) -> None:
        self.data = data
        self.position = position

    def take(self, count: int) -> bytes:
        start = self.position
        end = start + count
        if end > len(self.data) or count < 0:
            raise RdbError("unexpected end of data (truncated)", start)
        self.position = end
        return self.data[start:end]

    def byte(self) -> int:
        position = self.position
        if position >= len(self.data):
            raise RdbError("unexpected end of data (truncated)", position)
        self.position = position + 1
        return self.data[position]

    def length_or_encoding(self) -> tuple[int, bool]:
        first = self.byte()
        kind = first >> 6
        if kind == 0:
            return first & 0x3F, False
        if kind == 1:
            return ((first & 0x3F) << 8) | self.byte(), False
        if kind == 3:
            return first & 0x3F, True
        if first == 0x80:
            return int.from_bytes(self.take(4), "big"), False
        if first == 0x81:
            return int.from_bytes(self.take(8), "big"), False
        raise RdbError(f"unknown length encoding 0x{first:02x}", self.position - 1)

    def length(self) -> int:
        start = self.position
        value, encoded = self.length_or_encoding()
        if encoded:
            raise RdbError("unexpected encoded length", start)
        return value

    def string(self) -> bytes:
        start = self.position
        value, encoded = self.length_or_encoding()
        if not encoded:
            return self.take(value)
        if value == w.ENC_INT8:
            return str(int.from_bytes(self.take(1), "little", signed=True)).encode()
        if value == w.ENC_INT16:
            return str(int.from_bytes(self.take(2), "little", signed=True)).encode()
        if value == w.ENC_INT32:
            return str(int.from_bytes(self.take(4), "little", signed=True)).encode()
        if value == w.ENC_LZF:
            packed_length = self.length()
            length = self.length()
            packed = self.take(packed_length)
            try:
                return decompress(packed, length)
            except LzfError as error:
                raise RdbError(f"bad LZF string ({error})", start) from None
        raise RdbError(f"unknown string encoding {value}", start)

    def binary_double(self) -> float:
        return _DOUBLE.unpack(self.take(8))[0]

    def text_double(self) -> float:
        length = self.byte()
        if length == 253:
            return math.nan
        if length == 254:
            return math.inf
        if length == 255:
            return -math.inf
        start = self.position
        try:
            return float(self.take(length))
        except ValueError:
            raise RdbError("bad double", start) from None


# -- compact encodings --------------------------------------------------------
def _int_text(number: int) -> bytes:
    return str(number).encode()


def parse_ziplist(blob: bytes, base: int = 0) -> list[bytes]:
    """Entries of a ziplist (integers as their decimal text)."""
    try:
        position = 10
        out = []
        while blob[position] != 0xFF:
            position += 1 if blob[position] < 254 else 5
            head = blob[position]
            kind = head >> 6
            if kind == 0:
                length = head & 0x3F
                position += 1
            elif kind == 1:
                length = ((head & 0x3F) << 8) | blob[position + 1]
                position += 2
            elif kind == 2:
                length = int.from_bytes(blob[position + 1 : position + 5], "big")
                position += 5
            else:
                position += 1
                if head == 0xC0:
                    size = 2
                elif head == 0xD0:
                    size = 4
                elif head == 0xE0:
                    size = 8
                elif head == 0xF0:
                    size = 3
                elif head == 0xFE:
                    size = 1
                elif 0xF1 <= head <= 0xFD:
                    out.append(_int_text((head & 0x0F) - 1))
                    continue
                else:
                    raise RdbError(f"bad ziplist entry encoding 0x{head:02x}", base + position - 1)
                raw = blob[position : position + size]
                if len(raw) != size:
                    raise IndexError
                out.append(_int_text(int.from_bytes(raw, "little", signed=True)))
                position += size
                continue
            value = blob[position : position + length]
            if len(value) != length:
                raise IndexError
            out.append(value)
            position += length
        return out
    except IndexError:
        raise RdbError("truncated ziplist", base) from None


def _backlen_size(entry_length: int) -> int:
    if entry_length <= 127:
        return 1
    if entry_length < 16383:
        return 2
    if entry_length < 2097151:
        return 3
    if entry_length < 268435455:
        return 4
    return 5


_LP_INTS = {0xF1: 2, 0xF2: 3, 0xF3: 4, 0xF4: 8}


def parse_listpack(blob: bytes, base: int = 0) -> list[bytes]:
    """Entries of a listpack (integers as their decimal text)."""
    try:
        position = 6
        out = []
        while True:
            head = blob[position]
            if head == 0xFF:
                return out
            if head < 0x80:
                out.append(_int_text(head))
                entry = 1
            elif head & 0xC0 == 0x80:
                length = head & 0x3F
                out.append(blob[position + 1 : position + 1 + length])
                entry = 1 + length
            elif head & 0xE0 == 0xC0:
                number = ((head & 0x1F) << 8) | blob[position + 1]
                if number >= 1 << 12:
                    number -= 1 << 13
                out.append(_int_text(number))
                entry = 2
            elif head & 0xF0 == 0xE0:
                length = ((head & 0x0F) << 8) | blob[position + 1]
                out.append(blob[position + 2 : position + 2 + length])
                entry = 2 + length
            elif head == 0xF0:
                length = int.from_bytes(blob[position + 1 : position + 5], "little")
                out.append(blob[position + 5 : position + 5 + length])
                entry = 5 + length
            elif head in _LP_INTS:
                size = _LP_INTS[head]
                raw = blob[position + 1 : position + 1 + size]
                if len(raw) != size:
                    raise IndexError
                out.append(_int_text(int.from_bytes(raw, "little", signed=True)))
                entry = 1 + size
            else:
                raise RdbError(f"bad listpack entry encoding 0x{head:02x}", base + position)
            if position + entry > len(blob):
                raise IndexError
            position += entry + _backlen_size(entry)
    except IndexError:
        raise RdbError("truncated listpack", base) from None


def parse_intset(blob: bytes, base: int = 0) -> list[bytes]:
    if len(blob) < 8:
        raise RdbError("truncated intset", base)
    size = int.from_bytes(blob[0:4], "little")
    count = int.from_bytes(blob[4:8], "little")
    if size not in (2, 4, 8) or len(blob) < 8 + size * count:
        raise RdbError("bad intset", base)
    return [
        _int_text(int.from_bytes(blob[8 + index * size : 8 + (index + 1) * size], "little", signed=True))
        for index in range(count)
    ]


def parse_zipmap(blob: bytes, base: int = 0) -> list[bytes]:
    """Alternating field, value of a zipmap (RDB before 2.6)."""
    try:
        position = 1
        out = []

        def read_length() -> int:
            nonlocal position
            first = blob[position]
            if first < 254:
                position += 1
                return first
            if first == 254:
                value = int.from_bytes(blob[position + 1 : position + 5], "little")
                position += 5
                return value
            raise RdbError("bad zipmap length", base + position)

        while blob[position] != 0xFF:
            key_length = read_length()
            out.append(blob[position : position + key_length])
            position += key_length
            value_length = read_length()
            free = blob[position]
            position += 1
            out.append(blob[position : position + value_length])
            position += value_length + free
        return out
    except IndexError:
        raise RdbError("truncated zipmap", base) from None


# -- values -----------------------------------------------------------------------
def _pairs(items: list[bytes], start: int) -> list[tuple[bytes, bytes]]:
    if len(items) % 2:
        raise RdbError("odd number of entries in a hash or sorted set", start)
    return list(zip(items[0::2], items[1::2]))


def _make_hash(pairs: list[tuple[bytes, bytes]]) -> Hash:
    value = Hash(pairs)
    longest = max((max(len(field), len(item)) for field, item in pairs), default=0)
    value.note_sizes(longest)
    return value


def _make_zset(pairs: list[tuple[bytes, float]], start: int) -> SortedSet:
    for _, score in pairs:
        if math.isnan(score):
            raise RdbError("NaN score in a sorted set", start)
    return SortedSet.from_pairs(pairs)


def _text_score(raw: bytes, start: int) -> float:
    try:
        return float(raw)
    except ValueError:
        raise RdbError("bad sorted set score", start) from None


def read_value(cursor: _Cursor, value_type: int) -> Any:
    start = cursor.position
    if value_type == w.TYPE_STRING:
        return cursor.string()
    if value_type == w.TYPE_LIST:
        return QuickList(cursor.string() for _ in range(cursor.length()))
    if value_type == w.TYPE_SET:
        return SetValue.from_members([cursor.string() for _ in range(cursor.length())])
    if value_type in (w.TYPE_ZSET, w.TYPE_ZSET_2):
        read_score = cursor.binary_double if value_type == w.TYPE_ZSET_2 else cursor.text_double
        pairs = []
        for _ in range(cursor.length()):
            member = cursor.string()
            pairs.append((member, read_score()))
        return _make_zset(pairs, start)
    if value_type == w.TYPE_HASH:
        count = cursor.length()
        return _make_hash([(cursor.string(), cursor.string()) for _ in range(count)])
    if value_type in (TYPE_LIST_QUICKLIST, TYPE_LIST_QUICKLIST_2):
        elements = QuickList()
        for _ in range(cursor.length()):
            container = QUICKLIST_NODE_PACKED
            if value_type == TYPE_LIST_QUICKLIST_2:
                container = cursor.length()
            blob_start = cursor.position
            blob = cursor.string()
            if container == QUICKLIST_NODE_PLAIN:
                elements.append(blob)
            elif container != QUICKLIST_NODE_PACKED:
                raise RdbError(f"unknown quicklist node container {container}", blob_start)
            elif value_type == TYPE_LIST_QUICKLIST_2:
                elements.extend(parse_listpack(blob, blob_start))
            else:
                elements.extend(parse_ziplist(blob, blob_start))
        return elements
    if value_type in _BLOB_TYPES:
        blob = cursor.string()
        return _BLOB_TYPES[value_type](blob, start)
    if value_type in (TYPE_MODULE, TYPE_MODULE_2):
        raise RdbError("module values are not supported", start - 1)
    if value_type in (TYPE_STREAM_LISTPACKS, TYPE_STREAM_LISTPACKS_2, TYPE_STREAM_LISTPACKS_3):
        return stream_codec.decode(cursor, value_type, parse_listpack, RdbError)
    raise RdbError(f"unknown value type {value_type}", start - 1)


_BLOB_TYPES: dict[int, Callable[[bytes, int], Any]] = {
    TYPE_LIST_ZIPLIST: lambda blob, at: QuickList(parse_ziplist(blob, at)),
    TYPE_SET_INTSET: lambda blob, at: SetValue.from_members(parse_intset(blob, at)),
    TYPE_SET_LISTPACK: lambda blob, at: SetValue.from_members(parse_listpack(blob, at)),
    TYPE_HASH_ZIPMAP: lambda blob, at: _make_hash(_pairs(parse_zipmap(blob, at), at)),
    TYPE_HASH_ZIPLIST: lambda blob, at: _make_hash(_pairs(parse_ziplist(blob, at), at)),
    TYPE_HASH_LISTPACK: lambda blob, at: _make_hash(_pairs(parse_listpack(blob, at), at)),
    TYPE_ZSET_ZIPLIST: lambda blob, at: _make_zset(
        [(member, _text_score(score, at)) for member, score in _pairs(parse_ziplist(blob, at), at)], at
    ),
    TYPE_ZSET_LISTPACK: lambda blob, at: _make_zset(
        [(member, _text_score(score, at)) for member, score in _pairs(parse_listpack(blob, at), at)], at
    ),
}


def read_typed_value(data: bytes) -> tuple[Any, int]:
    """A DUMP payload body: (value, bytes consumed)."""
    cursor = _Cursor(data)
    value = read_value(cursor, cursor.byte())
    return value, cursor.position


# -- files -------------------------------------------------------------------------
def load(data: bytes, *, verify_checksum: bool = True) -> RdbContents:
    """Decode a whole file; raises RdbError naming the offset of any problem."""
    if len(data) < 9 or data[:5] != b"REDIS":
        raise RdbError("wrong signature trying to load DB from file", 0)
    try:
        version = int(data[5:9])
    except ValueError:
        raise RdbError("bad RDB version", 5) from None
    if version < 1 or version > MAX_VERSION:
        raise RdbError(f"can't handle RDB format version {version}", 5)
    if version >= 5 and verify_checksum:
        _verify_checksum(data)
    contents = RdbContents(version)
    cursor = _Cursor(data, 9)
    db = 0
    expire_at: int | None = None
    while True:
        opcode_at = cursor.position
        opcode = cursor.byte()
        if opcode == w.OP_EOF:
            break
        if opcode == w.OP_SELECTDB:
            db = cursor.length()
        elif opcode == w.OP_RESIZEDB:
            cursor.length()
            cursor.length()
        elif opcode == w.OP_EXPIRETIME_MS:
            expire_at = int.from_bytes(cursor.take(8), "little", signed=True)
        elif opcode == w.OP_EXPIRETIME:
            expire_at = int.from_bytes(cursor.take(4), "little", signed=True) * 1000
        elif opcode == w.OP_AUX:
            name = cursor.string()
            contents.aux[name] = cursor.string()
        elif opcode == w.OP_IDLE:
            cursor.length()
        elif opcode == w.OP_FREQ:
            cursor.byte()
        elif opcode == OP_SLOT_INFO:
            cursor.length()
            cursor.length()
            cursor.length()
        elif opcode == w.OP_FUNCTION2:
            contents.functions.append(cursor.string())
        elif opcode in (w.OP_MODULE_AUX, w.OP_FUNCTION_PRE_GA):
            raise RdbError(f"unsupported opcode {opcode}", opcode_at)
        else:
            key = cursor.string()
            value = read_value(cursor, opcode)
            contents.records.append((db, key, value, expire_at))
            expire_at = None
    if version >= 5 and len(data) - cursor.position < 8:
        raise RdbError("unexpected end of data (truncated checksum)", cursor.position)
    return contents


def _verify_checksum(data: bytes) -> None:
    if len(data) < 17:
        raise RdbError("unexpected end of data (truncated)", len(data))
    stored = int.from_bytes(data[-8:], "little")
    if stored == 0:
        return  # written with rdbchecksum no
    if crc64(memoryview(data)[:-8]) != stored:
        raise RdbError("checksum mismatch (wrong RDB checksum or truncated file)", len(data) - 8)
