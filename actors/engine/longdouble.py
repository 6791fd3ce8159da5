"""x87 80-bit long double arithmetic, as INCRBYFLOAT and HINCRBYFLOAT do it.

Redis parses the operands with ``strtold`` (``string2ld``), adds them in long
double (a 64-bit significand, exponents down to the subnormal 2**-16445), and
prints with ``%.17Lf`` before trimming zeros. Python has no long double, so
values are kept as exact Fractions rounded to the long double grid after each
step; printing rounds the exact value to 17 decimals, half to even, as glibc
does.

``string2ld`` accepts what ``strtold`` parses completely: decimal and
hexadecimal (``0x1.8p3``) numbers and ``inf``/``infinity``, with an optional
sign, no leading space, at most 5119 bytes, every byte consumed (so no NUL);
it refuses NaN and results that overflow to infinity or underflow to zero
(``ERANGE``).

Numbers here can have thousands of digits (the largest long double has 4933),
more than Python's int/str conversion limit, so digit strings are converted
in chunks.
"""

from __future__ import annotations

import re
from fractions import Fraction

from protocol import errors
from protocol.errors import CommandError

SIGNIFICAND_BITS = 64
MAX_EXPONENT = 16384  # values at or above 2**16384 overflow to infinity
MIN_EXPONENT = -16382  # below 2**-16382 the grid is the subnormal quantum 2**-16445
MAX_LONG_DOUBLE_CHARS = 5 * 1024

_DECIMAL = re.compile(
    rb"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?", re.ASCII
)
_HEXADECIMAL = re.compile(
    rb"([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?", re.ASCII
)
_INFINITY = re.compile(rb"([+-]?)inf(?:inity)?", re.IGNORECASE)
_CHUNK_DIGITS = 4000


class LongDoubleOverflow(ArithmeticError):
    """The value is beyond the largest long double (it would be infinity)."""


def round_to_long_double(value: Fraction) -> Fraction:
    """The nearest long double, ties to even; raises LongDoubleOverflow past the range."""
    if value == 0:
        return Fraction(0)
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    exponent = magnitude.numerator.bit_length() - magnitude.denominator.bit_length()
    if Fraction(2) ** exponent > magnitude:
        exponent -= 1
    exponent = max(exponent, MIN_EXPONENT)
    scale = Fraction(2) ** (SIGNIFICAND_BITS - 1 - exponent)
    rounded = round(magnitude * scale)  # Fraction.__round__ is half-to-even
    result = Fraction(rounded) / scale
    if result >= Fraction(2) ** MAX_EXPONENT:
        raise LongDoubleOverflow
    return sign * result


def long_double(raw: bytes) -> Fraction:
    """Parse a client's number as ``string2ld`` does, or fail as Redis does:
    ``inf`` makes INCRBYFLOAT's "NaN or Infinity" error, anything else that
    is not a finite long double is "not a valid float"."""
    value = parse_long_double(raw)
    if value is None:
        raise CommandError(errors.INCR_NAN_OR_INF)
    return value


def parse_long_double(raw: bytes) -> Fraction | None:
    """The long double ``raw`` denotes; None for an infinity."""
    if not raw or len(raw) >= MAX_LONG_DOUBLE_CHARS or raw[:1].isspace():
        raise CommandError(errors.NOT_FLOAT)
    text = raw
    if _INFINITY.fullmatch(text):
        return None
    exact = _exact_value(text)
    if exact is None:
        raise CommandError(errors.NOT_FLOAT)
    try:
        value = round_to_long_double(exact)
    except LongDoubleOverflow:
        raise CommandError(errors.NOT_FLOAT) from None
    if value == 0 and exact != 0:
        raise CommandError(errors.NOT_FLOAT)  # underflow to zero is ERANGE
    return value


def add_long_doubles(first: Fraction, second: Fraction) -> Fraction:
    """``first + second`` in long double; an infinite sum is Redis's NaN/Infinity error."""
    try:
        return round_to_long_double(first + second)
    except LongDoubleOverflow:
        raise CommandError(errors.INCR_NAN_OR_INF) from None


def format_long_double(value: Fraction) -> bytes:
    """``%.17Lf`` with trailing zeros trimmed, of a long double value."""
    scaled = round(value * 10**17)
    sign = "-" if scaled < 0 else ""
    digits = _decimal_digits(abs(scaled)).rjust(18, "0")
    text = f"{sign}{digits[:-17]}.{digits[-17:]}".rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return text.encode()


def _exact_value(text: bytes) -> Fraction | None:
    match = _HEXADECIMAL.fullmatch(text)
    if match is not None:
        return _exact_from_parts(match, base=16, exponent_base=2)
    match = _DECIMAL.fullmatch(text)
    if match is not None:
        return _exact_from_parts(match, base=10, exponent_base=10)
    return None


def _exact_from_parts(match: re.Match[bytes], base: int, exponent_base: int) -> Fraction | None:
    sign, whole, fraction, exponent = match.groups()
    fraction = fraction or b""
    if not whole and not fraction:
        return None
    mantissa = _digits_value(whole + fraction, base)
    scale_digits = len(fraction) * (1 if base == 10 else 4)
    power = (int(exponent) if exponent else 0) - scale_digits
    if abs(power) > 100_000:
        # far outside the range: saturate rather than build a huge power
        if mantissa == 0:
            return Fraction(0)
        power = 100_000 if power > 0 else -100_000
    value = Fraction(mantissa) * Fraction(exponent_base) ** power
    return -value if sign == b"-" else value


def _digits_value(digits: bytes, base: int) -> int:
    if base == 16:
        return int(digits, 16) if digits else 0
    value = 0
    for start in range(0, len(digits), _CHUNK_DIGITS):
        chunk = digits[start : start + _CHUNK_DIGITS]
        value = value * 10 ** len(chunk) + int(chunk)
    return value


def _decimal_digits(number: int) -> str:
    """``str(number)`` for a non-negative int of any size."""
    if number < 10**_CHUNK_DIGITS:
        return str(number)
    high, low = divmod(number, 10**_CHUNK_DIGITS)
    return _decimal_digits(high) + str(low).rjust(_CHUNK_DIGITS, "0")
