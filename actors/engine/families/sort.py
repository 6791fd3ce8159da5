"""SORT and SORT_RO: sort a list, set or sorted set, optionally by and with
other keys' values.

The value types are reached by duck typing through their Redis type name:
a list iterates its elements in order, a set its members, a sorted set gives
``members()`` in score order. Everything here follows Redis 7.0's
``sortCommandGeneric``:

* Options come in any order: ASC/DESC and ALPHA (the last one wins), LIMIT
  offset count, BY pattern, GET pattern (repeatable), STORE destination (SORT
  only). A BY pattern without ``*`` means "don't sort": a list or sorted set
  keeps its own order (DESC reverses it), a set its iteration order, except
  that with STORE a set is sorted ALPHA so the stored result is deterministic.
* Patterns: ``#`` is the element itself; otherwise the first ``*`` is
  replaced by the element, and ``key->field`` reads a hash field (when
  something follows the ``->`` after the ``*``). A missing key, a key of the
  wrong type or a pattern without ``*`` gives no value: GET replies null (an
  empty string when stored), BY sorts it as 0 (numeric) or first (ALPHA).
* Numeric sorting parses with C ``strtod`` semantics (leading spaces, hex,
  ``inf``; not NaN, not an overflow or a decimal that underflows); a failure
  is ``ERR One or more scores can't be converted into double``, raised after
  the whole vector was scored. Equal scores fall back to comparing the
  elements' bytes, so numeric results are deterministic.
* STORE writes a list (replacing the destination and its TTL) or deletes the
  destination when the result is empty, and replies with the count.

Shards: BY/GET patterns read other keys. The command runs on the shards
that own its declared keys (the sorted key and the STORE destination); a
pattern key owned by another shard is not visible there and reads as
missing, never as an error (see :func:`lookup_by_pattern`).
"""

from __future__ import annotations

from actors.engine.types.quicklist import QuickList

import re
from typing import Any

from protocol import errors
from protocol.errors import CommandError

from actors.engine.args import parse_int
from actors.engine.context import ExecContext
from actors.engine.dispatch import command
from actors.engine.families.hash import lookup_hash
from actors.engine.values import note_access, type_name

_SORTABLE = (b"list", b"set", b"zset")

