"""List commands, the blocking pops and moves included.

Rules, as Redis 7.0's t_list.c has them:

* A list lives in a :class:`~actors.engine.types.quicklist.QuickList`; the key
  disappears with its last element (a ``del`` event follows the pop event).
* Write commands look their key up without counting keyspace hits or misses
  (Redis's ``lookupKeyWrite``); read commands count them.
* Argument errors come in Redis's order: some commands parse every number
  before looking at the key (LRANGE, LTRIM, LREM), others look the key up
  first (LINDEX, LSET), which decides which error a bad call gets.
* Writes propagate in deterministic form: LMPOP and the blocking pops as the
  LPOP/RPOP that happened, BLMOVE as LMOVE, BRPOPLPUSH as RPOPLPUSH.
* A blocking handler tries its non-blocking operation first and replies
  exactly as that one would; with nothing to serve it returns a
  :class:`~actors.engine.blocking.BlockOn` (or, inside MULTI, its immediate
  reply: a null array for BLPOP/BRPOP/BLMPOP, a null bulk for BLMOVE and
  BRPOPLPUSH; a real timeout answers a null array for all of them). The owner
  re-runs the same argv when a key becomes ready, so handlers are re-runnable.
"""

from __future__ import annotations

from typing import Any

from protocol import errors
from protocol.errors import CommandError
from protocol.resp.values import NULL_ARRAY, OK

from actors.engine.args import Args, parse_int
from actors.engine.blocking import BlockOn, parse_timeout
from actors.engine.context import ExecContext
from actors.engine.dispatch import command
from actors.engine.types.quicklist import QuickList
from actors.engine.values import lookup_typed, note_access

_LEFT, _RIGHT = b"LEFT", b"RIGHT"
_BEFORE, _AFTER = b"BEFORE", b"AFTER"


# -- reaching a list ---------------------------------------------------------------
def lookup_list(ctx: ExecContext, key: bytes) -> QuickList | None:
    """The list at ``key`` for a read (counts a hit or miss); WRONGTYPE otherwise."""
    return lookup_typed(ctx, key, QuickList)


def _list_for_write(ctx: ExecContext, key: bytes) -> QuickList | None:
    value = ctx.db.lookup(key)
    if value is None:
        return None
    if type(value) is not QuickList:
        raise CommandError(errors.WRONGTYPE)
    note_access(ctx, key)
    return value


def _create_list(ctx: ExecContext, key: bytes) -> QuickList:
    value = QuickList()
    ctx.db.store(key, value)
    note_access(ctx, key)
    return value


def _popped(ctx: ExecContext, key: bytes, value: QuickList, from_head: bool) -> None:
    """Events and cleanup after elements left ``key``."""
    _changed(ctx, key, value, "lpop" if from_head else "rpop")


def _changed(ctx: ExecContext, key: bytes, value: QuickList, event: str) -> None:
    """The list at ``key`` changed (or may have): its event, the key dropped
    once the list is empty, as Redis never keeps an empty list, and the touch."""
    ctx.notify("l", event, key)
    if not value:
        ctx.db.delete(key)
        ctx.notify("g", "del", key)
    ctx.touch(key)


def _parse_side(raw: bytes) -> bool:
    """LEFT -> True (the head), RIGHT -> False; anything else is a syntax error."""
    side = raw.upper()
    if side == _LEFT:
        return True
    if side == _RIGHT:
        return False
    raise CommandError(errors.SYNTAX)


def _side_name(from_head: bool) -> bytes:
    return _LEFT if from_head else _RIGHT


# -- pushing -----------------------------------------------------------------------
@command("lpush")
def lpush(ctx: ExecContext, argv: list[bytes]) -> Any:
    return push_generic(ctx, argv, to_head=True, only_existing=False)


@command("rpush")
def rpush(ctx: ExecContext, argv: list[bytes]) -> Any:
    return push_generic(ctx, argv, to_head=False, only_existing=False)


