"""Sorted set commands: ZADD and friends, ranges, pops, set algebra, ZSCAN,
and the engine side of BZPOPMIN / BZPOPMAX / BZMPOP.

The value is :class:`~actors.engine.types.sorted_set.SortedSet`. Handlers
parse with Redis's argument order and error precedence (checked against
redis-server 7.0.15), then call the value's methods. Scores are replied as
Python floats: the writer sends a RESP3 double or a RESP2 ``%.17g`` bulk, as
Redis 7.0 does. Where RESP3 changes a reply's shape (WITHSCORES pairs, pops
with a count, ZRANDMEMBER WITHSCORES) :func:`_pairs` decides from
``ctx.resp3``.

Writes touch the key, propagate a deterministic command (a pop as
``ZPOPMIN key count`` of what was actually popped), raise Redis's keyspace
events, and delete a key whose last member went.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from protocol import errors
from protocol.errors import CommandError
from protocol.resp.values import NULL_ARRAY
from protocol.resp.writer import format_double

from actors.engine.args import INT64_MAX, Args, parse_float, parse_int
from actors.engine.blocking import BlockOn, parse_timeout
from actors.engine.context import ExecContext
from actors.engine.dispatch import command
from actors.engine.scan import parse_scan_options, scan_step
from actors.engine.types.sorted_set import LexBound, ScoreBound, SortedSet
from actors.engine.values import lookup_typed

_INF = float("inf")
_RANK, _SCORE, _LEX = "rank", "score", "lex"


# -- helpers -------------------------------------------------------------------
def _pairs(ctx: ExecContext, entries: Iterable[tuple[float, bytes]]) -> list[Any]:
    """``member, score`` replies: flat in RESP2, ``[member, score]`` pairs in RESP3."""
    if ctx.resp3:
        return [[member, score] for score, member in entries]
    flat: list[Any] = []
    for score, member in entries:
        flat.append(member)
        flat.append(score)
    return flat


def _written(ctx: ExecContext, key: bytes, event: str, zset: SortedSet) -> None:
    """After a write that may have emptied ``zset``: event, touch, maybe delete."""
    ctx.notify("z", event, key)
    if not len(zset):
        ctx.db.delete(key)
        ctx.notify("g", "del", key)
    ctx.touch(key)


def _store_result(
    ctx: ExecContext, argv: list[bytes], pairs: list[tuple[bytes, float]], event: str
) -> int:
    """Z*STORE: replace the destination ``argv[1]`` with the result, or delete
    it when the result is empty; propagated only when something changed."""
    destination = argv[1]
    if pairs:
        ctx.db.store_new(destination, SortedSet.from_pairs(pairs))
        ctx.notify("z", event, destination)
    elif ctx.db.delete(destination):
        ctx.notify("g", "del", destination)
    else:
        return 0
    ctx.touch(destination)
    ctx.propagate(argv)
    return len(pairs)


def parse_score_bound(raw: bytes) -> ScoreBound:
    if raw[:1] == b"(":
        return ScoreBound(parse_float(raw[1:], errors.ZSET_MIN_MAX_NOT_FLOAT), True)
    return ScoreBound(parse_float(raw, errors.ZSET_MIN_MAX_NOT_FLOAT))


def parse_lex_bound(raw: bytes) -> LexBound:
    if raw == b"-":
        return LexBound(infinite=-1)
    if raw == b"+":
        return LexBound(infinite=1)
    if raw[:1] == b"[":
        return LexBound(raw[1:])
    if raw[:1] == b"(":
        return LexBound(raw[1:], exclusive=True)
    raise CommandError(errors.ZSET_MIN_MAX_NOT_LEX)


def _parse_lex_range(low: bytes, high: bytes) -> tuple[LexBound, LexBound]:
    return parse_lex_bound(low), parse_lex_bound(high)


def _parse_score_range(low: bytes, high: bytes) -> tuple[ScoreBound, ScoreBound]:
    return parse_score_bound(low), parse_score_bound(high)


def _rank_range(start: int, stop: int, length: int) -> tuple[int, int]:
    """Redis's rank normalisation -> a half-open index range (maybe empty)."""
    if start < 0:
        start += length
    if stop < 0:
        stop += length
    start = max(start, 0)
    if start > stop or start >= length:
        return 0, 0
    return start, min(stop, length - 1) + 1


