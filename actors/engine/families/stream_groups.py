"""Stream reads and consumer groups: XREAD, XREADGROUP, XGROUP, XACK,
XPENDING, XCLAIM, XAUTOCLAIM (registered when the stream family loads).

Blocking reads: with nothing to serve and ``ctx.may_block`` the handler
returns a BlockOn and the owner re-runs the same argv when a key turns
ready. XREAD's ``$`` means "entries after the last one when I blocked", so
before blocking the handler rewrites each ``$`` in the argv list in place to
the stream's last id (``0-0`` for a missing key); the re-run then serves
only newer entries. XREADGROUP's ``>`` needs no rewrite: it is always the
group's last delivered id.

Propagation follows Redis: a group read propagates each new pending entry as
``XCLAIM ... FORCE JUSTID LASTID`` and the group's move as ``XGROUP SETID
... ENTRIESREAD``; XCLAIM and XAUTOCLAIM propagate the XCLAIM of every entry
they changed.
"""

from __future__ import annotations

from typing import Any

from protocol import errors
from protocol.errors import CommandError
from protocol.resp.values import NULL_ARRAY, OK, ErrorReply, SimpleString

from actors.engine.args import parse_int
from actors.engine.blocking import BlockOn
from actors.engine.context import ExecContext
from actors.engine.dispatch import command
from actors.engine.families.stream import (
    _text, decrement_id, entries_reply, entry_reply, find_group, increment_id, lookup_stream,
    parse_id, parse_interval, stream_for_write,
)
from actors.engine.types.stream import (
    INVALID_ENTRIES_READ, MAX_ID, MIN_ID, UINT64_MAX, Consumer, ConsumerGroup, Stream, StreamID,
    format_id,
)

XGROUP_HELP_LINES = (
    "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CREATE <key> <groupname> <id|$> [option]",
    "    Create a new consumer group. Options are:",
    "    * MKSTREAM",
    "      Create the empty stream if it does not exist.",
    "    * ENTRIESREAD entries_read",
    "      Set the group's entries_read counter (internal use).",
    "CREATECONSUMER <key> <groupname> <consumer>",
    "    Create a new consumer in the specified group.",
    "DELCONSUMER <key> <groupname> <consumer>",
    "    Remove the specified consumer.",
    "DESTROY <key> <groupname>",
    "    Remove the specified group.",
    "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
    "    Set the current group ID and entries_read counter.",
    "HELP",
    "    Prints this help.",
)
_AUTOCLAIM_ATTEMPTS_FACTOR = 10


# -- propagation ---------------------------------------------------------------------
def _propagate_claim(ctx: ExecContext, key: bytes, group_name: bytes, group: ConsumerGroup, entry_id: StreamID, consumer: bytes, delivery_time: int, delivery_count: int) -> None:
    ctx.propagate([
        b"XCLAIM", key, group_name, consumer, b"0", format_id(entry_id), b"TIME", b"%d" % delivery_time,
        b"RETRYCOUNT", b"%d" % delivery_count, b"FORCE", b"JUSTID", b"LASTID", format_id(group.last_id),
    ])


def _propagate_group_id(ctx: ExecContext, key: bytes, group_name: bytes, group: ConsumerGroup) -> None:
    ctx.propagate([
        b"XGROUP", b"SETID", key, group_name, format_id(group.last_id),
        b"ENTRIESREAD", b"%d" % group.entries_read,
    ])


def _consumer(ctx: ExecContext, key: bytes, group: ConsumerGroup, name: bytes) -> Consumer:
    """Look the consumer up (refreshing its seen time) or create it."""
    consumer, created = group.consumer(name, ctx.now_ms)
    consumer.seen_time = ctx.now_ms
    if created:
        ctx.notify("t", "xgroup-createconsumer", key)
    return consumer


# -- XREAD / XREADGROUP ------------------------------------------------------------
@command("xread")
def xread(ctx: ExecContext, argv: list[bytes]) -> Any:
    return _read_generic(ctx, argv, group_read=False)


