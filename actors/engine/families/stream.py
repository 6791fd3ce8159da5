"""Stream commands without consumer groups: XADD, XLEN, XRANGE, XREVRANGE,
XDEL, XTRIM, XSETID, XINFO; plus the id parsing and entry replies that
:mod:`actors.engine.families.stream_groups` (XREAD, XREADGROUP, XGROUP,
XACK, XPENDING, XCLAIM, XAUTOCLAIM) shares.

Ids parse as Redis's ``streamGenericParseIDOrReply``: ``ms[-seq]`` with
unsigned 64-bit parts (``strtoull``'s leniency past the signed range
included), ``-`` / ``+`` outside strict positions, ``ms-*`` in XADD.
XADD propagates with the id it assigned; an approximate trim propagates as
the exact trim of what it removed (``MAXLEN =`` the resulting length /
``MINID =`` the new first id), so a replica or the AOF ends with the same
entries whatever its node layout.
"""

from __future__ import annotations

import re
from typing import Any

from protocol import errors
from protocol.errors import CommandError
from protocol.resp.values import NULL_ARRAY, SimpleString

from actors.engine.args import parse_int
from actors.engine.context import ExecContext
from actors.engine.dispatch import command
from actors.engine.types.stream import (
    MAX_ID, MIN_ID, UINT64_MAX, ConsumerGroup, Stream, StreamID, format_id,
)
from actors.engine.values import lookup_typed, note_access

APPROX_TRIM_LIMIT = 100 * 100  # 100 * stream-node-max-entries, as Redis
_INT64 = re.compile(rb"-?[1-9][0-9]*|0")
_STRTOULL = re.compile(rb"[ \t\n\v\f\r]*([+-]?)([0-9]+)")

XINFO_HELP_LINES = (
    "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CONSUMERS <key> <groupname>",
    "    Show consumers of <groupname>.",
    "GROUPS <key>",
    "    Show the stream consumer groups.",
    "STREAM <key> [FULL [COUNT <count>]",
    "    Show information about the stream.",
    "HELP",
    "    Prints this help.",
)


# -- ids -----------------------------------------------------------------------
def _uint64(raw: bytes) -> int | None:
    """Redis's string2ull: string2ll, else strtoull over the whole text."""
    if len(raw) <= 20 and _INT64.fullmatch(raw):
        value = int(raw)
        if value < 0:
            return None
        if value <= UINT64_MAX:
            return value
        return None
    match = _STRTOULL.fullmatch(raw)
    if match is None:
        return None
    value = int(match.group(2))
    if value > UINT64_MAX:
        return None
    return (-value) % (1 << 64) if match.group(1) == b"-" else value


def parse_id(raw: bytes, missing_seq: int = 0, strict: bool = False) -> StreamID:
    """An id argument; ``-``/``+`` are the extremes unless ``strict``."""
    entry_id, _ = _parse_id(raw, missing_seq, strict, allow_auto_seq=False)
    return entry_id


def _parse_id(raw: bytes, missing_seq: int, strict: bool, allow_auto_seq: bool) -> tuple[StreamID, bool]:
    """(id, seq_given); ``ms-*`` leaves seq_given False when allowed."""
    if len(raw) > 127:
        raise CommandError(errors.STREAM_INVALID_ID)
    if raw == b"-" or raw == b"+":
        if strict:
            raise CommandError(errors.STREAM_INVALID_ID)
        return (MIN_ID if raw == b"-" else MAX_ID), True
    ms_text, dash, seq_text = raw.partition(b"-")
    ms = _uint64(ms_text)
    if ms is None:
        raise CommandError(errors.STREAM_INVALID_ID)
    if not dash:
        return (ms, missing_seq), True
    if allow_auto_seq and seq_text == b"*":
        return (ms, 0), False
    seq = _uint64(seq_text)
    if seq is None:
        raise CommandError(errors.STREAM_INVALID_ID)
    return (ms, seq), True


