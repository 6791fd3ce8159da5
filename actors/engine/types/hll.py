"""Redis's HyperLogLog, byte for byte: the value is a string and this module
reads and edits that string in place.

Layout (Redis's hyperloglog.c): a 16-byte header ``HYLL``, one encoding
byte (0 dense, 1 sparse), three unused bytes and the cached cardinality as
8 little-endian bytes whose top bit marks the cache invalid; then the
16384 registers of 6 bits. Dense packs them little-endian (register ``r``
is bits ``6r..6r+5`` of the byte array read as one little-endian number),
12288 bytes. Sparse is a run-length opcode stream:

* ``00xxxxxx`` ZERO: ``x + 1`` zero registers (1..64);
* ``01xxxxxx yyyyyyyy`` XZERO: ``(x << 8 | y) + 1`` zero registers (1..16384);
* ``1vvvvvxx`` VAL: ``x + 1`` registers (1..4) holding ``v + 1`` (1..32).

An element hashes with MurmurHash64A (seed 0xadc83b19): the low 14 bits pick
the register, the count of trailing zeros of the rest plus one is the
candidate value. Sparse updates replay Redis's hllSparseSet step by step
(split the opcode covering the register, then merge up to five neighbouring
VAL opcodes) because the encoding depends on the order of updates, and a
byte-identical string is the point. A sparse value that would grow past
``hll-sparse-max-bytes``, or needs a register above 32, becomes dense.

Speed: a sparse update edits the bytearray in place as Redis edits its
sds (a slice assignment is the memmove) and finds the opcode of a register
with two bisects over an index of the opcodes (see ``_index_cache``), kept
between commands, so PFADD on a sparse HLL costs O(log n) Python steps plus
C-level moves rather than a decode and re-encode of the whole stream. Dense
registers are updated in place, one or two bytes. Whole-register work
(PFCOUNT, PFMERGE, sparse to dense) runs in C loops: the sparse stream is
split by a regex and expanded by a table lookup per opcode, dense registers
are unpacked and packed 4 at a time with byte-string slicing,
``bytes.translate`` and big-integer ORs, one byte per register.

The estimator is Redis 7.0's (Ertl's "new" estimator over the register
histogram). Value functions return -1 / raise :class:`CorruptHLL` where
Redis reports an invalid object.
"""

from __future__ import annotations

import math
import re
import struct
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable

P = 14
REGISTERS = 1 << P
Q = 64 - P
HEADER_SIZE = 16
DENSE_SIZE = HEADER_SIZE + (REGISTERS * 6 + 7) // 8
DENSE, SPARSE = 0, 1
MAGIC = b"HYLL"
SEED = 0xADC83B19
ALPHA_INF = 0.721347520444481703680
_M64 = 0xFFFFFFFFFFFFFFFF
_MURMUR_M = 0xC6A4A7935BD1E995
_REGISTER_MASK = REGISTERS - 1
_VAL_MAX_VALUE = 32
_VAL_MAX_LEN = 4
_ZERO_MAX_LEN = 64
_XZERO_MAX_LEN = 16384


class CorruptHLL(Exception):
    """The sparse stream does not cover exactly 16384 registers."""


# -- hashing -------------------------------------------------------------------
_WORD_UNPACKERS = [struct.Struct("<%dQ" % words).unpack_from for words in range(64)]
_from_bytes = int.from_bytes


def murmurhash64a(data: bytes, seed: int = SEED) -> int:
    """MurmurHash64A. ``h`` is reduced modulo 2**64 only before a right
    shift needs its exact bits: XOR with a 64-bit word and multiplication
    commute with the reduction, and that saves a big-integer op per word."""
    m = _MURMUR_M
    length = len(data)
    h = seed ^ (length * m)
    words = length >> 3
    if words:
        unpack = _WORD_UNPACKERS[words] if words < 64 else struct.Struct("<%dQ" % words).unpack_from
        for k in unpack(data):
            k = (k * m) & _M64
            h = (h ^ ((k ^ (k >> 47)) * m & _M64)) * m
    if length & 7:
        h = (h ^ _from_bytes(data[words << 3 :], "little")) * m
    h &= _M64
    h ^= h >> 47
    h = (h * m) & _M64
    return h ^ (h >> 47)