def _zset(ctx: ExecContext, key: bytes) -> SortedSet | None:
    return lookup_typed(ctx, key, SortedSet)  # type: ignore[no-any-return]


# -- ZADD / ZINCRBY ----------------------------------------------------------------
@command("zadd")
def zadd(ctx: ExecContext, argv: list[bytes]) -> Any:
    args = Args(argv, 2)
    nx = xx = gt = lt = ch = incr = False
    while args:
        option = argv[args.position].upper()
        if option == b"NX":
            nx = True
        elif option == b"XX":
            xx = True
        elif option == b"GT":
            gt = True
        elif option == b"LT":
            lt = True
        elif option == b"CH":
            ch = True
        elif option == b"INCR":
            incr = True
        else:
            break
        args.position += 1
    rest = args.rest()
    if not rest or len(rest) % 2:
        raise CommandError(errors.SYNTAX)
    if nx and xx:
        raise CommandError(errors.ZADD_XX_AND_NX)
    if (gt and nx) or (lt and nx) or (gt and lt):
        raise CommandError(errors.ZADD_GT_LT_NX)
    if incr and len(rest) > 2:
        raise CommandError(errors.ZADD_INCR_SINGLE_PAIR)
    pairs = [(rest[i + 1], parse_float(rest[i])) for i in range(0, len(rest), 2)]
    return zadd_generic(ctx, argv, argv[1], pairs, nx=nx, xx=xx, gt=gt, lt=lt, ch=ch, incr=incr)


@command("zincrby")
def zincrby(ctx: ExecContext, argv: list[bytes]) -> Any:
    increment = parse_float(argv[2])
    return zadd_generic(ctx, argv, argv[1], [(argv[3], increment)], incr=True)


def zadd_generic(
    ctx: ExecContext,
    argv: list[bytes],
    key: bytes,
    pairs: list[tuple[bytes, float]],
    *,
    nx: bool = False,
    xx: bool = False,
    gt: bool = False,
    lt: bool = False,
    ch: bool = False,
    incr: bool = False,
) -> Any:
    zset = _zset(ctx, key)
    if zset is None:
        if xx:
            return None if incr else 0
        zset = SortedSet.create(len(pairs), max(len(member) for member, _ in pairs))
        ctx.db.store(key, zset)
    added = updated = 0
    result: float | None = None
    try:
        for member, score in pairs:
            current = zset.score(member)
            if current is None:
                if xx:
                    continue
                if incr and score != score:
                    raise CommandError(errors.ZSET_SCORE_NAN)
                zset.add(member, score)
                added += 1
                result = zset.score(member)
                continue
            if nx:
                continue
            if incr:
                score = current + score
                if score != score:
                    raise CommandError(errors.ZSET_SCORE_NAN)
            if (gt and score <= current) or (lt and score >= current):
                continue
            result = score
            if score != current:
                zset.add(member, score)
                updated += 1
    finally:
        if not len(zset):
            ctx.db.delete(key)
    if added or updated:
        ctx.notify("z", "zincr" if incr else "zadd", key)
        ctx.touch(key)
        ctx.propagate(argv)
    if incr:
        return zset.score(pairs[0][0]) if result is not None else None
    return added + updated if ch else added


# -- removal -----------------------------------------------------------------------
@command("zrem")
def zrem(ctx: ExecContext, argv: list[bytes]) -> Any:
    key = argv[1]
    zset = _zset(ctx, key)
    if zset is None:
        return 0
    removed = sum(1 for member in argv[2:] if zset.remove(member))
    if removed:
        _written(ctx, key, "zrem", zset)
        ctx.propagate(argv)
    return removed


@command("zremrangebyrank", "zremrangebyscore", "zremrangebylex")
def zremrange(ctx: ExecContext, argv: list[bytes]) -> Any:
    name = argv[0].lower()
    kind = {b"zremrangebyrank": _RANK, b"zremrangebyscore": _SCORE}.get(name, _LEX)
    key = argv[1]
    if kind == _RANK:
        start, stop = parse_int(argv[2]), parse_int(argv[3])
    elif kind == _SCORE:
        score_range = _parse_score_range(argv[2], argv[3])
    else:
        lex_range = _parse_lex_range(argv[2], argv[3])
    zset = _zset(ctx, key)
    if zset is None:
        return 0
    if kind == _RANK:
        lo, hi = _rank_range(start, stop, len(zset))
    elif kind == _SCORE:
        lo, hi = zset.score_bounds(*score_range)
    else:
        lo, hi = zset.lex_bounds(*lex_range)
    removed = zset.delete_range(lo, hi)
    if removed:
        _written(ctx, key, name.decode(), zset)
        ctx.propagate(argv)
    return len(removed)


