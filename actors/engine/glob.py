"""Redis glob patterns (``stringmatchlen``): ``*``, ``?``, ``[abc]``, ``[^a-z]``, ``\\x``.

Patterns are translated once into a compiled regular expression and cached.
Differences from :mod:`fnmatch`: negation is ``^`` (not ``!``), a backslash
escapes the next byte everywhere, reversed ranges ``[z-a]`` match as if
ordered, and an unclosed ``[`` runs to the end of the pattern.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable


@functools.lru_cache(maxsize=1024)
def compile_glob(pattern: bytes, nocase: bool = False) -> Callable[[bytes], bool]:
    if pattern == b"*":
        return _match_all
    regex = re.compile(_translate(pattern), re.DOTALL | (re.IGNORECASE if nocase else 0))
    fullmatch = regex.fullmatch
    return lambda subject: fullmatch(subject) is not None


def glob_match(pattern: bytes, subject: bytes, nocase: bool = False) -> bool:
    return compile_glob(pattern, nocase)(subject)


def _match_all(subject: bytes) -> bool:
    return True


def _translate(pattern: bytes) -> bytes:
    out = bytearray()
    position, length = 0, len(pattern)
    while position < length:
        char = pattern[position : position + 1]
        position += 1
        if char == b"*":
            while pattern[position : position + 1] == b"*":
                position += 1
            out += b".*"
        elif char == b"?":
            out += b"."
        elif char == b"\\" and position < length:
            out += re.escape(pattern[position : position + 1])
            position += 1
        elif char == b"[":
            position = _translate_class(pattern, position, out)
        else:
            out += re.escape(char)
    return bytes(out)


def _translate_class(pattern: bytes, position: int, out: bytearray) -> int:
    length = len(pattern)
    negate = pattern[position : position + 1] == b"^"
    if negate:
        position += 1
    members: list[bytes] = []
    while position < length and pattern[position : position + 1] != b"]":
        char = pattern[position : position + 1]
        if char == b"\\" and position + 1 < length:
            members.append(_escape_in_class(pattern[position + 1]))
            position += 2
        elif pattern[position + 1 : position + 2] == b"-" and position + 2 < length:
            low, high = pattern[position], pattern[position + 2]
            if low > high:
                low, high = high, low
            members.append(_escape_in_class(low) + b"-" + _escape_in_class(high))
            position += 3
        else:
            members.append(_escape_in_class(pattern[position]))
            position += 1
    position += 1  # the closing bracket, or past the end when unclosed
    if not members:
        out += b"[^\\s\\S]" if not negate else b"[\\s\\S]"
        return position
    out += b"[" + (b"^" if negate else b"") + b"".join(members) + b"]"
    return position


def _escape_in_class(byte: int) -> bytes:
    return b"\\x%02x" % byte