def pattern(element: bytes) -> tuple[int, int]:
    """(register index, run length of the hash's trailing zeros + 1)."""
    hash_value = murmurhash64a(element)
    rest = (hash_value >> P) | (1 << Q)
    return hash_value & _REGISTER_MASK, (rest & -rest).bit_length()


# -- creation and validation -------------------------------------------------------
def create() -> bytearray:
    """An empty sparse HLL: one XZERO covering every register."""
    value = bytearray(MAGIC + bytes([SPARSE]) + bytes(11))
    _put_xzero(value, len(value), REGISTERS)
    return value


def is_valid(value: bytes | bytearray) -> bool:
    """Redis's isHLLObjectOrReply shape check (not the sparse stream itself)."""
    if len(value) < HEADER_SIZE or value[:4] != MAGIC or value[4] > SPARSE:
        return False
    return not (value[4] == DENSE and len(value) != DENSE_SIZE)


def encoding(value: bytes | bytearray) -> int:
    return value[4]


def invalidate_cache(value: bytearray) -> None:
    value[15] |= 0x80


def cached_cardinality(value: bytes | bytearray) -> int | None:
    if value[15] & 0x80:
        return None
    return int.from_bytes(value[8:16], "little")


def store_cardinality(value: bytearray, cardinality: int) -> None:
    value[8:16] = cardinality.to_bytes(8, "little")


# -- dense registers ---------------------------------------------------------------
def dense_get(value: bytes | bytearray, index: int) -> int:
    position = HEADER_SIZE + index * 6 // 8
    shift = index * 6 & 7
    low = value[position]
    high = value[position + 1] if position + 1 < len(value) else 0
    return ((low >> shift) | (high << (8 - shift))) & 63


def dense_set(value: bytearray, index: int, count: int) -> bool:
    """Raise register ``index`` to ``count``; True when it changed."""
    if dense_get(value, index) >= count:
        return False
    position = HEADER_SIZE + index * 6 // 8
    shift = index * 6 & 7
    value[position] = (value[position] & ~(63 << shift) & 0xFF) | ((count << shift) & 0xFF)
    if shift > 2:
        value[position + 1] = (value[position + 1] & ~(63 >> (8 - shift))) | (count >> (8 - shift))
    return True


def _table(function) -> bytes:
    return bytes(function(byte) & 0xFF for byte in range(256))


_LOW6 = _table(lambda byte: byte & 63)
_HIGH2 = _table(lambda byte: byte >> 6)
_LOW4_UP2 = _table(lambda byte: (byte & 15) << 2)
_HIGH4 = _table(lambda byte: byte >> 4)
_LOW2_UP4 = _table(lambda byte: (byte & 3) << 4)
_HIGH6 = _table(lambda byte: byte >> 2)
_UP6 = _table(lambda byte: byte << 6)
_DOWN2 = _table(lambda byte: byte >> 2)
_UP4 = _table(lambda byte: byte << 4)
_DOWN4 = _table(lambda byte: byte >> 4)
_UP2 = _table(lambda byte: byte << 2)
_GROUPS = REGISTERS // 4


def _or(first: bytes, second: bytes) -> bytes:
    """Bytewise OR of two equal-length strings whose set bits never overlap."""
    return (int.from_bytes(first, "little") | int.from_bytes(second, "little")).to_bytes(len(first), "little")


def unpack_dense(value: bytes | bytearray) -> bytes:
    """The 16384 registers of a dense HLL, one byte each. Every 3 bytes hold
    4 registers: r0 = b0 & 63, r1 = b0 >> 6 | (b1 & 15) << 2,
    r2 = b1 >> 4 | (b2 & 3) << 4, r3 = b2 >> 2."""
    area = bytes(value[HEADER_SIZE:DENSE_SIZE])
    first, second, third = area[0::3], area[1::3], area[2::3]
    registers = bytearray(REGISTERS)
    registers[0::4] = first.translate(_LOW6)
    registers[1::4] = _or(first.translate(_HIGH2), second.translate(_LOW4_UP2))
    registers[2::4] = _or(second.translate(_HIGH4), third.translate(_LOW2_UP4))
    registers[3::4] = third.translate(_HIGH6)
    return bytes(registers)