@command("xreadgroup")
def xreadgroup(ctx: ExecContext, argv: list[bytes]) -> Any:
    return _read_generic(ctx, argv, group_read=True)


def _read_generic(ctx: ExecContext, argv: list[bytes], group_read: bool) -> Any:
    timeout_ms = -1
    count = 0
    group_name = consumer_name = None
    noack = False
    streams_at = 0
    position = 1
    while position < len(argv):
        more = len(argv) - position - 1
        option = argv[position].upper()
        if option == b"BLOCK" and more:
            position += 1
            timeout_ms = parse_int(argv[position], errors.TIMEOUT_NOT_INTEGER)
            if timeout_ms < 0:
                raise CommandError(errors.TIMEOUT_NEGATIVE)
        elif option == b"COUNT" and more:
            position += 1
            count = max(parse_int(argv[position]), 0)
        elif option == b"STREAMS" and more:
            streams_at = position + 1
            if (len(argv) - streams_at) % 2:
                raise CommandError(errors.STREAM_UNBALANCED)
            break
        elif option == b"GROUP" and more >= 2:
            if not group_read:
                raise CommandError(errors.STREAM_GROUP_XREAD)
            group_name, consumer_name = argv[position + 1], argv[position + 2]
            position += 2
        elif option == b"NOACK":
            if not group_read:
                raise CommandError(errors.STREAM_NOACK_XREAD)
            noack = True
        else:
            raise CommandError(errors.SYNTAX)
        position += 1
    if not streams_at:
        raise CommandError(errors.SYNTAX)
    if group_read and group_name is None:
        raise CommandError(errors.STREAM_MISSING_GROUP)
    stream_count = (len(argv) - streams_at) // 2
    keys = argv[streams_at : streams_at + stream_count]
    after: list[StreamID | None] = []  # None: the group's ">"
    groups: list[ConsumerGroup | None] = []
    for index, key in enumerate(keys):
        raw = argv[streams_at + stream_count + index]
        stream = lookup_stream(ctx, key)
        group = None
        if group_name is not None:
            group = stream.groups.get(group_name) if stream is not None else None
            if group is None:
                raise CommandError(errors.STREAM_NOGROUP_READ.format(_text(key), _text(group_name)))
        groups.append(group)
        if raw == b"$":
            if group_read:
                raise CommandError(errors.STREAM_DOLLAR_XREADGROUP)
            after.append(stream.last_id if stream is not None else MIN_ID)
        elif raw == b">":
            if not group_read:
                raise CommandError(errors.STREAM_GT_XREAD)
            after.append(None)
        else:
            after.append(parse_id(raw, strict=True))
    served: list[tuple[bytes, list[Any]]] = []
    for index, key in enumerate(keys):
        stream = ctx.db.lookup(key)
        if stream is None:
            continue
        group = groups[index]
        start = after[index]
        if group is not None:
            assert consumer_name is not None and group_name is not None
            if start is not None:
                consumer = _consumer(ctx, key, group, consumer_name)
                served.append((key, _history(ctx, stream, group, consumer, start, count)))
                continue
            if not stream.ids or stream.ids[-1] <= group.last_id:
                continue
            consumer = _consumer(ctx, key, group, consumer_name)
            served.append((key, _deliver(ctx, key, stream, group_name, group, consumer, count, noack)))
        elif stream.ids and stream.ids[-1] > start:  # type: ignore[operator]
            following = increment_id(start)  # type: ignore[arg-type]
            assert following is not None
            served.append((key, entries_reply(stream.range(following, MAX_ID, count or None))))
    if served:
        if ctx.resp3:
            return dict(served)
        return [[key, entries] for key, entries in served]
    if timeout_ms != -1 and ctx.may_block:
        for index, raw_position in enumerate(range(streams_at + stream_count, len(argv))):
            if argv[raw_position] == b"$":
                argv[raw_position] = format_id(after[index])  # type: ignore[arg-type]
        return BlockOn(tuple(keys), timeout_ms, NULL_ARRAY)
    return NULL_ARRAY