def parse_interval(raw: bytes, missing_seq: int) -> tuple[StreamID, bool]:
    """An XRANGE bound: (id, exclusive)."""
    if len(raw) > 1 and raw[:1] == b"(":
        return parse_id(raw[1:], missing_seq, strict=True), True
    return parse_id(raw, missing_seq), False


def increment_id(entry_id: StreamID) -> StreamID | None:
    ms, seq = entry_id
    if seq < UINT64_MAX:
        return ms, seq + 1
    if ms < UINT64_MAX:
        return ms + 1, 0
    return None


def decrement_id(entry_id: StreamID) -> StreamID | None:
    ms, seq = entry_id
    if seq > 0:
        return ms, seq - 1
    if ms > 0:
        return ms - 1, UINT64_MAX
    return None


# -- lookups and replies ---------------------------------------------------------
def lookup_stream(ctx: ExecContext, key: bytes) -> Stream | None:
    return lookup_typed(ctx, key, Stream)  # type: ignore[no-any-return]


def stream_for_write(ctx: ExecContext, key: bytes) -> Stream | None:
    value = ctx.db.lookup(key)
    if value is None:
        return None
    if type(value) is not Stream:
        raise CommandError(errors.WRONGTYPE)
    note_access(ctx, key)
    return value


def entry_reply(entry_id: StreamID, fields: tuple[bytes, ...] | None) -> list[Any]:
    return [format_id(entry_id), list(fields) if fields is not None else NULL_ARRAY]


def entries_reply(entries: list[tuple[StreamID, tuple[bytes, ...]]]) -> list[Any]:
    return [[format_id(entry_id), list(fields)] for entry_id, fields in entries]


def find_group(ctx: ExecContext, key: bytes, group_name: bytes) -> tuple[Stream, ConsumerGroup]:
    """The stream and its group, or XPENDING/XCLAIM's NOGROUP error."""
    stream = stream_for_write(ctx, key)
    group = stream.groups.get(group_name) if stream is not None else None
    if stream is None or group is None:
        raise CommandError(errors.STREAM_NOGROUP.format(_text(key), _text(group_name)))
    return stream, group


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


# -- XADD / XTRIM ----------------------------------------------------------------
def _parse_add_or_trim(argv: list[bytes], xadd: bool) -> dict[str, Any]:
    """streamParseAddOrTrimArgsOrReply: the options, and for XADD where the id is."""
    parsed: dict[str, Any] = {
        "maxlen": None, "minid": None, "approx": False, "limit": 0, "nomkstream": False,
        "id": None, "seq_given": True, "strategy_index": 0, "id_index": 0,
    }
    limit_given = False
    position = 2
    while position < len(argv):
        more = len(argv) - 1 - position
        option = argv[position].upper()
        if xadd and argv[position] == b"*":
            break
        if option in (b"MAXLEN", b"MINID") and more:
            if parsed["maxlen"] is not None or parsed["minid"] is not None:
                raise CommandError(errors.STREAM_MAXLEN_MINID)
            parsed["approx"] = False
            following = argv[position + 1]
            if more >= 2 and following in (b"~", b"="):
                parsed["approx"] = following == b"~"
                position += 1
            if option == b"MAXLEN":
                maxlen = parse_int(argv[position + 1])
                if maxlen < 0:
                    raise CommandError(errors.STREAM_MAXLEN_NEGATIVE)
                parsed["maxlen"] = maxlen
            else:
                parsed["minid"] = parse_id(argv[position + 1], strict=True)
            position += 1
            parsed["strategy_index"] = position
        elif option == b"LIMIT" and more:
            limit = parse_int(argv[position + 1])
            if limit < 0:
                raise CommandError(errors.STREAM_LIMIT_NEGATIVE)
            parsed["limit"] = limit
            limit_given = True
            position += 1
        elif xadd and option == b"NOMKSTREAM":
            parsed["nomkstream"] = True
        elif xadd:
            parsed["id"], parsed["seq_given"] = _parse_id(argv[position], 0, True, allow_auto_seq=True)
            break
        else:
            raise CommandError(errors.SYNTAX)
        position += 1
    has_strategy = parsed["maxlen"] is not None or parsed["minid"] is not None
    if parsed["limit"] and not has_strategy:
        raise CommandError(errors.STREAM_LIMIT_NO_STRATEGY)
    if not xadd and not has_strategy:
        raise CommandError(errors.STREAM_XTRIM_NO_STRATEGY)
    if limit_given:
        if not parsed["approx"]:
            raise CommandError(errors.STREAM_LIMIT_NOT_APPROX)
    elif parsed["approx"]:
        parsed["limit"] = APPROX_TRIM_LIMIT
    parsed["id_index"] = position
    return parsed