def pack_dense(registers: bytes | bytearray) -> bytes:
    """The dense register area for 16384 one-byte registers (each < 64)."""
    registers = bytes(registers)
    r0, r1, r2, r3 = registers[0::4], registers[1::4], registers[2::4], registers[3::4]
    area = bytearray(_GROUPS * 3)
    area[0::3] = _or(r0, r1.translate(_UP6))
    area[1::3] = _or(r1.translate(_DOWN2), r2.translate(_UP4))
    area[2::3] = _or(r2.translate(_DOWN4), r3.translate(_UP2))
    return bytes(area)


def dense_registers(value: bytes | bytearray) -> list[int]:
    return list(unpack_dense(value))


# -- sparse opcodes ----------------------------------------------------------------
def _put_xzero(value: bytearray, position: int, length: int) -> None:
    raw = length - 1
    value[position : position + 2] = bytes([(raw >> 8) | 0x40, raw & 0xFF])


def _opcode(value: bytes | bytearray, position: int) -> tuple[int, int, int]:
    """(kind: 0 zero, 1 xzero, 2 val; run length; register value)."""
    byte = value[position]
    if byte & 0x80:
        return 2, (byte & 3) + 1, ((byte >> 2) & 0x1F) + 1
    if byte & 0x40:
        return 1, (((byte & 0x3F) << 8) | value[position + 1]) + 1, 0
    return 0, (byte & 0x3F) + 1, 0


def _val(count: int, length: int) -> int:
    return 0x80 | ((count - 1) << 2) | (length - 1)


def sparse_runs(value: bytes | bytearray) -> list[tuple[int, int, int]]:
    """Every opcode as (kind, run length, register value)."""
    runs = []
    position, end = HEADER_SIZE, len(value)
    while position < end:
        kind, length, count = _opcode(value, position)
        runs.append((kind, length, count))
        position += 2 if kind == 1 else 1
    return runs


# A sparse stream split into opcodes by the regex engine: XZERO is a byte
# 0x40..0x7f and the byte after it (Redis reads a missing one as 0), every
# other opcode one byte.
_OPCODE_TOKEN = re.compile(rb"[\x40-\x7f][\x00-\xff]?|[\x00-\x3f\x80-\xff]")


class _Expansions(dict):  # type: ignore[type-arg]
    """Opcode token -> its registers, one byte each. The 192 one-byte
    opcodes are precomputed; an XZERO is expanded when met (an HLL has few)."""

    def __missing__(self, token: bytes) -> bytes:
        second = token[1] if len(token) > 1 else 0
        return bytes((((token[0] & 0x3F) << 8) | second) + 1)


_EXPANSIONS = _Expansions()
for _byte in range(256):
    if _byte & 0x80:
        _EXPANSIONS[bytes((_byte,))] = bytes((((_byte >> 2) & 0x1F) + 1,)) * ((_byte & 3) + 1)
    elif not _byte & 0x40:
        _EXPANSIONS[bytes((_byte,))] = bytes(_byte + 1)


def sparse_register_bytes(value: bytes | bytearray) -> bytes:
    """The registers of a sparse HLL, one byte each; CorruptHLL unless the
    stream covers exactly 16384. Tokenising and expanding are C loops."""
    tokens = _OPCODE_TOKEN.findall(value, HEADER_SIZE)
    registers = b"".join(map(_EXPANSIONS.__getitem__, tokens))
    if len(registers) != REGISTERS:
        raise CorruptHLL
    return registers


def sparse_histogram(value: bytes | bytearray) -> list[int]:
    return histogram_of(sparse_register_bytes(value))