def _history(ctx: ExecContext, stream: Stream, group: ConsumerGroup, consumer: Consumer, after: StreamID, count: int) -> list[Any]:
    """A consumer's own pending entries after ``after``; a deleted entry's
    fields are a null array. Each one served counts as a delivery."""
    start = increment_id(after)
    if start is None:
        return []
    reply = []
    for entry_id in consumer.pending[_bisect(consumer.pending, start):]:
        if count and len(reply) >= count:
            break
        fields = stream.get(entry_id)
        if fields is not None:
            pending = group.pel[entry_id]
            pending.delivery_time = ctx.now_ms
            pending.delivery_count += 1
        reply.append(entry_reply(entry_id, fields))
    return reply


def _bisect(ids: list[StreamID], start: StreamID) -> int:
    from bisect import bisect_left

    return bisect_left(ids, start)


def _deliver(ctx: ExecContext, key: bytes, stream: Stream, group_name: bytes, group: ConsumerGroup, consumer: Consumer, count: int, noack: bool) -> list[Any]:
    """New entries (after the group's last id) to a consumer: ``>``."""
    start = increment_id(group.last_id)
    assert start is not None
    entries = stream.range(start, MAX_ID, count or None)
    for entry_id, _ in entries:
        stream.advance_group(group, entry_id)
        if not noack:
            group.add_pending(entry_id, consumer, ctx.now_ms)
            _propagate_claim(ctx, key, group_name, group, entry_id, consumer.name, ctx.now_ms, 1)
    if entries:
        _propagate_group_id(ctx, key, group_name, group)
        ctx.touch(key)
    return entries_reply(entries)


# -- XGROUP ----------------------------------------------------------------------------
@command("xgroup|help")
def xgroup_help(ctx: ExecContext, argv: list[bytes]) -> Any:
    return [SimpleString(line.encode()) for line in XGROUP_HELP_LINES]


def _parse_group_options(argv: list[bytes], allow_mkstream: bool) -> tuple[bool, int]:
    mkstream = False
    entries_read = INVALID_ENTRIES_READ
    position = 5
    while position < len(argv):
        option = argv[position].upper()
        if allow_mkstream and option == b"MKSTREAM":
            mkstream = True
            position += 1
        elif option == b"ENTRIESREAD" and position + 1 < len(argv):
            entries_read = parse_int(argv[position + 1])
            if entries_read < 0 and entries_read != INVALID_ENTRIES_READ:
                raise CommandError(errors.STREAM_ENTRIES_READ)
            position += 2
        else:
            raise CommandError(errors.subcommand_syntax(argv[1], argv[0]))
    return mkstream, entries_read


def _group_stream(ctx: ExecContext, argv: list[bytes], mkstream: bool = False) -> Stream | None:
    stream = stream_for_write(ctx, argv[2])
    if stream is None and not mkstream:
        raise CommandError(errors.STREAM_XGROUP_NO_KEY)
    return stream


def _existing_group(stream: Stream, argv: list[bytes]) -> ConsumerGroup:
    group = stream.groups.get(argv[3])
    if group is None:
        raise CommandError(errors.STREAM_NOGROUP_XGROUP.format(_text(argv[3]), _text(argv[2])))
    return group


def _group_id(stream: Stream | None, raw: bytes) -> StreamID:
    if raw == b"$":
        return stream.last_id if stream is not None else MIN_ID
    return parse_id(raw)