# -- reads -------------------------------------------------------------------------
@command("zcard")
def zcard(ctx: ExecContext, argv: list[bytes]) -> Any:
    zset = _zset(ctx, argv[1])
    return len(zset) if zset is not None else 0


@command("zscore")
def zscore(ctx: ExecContext, argv: list[bytes]) -> Any:
    zset = _zset(ctx, argv[1])
    return zset.score(argv[2]) if zset is not None else None


@command("zmscore")
def zmscore(ctx: ExecContext, argv: list[bytes]) -> Any:
    zset = _zset(ctx, argv[1])
    if zset is None:
        return [None] * (len(argv) - 2)
    return [zset.score(member) for member in argv[2:]]


@command("zrank", "zrevrank")
def zrank(ctx: ExecContext, argv: list[bytes]) -> Any:
    zset = _zset(ctx, argv[1])
    if zset is None:
        return None
    return zset.rank(argv[2], reverse=argv[0].lower() == b"zrevrank")


@command("zcount")
def zcount(ctx: ExecContext, argv: list[bytes]) -> Any:
    score_range = _parse_score_range(argv[2], argv[3])
    zset = _zset(ctx, argv[1])
    if zset is None:
        return 0
    lo, hi = zset.score_bounds(*score_range)
    return hi - lo


@command("zlexcount")
def zlexcount(ctx: ExecContext, argv: list[bytes]) -> Any:
    lex_range = _parse_lex_range(argv[2], argv[3])
    zset = _zset(ctx, argv[1])
    if zset is None:
        return 0
    lo, hi = zset.lex_bounds(*lex_range)
    return hi - lo


# -- ZRANGE and its older spellings ----------------------------------------------
_RANGE_PRESETS: dict[bytes, tuple[str | None, bool | None]] = {
    b"zrange": (None, None),
    b"zrangestore": (None, None),
    b"zrevrange": (_RANK, True),
    b"zrangebyscore": (_SCORE, False),
    b"zrevrangebyscore": (_SCORE, True),
    b"zrangebylex": (_LEX, False),
    b"zrevrangebylex": (_LEX, True),
}


@command(
    "zrange", "zrangestore", "zrevrange", "zrangebyscore", "zrevrangebyscore", "zrangebylex",
    "zrevrangebylex",
)
def zrange(ctx: ExecContext, argv: list[bytes]) -> Any:
    name = argv[0].lower()
    store = name == b"zrangestore"
    first = 2 if store else 1
    key, low_raw, high_raw = argv[first], argv[first + 1], argv[first + 2]
    kind, reverse = _RANGE_PRESETS[name]
    withscores = False
    offset, limit = 0, -1
    args = Args(argv, first + 3)
    while args:
        option = args.next_keyword()
        if option == b"WITHSCORES" and not store:
            withscores = True
        elif option == b"LIMIT" and args.remaining >= 2:
            offset, limit = args.next_int(), args.next_int()
        elif option == b"REV" and reverse is None:
            reverse = True
        elif option == b"BYLEX" and kind is None:
            kind = _LEX
        elif option == b"BYSCORE" and kind is None:
            kind = _SCORE
        else:
            raise CommandError(errors.SYNTAX)
    kind = kind or _RANK
    reverse = bool(reverse)
    if limit != -1 and kind == _RANK:
        raise CommandError(errors.ZRANGE_LIMIT_NEEDS_BY)
    if withscores and kind == _LEX:
        raise CommandError(errors.ZRANGE_WITHSCORES_BYLEX)
    if reverse and kind != _RANK:
        low_raw, high_raw = high_raw, low_raw
    if kind == _RANK:
        start, stop = parse_int(low_raw), parse_int(high_raw)
    elif kind == _SCORE:
        score_range = _parse_score_range(low_raw, high_raw)
    else:
        lex_range = _parse_lex_range(low_raw, high_raw)
    zset = _zset(ctx, key)
    entries: list[tuple[float, bytes]] = []
    if zset is not None:
        if kind == _RANK:
            if reverse:
                lo, hi = _rank_range(start, stop, len(zset))
                length = len(zset)
                entries = list(zset.entries_reversed(length - hi, length - lo))
            else:
                entries = zset.entries(*_rank_range(start, stop, len(zset)))
        else:
            if kind == _SCORE:
                lo, hi = zset.score_bounds(*score_range)
            else:
                lo, hi = zset.lex_bounds(*lex_range)
            entries = _limited(zset, lo, hi, reverse, offset, limit)
    if store:
        return _store_result(ctx, argv, [(m, s) for s, m in entries], "zrangestore")
    if withscores:
        return _pairs(ctx, entries)
    return [member for _, member in entries]