def to_dense(value: bytearray) -> None:
    """Rewrite a sparse HLL as dense, in place (header and cache kept)."""
    if value[4] == DENSE:
        return
    _forget_index(value)
    value[HEADER_SIZE:] = pack_dense(sparse_register_bytes(value))
    value[4] = DENSE


def _zero_run(length: int) -> bytes:
    """ZERO (1..64 registers) or XZERO (65..16384) as its bytes."""
    if length > _ZERO_MAX_LEN:
        raw = length - 1
        return bytes(((raw >> 8) | 0x40, raw & 0xFF))
    return bytes((length - 1,))


# -- the sparse index ----------------------------------------------------------------
# Each opcode's first register (``starts``) and the first registers of the
# XZERO opcodes (``xzeros``, the only two-byte ones) locate any register's
# opcode with two bisects: opcode ``i`` is at byte
# ``HEADER_SIZE + i + bisect_left(xzeros, starts[i])``. Building the index
# is a Python loop over the stream, so it is kept between commands for the
# most recently edited values, keyed by object identity (the cache holds a
# reference, so the identity cannot be reused) and trusted only while the
# stream still equals the copy taken when the index was last brought up to
# date: any other writer (SETRANGE, SETBIT, APPEND on the same bytearray)
# makes the next PFADD rebuild it.
_INDEX_CACHE_SIZE = 32
_index_cache: dict[int, tuple[bytearray, bytearray, list[int], list[int]]] = {}


def _build_index(value: bytes | bytearray) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    xzeros: list[int] = []
    covered = 0
    position, end = HEADER_SIZE, len(value)
    while position < end:
        byte = value[position]
        starts.append(covered)
        if byte & 0x80:
            covered += (byte & 3) + 1
            position += 1
        elif byte & 0x40:
            if position + 1 >= end:
                raise CorruptHLL
            xzeros.append(covered)
            covered += (((byte & 0x3F) << 8) | value[position + 1]) + 1
            position += 2
        else:
            covered += byte + 1
            position += 1
    return starts, xzeros


def _forget_index(value: bytes | bytearray) -> None:
    entry = _index_cache.get(id(value))
    if entry is not None and entry[0] is value:
        del _index_cache[id(value)]