@command("xgroup|create")
def xgroup_create(ctx: ExecContext, argv: list[bytes]) -> Any:
    mkstream, entries_read = _parse_group_options(argv, allow_mkstream=True)
    key = argv[2]
    stream = _group_stream(ctx, argv, mkstream)
    last_id = _group_id(stream, argv[4])
    if stream is None:
        stream = Stream()
        ctx.db.store_new(key, stream)
    if argv[3] in stream.groups:
        raise CommandError(errors.STREAM_BUSYGROUP)
    stream.groups[argv[3]] = ConsumerGroup(last_id, entries_read)
    ctx.touch(key)
    ctx.notify("t", "xgroup-create", key)
    ctx.propagate([b"XGROUP", b"CREATE", key, argv[3], format_id(last_id), *([b"MKSTREAM"] if mkstream else []),
                   b"ENTRIESREAD", b"%d" % entries_read])
    return OK


@command("xgroup|setid")
def xgroup_setid(ctx: ExecContext, argv: list[bytes]) -> Any:
    _, entries_read = _parse_group_options(argv, allow_mkstream=False)
    stream = _group_stream(ctx, argv)
    assert stream is not None
    group = _existing_group(stream, argv)
    group.last_id = _group_id(stream, argv[4])
    group.entries_read = entries_read
    ctx.touch(argv[2])
    ctx.notify("t", "xgroup-setid", argv[2])
    _propagate_group_id(ctx, argv[2], argv[3], group)
    return OK


@command("xgroup|destroy")
def xgroup_destroy(ctx: ExecContext, argv: list[bytes]) -> Any:
    stream = _group_stream(ctx, argv)
    assert stream is not None
    if stream.groups.pop(argv[3], None) is None:
        return 0
    _answer_readers_of_a_destroyed_group(ctx, argv[2], argv[3])
    ctx.touch(argv[2])
    ctx.notify("t", "xgroup-destroy", argv[2])
    ctx.propagate(list(argv))
    return 1


def _answer_readers_of_a_destroyed_group(ctx: ExecContext, key: bytes, group_name: bytes) -> None:
    """Redis answers an XREADGROUP blocked on a group that XGROUP DESTROY
    removed with its own NOGROUP text (a re-run would give the ordinary one)."""
    for blocked in list(ctx.db.blocked.get(key, ())):
        if blocked.name == "xreadgroup" and _group_of(blocked.argv) == group_name and blocked.claim():
            blocked.deliver(ErrorReply(errors.STREAM_GROUP_GONE))


def _group_of(argv: list[bytes]) -> bytes | None:
    for position in range(1, len(argv) - 2):
        option = argv[position].upper()
        if option == b"STREAMS":
            break
        if option == b"GROUP":
            return argv[position + 1]
    return None


@command("xgroup|createconsumer")
def xgroup_createconsumer(ctx: ExecContext, argv: list[bytes]) -> Any:
    stream = _group_stream(ctx, argv)
    assert stream is not None
    group = _existing_group(stream, argv)
    _, created = group.consumer(argv[4], ctx.now_ms)
    if not created:
        return 0
    ctx.touch(argv[2])
    ctx.notify("t", "xgroup-createconsumer", argv[2])
    ctx.propagate(list(argv))
    return 1


@command("xgroup|delconsumer")
def xgroup_delconsumer(ctx: ExecContext, argv: list[bytes]) -> Any:
    stream = _group_stream(ctx, argv)
    assert stream is not None
    group = _existing_group(stream, argv)
    if argv[4] not in group.consumers:
        return 0
    pending = group.delete_consumer(argv[4])
    ctx.touch(argv[2])
    ctx.notify("t", "xgroup-delconsumer", argv[2])
    ctx.propagate(list(argv))
    return pending


# -- XACK / XPENDING -------------------------------------------------------------------
@command("xack")
def xack(ctx: ExecContext, argv: list[bytes]) -> Any:
    stream = stream_for_write(ctx, argv[1])
    group = stream.groups.get(argv[2]) if stream is not None else None
    if group is None:
        return 0
    ids = [parse_id(raw, strict=True) for raw in argv[3:]]
    acknowledged = sum(1 for entry_id in ids if group.acknowledge(entry_id))
    if acknowledged:
        ctx.touch(argv[1])
        ctx.propagate(list(argv))
    return acknowledged


