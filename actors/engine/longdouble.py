"""x87 80-bit long double arithmetic, as INCRBYFLOAT and HINCRBYFLOAT do it.

Redis parses the operands with ``strtold``, adds them in long double (a
64-bit significand), and prints with ``%.17Lf`` before trimming zeros. Python
has no long double, so values are kept as exact Fractions rounded to a 64-bit
significand after each step; printing rounds the exact value to 17 decimals,
half to even, as glibc does.
"""

from __future__ import annotations

import re
from fractions import Fraction

from protocol import errors
from protocol.errors import CommandError

SIGNIFICAND_BITS = 64
MAX_EXPONENT = 16384  # values at or above 2**16384 overflow to infinity

_NUMBER = re.compile(
    rb"\s*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII
)


def round_to_long_double(value: Fraction) -> Fraction:
    if value == 0:
        return Fraction(0)
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    exponent = magnitude.numerator.bit_length() - magnitude.denominator.bit_length()
    if Fraction(2) ** exponent > magnitude:
        exponent -= 1
    if exponent >= MAX_EXPONENT:
        raise CommandError(errors.INCR_NAN_OR_INF)
    scale = Fraction(2) ** (SIGNIFICAND_BITS - 1 - exponent)
    scaled = magnitude * scale
    rounded = round(scaled)  # Fraction.__round__ is half-to-even
    return sign * Fraction(rounded) / scale


_INFINITY = re.compile(rb"[+-]?inf(?:inity)?", re.IGNORECASE)


def long_double(raw: bytes) -> Fraction:
    """Parse a client's number as strtold would, or fail as Redis does."""
    if _INFINITY.fullmatch(raw):
        raise CommandError(errors.INCR_NAN_OR_INF)
    if not raw or raw[:1].isspace() or raw[-1:].isspace() or not _NUMBER.fullmatch(raw):
        raise CommandError(errors.NOT_FLOAT)
    return round_to_long_double(Fraction(raw.decode().strip()))


def format_long_double(value: Fraction) -> bytes:
    """``%.17Lf`` with trailing zeros trimmed, of ``value`` rounded to long double."""
    value = round_to_long_double(value)
    scaled = round(value * 10**17)
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled)).rjust(18, "0")
    text = f"{sign}{digits[:-17]}.{digits[-17:]}".rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return text.encode()
