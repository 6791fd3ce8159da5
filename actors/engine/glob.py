"""Redis glob patterns (``stringmatchlen``): ``*``, ``?``, ``[abc]``, ``[^a-z]``, ``\\x``.

Patterns are translated once into a compiled regular expression and cached.
The translation follows Redis's matcher byte for byte rather than
:mod:`fnmatch`:

* negation is ``^`` (not ``!``); ``[]`` matches nothing and ``[^]`` any byte;
* a backslash escapes the next byte everywhere; inside a class an escaped
  byte is compared case-sensitively even with ``nocase``;
* a range ``[x-y]`` compares *signed* chars as C does (``[a-\\xff]`` is
  ``\\xff`` plus ``\\x00``-``a``), reversed ranges are swapped, and ``nocase``
  lowercases the bounds after the swap;
* ``[a-]`` is the range ``a``-``]``, and an unclosed ``[`` runs to the end of
  the pattern;
* an empty subject matches only the empty pattern (``**`` does not match
  ``b""``). The one exception is the pattern ``*`` alone, which matches
  everything: KEYS and SCAN take that shortcut in Redis too.

Every class is evaluated against all 256 byte values at compile time and
emitted as an explicit byte set, so the regex engine never applies its own
case folding or range rules.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

_STAR, _QUESTION, _OPEN, _CLOSE, _CARET, _DASH, _BACKSLASH = b"*?[]^-\\"


@functools.lru_cache(maxsize=1024)
def compile_glob(pattern: bytes, nocase: bool = False) -> Callable[[bytes], bool]:
    if pattern == b"*":
        return _match_all
    fullmatch = re.compile(_translate(pattern, nocase), re.DOTALL).fullmatch
    if not pattern:
        return lambda subject: not subject
    return lambda subject: bool(subject) and fullmatch(subject) is not None


def glob_match(pattern: bytes, subject: bytes, nocase: bool = False) -> bool:
    return compile_glob(pattern, nocase)(subject)


def _match_all(subject: bytes) -> bool:
    return True


def _translate(pattern: bytes, nocase: bool) -> bytes:
    out = bytearray()
    position, length = 0, len(pattern)
    while position < length:
        byte = pattern[position]
        position += 1
        if byte == _STAR:
            while position < length and pattern[position] == _STAR:
                position += 1
            out += b".*"
        elif byte == _QUESTION:
            out += b"."
        elif byte == _OPEN:
            members, position = _class_members(pattern, position, nocase)
            out += _byte_set(members)
        else:
            if byte == _BACKSLASH and position < length:
                byte = pattern[position]
                position += 1
            out += _byte_set(_same_letter(byte) if nocase else {byte})
    return bytes(out)


def _class_members(pattern: bytes, position: int, nocase: bool) -> tuple[set[int], int]:
    """The bytes a ``[...]`` class starting at ``position`` matches, and the
    position after it; mirrors the class branch of ``stringmatchlen``."""
    length = len(pattern)
    negate = position < length and pattern[position] == _CARET
    if negate:
        position += 1
    members: set[int] = set()
    while True:
        if position >= length:
            break
        byte = pattern[position]
        if byte == _BACKSLASH and length - position >= 2:
            position += 1
            members.add(pattern[position])
        elif byte == _CLOSE:
            position += 1
            break
        elif length - position >= 3 and pattern[position + 1] == _DASH:
            members |= _range(byte, pattern[position + 2], nocase)
            position += 2
        else:
            members |= _same_letter(byte) if nocase else {byte}
        position += 1
    if negate:
        members = set(range(256)) - members
    return members, position


def _range(first: int, last: int, nocase: bool) -> set[int]:
    start, end = _signed(first), _signed(last)
    if start > end:
        start, end = end, start
    if nocase:
        start, end = _lower(start), _lower(end)
        return {byte for byte in range(256) if start <= _lower(_signed(byte)) <= end}
    return {byte for byte in range(256) if start <= _signed(byte) <= end}


def _signed(byte: int) -> int:
    return byte - 256 if byte >= 128 else byte


def _lower(char: int) -> int:
    return char + 32 if 65 <= char <= 90 else char


def _same_letter(byte: int) -> set[int]:
    if 65 <= byte <= 90:
        return {byte, byte + 32}
    if 97 <= byte <= 122:
        return {byte, byte - 32}
    return {byte}


def _byte_set(members: set[int]) -> bytes:
    if not members:
        return b"[^\\x00-\\xff]"
    out = bytearray(b"[")
    ordered = sorted(members)
    start = previous = ordered[0]
    for byte in ordered[1:] + [-1]:
        if byte == previous + 1:
            previous = byte
            continue
        out += b"\\x%02x" % start
        if previous != start:
            out += b"-\\x%02x" % previous
        start = previous = byte
    out += b"]"
    return bytes(out)