def _limited(
    zset: SortedSet, lo: int, hi: int, reverse: bool, offset: int, limit: int
) -> list[tuple[float, bytes]]:
    """LIMIT over an index range: a negative offset yields nothing (Redis skips
    past the end), a negative count means all."""
    if offset < 0:
        return []
    if reverse:
        hi -= offset
    else:
        lo += offset
    if limit >= 0:
        if reverse:
            lo = max(lo, hi - limit)
        else:
            hi = min(hi, lo + limit)
    if lo >= hi:
        return []
    return list(zset.entries_reversed(lo, hi)) if reverse else zset.entries(lo, hi)


# -- pops --------------------------------------------------------------------------
def pop_generic(
    ctx: ExecContext, key: bytes, zset: SortedSet, count: int, maximum: bool
) -> list[tuple[float, bytes]]:
    """Pop up to ``count`` entries from one end; write effects included."""
    length = len(zset)
    count = min(count, length)
    if maximum:
        popped = list(reversed(zset.delete_range(length - count, length)))
    else:
        popped = zset.delete_range(0, count)
    if popped:
        event = "zpopmax" if maximum else "zpopmin"
        _written(ctx, key, event, zset)
        ctx.propagate([event.upper().encode(), key, b"%d" % len(popped)])
    return popped


@command("zpopmin", "zpopmax")
def zpop(ctx: ExecContext, argv: list[bytes]) -> Any:
    if len(argv) > 3:
        raise CommandError(errors.SYNTAX)
    count = 1
    if len(argv) == 3:
        count = parse_int(argv[2], errors.ZPOP_COUNT_NOT_POSITIVE)
        if count < 0:
            raise CommandError(errors.ZPOP_COUNT_NOT_POSITIVE)
    zset = _zset(ctx, argv[1])
    if zset is None:
        return []
    popped = pop_generic(ctx, argv[1], zset, count, argv[0].lower() == b"zpopmax")
    if len(argv) == 2:
        return [member_or_score for score, member in popped for member_or_score in (member, score)]
    return _pairs(ctx, popped)


def _parse_mpop(argv: list[bytes], numkeys_index: int) -> tuple[list[bytes], bool, int]:
    """``numkeys key ... MIN|MAX [COUNT count]`` as ZMPOP/BZMPOP parse it."""
    numkeys = parse_int(argv[numkeys_index], errors.ZSET_NUMKEYS_NOT_POSITIVE)
    if numkeys <= 0:
        raise CommandError(errors.ZSET_NUMKEYS_NOT_POSITIVE)
    first_key = numkeys_index + 1
    where_index = first_key + numkeys
    if numkeys > len(argv) - first_key or where_index >= len(argv):
        raise CommandError(errors.SYNTAX)
    where = argv[where_index].upper()
    if where not in (b"MIN", b"MAX"):
        raise CommandError(errors.SYNTAX)
    count = 0
    args = Args(argv, where_index + 1)
    while args:
        option = args.next_keyword()
        if option == b"COUNT" and args and count == 0:
            count = parse_int(args.next(), errors.ZSET_COUNT_NOT_POSITIVE)
            if count <= 0:
                raise CommandError(errors.ZSET_COUNT_NOT_POSITIVE)
        else:
            raise CommandError(errors.SYNTAX)
    return argv[first_key:where_index], where == b"MAX", count or 1


