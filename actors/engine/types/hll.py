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

The estimator is Redis 7.0's (Ertl's "new" estimator over the register
histogram). Value functions return -1 / raise :class:`CorruptHLL` where
Redis reports an invalid object.
"""

from __future__ import annotations

import math
import struct

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


def dense_registers(value: bytes | bytearray) -> list[int]:
    packed = int.from_bytes(value[HEADER_SIZE:DENSE_SIZE], "little")
    return [(packed >> (6 * index)) & 63 for index in range(REGISTERS)]


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


def _zeros(length: int) -> bytes:
    if length > _ZERO_MAX_LEN:
        raw = length - 1
        return bytes([(raw >> 8) | 0x40, raw & 0xFF])
    return bytes([length - 1])


def sparse_runs(value: bytes | bytearray) -> list[tuple[int, int, int]]:
    """Every opcode as (kind, run length, register value)."""
    runs = []
    position, end = HEADER_SIZE, len(value)
    while position < end:
        kind, length, count = _opcode(value, position)
        runs.append((kind, length, count))
        position += 2 if kind == 1 else 1
    return runs


def sparse_registers(value: bytes | bytearray) -> list[int]:
    """The registers of a sparse HLL; CorruptHLL unless it covers exactly 16384."""
    registers: list[int] = []
    for kind, length, count in sparse_runs(value):
        if kind == 2 and len(registers) + length > REGISTERS:
            raise CorruptHLL
        registers.extend([count] * length)
    if len(registers) != REGISTERS:
        raise CorruptHLL
    return registers


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
    registers = sparse_registers(value)
    packed = 0
    for index in range(REGISTERS - 1, -1, -1):
        packed = (packed << 6) | registers[index]
    value[HEADER_SIZE:] = packed.to_bytes(DENSE_SIZE - HEADER_SIZE, "little")
    value[4] = DENSE


def sparse_set(value: bytearray, index: int, count: int, sparse_max_bytes: int) -> bool:
    """Redis's hllSparseSet: True when the register grew (possibly promoting
    the value to dense); CorruptHLL on an invalid stream."""
    if count > _VAL_MAX_VALUE:
        return _promote(value, index, count)
    end = len(value)
    position = HEADER_SIZE
    previous = -1
    first = span = 0
    kind = 0
    while position < end:
        kind, span, current = _opcode(value, position)
        if index <= first + span - 1:
            break
        previous = position
        position += 2 if kind == 1 else 1
        first += span
    else:
        raise CorruptHLL
    if span == 0:
        raise CorruptHLL
    if kind == 2:
        if current >= count:
            return False
        if span == 1:
            value[position] = _val(count, 1)
            _merge_values(value, previous)
            return True
    if kind == 0 and span == 1:
        value[position] = _val(count, 1)
        _merge_values(value, previous)
        return True
    last = first + span - 1
    sequence = bytearray()
    if kind == 2:
        if index != first:
            sequence.append(_val(current, index - first))
        sequence.append(_val(count, 1))
        if index != last:
            sequence.append(_val(current, last - index))
    else:
        if index != first:
            sequence += _zeros(index - first)
        sequence.append(_val(count, 1))
        if index != last:
            sequence += _zeros(last - index)
    old_length = 2 if kind == 1 else 1
    delta = len(sequence) - old_length
    if delta > 0 and len(value) + delta > sparse_max_bytes:
        return _promote(value, index, count)
    value[position : position + old_length] = sequence
    _merge_values(value, previous)
    return True


def _merge_values(value: bytearray, previous: int) -> None:
    """Step 4 of hllSparseSet: merge adjacent equal VAL opcodes, looking at
    up to five opcodes from the one before the change."""
    position = previous if previous >= 0 else HEADER_SIZE
    scans = 5
    while position < len(value) and scans:
        scans -= 1
        byte = value[position]
        if not byte & 0x80:
            position += 2 if byte & 0x40 else 1
            continue
        if position + 1 < len(value) and value[position + 1] & 0x80:
            _, first_length, first_count = _opcode(value, position)
            _, second_length, second_count = _opcode(value, position + 1)
            if first_count == second_count and first_length + second_length <= _VAL_MAX_LEN:
                value[position : position + 2] = bytes([_val(first_count, first_length + second_length)])
                continue
        position += 1


def _promote(value: bytearray, index: int, count: int) -> bool:
    to_dense(value)
    dense_set(value, index, count)
    return True


# -- adding, merging, counting -----------------------------------------------------
def add(value: bytearray, element: bytes, sparse_max_bytes: int) -> bool:
    index, count = pattern(element)
    if value[4] == DENSE:
        return dense_set(value, index, count)
    return sparse_set(value, index, count, sparse_max_bytes)


def registers(value: bytes | bytearray) -> list[int]:
    if value[4] == DENSE:
        return dense_registers(value)
    return sparse_registers(value)


def merge_into(maxima: list[int], value: bytes | bytearray) -> None:
    """maxima[i] = max(maxima[i], register i) (Redis's hllMerge)."""
    for index, count in enumerate(registers(value)):
        if count > maxima[index]:
            maxima[index] = count


def histogram_of(register_values: list[int]) -> list[int]:
    histogram = [0] * 64
    for count in register_values:
        histogram[count] += 1
    return histogram


def count(value: bytes | bytearray) -> int:
    if value[4] == DENSE:
        return estimate(histogram_of(dense_registers(value)))
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


def raise_registers(value: bytearray, maxima: list[int], sparse_max_bytes: int) -> None:
    """Raise every register of ``value`` to ``maxima`` in index order, as
    PFMERGE writes its destination (sparse stays sparse while it fits)."""
    for index, count in enumerate(maxima):
        if count:
            if value[4] == DENSE:
                dense_set(value, index, count)
            else:
                sparse_set(value, index, count, sparse_max_bytes)


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
