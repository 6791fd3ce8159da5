"""Bitmap and bitfield commands: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP,
BITFIELD, BITFIELD_RO.

Bitmaps are plain string values. Bit 0 is the most significant bit of byte
0, as in Redis. A write that grows or changes a value turns it into a
``bytearray`` (Redis's "raw" encoding) and edits it in place; a value is only
grown as far as the highest bit a write reaches, zero-filled. Offsets are
bounded by ``proto-max-bulk-len`` (512 MB by default) as Redis bounds them.

Ranges (BITCOUNT, BITPOS) follow Redis 7.0: ``start``/``end`` count bytes or,
with ``BIT``, bits; negative values count from the end; both are clamped to
the value. Every range is reduced here to an inclusive bit range and the work
is done on Python integers (``int.from_bytes``/``bit_count``) over the bytes
it covers.
"""

from __future__ import annotations

from typing import Any

from protocol import errors
from protocol.errors import CommandError

from actors.engine.args import INT64_MAX, parse_int
from actors.engine.context import ExecContext
from actors.engine.dispatch import command
from actors.engine.values import lookup_string, note_access

_WRAP, _SAT, _FAIL = "wrap", "sat", "fail"
_OVERFLOWS = {b"WRAP": _WRAP, b"SAT": _SAT, b"FAIL": _FAIL}
_BITOPS = (b"AND", b"OR", b"XOR", b"NOT")


# -- shared helpers --------------------------------------------------------------
def parse_bit_offset(ctx: ExecContext, raw: bytes, hash_bits: int = 0) -> int:
    """A bit offset; with ``hash_bits`` (BITFIELD) ``#n`` means ``n * bits``."""
    multiplier = 1
    if hash_bits and raw[:1] == b"#":
        raw, multiplier = raw[1:], hash_bits
    offset = parse_int(raw, errors.BIT_OFFSET) * multiplier
    if offset < 0 or offset > INT64_MAX or (offset >> 3) >= ctx.proto_max_bulk_len:
        raise CommandError(errors.BIT_OFFSET)
    return offset


def _writable(ctx: ExecContext, key: bytes, highest_bit: int) -> tuple[bytearray, bool]:
    """The value at ``key`` as a bytearray holding at least ``highest_bit``,
    created or grown with zeros; and whether it was created or grown."""
    value = lookup_string(ctx, key)
    needed = (highest_bit >> 3) + 1
    if value is None:
        value = bytearray(needed)
        ctx.db.store(key, value)
        return value, True
    grown = len(value) < needed
    if type(value) is bytes:
        value = bytearray(value)
        ctx.db.store(key, value)
    if grown:
        value.extend(bytes(needed - len(value)))
    return value, grown


def _modified(ctx: ExecContext, argv: list[bytes], key: bytes) -> None:
    note_access(ctx, key)
    ctx.touch(key)
    ctx.propagate(argv)
    ctx.notify("$", "setbit", key)


def _clamp_range(start: int, end: int, total: int) -> tuple[int, int]:
    """Redis's conversion of a possibly negative inclusive range over ``total``
    units; ``start > end`` afterwards means empty."""
    if start < 0:
        start += total
    if end < 0:
        end += total
    start = max(start, 0)
    end = max(end, 0)
    end = min(end, total - 1)
    return start, end


def _bits_of(value: bytes | bytearray, first_bit: int, last_bit: int) -> int:
    """The bits ``first_bit..last_bit`` (inclusive) as an integer, MSB first."""
    first_byte, last_byte = first_bit >> 3, last_bit >> 3
    number = int.from_bytes(value[first_byte : last_byte + 1], "big")
    width = last_bit - first_bit + 1
    return (number >> (7 - (last_bit & 7))) & ((1 << width) - 1)


# -- SETBIT / GETBIT ---------------------------------------------------------------
@command("setbit")
def setbit(ctx: ExecContext, argv: list[bytes]) -> Any:
    key = argv[1]
    offset = parse_bit_offset(ctx, argv[2])
    if argv[3] not in (b"0", b"1"):
        raise CommandError(errors.BIT_VALUE)
    on = argv[3] == b"1"
    value, grown = _writable(ctx, key, offset)
    byte, mask = offset >> 3, 0x80 >> (offset & 7)
    old = 1 if value[byte] & mask else 0
    if grown or old != on:
        value[byte] = (value[byte] | mask) if on else (value[byte] & ~mask)
        _modified(ctx, argv, key)
    return old


@command("getbit")
def getbit(ctx: ExecContext, argv: list[bytes]) -> Any:
    offset = parse_bit_offset(ctx, argv[2])
    value = lookup_string(ctx, argv[1])
    byte = offset >> 3
    if value is None or byte >= len(value):
        return 0
    return 1 if value[byte] & (0x80 >> (offset & 7)) else 0