def _trim(ctx: ExecContext, key: bytes, stream: Stream, parsed: dict[str, Any]) -> int:
    removed = stream.trim(parsed["maxlen"], parsed["minid"], parsed["approx"], parsed["limit"])
    if removed:
        ctx.notify("t", "xtrim", key)
    return removed


def _exact_trim_argv(stream: Stream, parsed: dict[str, Any]) -> list[bytes]:
    if parsed["maxlen"] is not None:
        return [b"MAXLEN", b"=", b"%d" % len(stream)]
    return [b"MINID", b"=", format_id(stream.first_id if len(stream) else stream.last_id)]


@command("xadd")
def xadd(ctx: ExecContext, argv: list[bytes]) -> Any:
    parsed = _parse_add_or_trim(argv, xadd=True)
    field_position = parsed["id_index"] + 1
    pairs = len(argv) - field_position
    if pairs < 2 or pairs % 2:
        raise CommandError(errors.wrong_arity("xadd"))
    wanted, seq_given = parsed["id"], parsed["seq_given"]
    if wanted is not None and seq_given and wanted == MIN_ID:
        raise CommandError(errors.STREAM_ID_ZERO)
    key = argv[1]
    stream = stream_for_write(ctx, key)
    if stream is None:
        if parsed["nomkstream"]:
            return None
        stream = Stream()
        ctx.db.store_new(key, stream)
    if stream.last_id == MAX_ID:
        raise CommandError(errors.STREAM_EXHAUSTED)
    entry_id = _next_id(stream, wanted, seq_given, ctx.now_ms)
    stream.append(entry_id, tuple(argv[field_position:]))
    reply = format_id(entry_id)
    ctx.touch(key)
    ctx.notify("t", "xadd", key)
    propagated = [b"XADD", key, *([b"NOMKSTREAM"] if parsed["nomkstream"] else []), reply, *argv[field_position:]]
    if parsed["maxlen"] is not None or parsed["minid"] is not None:
        if _trim(ctx, key, stream, parsed):
            ctx.propagate(propagated)
            ctx.propagate([b"XTRIM", key, *_exact_trim_argv(stream, parsed)])
            return reply
    ctx.propagate(propagated)
    return reply


def _next_id(stream: Stream, wanted: StreamID | None, seq_given: bool, now_ms: int) -> StreamID:
    last = stream.last_id
    if wanted is None:
        if now_ms > last[0]:
            return now_ms, 0
        following = increment_id(last)
        assert following is not None  # last is not MAX_ID
        return following
    if not seq_given:
        if wanted[0] == last[0]:
            if last[1] == UINT64_MAX:
                raise CommandError(errors.STREAM_ID_TOO_SMALL)
            return last[0], last[1] + 1
        if wanted[0] < last[0]:
            raise CommandError(errors.STREAM_ID_TOO_SMALL)
        return wanted[0], 0
    if wanted <= last:
        raise CommandError(errors.STREAM_ID_TOO_SMALL)
    return wanted


@command("xtrim")
def xtrim(ctx: ExecContext, argv: list[bytes]) -> Any:
    key = argv[1]
    stream = stream_for_write(ctx, key)
    parsed = _parse_add_or_trim(argv, xadd=False)
    if stream is None:
        return 0
    removed = _trim(ctx, key, stream, parsed)
    if removed:
        ctx.touch(key)
        ctx.propagate([b"XTRIM", key, *_exact_trim_argv(stream, parsed)])
    return removed