@command("lpushx")
def lpushx(ctx: ExecContext, argv: list[bytes]) -> Any:
    return push_generic(ctx, argv, to_head=True, only_existing=True)


@command("rpushx")
def rpushx(ctx: ExecContext, argv: list[bytes]) -> Any:
    return push_generic(ctx, argv, to_head=False, only_existing=True)


def push_generic(ctx: ExecContext, argv: list[bytes], to_head: bool, only_existing: bool) -> int:
    key = argv[1]
    value = _list_for_write(ctx, key)
    if value is None:
        if only_existing:
            return 0
        value = _create_list(ctx, key)
    value.push_all(argv[2:], to_head)
    ctx.touch(key)
    ctx.propagate(argv)
    ctx.notify("l", "lpush" if to_head else "rpush", key)
    return len(value)


# -- popping -----------------------------------------------------------------------
@command("lpop", "rpop")
def pop(ctx: ExecContext, argv: list[bytes]) -> Any:
    return pop_generic(ctx, argv, from_head=argv[0].lower() == b"lpop")


def pop_generic(ctx: ExecContext, argv: list[bytes], from_head: bool) -> Any:
    if len(argv) > 3:
        raise CommandError(errors.wrong_arity(argv[0].decode("utf-8", "replace")))
    has_count = len(argv) == 3
    count = 1
    if has_count:
        count = parse_int(argv[2], errors.LIST_POP_COUNT_NOT_POSITIVE)
        if count < 0:
            raise CommandError(errors.LIST_POP_COUNT_NOT_POSITIVE)
    key = argv[1]
    value = _list_for_write(ctx, key)
    if value is None:
        return NULL_ARRAY if has_count else None
    if count == 0:
        return []
    elements = value.pop_many(count, from_head)
    ctx.propagate(argv)
    _popped(ctx, key, value, from_head)
    return elements if has_count else elements[0]


def pop_first_nonempty(
    ctx: ExecContext, keys: list[bytes], from_head: bool, count: int | None
) -> list[Any] | None:
    """Pop from the first key holding a list: ``[key, element]`` (``count``
    None, as BLPOP) or ``[key, [elements]]`` (as LMPOP); None when every key
    is missing. A key of another type on the way is WRONGTYPE."""
    for key in keys:
        value = _list_for_write(ctx, key)
        if value is None:
            continue
        elements = value.pop_many(count or 1, from_head)
        popped = [b"LPOP" if from_head else b"RPOP", key]
        if count is not None:
            popped.append(str(len(elements)).encode())
        ctx.propagate(popped)
        _popped(ctx, key, value, from_head)
        return [key, elements if count is not None else elements[0]]
    return None


@command("lmpop")
def lmpop(ctx: ExecContext, argv: list[bytes]) -> Any:
    keys, from_head, count = parse_mpop(argv, 1)
    served = pop_first_nonempty(ctx, keys, from_head, count)
    return NULL_ARRAY if served is None else served


def parse_mpop(argv: list[bytes], numkeys_at: int) -> tuple[list[bytes], bool, int]:
    """``numkeys key [key ...] LEFT|RIGHT [COUNT count]`` from ``numkeys_at``."""
    numkeys = parse_int(argv[numkeys_at], errors.LMPOP_NUMKEYS_NOT_POSITIVE)
    if numkeys < 1:
        raise CommandError(errors.LMPOP_NUMKEYS_NOT_POSITIVE)
    side_at = numkeys_at + numkeys + 1
    if side_at >= len(argv):
        raise CommandError(errors.SYNTAX)
    from_head = _parse_side(argv[side_at])
    count: int | None = None
    args = Args(argv, side_at + 1)
    while args:
        option = args.next_keyword()
        if option == b"COUNT" and count is None and args:
            count = args.next_int(errors.LMPOP_COUNT_NOT_POSITIVE)
            if count < 1:
                raise CommandError(errors.LMPOP_COUNT_NOT_POSITIVE)
        else:
            raise CommandError(errors.SYNTAX)
    return argv[numkeys_at + 1 : side_at], from_head, 1 if count is None else count