# -- BITCOUNT / BITPOS -------------------------------------------------------------
def _unit_is_bit(raw: bytes) -> bool:
    unit = raw.upper()
    if unit not in (b"BIT", b"BYTE"):
        raise CommandError(errors.SYNTAX)
    return unit == b"BIT"


@command("bitcount")
def bitcount(ctx: ExecContext, argv: list[bytes]) -> Any:
    if len(argv) not in (2, 4, 5):
        value = lookup_string(ctx, argv[1])
        if value is None:
            return 0
        raise CommandError(errors.SYNTAX)
    value = lookup_string(ctx, argv[1])
    if value is None:
        return 0
    if len(argv) == 2:
        return int.from_bytes(value, "big").bit_count()
    start, end = parse_int(argv[2]), parse_int(argv[3])
    if start < 0 and end < 0 and start > end:
        return 0
    is_bit = len(argv) == 5 and _unit_is_bit(argv[4])
    total = len(value) * 8 if is_bit else len(value)
    start, end = _clamp_range(start, end, total)
    if start > end:
        return 0
    if not is_bit:
        start, end = start * 8, end * 8 + 7
    return _bits_of(value, start, end).bit_count()


@command("bitpos")
def bitpos(ctx: ExecContext, argv: list[bytes]) -> Any:
    bit = parse_int(argv[2])
    if bit not in (0, 1):
        raise CommandError(errors.BITPOS_BIT)
    value = lookup_string(ctx, argv[1])
    if value is None:
        return -1 if bit else 0
    if len(argv) > 6:
        raise CommandError(errors.SYNTAX)
    end_given = len(argv) >= 5
    is_bit = False
    if len(argv) == 3:
        start, end = 0, len(value) - 1
    else:
        start = parse_int(argv[3])
        if len(argv) == 6:
            is_bit = _unit_is_bit(argv[5])
        end = parse_int(argv[4]) if end_given else (len(value) * 8 + 7 if is_bit else len(value) - 1)
        total = len(value) * 8 if is_bit else len(value)
        start, end = _clamp_range(start, end, total)
    if start > end:
        return -1
    if not is_bit:
        start, end = start * 8, end * 8 + 7
    return bitpos_generic(value, bit, start, end, end_given)


def bitpos_generic(value: bytes | bytearray, bit: int, start: int, end: int, end_given: bool) -> int:
    """The first ``bit`` in bits ``start..end``. Past the range, a clear bit is
    found at ``end + 1`` (the string is zero-padded) unless the user gave an end."""
    bits = _bits_of(value, start, end)
    width = end - start + 1
    if bit == 0:
        bits ^= (1 << width) - 1
    if bits:
        return start + width - bits.bit_length()
    if bit == 1 or end_given:
        return -1
    return end + 1


# -- BITOP -------------------------------------------------------------------------
@command("bitop")
def bitop(ctx: ExecContext, argv: list[bytes]) -> Any:
    operation = argv[1].upper()
    if operation not in _BITOPS:
        raise CommandError(errors.SYNTAX)
    destination, sources = argv[2], argv[3:]
    if operation == b"NOT" and len(sources) != 1:
        raise CommandError(errors.BITOP_NOT_SINGLE)
    values = [lookup_string(ctx, key) or b"" for key in sources]
    length = max(len(value) for value in values)
    if length == 0:
        if ctx.db.delete(destination):
            ctx.touch(destination)
            ctx.propagate(argv)
            ctx.notify("g", "del", destination)
        return 0
    numbers = [int.from_bytes(bytes(value).ljust(length, b"\0"), "big") for value in values]
    result = numbers[0]
    if operation == b"NOT":
        result ^= (1 << (8 * length)) - 1
    for number in numbers[1:]:
        if operation == b"AND":
            result &= number
        elif operation == b"OR":
            result |= number
        else:
            result ^= number
    ctx.db.store_new(destination, bytearray(result.to_bytes(length, "big")))
    note_access(ctx, destination)
    ctx.touch(destination)
    ctx.propagate(argv)
    ctx.notify("$", "set", destination)
    return length


# -- BITFIELD ----------------------------------------------------------------------
def _parse_type(raw: bytes) -> tuple[bool, int]:
    signed = raw[:1] == b"i"
    if not signed and raw[:1] != b"u":
        raise CommandError(errors.BITFIELD_TYPE)
    bits = parse_int(raw[1:], errors.BITFIELD_TYPE)
    if bits < 1 or bits > (64 if signed else 63):
        raise CommandError(errors.BITFIELD_TYPE)
    return signed, bits


def _read_field(value: bytes | bytearray | None, offset: int, bits: int, signed: bool) -> int:
    if value is None:
        return 0
    last = offset + bits - 1
    available = len(value) * 8
    if offset >= available:
        return 0
    if last >= available:
        number = _bits_of(value, offset, available - 1) << (last - available + 1)
    else:
        number = _bits_of(value, offset, last)
    if signed and number >> (bits - 1):
        number -= 1 << bits
    return number


