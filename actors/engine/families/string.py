"""String commands: GET/SET and friends, counters, ranges, LCS.

Strings are stored as ``bytes``; APPEND and SETRANGE turn a value into a
``bytearray`` (Redis's "raw" encoding), which also makes repeated appends
amortised O(1).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from protocol import errors
from protocol.errors import CommandError
from protocol.resp.values import OK

from actors.engine.args import INT64_MAX, INT64_MIN, Args, parse_int
from actors.engine.context import ExecContext
from actors.engine.dispatch import command
from actors.engine.families.expire import parse_expire_option
from actors.engine.longdouble import add_long_doubles, format_long_double, parse_long_double
from actors.engine.values import forget_access, lookup_string, note_access

_NX, _XX, _GET, _KEEPTTL = b"NX", b"XX", b"GET", b"KEEPTTL"
_EXPIRE_OPTIONS = (b"EX", b"PX", b"EXAT", b"PXAT")


@command("get")
def get(ctx: ExecContext, argv: list[bytes]) -> Any:
    value = lookup_string(ctx, argv[1])
    return bytes(value) if type(value) is bytearray else value


@command("set")
def set_(ctx: ExecContext, argv: list[bytes]) -> Any:
    key, value = argv[1], argv[2]
    if len(argv) == 3:
        ctx.db.store_new(key, value)
        note_access(ctx, key)
        ctx.touch(key)
        ctx.propagate(argv)
        ctx.notify("$", "set", key)
        return OK
    # Redis's parseExtendedStringArgumentsOrReply: an option may repeat (the
    # last expiry wins) but never meet a conflicting one; the expiry value is
    # checked only once the whole line parsed.
    condition = expire_option = expire_raw = None
    keep_ttl = want_old = False
    args = Args(argv, 3)
    while args:
        option = args.next_keyword()
        if option == _NX and condition != _XX:
            condition = _NX
        elif option == _XX and condition != _NX:
            condition = _XX
        elif option == _GET:
            want_old = True
        elif option == _KEEPTTL and expire_option is None:
            keep_ttl = True
        elif (
            option in _EXPIRE_OPTIONS
            and expire_option in (None, option)
            and not keep_ttl
            and args
        ):
            expire_option, expire_raw = option, args.next()
        else:
            raise CommandError(errors.SYNTAX)
    expire_at = None
    if expire_option is not None and expire_raw is not None:
        expire_at = parse_expire_option(ctx, expire_option, expire_raw, "set")
    return set_generic(ctx, key, value, condition, expire_at, keep_ttl, want_old)


def set_generic(
    ctx: ExecContext,
    key: bytes,
    value: bytes,
    condition: bytes | None,
    expire_at: int | None,
    keep_ttl: bool,
    want_old: bool,
) -> Any:
    if want_old:
        old = lookup_string(ctx, key)
        exists = old is not None
    else:
        exists = ctx.db.lookup(key) is not None
    if (condition == _NX and exists) or (condition == _XX and not exists):
        return bytes(old) if want_old and old is not None else None
    if keep_ttl:
        ctx.db.store(key, value)
    else:
        ctx.db.store_new(key, value)
    note_access(ctx, key)
    argv = [b"SET", key, value]
    if expire_at is not None:
        ctx.db.set_expire(key, expire_at)
        argv += [b"PXAT", str(expire_at).encode()]
    elif keep_ttl:
        argv.append(_KEEPTTL)
    ctx.touch(key)
    ctx.propagate(argv)
    ctx.notify("$", "set", key)
    if expire_at is not None:
        ctx.notify("g", "expire", key)
    if want_old:
        return bytes(old) if old is not None else None
    return OK


@command("setnx")
def setnx(ctx: ExecContext, argv: list[bytes]) -> Any:
    return 0 if set_generic(ctx, argv[1], argv[2], _NX, None, False, False) is None else 1


@command("setex", "psetex")
def setex(ctx: ExecContext, argv: list[bytes]) -> Any:
    name = argv[0].lower().decode()
    option = b"EX" if name == "setex" else b"PX"
    expire_at = parse_expire_option(ctx, option, argv[2], name)
    return set_generic(ctx, argv[1], argv[3], None, expire_at, False, False)


@command("getset")
def getset(ctx: ExecContext, argv: list[bytes]) -> Any:
    return set_generic(ctx, argv[1], argv[2], None, None, False, True)


@command("getdel")
def getdel(ctx: ExecContext, argv: list[bytes]) -> Any:
    key = argv[1]
    value = lookup_string(ctx, key)
    if value is None:
        return None
    ctx.db.delete(key)
    forget_access(ctx.db, key)
    ctx.touch(key)
    ctx.propagate([b"DEL", key])
    ctx.notify("g", "del", key)
    return bytes(value)


@command("getex")
def getex(ctx: ExecContext, argv: list[bytes]) -> Any:
    key = argv[1]
    args = Args(argv, 2)
    expire_option = expire_raw = None
    persist = False
    while args:
        option = args.next_keyword()
        if option in _EXPIRE_OPTIONS and expire_option in (None, option) and not persist and args:
            expire_option, expire_raw = option, args.next()
        elif option == b"PERSIST" and expire_option is None:
            persist = True
        else:
            raise CommandError(errors.SYNTAX)
    expire_at = None
    if expire_option is not None and expire_raw is not None:
        expire_at = parse_expire_option(ctx, expire_option, expire_raw, "getex")
    value = lookup_string(ctx, key)
    if value is None:
        return None
    if expire_at is not None:
        if expire_at <= ctx.now_ms:
            ctx.db.delete(key)
            forget_access(ctx.db, key)
            ctx.propagate([b"DEL", key])
            ctx.notify("g", "del", key)
        else:
            ctx.db.set_expire(key, expire_at)
            ctx.propagate([b"PEXPIREAT", key, str(expire_at).encode()])
            ctx.notify("g", "expire", key)
        ctx.touch(key)
    elif persist and ctx.db.persist(key):
        ctx.touch(key)
        ctx.propagate([b"PERSIST", key])
        ctx.notify("g", "persist", key)
    return bytes(value)


@command("mget")
def mget(ctx: ExecContext, argv: list[bytes]) -> Any:
    lookup = ctx.db.lookup
    replies = []
    for key in argv[1:]:
        value = lookup(key)
        if value is None:
            ctx.miss()
            replies.append(None)
        elif type(value) is bytes:
            ctx.hit()
            note_access(ctx, key)
            replies.append(value)
        elif type(value) is bytearray:
            ctx.hit()
            note_access(ctx, key)
            replies.append(bytes(value))
        else:
            ctx.hit()
            replies.append(None)
    return replies


@command("mset")
def mset(ctx: ExecContext, argv: list[bytes]) -> Any:
    if len(argv) % 2 == 0:
        raise CommandError(errors.wrong_arity("mset"))
    store_new = ctx.db.store_new
    for position in range(1, len(argv), 2):
        key = argv[position]
        store_new(key, argv[position + 1])
        note_access(ctx, key)
        ctx.touch(key)
        ctx.notify("$", "set", key)
    ctx.propagate(argv)
    return OK


@command("msetnx")
def msetnx(ctx: ExecContext, argv: list[bytes]) -> Any:
    if len(argv) % 2 == 0:
        raise CommandError(errors.wrong_arity("msetnx"))
    keys = argv[1::2]
    if any(ctx.db.lookup(key) is not None for key in keys):
        return 0
    return 1 if mset(ctx, argv) is OK else 0


@command("append")
def append(ctx: ExecContext, argv: list[bytes]) -> Any:
    key, suffix = argv[1], argv[2]
    value = lookup_string(ctx, key)
    if value is None:
        ctx.db.store(key, suffix)
        note_access(ctx, key)
        length = len(suffix)
    else:
        check_string_length(ctx, len(value) + len(suffix))
        if type(value) is bytes:
            value = bytearray(value)
            ctx.db.store(key, value)
        value += suffix
        length = len(value)
    ctx.touch(key)
    ctx.propagate(argv)
    ctx.notify("$", "append", key)
    return length


@command("strlen")
def strlen(ctx: ExecContext, argv: list[bytes]) -> Any:
    value = lookup_string(ctx, argv[1])
    return 0 if value is None else len(value)


@command("incr")
def incr(ctx: ExecContext, argv: list[bytes]) -> Any:
    return incr_generic(ctx, argv, 1)


@command("decr")
def decr(ctx: ExecContext, argv: list[bytes]) -> Any:
    return incr_generic(ctx, argv, -1)


@command("incrby")
def incrby(ctx: ExecContext, argv: list[bytes]) -> Any:
    return incr_generic(ctx, argv, parse_int(argv[2]))


@command("decrby")
def decrby(ctx: ExecContext, argv: list[bytes]) -> Any:
    delta = parse_int(argv[2])
    if delta == INT64_MIN:
        raise CommandError(errors.DECR_MIN)
    return incr_generic(ctx, argv, -delta)


def incr_generic(ctx: ExecContext, argv: list[bytes], delta: int) -> int:
    """INCR, DECR, INCRBY, DECRBY: replicas and the AOF get the command itself
    (it replays to the same result), as Redis propagates it."""
    key = argv[1]
    value = lookup_string(ctx, key)
    current = 0 if value is None else parse_int(bytes(value))
    result = current + delta
    if result > INT64_MAX or result < INT64_MIN:
        raise CommandError(errors.INCR_OVERFLOW)
    ctx.db.store(key, str(result).encode())
    if value is None:
        note_access(ctx, key)  # lookup_string noted it when the key was there
    ctx.touch(key)
    ctx.propagate(argv)
    ctx.notify("$", "incrby", key)
    return result


@command("incrbyfloat")
def incrbyfloat(ctx: ExecContext, argv: list[bytes]) -> Any:
    key = argv[1]
    value = lookup_string(ctx, key)
    current = Fraction(0) if value is None else parse_long_double(bytes(value))
    increment = parse_long_double(argv[2])
    if current is None or increment is None:
        raise CommandError(errors.INCR_NAN_OR_INF)
    result = format_long_double(add_long_doubles(current, increment))
    ctx.db.store(key, result)
    note_access(ctx, key)
    ctx.touch(key)
    ctx.propagate([b"SET", key, result, b"KEEPTTL"])
    ctx.notify("$", "incrbyfloat", key)
    return result


@command("getrange", "substr")
def getrange(ctx: ExecContext, argv: list[bytes]) -> Any:
    start, end = parse_int(argv[2]), parse_int(argv[3])
    value = lookup_string(ctx, argv[1])
    if value is None:
        return b""
    length = len(value)
    if start < 0 and end < 0 and start > end:
        return b""
    if start < 0:
        start = max(length + start, 0)
    if end < 0:
        end = max(length + end, 0)
    if end >= length:
        end = length - 1
    if start > end or length == 0:
        return b""
    return bytes(value[start : end + 1])


@command("setrange")
def setrange(ctx: ExecContext, argv: list[bytes]) -> Any:
    key, patch = argv[1], argv[3]
    offset = parse_int(argv[2])
    if offset < 0:
        raise CommandError(errors.OFFSET_OUT_OF_RANGE)
    value = lookup_string(ctx, key)
    if not patch:
        return 0 if value is None else len(value)
    check_string_length(ctx, offset + len(patch))
    if value is None:
        value = bytearray(offset)
    elif type(value) is bytes:
        value = bytearray(value)
    if len(value) < offset:
        value.extend(bytes(offset - len(value)))
    value[offset : offset + len(patch)] = patch
    ctx.db.store(key, value)
    note_access(ctx, key)
    ctx.touch(key)
    ctx.propagate(argv)
    ctx.notify("$", "setrange", key)
    return len(value)


def check_string_length(ctx: ExecContext, length: int) -> None:
    if length > ctx.proto_max_bulk_len:
        raise CommandError(errors.STRING_TOO_LONG)


@command("lcs")
def lcs(ctx: ExecContext, argv: list[bytes]) -> Any:
    want_len = want_idx = with_match_len = False
    min_match_len = 0
    args = Args(argv, 3)
    while args:
        option = args.next_keyword()
        if option == b"IDX":
            want_idx = True
        elif option == b"LEN":
            want_len = True
        elif option == b"WITHMATCHLEN":
            with_match_len = True
        elif option == b"MINMATCHLEN" and args:
            min_match_len = max(parse_int(args.next()), 0)
        else:
            raise CommandError(errors.SYNTAX)
    first = lookup_string_for_lcs(ctx, argv[1])
    second = lookup_string_for_lcs(ctx, argv[2])
    if want_idx and want_len:
        raise CommandError(errors.LCS_LEN_AND_IDX)
    table = lcs_table(first, second)
    if want_len and not want_idx:
        return table[len(first)][len(second)]
    if not want_idx:
        return lcs_string(first, second, table)
    return lcs_matches(ctx, first, second, table, min_match_len, with_match_len)


def lookup_string_for_lcs(ctx: ExecContext, key: bytes) -> bytes:
    value = ctx.db.lookup(key)
    if value is None:
        return b""
    if type(value) is not bytes and type(value) is not bytearray:
        raise CommandError(errors.LCS_NOT_STRINGS)
    note_access(ctx, key)
    return bytes(value)


def lcs_table(first: bytes, second: bytes) -> list[list[int]]:
    table = [[0] * (len(second) + 1) for _ in range(len(first) + 1)]
    for i in range(1, len(first) + 1):
        row, previous = table[i], table[i - 1]
        char = first[i - 1]
        for j in range(1, len(second) + 1):
            if char == second[j - 1]:
                row[j] = previous[j - 1] + 1
            else:
                row[j] = max(previous[j], row[j - 1])
    return table


def lcs_string(first: bytes, second: bytes, table: list[list[int]]) -> bytes:
    i, j = len(first), len(second)
    result = bytearray()
    while i > 0 and j > 0:
        if first[i - 1] == second[j - 1]:
            result.append(first[i - 1])
            i -= 1
            j -= 1
        elif table[i - 1][j] > table[i][j - 1]:
            i -= 1
        else:
            j -= 1
    return bytes(reversed(result))


def lcs_matches(
    ctx: ExecContext,
    first: bytes,
    second: bytes,
    table: list[list[int]],
    min_match_len: int,
    with_match_len: bool,
) -> Any:
    """Matched ranges from the end backwards, as Redis walks the table."""
    matches: list[Any] = []
    i, j = len(first), len(second)
    range_a: list[int] | None = None
    range_b: list[int] | None = None

    def emit() -> None:
        if range_a is not None and range_b is not None:
            length = range_a[1] - range_a[0] + 1
            if length >= min_match_len:
                entry: list[Any] = [list(range_a), list(range_b)]
                if with_match_len:
                    entry.append(length)
                matches.append(entry)

    while i > 0 and j > 0:
        if first[i - 1] == second[j - 1]:
            if range_a is not None and range_a[0] == i and range_b is not None and range_b[0] == j:
                range_a[0] -= 1
                range_b[0] -= 1
            else:
                emit()
                range_a = [i - 1, i - 1]
                range_b = [j - 1, j - 1]
            i -= 1
            j -= 1
        elif table[i - 1][j] > table[i][j - 1]:
            i -= 1
        else:
            j -= 1
    emit()
    reply = {b"matches": matches, b"len": table[len(first)][len(second)]}
    return reply
