"""The one argument cursor, and Redis's number parsing rules.

Redis parses integers with ``string2ll`` (no sign but ``-``, no leading zeros,
no spaces, 64-bit) and doubles with ``string2d``: C ``strtod`` over the whole
argument (decimal or hex ``0x1p3``, ``inf``/``infinity``, no NaN, no leading
space) that also refuses a value that overflows to infinity or underflows to
zero (``1e400``, ``1e-400``; a subnormal such as ``1e-310`` is kept). Python's
``int()`` and ``float()`` accept more (``+1``, `` 1``, ``1_000``, ``nan``) and
some less (hex), so every number from a client goes through the functions here.
"""

from __future__ import annotations

import re

from protocol import errors
from protocol.errors import CommandError

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
_INF = float("inf")

_INTEGER = re.compile(rb"-?[1-9][0-9]*|0")
_DECIMAL = re.compile(rb"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_HEX = re.compile(rb"[+-]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?")
_INFINITY = re.compile(rb"[+-]?(?:inf|infinity)", re.IGNORECASE)
_NONZERO_DIGIT = re.compile(rb"[1-9a-fA-F]")


def parse_int(raw: bytes, error: str = errors.NOT_INTEGER) -> int:
    if raw.isdigit() and len(raw) < 19 and (raw[0] != 48 or len(raw) == 1):
        return int(raw)  # the common case: plain digits, no leading zero, surely in range
    if len(raw) <= 20 and _INTEGER.fullmatch(raw):
        value = int(raw)
        if INT64_MIN <= value <= INT64_MAX:
            return value
    raise CommandError(error)


def is_int64(raw: bytes) -> bool:
    if len(raw) <= 20 and _INTEGER.fullmatch(raw):
        return INT64_MIN <= int(raw) <= INT64_MAX
    return False


def parse_float(raw: bytes, error: str = errors.NOT_FLOAT) -> float:
    if raw.isdigit() and len(raw) <= 15:
        return float(raw)  # the common case: plain digits, finite and exact
    decimal = _DECIMAL.fullmatch(raw)
    if decimal is not None:
        value = float(raw)
        mantissa = decimal.group(1)
    else:
        hexadecimal = _HEX.fullmatch(raw)
        if hexadecimal is None:
            if _INFINITY.fullmatch(raw):
                return float(raw)
            raise CommandError(error)
        try:
            value = float.fromhex(raw.decode("ascii"))
        except OverflowError:
            raise CommandError(error) from None
        mantissa = hexadecimal.group(1)
    if value in (_INF, -_INF):
        raise CommandError(error)  # strtod's ERANGE overflow
    if value == 0.0 and _NONZERO_DIGIT.search(mantissa):
        raise CommandError(error)  # strtod's ERANGE underflow to zero
    return value


def upper(raw: bytes) -> bytes:
    return raw.upper()


class Args:
    """A cursor over ``argv`` starting after the command name (and subcommand)."""

    __slots__ = ("argv", "position")

    def __init__(self, argv: list[bytes], start: int = 1) -> None:
        self.argv = argv
        self.position = start

    def __bool__(self) -> bool:
        return self.position < len(self.argv)

    @property
    def remaining(self) -> int:
        return len(self.argv) - self.position

    def next(self) -> bytes:
        """The next argument; a missing one is a syntax error."""
        if self.position >= len(self.argv):
            raise CommandError(errors.SYNTAX)
        value = self.argv[self.position]
        self.position += 1
        return value

    def next_keyword(self) -> bytes:
        return self.next().upper()

    def next_int(self, error: str = errors.NOT_INTEGER) -> int:
        return parse_int(self.next(), error)

    def next_float(self, error: str = errors.NOT_FLOAT) -> float:
        return parse_float(self.next(), error)

    def rest(self) -> list[bytes]:
        values = self.argv[self.position :]
        self.position = len(self.argv)
        return values