@command("xpending")
def xpending(ctx: ExecContext, argv: list[bytes]) -> Any:
    if len(argv) != 3 and not 6 <= len(argv) <= 9:
        raise CommandError(errors.SYNTAX)
    min_idle = 0
    if len(argv) >= 6:
        start_at = 3
        if argv[3].upper() == b"IDLE":
            min_idle = parse_int(argv[4])
            if len(argv) < 8:
                raise CommandError(errors.SYNTAX)
            start_at = 5
        count = max(parse_int(argv[start_at + 2]), 0)
        start, exclusive = parse_interval(argv[start_at], 0)
        if exclusive:
            start = increment_id(start)  # type: ignore[assignment]
            if start is None:
                raise CommandError(errors.STREAM_INVALID_START)
        end, exclusive = parse_interval(argv[start_at + 1], UINT64_MAX)
        if exclusive:
            end = decrement_id(end)  # type: ignore[assignment]
            if end is None:
                raise CommandError(errors.STREAM_INVALID_END)
        consumer_name = argv[start_at + 3] if start_at + 3 < len(argv) else None
    stream = lookup_stream(ctx, argv[1])
    group = stream.groups.get(argv[2]) if stream is not None else None
    if group is None:
        raise CommandError(errors.STREAM_NOGROUP.format(_text(argv[1]), _text(argv[2])))
    if len(argv) == 3:
        if not group.pel:
            return [0, None, None, NULL_ARRAY]
        return [
            len(group.pel), format_id(group.pel_ids[0]), format_id(group.pel_ids[-1]),
            [[name, b"%d" % len(consumer.pending)] for name, consumer in sorted(group.consumers.items()) if consumer.pending],
        ]
    if consumer_name is not None:
        consumer = group.consumers.get(consumer_name)
        if consumer is None:
            return []
        ids = consumer.pending[_bisect(consumer.pending, start):]
    else:
        ids = group.pel_ids[_bisect(group.pel_ids, start):]
    reply: list[Any] = []
    for entry_id in ids:
        if len(reply) >= count or entry_id > end:
            break
        pending = group.pel[entry_id]
        idle = ctx.now_ms - pending.delivery_time
        if min_idle and idle < min_idle:
            continue
        reply.append([format_id(entry_id), pending.consumer, idle, pending.delivery_count])
    return reply


# -- XCLAIM / XAUTOCLAIM ----------------------------------------------------------------
@command("xclaim")
def xclaim(ctx: ExecContext, argv: list[bytes]) -> Any:
    key, group_name = argv[1], argv[2]
    stream, group = find_group(ctx, key, group_name)
    min_idle = max(parse_int(argv[4], errors.STREAM_XCLAIM_MIN_IDLE), 0)
    ids: list[StreamID] = []
    position = 5
    while position < len(argv):
        try:
            ids.append(parse_id(argv[position], strict=True))
        except CommandError:
            break
        position += 1
    now = ctx.now_ms
    delivery_time = -1
    retry_count = -1
    force = justid = False
    last_id = MIN_ID
    while position < len(argv):
        more = len(argv) - 1 - position
        option = argv[position].upper()
        if option == b"FORCE":
            force = True
        elif option == b"JUSTID":
            justid = True
        elif option == b"IDLE" and more:
            position += 1
            delivery_time = now - parse_int(argv[position], errors.STREAM_XCLAIM_OPTION.format("IDLE"))
        elif option == b"TIME" and more:
            position += 1
            delivery_time = parse_int(argv[position], errors.STREAM_XCLAIM_OPTION.format("TIME"))
        elif option == b"RETRYCOUNT" and more:
            position += 1
            retry_count = parse_int(argv[position], errors.STREAM_XCLAIM_OPTION.format("RETRYCOUNT"))
        elif option == b"LASTID" and more:
            position += 1
            last_id = parse_id(argv[position], strict=True)
        else:
            raise CommandError(errors.STREAM_XCLAIM_UNKNOWN.format(_text(argv[position])))
        position += 1
    propagate_last_id = False
    if last_id > group.last_id:
        group.last_id = last_id
        propagate_last_id = True
    if delivery_time < 0 or delivery_time > now:
        delivery_time = now
    consumer = None
    reply: list[Any] = []
    for entry_id in ids:
        pending = group.pel.get(entry_id)
        fields = stream.get(entry_id)
        if fields is None:
            if pending is not None:
                _propagate_claim(ctx, key, group_name, group, entry_id, pending.consumer, pending.delivery_time, pending.delivery_count)
                propagate_last_id = False
                group.acknowledge(entry_id)
            continue
        if pending is None:
            if not force:
                continue
        elif min_idle and now - pending.delivery_time < min_idle:
            continue
        if consumer is None:
            consumer = _consumer(ctx, key, group, argv[3])
        count = pending.delivery_count if pending is not None else 1
        if retry_count >= 0:
            count = retry_count
        elif not justid:
            count += 1
        group.add_pending(entry_id, consumer, delivery_time, count)
        reply.append(format_id(entry_id) if justid else entry_reply(entry_id, fields))
        _propagate_claim(ctx, key, group_name, group, entry_id, consumer.name, delivery_time, count)
        propagate_last_id = False
    if propagate_last_id:
        _propagate_group_id(ctx, key, group_name, group)
    ctx.touch(key)
    return reply


