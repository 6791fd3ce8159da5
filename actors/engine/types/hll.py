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

Speed: a command decodes a sparse stream once into a list of opcodes (and
the first register each covers) and edits that list, so finding a register
is a bisect rather than a byte scan; the bytes are written back once. Dense
registers are unpacked and packed 4 at a time with byte-string slicing,
``bytes.translate`` and big-integer ORs (C loops), one byte per register.

The estimator is Redis 7.0's (Ertl's "new" estimator over the register
histogram). Value functions return -1 / raise :class:`CorruptHLL` where
Redis reports an invalid object.
"""

from __future__ import annotations

import math
import struct
from bisect import bisect_right
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
def murmurhash64a(data: bytes, seed: int = SEED) -> int:
    m = _MURMUR_M
    length = len(data)
    h = (seed ^ (length * m)) & _M64
    whole = length - (length & 7)
    for (k,) in struct.iter_unpack("<Q", data[:whole]):
        k = (k * m) & _M64
        k ^= k >> 47
        k = (k * m) & _M64
        h ^= k
        h = (h * m) & _M64
    tail = data[whole:]
    if tail:
        h ^= int.from_bytes(tail, "little")
        h = (h * m) & _M64
    h ^= h >> 47
    h = (h * m) & _M64
    h ^= h >> 47
    return h


def pattern(element: bytes) -> tuple[int, int]:
    """(register index, run length of the hash's trailing zeros + 1)."""
    hash_value = murmurhash64a(element)
    index = hash_value & _REGISTER_MASK
    rest = (hash_value >> P) | (1 << Q)
    return index, (rest & -rest).bit_length()


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


def sparse_register_bytes(value: bytes | bytearray) -> bytes:
    """The registers of a sparse HLL, one byte each; CorruptHLL unless the
    stream covers exactly 16384."""
    parts = []
    covered = 0
    for kind, length, count in sparse_runs(value):
        if kind == 2 and covered + length > REGISTERS:
            raise CorruptHLL
        covered += length
        parts.append(bytes((count,)) * length)
    if covered != REGISTERS:
        raise CorruptHLL
    return b"".join(parts)


def sparse_registers(value: bytes | bytearray) -> list[int]:
    return list(sparse_register_bytes(value))


def sparse_histogram(value: bytes | bytearray) -> list[int]:
    histogram = [0] * 64
    covered = 0
    for _kind, length, count in sparse_runs(value):
        covered += length
        histogram[count] += length
    if covered != REGISTERS:
        raise CorruptHLL
    return histogram


def to_dense(value: bytearray) -> None:
    """Rewrite a sparse HLL as dense, in place (header and cache kept)."""
    if value[4] == DENSE:
        return
    value[HEADER_SIZE:] = pack_dense(sparse_register_bytes(value))
    value[4] = DENSE


def sparse_set(value: bytearray, index: int, count: int, sparse_max_bytes: int) -> bool:
    """Redis's hllSparseSet: True when the register grew (possibly promoting
    the value to dense); CorruptHLL on an invalid stream."""
    editor = SparseEditor.decode(value)
    try:
        return editor.set(index, count, sparse_max_bytes)
    finally:
        editor.write_back()


def _opcode_size(opcode: int) -> int:
    return 2 if opcode > 0xFF else 1


def _zero_opcode(length: int) -> int:
    """ZERO as its byte, XZERO as a 16-bit number (first byte high)."""
    if length > _ZERO_MAX_LEN:
        return 0x4000 | (length - 1)
    return length - 1


def _span(opcode: int) -> tuple[int, int, int]:
    """(kind: 0 zero, 1 xzero, 2 val; run length; register value)."""
    if opcode > 0xFF:
        return 1, (opcode & 0x3FFF) + 1, 0
    if opcode & 0x80:
        return 2, (opcode & 3) + 1, ((opcode >> 2) & 0x1F) + 1
    return 0, (opcode & 0x3F) + 1, 0


class SparseEditor:
    """A sparse HLL decoded once for a command's worth of hllSparseSet calls:
    ``opcodes`` (ZERO/VAL as their byte, XZERO as a 16-bit number) and
    ``starts`` (the first register each covers). :meth:`write_back` puts
    the bytes back into the value (nothing to do once it went dense)."""

    __slots__ = ("value", "opcodes", "starts", "size", "dense")

    def __init__(self, value: bytearray, opcodes: list[int], starts: list[int]) -> None:
        self.value = value
        self.opcodes = opcodes
        self.starts = starts
        self.size = len(value)
        self.dense = False

    @classmethod
    def decode(cls, value: bytearray) -> SparseEditor:
        opcodes: list[int] = []
        starts: list[int] = []
        covered = 0
        position, end = HEADER_SIZE, len(value)
        while position < end:
            byte = value[position]
            if byte & 0x80:
                opcode = byte
                covered_next = covered + (byte & 3) + 1
                position += 1
            elif byte & 0x40:
                if position + 1 >= end:
                    raise CorruptHLL
                opcode = (byte << 8) | value[position + 1]
                covered_next = covered + (opcode & 0x3FFF) + 1
                position += 2
            else:
                opcode = byte
                covered_next = covered + byte + 1
                position += 1
            opcodes.append(opcode)
            starts.append(covered)
            covered = covered_next
        return cls(value, opcodes, starts)

    def write_back(self) -> None:
        if self.dense:
            return
        encoded = bytearray()
        for opcode in self.opcodes:
            if opcode > 0xFF:
                encoded.append(opcode >> 8)
            encoded.append(opcode & 0xFF)
        self.value[HEADER_SIZE:] = encoded

    def set(self, index: int, count: int, sparse_max_bytes: int) -> bool:
        """hllSparseSet on the decoded opcodes; after a promotion the value is
        dense and the caller goes on with :func:`dense_set`."""
        if count > _VAL_MAX_VALUE:
            return self._promote(index, count)
        opcodes, starts = self.opcodes, self.starts
        at = bisect_right(starts, index) - 1
        if at < 0:
            raise CorruptHLL
        kind, span, current = _span(opcodes[at])
        first = starts[at]
        last = first + span - 1
        if index > last:
            raise CorruptHLL
        previous = at - 1
        if kind == 2:
            if current >= count:
                return False
            if span == 1:
                opcodes[at] = _val(count, 1)
                self._merge_values(previous)
                return True
        if kind == 0 and span == 1:
            opcodes[at] = _val(count, 1)
            self._merge_values(previous)
            return True
        new_opcodes: list[int] = []
        new_starts: list[int] = []
        if index != first:
            new_opcodes.append(_val(current, index - first) if kind == 2 else _zero_opcode(index - first))
            new_starts.append(first)
        new_opcodes.append(_val(count, 1))
        new_starts.append(index)
        if index != last:
            new_opcodes.append(_val(current, last - index) if kind == 2 else _zero_opcode(last - index))
            new_starts.append(index + 1)
        delta = sum(map(_opcode_size, new_opcodes)) - _opcode_size(opcodes[at])
        if delta > 0 and self.size + delta > sparse_max_bytes:
            return self._promote(index, count)
        opcodes[at : at + 1] = new_opcodes
        starts[at : at + 1] = new_starts
        self.size += delta
        self._merge_values(previous)
        return True

    def _merge_values(self, previous: int) -> None:
        """Step 4 of hllSparseSet: merge adjacent equal VAL opcodes, looking at
        up to five opcodes from the one before the change."""
        opcodes, starts = self.opcodes, self.starts
        position = previous if previous >= 0 else 0
        scans = 5
        while position < len(opcodes) and scans:
            scans -= 1
            opcode = opcodes[position]
            if not 0x80 <= opcode <= 0xFF:
                position += 1
                continue
            if position + 1 < len(opcodes) and 0x80 <= opcodes[position + 1] <= 0xFF:
                _, first_length, first_count = _span(opcode)
                _, second_length, second_count = _span(opcodes[position + 1])
                if first_count == second_count and first_length + second_length <= _VAL_MAX_LEN:
                    opcodes[position : position + 2] = [_val(first_count, first_length + second_length)]
                    del starts[position + 1]
                    self.size -= 1
                    continue
            position += 1

    def _promote(self, index: int, count: int) -> bool:
        self.write_back()
        self.dense = True
        return _promote(self.value, index, count)


def _promote(value: bytearray, index: int, count: int) -> bool:
    to_dense(value)
    dense_set(value, index, count)
    return True


# -- adding, merging, counting -----------------------------------------------------
def add(value: bytearray, element: bytes, sparse_max_bytes: int) -> bool:
    return add_many(value, [element], sparse_max_bytes)


def add_many(value: bytearray, elements: list[bytes], sparse_max_bytes: int) -> bool:
    """PFADD's loop: True when some register grew. A sparse value is decoded
    once for all the elements and written back once."""
    updated = False
    editor = None if value[4] == DENSE else SparseEditor.decode(value)
    try:
        for element in elements:
            index, count = pattern(element)
            if editor is not None and not editor.dense:
                updated = editor.set(index, count, sparse_max_bytes) or updated
            else:
                updated = dense_set(value, index, count) or updated
    finally:
        if editor is not None:
            editor.write_back()
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
    if not isinstance(register_values, list):
        return [register_values.count(level) for level in range(64)]
    histogram = [0] * 64
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


def raise_registers(value: bytearray, maxima: bytes | bytearray | list[int], sparse_max_bytes: int) -> None:
    """Raise every register of ``value`` to ``maxima`` in index order, as
    PFMERGE writes its destination (sparse stays sparse while it fits)."""
    if value[4] == SPARSE:
        editor = SparseEditor.decode(value)
        try:
            for index, count in enumerate(maxima):
                if count:
                    editor.set(index, count, sparse_max_bytes)
                    if editor.dense:
                        break
        finally:
            editor.write_back()
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