# -- XLEN / XRANGE / XREVRANGE / XDEL ---------------------------------------------
@command("xlen")
def xlen(ctx: ExecContext, argv: list[bytes]) -> Any:
    stream = lookup_stream(ctx, argv[1])
    return len(stream) if stream is not None else 0


@command("xrange")
def xrange(ctx: ExecContext, argv: list[bytes]) -> Any:
    return _range_generic(ctx, argv, reverse=False)


@command("xrevrange")
def xrevrange(ctx: ExecContext, argv: list[bytes]) -> Any:
    return _range_generic(ctx, argv, reverse=True)


def _range_generic(ctx: ExecContext, argv: list[bytes], reverse: bool) -> Any:
    start_raw, end_raw = (argv[3], argv[2]) if reverse else (argv[2], argv[3])
    start, start_exclusive = parse_interval(start_raw, 0)
    end, end_exclusive = parse_interval(end_raw, UINT64_MAX)
    if start_exclusive:
        start = increment_id(start)  # type: ignore[assignment]
        if start is None:
            raise CommandError(errors.STREAM_INVALID_START)
    if end_exclusive:
        end = decrement_id(end)  # type: ignore[assignment]
        if end is None:
            raise CommandError(errors.STREAM_INVALID_END)
    count = None
    position = 4
    while position < len(argv):
        if argv[position].upper() == b"COUNT" and position + 1 < len(argv):
            count = max(parse_int(argv[position + 1]), 0)
            position += 2
        else:
            raise CommandError(errors.SYNTAX)
    stream = lookup_stream(ctx, argv[1])
    if stream is None:
        return []
    if count == 0:
        return NULL_ARRAY
    return entries_reply(stream.range(start, end, count, reverse))


@command("xdel")
def xdel(ctx: ExecContext, argv: list[bytes]) -> Any:
    key = argv[1]
    stream = stream_for_write(ctx, key)
    if stream is None:
        return 0
    ids = [parse_id(raw, strict=True) for raw in argv[2:]]
    deleted = sum(1 for entry_id in ids if stream.delete(entry_id))
    if deleted:
        ctx.touch(key)
        ctx.notify("t", "xdel", key)
        ctx.propagate(list(argv))
    return deleted


# -- XSETID ------------------------------------------------------------------------
@command("xsetid")
def xsetid(ctx: ExecContext, argv: list[bytes]) -> Any:
    key = argv[1]
    new_id = parse_id(argv[2], strict=True)
    entries_added = -1
    max_deleted = MIN_ID
    position = 3
    while position < len(argv):
        option = argv[position].upper()
        if option == b"ENTRIESADDED" and position + 1 < len(argv):
            entries_added = parse_int(argv[position + 1])
            if entries_added < 0:
                raise CommandError(errors.STREAM_ENTRIES_ADDED_NEGATIVE)
        elif option == b"MAXDELETEDID" and position + 1 < len(argv):
            max_deleted = parse_id(argv[position + 1], strict=True)
            if new_id < max_deleted:
                raise CommandError(errors.STREAM_SETID_MAX_DELETED)
        else:
            raise CommandError(errors.SYNTAX)
        position += 2
    stream = stream_for_write(ctx, key)
    if stream is None:
        raise CommandError(errors.STREAM_NO_SUCH_KEY)
    if len(stream):
        if new_id < stream.last_id:
            raise CommandError(errors.STREAM_SETID_SMALLER)
        if entries_added != -1 and len(stream) > entries_added:
            raise CommandError(errors.STREAM_SETID_ENTRIES_ADDED)
    stream.last_id = new_id
    if entries_added != -1:
        stream.entries_added = entries_added
    if max_deleted != MIN_ID:
        stream.max_deleted_id = max_deleted
    ctx.touch(key)
    ctx.notify("t", "xsetid", key)
    ctx.propagate(list(argv))
    return SimpleString(b"OK")


# -- XINFO ---------------------------------------------------------------------------
@command("xinfo|help")
def xinfo_help(ctx: ExecContext, argv: list[bytes]) -> Any:
    return [SimpleString(line.encode()) for line in XINFO_HELP_LINES]