def _write_field(value: bytearray, offset: int, bits: int, number: int) -> None:
    first_byte, last_byte = offset >> 3, (offset + bits - 1) >> 3
    span = (last_byte - first_byte + 1) * 8
    shift = span - (offset & 7) - bits
    mask = ((1 << bits) - 1) << shift
    current = int.from_bytes(value[first_byte : last_byte + 1], "big")
    current = (current & ~mask) | ((number << shift) & mask)
    value[first_byte : last_byte + 1] = current.to_bytes(span // 8, "big")


def _int64(number: int) -> int:
    """``number`` as C's int64_t arithmetic leaves it (two's complement wrap)."""
    return ((number + (1 << 63)) & 0xFFFFFFFFFFFFFFFF) - (1 << 63)


def _overflow(value: int, increment: int, bits: int, signed: bool, policy: str) -> int | None:
    """``value + increment`` fitted to the field: as is, wrapped or saturated;
    None for FAIL. The checks are Redis's checkSigned/UnsignedBitfieldOverflow,
    int64 wrap-around included (``SET i8 0 -9223372036854775808`` saturates
    to the maximum there, and so here)."""
    if signed:
        high = INT64_MAX if bits == 64 else (1 << (bits - 1)) - 1
        low = -high - 1
        above_increment, below_increment = _int64(high - value), _int64(low - value)
        too_high = value > high or (bits != 64 and increment > above_increment) or (
            value >= 0 and increment > 0 and increment > above_increment
        )
        too_low = value < low or (bits != 64 and increment < below_increment) or (
            value < 0 and increment < 0 and increment < below_increment
        )
    else:
        high, low = (1 << bits) - 1, 0
        above_increment, below_increment = _int64(high - value), _int64(-value)
        too_high = value > high or (increment > 0 and increment > above_increment)
        too_low = increment < 0 and increment < below_increment
    if not too_high and not too_low:
        return value + increment
    if policy == _FAIL:
        return None
    if policy == _SAT:
        return high if too_high else low
    wrapped = (value + increment) & ((1 << bits) - 1)
    if signed and wrapped >> (bits - 1):
        wrapped -= 1 << bits
    return wrapped


@command("bitfield")
def bitfield(ctx: ExecContext, argv: list[bytes]) -> Any:
    return bitfield_generic(ctx, argv, read_only=False)


@command("bitfield_ro")
def bitfield_ro(ctx: ExecContext, argv: list[bytes]) -> Any:
    return bitfield_generic(ctx, argv, read_only=True)


def bitfield_generic(ctx: ExecContext, argv: list[bytes], read_only: bool) -> Any:
    operations: list[tuple[bytes, bool, int, int, int, str]] = []
    policy = _WRAP
    highest_write = -1
    position = 2
    while position < len(argv):
        remaining = len(argv) - position - 1
        name = argv[position].upper()
        if name == b"OVERFLOW" and remaining >= 1:
            policy_name = _OVERFLOWS.get(argv[position + 1].upper())
            if policy_name is None:
                raise CommandError(errors.BITFIELD_OVERFLOW)
            policy = policy_name
            position += 2
            continue
        if not ((name == b"GET" and remaining >= 2) or (name in (b"SET", b"INCRBY") and remaining >= 3)):
            raise CommandError(errors.SYNTAX)
        signed, bits = _parse_type(argv[position + 1])
        offset = parse_bit_offset(ctx, argv[position + 2], bits)
        number = 0
        if name != b"GET":
            highest_write = max(highest_write, offset + bits - 1)
            number = parse_int(argv[position + 3])
        operations.append((name, signed, bits, offset, number, policy))
        position += 3 if name == b"GET" else 4
    if highest_write < 0:
        return [_read_field(lookup_string(ctx, argv[1]), op[3], op[2], op[1]) for op in operations]
    if read_only:
        raise CommandError(errors.BITFIELD_RO_GET_ONLY)
    value, changed = _writable(ctx, argv[1], highest_write)
    replies: list[Any] = []
    for name, signed, bits, offset, number, op_policy in operations:
        old = _read_field(value, offset, bits, signed)
        if name == b"GET":
            replies.append(old)
            continue
        if name == b"INCRBY":
            fitted = _overflow(old, number, bits, signed, op_policy)
            reply = fitted
        else:
            wanted = number if signed else number & 0xFFFFFFFFFFFFFFFF
            fitted = _overflow(wanted, 0, bits, signed, op_policy)
            reply = old
        if fitted is None:
            replies.append(None)
            continue
        _write_field(value, offset, bits, fitted & ((1 << bits) - 1))
        replies.append(reply)
        changed = True
    if changed:
        _modified(ctx, argv, argv[1])
    return replies