# -- reading -----------------------------------------------------------------------
@command("llen")
def llen(ctx: ExecContext, argv: list[bytes]) -> Any:
    value = lookup_list(ctx, argv[1])
    return 0 if value is None else len(value)


@command("lrange")
def lrange(ctx: ExecContext, argv: list[bytes]) -> Any:
    start, stop = parse_int(argv[2]), parse_int(argv[3])
    value = lookup_list(ctx, argv[1])
    return [] if value is None else value.range(start, stop)


@command("lindex")
def lindex(ctx: ExecContext, argv: list[bytes]) -> Any:
    value = lookup_list(ctx, argv[1])
    if value is None:
        return None
    position = value.position(parse_int(argv[2]))
    return None if position is None else value[position]


@command("lpos")
def lpos(ctx: ExecContext, argv: list[bytes]) -> Any:
    rank, count, maxlen = 1, None, 0
    args = Args(argv, 3)
    while args:
        option = args.next_keyword()
        if option == b"RANK" and args:
            rank = args.next_int()
            if rank == 0:
                raise CommandError(errors.LPOS_RANK_ZERO)
        elif option == b"COUNT" and args:
            count = args.next_int(errors.LPOS_COUNT_NEGATIVE)
            if count < 0:
                raise CommandError(errors.LPOS_COUNT_NEGATIVE)
        elif option == b"MAXLEN" and args:
            maxlen = args.next_int(errors.LPOS_MAXLEN_NEGATIVE)
            if maxlen < 0:
                raise CommandError(errors.LPOS_MAXLEN_NEGATIVE)
        else:
            raise CommandError(errors.SYNTAX)
    value = lookup_list(ctx, argv[1])
    if value is None:
        return [] if count is not None else None
    found = value.matches(argv[2], rank, 1 if count is None else count, maxlen)
    if count is not None:
        return found
    return found[0] if found else None


# -- changing in place ---------------------------------------------------------------
@command("lset")
def lset(ctx: ExecContext, argv: list[bytes]) -> Any:
    key = argv[1]
    value = _list_for_write(ctx, key)
    if value is None:
        raise CommandError(errors.NO_SUCH_KEY)
    position = value.position(parse_int(argv[2]))
    if position is None:
        raise CommandError(errors.LIST_INDEX_OUT_OF_RANGE)
    value[position] = argv[3]
    ctx.touch(key)
    ctx.propagate(argv)
    ctx.notify("l", "lset", key)
    return OK


@command("linsert")
def linsert(ctx: ExecContext, argv: list[bytes]) -> Any:
    where = argv[2].upper()
    if where not in (_BEFORE, _AFTER):
        raise CommandError(errors.SYNTAX)
    key = argv[1]
    value = _list_for_write(ctx, key)
    if value is None:
        return 0
    if not value.insert_at_pivot(argv[3], argv[4], after=where == _AFTER):
        return -1
    ctx.touch(key)
    ctx.propagate(argv)
    ctx.notify("l", "linsert", key)
    return len(value)


@command("lrem")
def lrem(ctx: ExecContext, argv: list[bytes]) -> Any:
    count = parse_int(argv[2])
    key = argv[1]
    value = _list_for_write(ctx, key)
    if value is None:
        return 0
    removed = value.remove_matches(argv[3], count)
    if removed:
        ctx.propagate(argv)
        _changed(ctx, key, value, "lrem")
    return removed


@command("ltrim")
def ltrim(ctx: ExecContext, argv: list[bytes]) -> Any:
    start, stop = parse_int(argv[2]), parse_int(argv[3])
    key = argv[1]
    value = _list_for_write(ctx, key)
    if value is None:
        return OK
    if value.trim(start, stop):
        ctx.propagate(argv)
    _changed(ctx, key, value, "ltrim")
    return OK