def _info_stream(ctx: ExecContext, key: bytes) -> Stream:
    stream = lookup_stream(ctx, key)
    if stream is None:
        raise CommandError(errors.STREAM_NO_SUCH_KEY)
    return stream


@command("xinfo|stream")
def xinfo_stream(ctx: ExecContext, argv: list[bytes]) -> Any:
    full = False
    count = 10
    if len(argv) > 3:
        if argv[3].upper() != b"FULL" or len(argv) not in (4, 6) or (len(argv) == 6 and argv[4].upper() != b"COUNT"):
            raise CommandError(errors.subcommand_syntax(argv[1], argv[0]))
        full = True
        if len(argv) == 6:
            count = max(parse_int(argv[5]), 0)
    stream = _info_stream(ctx, argv[2])
    reply: dict[bytes, Any] = {
        b"length": len(stream),
        b"radix-tree-keys": len(stream.nodes),
        b"radix-tree-nodes": stream.radix_tree_nodes(),
        b"last-generated-id": format_id(stream.last_id),
        b"max-deleted-entry-id": format_id(stream.max_deleted_id),
        b"entries-added": stream.entries_added,
        b"recorded-first-entry-id": format_id(stream.first_id),
    }
    if not full:
        reply[b"groups"] = len(stream.groups)
        first = stream.range(MIN_ID, MAX_ID, 1)
        last = stream.range(MIN_ID, MAX_ID, 1, reverse=True)
        reply[b"first-entry"] = entries_reply(first)[0] if first else None
        reply[b"last-entry"] = entries_reply(last)[0] if last else None
        return reply
    reply[b"entries"] = entries_reply(stream.range(MIN_ID, MAX_ID, count or None))
    reply[b"groups"] = [_full_group(stream, name, group, count) for name, group in sorted(stream.groups.items())]
    return reply


def _full_group(stream: Stream, name: bytes, group: ConsumerGroup, count: int) -> dict[bytes, Any]:
    pending_ids = group.pel_ids if not count else group.pel_ids[:count]
    consumers = []
    for consumer_name, consumer in sorted(group.consumers.items()):
        consumer_ids = consumer.pending if not count else consumer.pending[:count]
        consumers.append({
            b"name": consumer_name,
            b"seen-time": consumer.seen_time,
            b"pel-count": len(consumer.pending),
            b"pending": [
                [format_id(entry_id), group.pel[entry_id].delivery_time, group.pel[entry_id].delivery_count]
                for entry_id in consumer_ids
            ],
        })
    return {
        b"name": name,
        b"last-delivered-id": format_id(group.last_id),
        b"entries-read": group.entries_read if group.entries_read != -1 else None,
        b"lag": stream.lag(group),
        b"pel-count": len(group.pel),
        b"pending": [
            [format_id(entry_id), group.pel[entry_id].consumer, group.pel[entry_id].delivery_time,
             group.pel[entry_id].delivery_count]
            for entry_id in pending_ids
        ],
        b"consumers": consumers,
    }


@command("xinfo|groups")
def xinfo_groups(ctx: ExecContext, argv: list[bytes]) -> Any:
    stream = _info_stream(ctx, argv[2])
    return [
        {
            b"name": name,
            b"consumers": len(group.consumers),
            b"pending": len(group.pel),
            b"last-delivered-id": format_id(group.last_id),
            b"entries-read": group.entries_read if group.entries_read != -1 else None,
            b"lag": stream.lag(group),
        }
        for name, group in sorted(stream.groups.items())
    ]


@command("xinfo|consumers")
def xinfo_consumers(ctx: ExecContext, argv: list[bytes]) -> Any:
    stream = _info_stream(ctx, argv[2])
    group = stream.groups.get(argv[3])
    if group is None:
        raise CommandError(errors.STREAM_NOGROUP_XGROUP.format(_text(argv[3]), _text(argv[2])))
    return [
        {b"name": name, b"pending": len(consumer.pending), b"idle": max(ctx.now_ms - consumer.seen_time, 0)}
        for name, consumer in sorted(group.consumers.items())
    ]