# C strtod's grammar after leading white space (the whole string must match).
_DECIMAL = re.compile(rb"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_HEX = re.compile(rb"[+-]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?")
_INFINITY = re.compile(rb"[+-]?(?:inf|infinity)", re.IGNORECASE)
_C_SPACE = b" \t\n\v\f\r"
_DBL_MIN = 2.2250738585072014e-308
_INF = float("inf")


class SortOptions:
    __slots__ = ("desc", "alpha", "limit_start", "limit_count", "by", "dont_sort", "gets", "store")

    def __init__(self) -> None:
        self.desc = False
        self.alpha = False
        self.limit_start = 0
        self.limit_count = -1
        self.by: bytes | None = None
        self.dont_sort = False
        self.gets: list[bytes] = []
        self.store: bytes | None = None


@command("sort")
def sort(ctx: ExecContext, argv: list[bytes]) -> Any:
    return sort_generic(ctx, argv, parse_sort_options(argv, readonly=False))


@command("sort_ro")
def sort_ro(ctx: ExecContext, argv: list[bytes]) -> Any:
    return sort_generic(ctx, argv, parse_sort_options(argv, readonly=True))


def parse_sort_options(argv: list[bytes], *, readonly: bool) -> SortOptions:
    options = SortOptions()
    position = 2
    while position < len(argv):
        option = argv[position].upper()
        left = len(argv) - position - 1
        if option == b"ASC":
            options.desc = False
        elif option == b"DESC":
            options.desc = True
        elif option == b"ALPHA":
            options.alpha = True
        elif option == b"LIMIT" and left >= 2:
            options.limit_start = parse_int(argv[position + 1])
            options.limit_count = parse_int(argv[position + 2])
            position += 2
        elif option == b"STORE" and not readonly and left >= 1:
            options.store = argv[position + 1]
            position += 1
        elif option == b"BY" and left >= 1:
            options.by = argv[position + 1]
            options.dont_sort = b"*" not in options.by
            position += 1
        elif option == b"GET" and left >= 1:
            options.gets.append(argv[position + 1])
            position += 1
        else:
            raise CommandError(errors.SYNTAX)
        position += 1
    return options


def sort_generic(ctx: ExecContext, argv: list[bytes], options: SortOptions) -> Any:
    key = argv[1]
    value = ctx.db.lookup(key)
    if value is None:
        ctx.miss()
        kind = b"list"
        elements: list[bytes] = []
    else:
        kind = type_name(value)
        if kind not in _SORTABLE:
            raise CommandError(errors.WRONGTYPE)
        ctx.hit()
        note_access(ctx, key)
        elements = ordered_elements(kind, value)

    dont_sort, alpha, by = options.dont_sort, options.alpha, options.by
    if dont_sort and kind == b"set" and options.store is not None:
        # A set's order is arbitrary: sort what gets stored, so a replica or
        # the AOF replay stores the same list.
        dont_sort, alpha, by = False, True, None

    count = len(elements)
    start = max(options.limit_start, 0)
    end = count - 1 if options.limit_count < 0 else start + options.limit_count - 1
    if start >= count:
        start, end = count - 1, count - 2
    end = min(end, count - 1)

    if dont_sort and kind != b"set":
        if options.desc:
            elements.reverse()
        elements = elements[start : end + 1] if end >= start else []
        start, end = 0, len(elements) - 1
    elif not dont_sort:
        elements = sort_elements(ctx, elements, by, alpha, options.desc)

    selected = elements[start : end + 1] if end >= start else []
    if options.store is None:
        if not options.gets:
            return selected
        return [
            lookup_by_pattern(ctx, pattern, element)
            for element in selected
            for pattern in options.gets
        ]
    if options.gets:
        stored = [
            lookup_by_pattern(ctx, pattern, element) or b""
            for element in selected
            for pattern in options.gets
        ]
    else:
        stored = selected
    return store_sorted(ctx, argv, options.store, stored)


def ordered_elements(kind: bytes, value: Any) -> list[bytes]:
    """The elements in the value's own order (a list's, a sorted set's by score)."""
    if kind == b"zset":
        return list(value.members())
    if kind == b"set":
        return list(value.ordered())
    return list(value)


def sort_elements(
    ctx: ExecContext, elements: list[bytes], by: bytes | None, alpha: bool, desc: bool
) -> list[bytes]:
    if alpha:
        if by is None:
            return sorted(elements, reverse=desc)
        # A missing BY value sorts before every present one.
        keyed = []
        for element in elements:
            weight = lookup_by_pattern(ctx, by, element)
            keyed.append(((weight is not None, weight or b""), element))
        keyed.sort(key=lambda pair: pair[0], reverse=desc)
        return [element for _, element in keyed]
    scored = []
    convertible = True
    for element in elements:
        weight = lookup_by_pattern(ctx, by, element) if by is not None else element
        score = 0.0
        if weight is not None:
            parsed = strtod_score(weight)
            if parsed is None:
                convertible = False
            else:
                score = parsed
        scored.append((score, element))
    if not convertible:
        raise CommandError(errors.SORT_SCORE_NOT_DOUBLE)
    scored.sort(reverse=desc)
    return [element for _, element in scored]


def strtod_score(raw: bytes) -> float | None:
    """``raw`` as Redis's SORT reads a score: C ``strtod`` must consume the whole
    string (up to a NUL) without ERANGE, and the value must not be NaN. An
    empty string is 0, as strtod leaves it."""
    text = raw.split(b"\0", 1)[0]
    if not text:
        return 0.0
    text = text.lstrip(_C_SPACE)
    if _INFINITY.fullmatch(text):
        return float(text)
    decimal = _DECIMAL.fullmatch(text)
    if decimal is not None:
        value = float(text)
        if value in (_INF, -_INF) or (value == 0.0 and re.search(rb"[1-9]", decimal.group(1))):
            return None
        if value != 0.0 and abs(value) < _DBL_MIN:
            return None  # glibc reports ERANGE for a decimal subnormal
        return value
    hexadecimal = _HEX.fullmatch(text)
    if hexadecimal is not None:
        try:
            value = float.fromhex(text.decode("ascii"))
        except OverflowError:
            return None
        if value == 0.0 and re.search(rb"[1-9a-fA-F]", hexadecimal.group(1)):
            return None  # an underflow to zero: ERANGE
        return value
    return None


def lookup_by_pattern(ctx: ExecContext, pattern: bytes, element: bytes) -> bytes | None:
    """Redis's ``lookupKeyByPattern``: the value ``pattern`` names for ``element``."""
    if pattern == b"#":
        return element
    star = pattern.find(b"*")
    if star < 0:
        return None
    arrow = pattern.find(b"->", star + 1)
    field: bytes | None = None
    key_end = len(pattern)
    if arrow >= 0 and arrow + 2 < len(pattern):
        field, key_end = pattern[arrow + 2 :], arrow
    key = pattern[:star] + element + pattern[star + 1 : key_end]
    try:
        value = ctx.db.lookup(key)
    except KeyError:
        # Inside a multi-shard view, a key whose shard was not leased: it is
        # not visible to this command, as on a single shard that does not own it.
        return None
    if value is None:
        ctx.miss()
        return None
    if field is not None:
        if type_name(value) != b"hash":
            ctx.hit()
            return None
        hash_value = lookup_hash(ctx, key)
        return hash_value.get(field) if hash_value is not None else None
    ctx.hit()
    if type(value) is bytes:
        return value
    if type(value) is bytearray:
        return bytes(value)
    return None


def store_sorted(ctx: ExecContext, argv: list[bytes], destination: bytes, stored: list[bytes]) -> int:
    if stored:
        ctx.db.store_new(destination, new_list(stored))
        note_access(ctx, destination)
        ctx.touch(destination)
        ctx.propagate(argv)
        ctx.notify("l", "sortstore", destination)
    elif ctx.db.delete(destination):
        ctx.touch(destination)
        ctx.propagate(argv)
        ctx.notify("g", "del", destination)
    return len(stored)


def new_list(elements: list[bytes]) -> Any:
    """A list value holding ``elements``, for STORE."""
    return QuickList(elements)