class SparseEditor:
    """hllSparseSet over a sparse HLL, editing the bytearray in place as
    Redis edits its sds (slice assignment is the memmove), with the opcode
    index above to find a register. :meth:`close` keeps the index for the
    next command (or drops it once the value went dense)."""

    __slots__ = ("value", "starts", "xzeros", "dense")

    def __init__(self, value: bytearray, starts: list[int], xzeros: list[int]) -> None:
        self.value = value
        self.starts = starts
        self.xzeros = xzeros
        self.dense = False

    @classmethod
    def open(cls, value: bytearray) -> SparseEditor:
        entry = _index_cache.pop(id(value), None)
        if entry is not None and entry[0] is value and entry[1] == value[HEADER_SIZE:]:
            return cls(value, entry[2], entry[3])
        starts, xzeros = _build_index(value)
        return cls(value, starts, xzeros)

    def close(self) -> None:
        if self.dense:
            return
        value = self.value
        _index_cache[id(value)] = (value, value[HEADER_SIZE:], self.starts, self.xzeros)
        if len(_index_cache) > _INDEX_CACHE_SIZE:
            del _index_cache[next(iter(_index_cache))]

    def set(self, index: int, count: int, sparse_max_bytes: int) -> bool:
        """hllSparseSet; after a promotion the value is dense and the caller
        goes on with :func:`dense_set`."""
        if count > _VAL_MAX_VALUE:
            return self._promote(index, count)
        value, starts, xzeros = self.value, self.starts, self.xzeros
        at = bisect_right(starts, index) - 1
        if at < 0:
            raise CorruptHLL
        first = starts[at]
        position = HEADER_SIZE + at + bisect_left(xzeros, first)
        byte = value[position]
        size = 1
        if byte & 0x80:
            span = (byte & 3) + 1
            if index >= first + span:
                raise CorruptHLL
            current = ((byte >> 2) & 0x1F) + 1
            if current >= count:
                return False
            if span == 1:
                value[position] = _val(count, 1)
                self._merge_values(at - 1)
                return True
        elif byte & 0x40:
            span = (((byte & 0x3F) << 8) | value[position + 1]) + 1
            if index >= first + span:
                raise CorruptHLL
            current = 0
            size = 2
        else:
            span = byte + 1
            if index >= first + span:
                raise CorruptHLL
            if span == 1:
                value[position] = _val(count, 1)
                self._merge_values(at - 1)
                return True
            current = 0
        last = first + span - 1
        pieces = bytearray()
        new_starts = []
        new_xzeros = []
        if index != first:
            if current:
                pieces.append(_val(current, index - first))
            else:
                if index - first > _ZERO_MAX_LEN:
                    new_xzeros.append(first)
                pieces += _zero_run(index - first)
            new_starts.append(first)
        pieces.append(_val(count, 1))
        new_starts.append(index)
        if index != last:
            if current:
                pieces.append(_val(current, last - index))
            else:
                if last - index > _ZERO_MAX_LEN:
                    new_xzeros.append(index + 1)
                pieces += _zero_run(last - index)
            new_starts.append(index + 1)
        delta = len(pieces) - size
        if delta > 0 and len(value) + delta > sparse_max_bytes:
            return self._promote(index, count)
        value[position : position + size] = pieces
        starts[at : at + 1] = new_starts
        if size == 2:
            del xzeros[bisect_left(xzeros, first)]
        for start in new_xzeros:
            insort(xzeros, start)
        self._merge_values(at - 1)
        return True

    def _merge_values(self, previous: int) -> None:
        """Step 4 of hllSparseSet: merge adjacent equal VAL opcodes, looking at
        up to five opcodes from the one before the change."""
        value, starts = self.value, self.starts
        at = previous if previous >= 0 else 0
        if at >= len(starts):
            return
        position = HEADER_SIZE + at + bisect_left(self.xzeros, starts[at])
        scans = 5
        while at < len(starts) and scans:
            scans -= 1
            byte = value[position]
            if not byte & 0x80:
                position += 2 if byte & 0x40 else 1
                at += 1
                continue
            if at + 1 < len(starts):
                following = value[position + 1]
                merged_length = (byte & 3) + (following & 3) + 2
                # Both VAL, the same value (bits 2..6), and the lengths fit one VAL.
                if following & 0x80 and not (byte ^ following) & 0x7C and merged_length <= _VAL_MAX_LEN:
                    value[position] = (byte & 0xFC) | (merged_length - 1)
                    del value[position + 1]
                    del starts[at + 1]
                    continue
            position += 1
            at += 1

    def _promote(self, index: int, count: int) -> bool:
        self.dense = True
        to_dense(self.value)
        dense_set(self.value, index, count)
        return True


# -- adding, merging, counting -----------------------------------------------------
def add(value: bytearray, element: bytes, sparse_max_bytes: int) -> bool:
    return add_many(value, [element], sparse_max_bytes)


def add_many(value: bytearray, elements: list[bytes], sparse_max_bytes: int) -> bool:
    """PFADD's loop: True when some register grew. A sparse value is decoded
    once for all the elements and written back once."""
    updated = False
    editor = None if value[4] == DENSE else SparseEditor.open(value)
    try:
        for element in elements:
            index, count = pattern(element)
            if editor is not None and not editor.dense:
                updated = editor.set(index, count, sparse_max_bytes) or updated
            else:
                updated = dense_set(value, index, count) or updated
    finally:
        if editor is not None:
            editor.close()
    return updated


def register_bytes(value: bytes | bytearray) -> bytes:
    if value[4] == DENSE:
        return unpack_dense(value)
    return sparse_register_bytes(value)


def registers(value: bytes | bytearray) -> list[int]:
    return list(register_bytes(value))


_LANE_HIGH_BITS = int.from_bytes(b"\x80" * REGISTERS, "little")
_ALL_LANES = (1 << (8 * REGISTERS)) - 1