# -- moving between lists ------------------------------------------------------------
@command("lmove")
def lmove(ctx: ExecContext, argv: list[bytes]) -> Any:
    from_head, to_head = _parse_side(argv[3]), _parse_side(argv[4])
    return lmove_generic(ctx, argv[1], argv[2], from_head, to_head, b"LMOVE")


@command("rpoplpush")
def rpoplpush(ctx: ExecContext, argv: list[bytes]) -> Any:
    return lmove_generic(ctx, argv[1], argv[2], False, True, b"RPOPLPUSH")


def lmove_generic(
    ctx: ExecContext, source_key: bytes, destination_key: bytes, from_head: bool, to_head: bool,
    propagate_as: bytes,
) -> bytes | None:
    """Pop from one end of the source, push to one end of the destination
    (the same list rotates); None when the source is missing, and then the
    destination's type is not checked, as in Redis. ``propagate_as`` is
    LMOVE or RPOPLPUSH, the plain command the change stream records."""
    source = _list_for_write(ctx, source_key)
    if source is None:
        return None
    destination = _list_for_write(ctx, destination_key)
    element = source.popleft() if from_head else source.pop()
    if destination is None:
        destination = _create_list(ctx, destination_key)
    if to_head:
        destination.appendleft(element)
    else:
        destination.append(element)
    ctx.touch(destination_key)
    ctx.notify("l", "lpush" if to_head else "rpush", destination_key)
    if propagate_as == b"RPOPLPUSH":
        ctx.propagate([b"RPOPLPUSH", source_key, destination_key])
    else:
        ctx.propagate(
            [b"LMOVE", source_key, destination_key, _side_name(from_head), _side_name(to_head)]
        )
    _popped(ctx, source_key, source, from_head)
    return element


# -- blocking ------------------------------------------------------------------------
@command("blpop", "brpop")
def blocking_pop(ctx: ExecContext, argv: list[bytes]) -> Any:
    return blocking_pop_generic(ctx, argv, from_head=argv[0].lower() == b"blpop")


def blocking_pop_generic(ctx: ExecContext, argv: list[bytes], from_head: bool) -> Any:
    timeout_ms = parse_timeout(argv[-1])
    keys = argv[1:-1]
    served = pop_first_nonempty(ctx, keys, from_head, None)
    if served is not None:
        return served
    return BlockOn(tuple(keys), timeout_ms, NULL_ARRAY) if ctx.may_block else NULL_ARRAY


@command("blmpop")
def blmpop(ctx: ExecContext, argv: list[bytes]) -> Any:
    keys, from_head, count = parse_mpop(argv, 2)
    timeout_ms = parse_timeout(argv[1])
    served = pop_first_nonempty(ctx, keys, from_head, count)
    if served is not None:
        return served
    return BlockOn(tuple(keys), timeout_ms, NULL_ARRAY) if ctx.may_block else NULL_ARRAY


@command("blmove")
def blmove(ctx: ExecContext, argv: list[bytes]) -> Any:
    from_head, to_head = _parse_side(argv[3]), _parse_side(argv[4])
    timeout_ms = parse_timeout(argv[5])
    return blocking_move_generic(ctx, argv[1], argv[2], from_head, to_head, b"LMOVE", timeout_ms)


@command("brpoplpush")
def brpoplpush(ctx: ExecContext, argv: list[bytes]) -> Any:
    timeout_ms = parse_timeout(argv[3])
    return blocking_move_generic(ctx, argv[1], argv[2], False, True, b"RPOPLPUSH", timeout_ms)


def blocking_move_generic(
    ctx: ExecContext, source_key: bytes, destination_key: bytes, from_head: bool, to_head: bool,
    propagate_as: bytes, timeout_ms: int,
) -> Any:
    element = lmove_generic(ctx, source_key, destination_key, from_head, to_head, propagate_as)
    if element is not None:
        return element
    # A timed-out BLMOVE answers a null array; inside MULTI it answers a null bulk.
    return BlockOn((source_key,), timeout_ms, NULL_ARRAY) if ctx.may_block else None
