"""LZF, the compression of long strings in RDB files (liblzf's format).

The stream is a sequence of chunks, each starting with a control byte:

* ``000LLLLL``: a literal run of ``L + 1`` bytes follows.
* ``LLLooooo oooooooo``: a back reference of ``L + 2`` bytes at distance
  ``o + 1`` (``L == 7`` takes one more length byte, added to 7).

:func:`compress` is a greedy matcher over three-byte prefixes (liblzf's
idea, with a dict for the hash table); it gives up and returns None once the
output would not be shorter than the limit, as Redis only stores a string
compressed when that saves at least four bytes. :func:`decompress` checks
every reference and the final length, so a corrupt payload is an error, never
garbage.
"""

from __future__ import annotations

MAX_LITERAL = 32
MAX_OFFSET = 1 << 13
MAX_MATCH = 264  # (7 + 255) + 2


class LzfError(ValueError):
    """A compressed stream that does not decode to the announced length."""


def compress(data: bytes, limit: int | None = None) -> bytes | None:
    """The LZF stream for ``data``, or None when it would exceed ``limit`` bytes."""
    length = len(data)
    if limit is None:
        limit = length + length // 16 + 64
    out = bytearray()
    table: dict[bytes, int] = {}
    position = 0
    literal_start = 0
    last = length - 2
    while position < last:
        prefix = data[position : position + 3]
        reference = table.get(prefix)
        table[prefix] = position
        if reference is None or position - reference > MAX_OFFSET:
            position += 1
            continue
        match = 3
        longest = min(MAX_MATCH, length - position)
        while match < longest and data[reference + match] == data[position + match]:
            match += 1
        _literals(out, data, literal_start, position)
        offset = position - reference - 1
        code = match - 2
        if code < 7:
            out.append((code << 5) | (offset >> 8))
        else:
            out.append((7 << 5) | (offset >> 8))
            out.append(code - 7)
        out.append(offset & 0xFF)
        if len(out) > limit:
            return None
        position += match
        literal_start = position
    _literals(out, data, literal_start, length)
    if len(out) > limit:
        return None
    return bytes(out)


def _literals(out: bytearray, data: bytes, start: int, stop: int) -> None:
    while start < stop:
        run = min(MAX_LITERAL, stop - start)
        out.append(run - 1)
        out += data[start : start + run]
        start += run


def decompress(data: bytes, expected_length: int) -> bytes:
    out = bytearray()
    position = 0
    size = len(data)
    while position < size:
        control = data[position]
        position += 1
        if control < 32:
            run = control + 1
            if position + run > size:
                raise LzfError("literal run past the end of the input")
            out += data[position : position + run]
            position += run
            continue
        run = control >> 5
        if run == 7:
            if position >= size:
                raise LzfError("truncated back reference")
            run += data[position]
            position += 1
        if position >= size:
            raise LzfError("truncated back reference")
        start = len(out) - ((control & 0x1F) << 8) - data[position] - 1
        position += 1
        if start < 0:
            raise LzfError("back reference before the start of the output")
        run += 2
        if start + run <= len(out):
            out += out[start : start + run]
        else:
            for index in range(start, start + run):
                out.append(out[index])
        if len(out) > expected_length:
            raise LzfError("output longer than announced")
    if len(out) != expected_length:
        raise LzfError(f"decompressed {len(out)} bytes, expected {expected_length}")
    return bytes(out)