def register_max(first: bytes | bytearray, second: bytes | bytearray) -> bytes:
    """Byte-wise maximum of two register strings (every byte < 64), as
    big-integer arithmetic on 8-bit lanes: ``(a | 0x80) - b`` keeps the lane's
    high bit exactly where ``a >= b`` and never borrows across lanes."""
    a = int.from_bytes(first, "little")
    b = int.from_bytes(second, "little")
    a_wins = ((((a | _LANE_HIGH_BITS) - b) & _LANE_HIGH_BITS) >> 7) * 0xFF
    return ((a & a_wins) | (b & (a_wins ^ _ALL_LANES))).to_bytes(REGISTERS, "little")


def merge_registers(maxima: bytes, value: bytes | bytearray) -> bytes:
    """Redis's hllMerge: the register-wise maximum of ``maxima`` (one byte
    per register) and the HLL ``value``."""
    return register_max(maxima, register_bytes(value))


def merged_registers(values: Iterable[bytes | bytearray]) -> bytes:
    """The register-wise maximum of several HLLs; all zeros for none."""
    maxima = bytes(REGISTERS)
    for value in values:
        maxima = merge_registers(maxima, value)
    return maxima


def histogram_of(register_values: bytes | bytearray | list[int]) -> list[int]:
    histogram = [0] * 64
    if not isinstance(register_values, list):
        # bytes.count is a C scan; stop at the level where every register is counted.
        remaining = len(register_values)
        for level in range(64):
            if not remaining:
                break
            found = register_values.count(level)
            histogram[level] = found
            remaining -= found
        return histogram
    for count in register_values:
        histogram[count] += 1
    return histogram


def count(value: bytes | bytearray) -> int:
    if value[4] == DENSE:
        return estimate(histogram_of(unpack_dense(value)))
    return estimate(sparse_histogram(value))


def _sigma(x: float) -> float:
    if x == 1.0:
        return math.inf
    y = 1.0
    z = x
    while True:
        x *= x
        previous = z
        z += x * y
        y += y
        if previous == z:
            return z


def _tau(x: float) -> float:
    if x == 0.0 or x == 1.0:
        return 0.0
    y = 1.0
    z = 1 - x
    while True:
        x = math.sqrt(x)
        previous = z
        y *= 0.5
        z -= (1 - x) ** 2 * y
        if previous == z:
            return z / 3


def estimate(histogram: list[int]) -> int:
    """Ertl's estimator as Redis 7.0's hllCount computes it."""
    m = float(REGISTERS)
    z = m * _tau((m - histogram[Q + 1]) / m)
    for j in range(Q, 0, -1):
        z += histogram[j]
        z *= 0.5
    z += m * _sigma(histogram[0] / m)
    if z == math.inf:
        return 0
    result = ALPHA_INF * m * m / z
    whole = math.floor(result)
    return whole + 1 if result - whole >= 0.5 else whole


_NONZERO = re.compile(rb"[^\x00]")


def raise_registers(value: bytearray, maxima: bytes | bytearray | list[int], sparse_max_bytes: int) -> None:
    """Raise every register of ``value`` to ``maxima`` in index order, as
    PFMERGE writes its destination (sparse stays sparse while it fits)."""
    if value[4] == SPARSE:
        maxima = bytes(maxima)
        editor = SparseEditor.open(value)
        try:
            for match in _NONZERO.finditer(maxima):
                index = match.start()
                editor.set(index, maxima[index], sparse_max_bytes)
                if editor.dense:
                    break
        finally:
            editor.close()
        if value[4] == SPARSE:
            return
    # Dense registers only ever rise, so raising them all at once is the same.
    raised = register_max(unpack_dense(value), bytes(maxima))
    value[HEADER_SIZE:DENSE_SIZE] = pack_dense(raised)


def decode(value: bytes | bytearray) -> bytes:
    """PFDEBUG DECODE's text for a sparse HLL."""
    words = []
    for kind, length, count in sparse_runs(value):
        if kind == 0:
            words.append(b"z:%d" % length)
        elif kind == 1:
            words.append(b"Z:%d" % length)
        else:
            words.append(b"v:%d,%d" % (count, length))
    return b" ".join(words)