def _mpop_first(ctx: ExecContext, keys: list[bytes], maximum: bool, count: int) -> Any:
    for key in keys:
        zset = _zset(ctx, key)
        if zset is not None:
            popped = pop_generic(ctx, key, zset, count, maximum)
            return [key, [[member, score] for score, member in popped]]
    return None


@command("zmpop")
def zmpop(ctx: ExecContext, argv: list[bytes]) -> Any:
    keys, maximum, count = _parse_mpop(argv, 1)
    reply = _mpop_first(ctx, keys, maximum, count)
    return NULL_ARRAY if reply is None else reply


@command("bzpopmin", "bzpopmax")
def bzpop(ctx: ExecContext, argv: list[bytes]) -> Any:
    timeout_ms = parse_timeout(argv[-1])
    keys = argv[1:-1]
    maximum = argv[0].lower() == b"bzpopmax"
    for key in keys:
        zset = _zset(ctx, key)
        if zset is not None:
            ((score, member),) = pop_generic(ctx, key, zset, 1, maximum)
            return [key, member, score]
    if not ctx.may_block:
        return NULL_ARRAY
    return BlockOn(tuple(keys), timeout_ms)


@command("bzmpop")
def bzmpop(ctx: ExecContext, argv: list[bytes]) -> Any:
    timeout_ms = parse_timeout(argv[1])
    keys, maximum, count = _parse_mpop(argv, 2)
    reply = _mpop_first(ctx, keys, maximum, count)
    if reply is not None:
        return reply
    if not ctx.may_block:
        return NULL_ARRAY
    return BlockOn(tuple(keys), timeout_ms)


# -- ZRANDMEMBER -------------------------------------------------------------------
@command("zrandmember")
def zrandmember(ctx: ExecContext, argv: list[bytes]) -> Any:
    if len(argv) == 2:
        zset = _zset(ctx, argv[1])
        if zset is None or not len(zset):
            return None
        return zset.random_entry()[1]
    count = parse_int(argv[2])
    if count < -INT64_MAX:
        raise CommandError(errors.ZRANDMEMBER_COUNT_RANGE)
    if len(argv) > 4 or (len(argv) == 4 and argv[3].upper() != b"WITHSCORES"):
        raise CommandError(errors.SYNTAX)
    withscores = len(argv) == 4
    if withscores and count < -INT64_MAX // 2:
        raise CommandError(errors.ZRANDMEMBER_OUT_OF_RANGE)
    zset = _zset(ctx, argv[1])
    if zset is None or count == 0:
        return []
    length = len(zset)
    if count < 0:
        entries = [zset.entries_at(random.randrange(length)) for _ in range(-count)]
    elif count >= length:
        entries = list(zset)
    else:
        entries = [zset.entries_at(index) for index in random.sample(range(length), count)]
    if withscores:
        return _pairs(ctx, entries)
    return [member for _, member in entries]


# -- set algebra -------------------------------------------------------------------
def _aggregate_scores(
    inputs: list[tuple[dict[bytes, float], float]], operation: str, aggregate: bytes
) -> list[tuple[bytes, float]]:
    """ZUNION/ZINTER/ZDIFF over (member -> score, weight) inputs."""

    def weighted(score: float, weight: float) -> float:
        value = score * weight
        return 0.0 if value != value else value

    def combine(old: float, new: float) -> float:
        if aggregate == b"MIN":
            return new if new < old else old
        if aggregate == b"MAX":
            return new if new > old else old
        total = old + new
        return 0.0 if total != total else total

    if operation == "diff":
        first, _ = inputs[0]
        others = [scores for scores, _ in inputs[1:] if scores]
        return [(m, s) for m, s in first.items() if not any(m in other for other in others)]
    if operation == "inter":
        if any(not scores for scores, _ in inputs):
            return []
        ordered = sorted(inputs, key=lambda item: len(item[0]))
        (smallest, first_weight), rest = ordered[0], ordered[1:]
        result = []
        for member, score in smallest.items():
            total = weighted(score, first_weight)
            for scores, weight in rest:
                other = scores.get(member)
                if other is None:
                    break
                total = combine(total, weighted(other, weight))
            else:
                result.append((member, total))
        return result
    union: dict[bytes, float] = {}
    for scores, weight in inputs:
        for member, score in scores.items():
            value = weighted(score, weight)
            old = union.get(member)
            union[member] = value if old is None else combine(old, value)
    return list(union.items())