@command("xautoclaim")
def xautoclaim(ctx: ExecContext, argv: list[bytes]) -> Any:
    key, group_name = argv[1], argv[2]
    # Redis parses every argument before it looks at the key.
    min_idle = max(parse_int(argv[4], errors.STREAM_XAUTOCLAIM_MIN_IDLE), 0)
    start, exclusive = parse_interval(argv[5], 0)
    if exclusive:
        start = increment_id(start)  # type: ignore[assignment]
        if start is None:
            raise CommandError(errors.STREAM_INVALID_START)
    count = 100
    justid = False
    position = 6
    while position < len(argv):
        option = argv[position].upper()
        if option == b"COUNT" and position + 1 < len(argv):
            count = parse_int(argv[position + 1], errors.STREAM_COUNT_POSITIVE)
            if not 1 <= count <= (1 << 63) // 16:
                raise CommandError(errors.STREAM_COUNT_POSITIVE)
            position += 1
        elif option == b"JUSTID":
            justid = True
        else:
            raise CommandError(errors.SYNTAX)
        position += 1
    stream, group = find_group(ctx, key, group_name)
    now = ctx.now_ms
    attempts = count * _AUTOCLAIM_ATTEMPTS_FACTOR
    consumer = None
    claimed: list[Any] = []
    deleted: list[bytes] = []
    candidates = group.pel_ids[_bisect(group.pel_ids, start):]
    index = 0
    while attempts and count and index < len(candidates):
        attempts -= 1
        entry_id = candidates[index]
        index += 1
        pending = group.pel[entry_id]
        fields = stream.get(entry_id)
        if fields is None:
            _propagate_claim(ctx, key, group_name, group, entry_id, pending.consumer, pending.delivery_time, pending.delivery_count)
            group.acknowledge(entry_id)
            deleted.append(format_id(entry_id))
            count -= 1  # Redis 7.0 counts a cleared entry against COUNT
            continue
        if min_idle and now - pending.delivery_time < min_idle:
            continue
        if consumer is None:
            consumer = _consumer(ctx, key, group, argv[3])
        delivery_count = pending.delivery_count if justid else pending.delivery_count + 1
        group.add_pending(entry_id, consumer, now, delivery_count)
        claimed.append(format_id(entry_id) if justid else entry_reply(entry_id, fields))
        count -= 1
        _propagate_claim(ctx, key, group_name, group, entry_id, consumer.name, now, delivery_count)
    cursor = format_id(candidates[index]) if index < len(candidates) else b"0-0"
    ctx.touch(key)
    return [cursor, claimed, deleted]