def _input_scores(value: Any) -> dict[bytes, float]:
    """A ZUNION-family input as member -> score; a plain set counts score 1."""
    if type(value) is SortedSet:
        return value.scores
    return dict.fromkeys(value, 1.0)


def algebra_generic(ctx: ExecContext, argv: list[bytes], operation: str, store: bool) -> Any:
    name = argv[0].lower().decode()
    numkeys_index = 2 if store else 1
    numkeys = parse_int(argv[numkeys_index])
    if numkeys < 1:
        raise CommandError(errors.zset_no_input_keys(name))
    first_key = numkeys_index + 1
    if numkeys > len(argv) - first_key:
        raise CommandError(errors.SYNTAX)
    keys = argv[first_key : first_key + numkeys]
    inputs: list[dict[bytes, float]] = []
    for key in keys:
        value = ctx.db.lookup(key)
        if value is not None and getattr(value, "redis_type", None) not in (b"zset", b"set"):
            raise CommandError(errors.WRONGTYPE)
        inputs.append(_input_scores(value) if value is not None else {})
    weights = [1.0] * numkeys
    aggregate = b"SUM"
    withscores = False
    limit = 0
    cardinality_only = operation == "intercard"
    args = Args(argv, first_key + numkeys)
    while args:
        option = args.next_keyword()
        algebraic = operation in ("union", "inter")
        if algebraic and option == b"WEIGHTS" and args.remaining >= numkeys:
            weights = [parse_float(args.next(), errors.ZSET_WEIGHT_NOT_FLOAT) for _ in keys]
        elif algebraic and option == b"AGGREGATE" and args:
            aggregate = args.next_keyword()
            if aggregate not in (b"SUM", b"MIN", b"MAX"):
                raise CommandError(errors.SYNTAX)
        elif option == b"WITHSCORES" and not store and not cardinality_only:
            withscores = True
        elif option == b"LIMIT" and cardinality_only and args:
            limit = parse_int(args.next(), errors.ZSET_LIMIT_NEGATIVE)
            if limit < 0:
                raise CommandError(errors.ZSET_LIMIT_NEGATIVE)
        else:
            raise CommandError(errors.SYNTAX)
    if cardinality_only:
        pairs = _aggregate_scores(list(zip(inputs, weights)), "inter", b"SUM")
        return min(len(pairs), limit) if limit else len(pairs)
    pairs = _aggregate_scores(list(zip(inputs, weights)), operation, aggregate)
    if store:
        return _store_result(ctx, argv, pairs, f"z{operation}store")
    entries = sorted((score, member) for member, score in pairs)
    if withscores:
        return _pairs(ctx, entries)
    return [member for _, member in entries]


# command name -> (operation, stores its result)
_ALGEBRA_COMMANDS: dict[bytes, tuple[str, bool]] = {
    b"zunion": ("union", False),
    b"zinter": ("inter", False),
    b"zdiff": ("diff", False),
    b"zintercard": ("intercard", False),
    b"zunionstore": ("union", True),
    b"zinterstore": ("inter", True),
    b"zdiffstore": ("diff", True),
}


@command(*(name.decode() for name in _ALGEBRA_COMMANDS))
def zset_algebra(ctx: ExecContext, argv: list[bytes]) -> Any:
    operation, store = _ALGEBRA_COMMANDS[argv[0].lower()]
    return algebra_generic(ctx, argv, operation, store=store)


# -- ZSCAN -------------------------------------------------------------------------
@command("zscan")
def zscan(ctx: ExecContext, argv: list[bytes]) -> Any:
    options = parse_scan_options(argv, 2, allow_type=False)
    zset = _zset(ctx, argv[1])
    if zset is None:
        return [b"0", []]
    # A listpack-sized set comes back whole in one call, as Redis's compact encoding does.
    size = len(zset) if zset.skiplist else 0
    cursor, members = scan_step(ctx.keyspace.scan_snapshots, zset.members, size, options)
    matcher = options.matcher()
    flat: list[bytes] = []
    for member in members:
        score = zset.score(member)
        if score is None or (matcher is not None and not matcher(member)):
            continue
        flat.append(member)
        flat.append(format_double(score))
    return [b"%d" % cursor, flat]

