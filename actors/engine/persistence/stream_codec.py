"""Streams in RDB: Redis 7.0's RDB_TYPE_STREAM_LISTPACKS_2 (19) written,
types 15 (Redis 5-6), 19 (7.0) and 21 (7.2) read.

The value is a radix tree of listpack nodes, then the stream's metadata and
its consumer groups::

    nodes-count, (master-id as 16 big-endian bytes, listpack) * count,
    length, last-id ms, seq,
    [19, 21] first-id ms, seq, max-deleted-id ms, seq, entries-added,
    groups-count, per group:
        name, last-id ms, seq, [19, 21] entries-read,
        PEL count, (16-byte id, delivery time ms LE, delivery count) * count,
        consumers count, per consumer:
            name, seen-time ms LE, [21] active-time ms LE,
            PEL count, 16-byte id * count

A node's listpack starts with the master entry ``count deleted num-fields
field... 0`` and holds one record per entry: ``flags ms-delta seq-delta``
then either the values alone (flag SAMEFIELDS: the fields are the master
entry's) or ``num-fields field value ...``, and last ``lp-count``, the
number of elements before it in the record. Deltas are relative to the
master id, wrapping at 2^64 as Redis's unsigned arithmetic does.

The writer keeps :class:`Stream`'s node boundaries (so approximate trimming
cuts at the same places after a reload) but writes only live entries, with
``deleted`` 0; the master fields are the first live entry's. The reader
rebuilds the node boundaries, counting deleted records as Redis does.
``entries-read`` of -1 (unknown) is written as Redis writes it, the
unsigned 2^64-1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from actors.engine.persistence import listpack
from actors.engine.types.stream import (
    Consumer, ConsumerGroup, PendingEntry, Stream, StreamID, entry_size,
)

if TYPE_CHECKING:
    from actors.engine.persistence.rdb_reader import _Cursor

TYPE_STREAM_LISTPACKS = 15
TYPE_STREAM_LISTPACKS_2 = 19
TYPE_STREAM_LISTPACKS_3 = 21

FLAG_DELETED = 1
FLAG_SAMEFIELDS = 2
_UINT64 = 1 << 64
_NODE_BASE_SIZE = 16  # the estimate Stream.append starts a node with


def _raw_id(entry_id: StreamID) -> bytes:
    return entry_id[0].to_bytes(8, "big") + entry_id[1].to_bytes(8, "big")


def _delta(value: int, base: int) -> int:
    """(value - base) as Redis's uint64 difference read back as int64."""
    difference = (value - base) % _UINT64
    return difference - _UINT64 if difference >= 1 << 63 else difference


def _node_chunks(stream: Stream) -> list[tuple[StreamID, int, int]]:
    """(master id, first index, end index) per node over the live entries."""
    spans = stream.node_spans()
    if sum(live for _, live in spans) != len(stream.ids):
        # No trustworthy boundaries (a value built by hand): Redis's default
        # node size.
        return [
            (stream.ids[start], start, min(start + 100, len(stream.ids)))
            for start in range(0, len(stream.ids), 100)
        ]
    chunks = []
    start = 0
    for master_id, live in spans:
        chunks.append((master_id, start, start + live))
        start += live
    return chunks


def _node_listpack(stream: Stream, master_id: StreamID, start: int, end: int) -> bytes:
    first_fields = stream.entries[start][0::2]
    elements: list[bytes | int] = [end - start, 0, len(first_fields), *first_fields, 0]
    for index in range(start, end):
        entry_id = stream.ids[index]
        flat = stream.entries[index]
        names = flat[0::2]
        ms_delta = _delta(entry_id[0], master_id[0])
        seq_delta = _delta(entry_id[1], master_id[1])
        if names == first_fields:
            elements += [FLAG_SAMEFIELDS, ms_delta, seq_delta, *flat[1::2], len(names) + 3]
        else:
            elements += [0, ms_delta, seq_delta, len(names), *flat, 2 * len(names) + 4]
    return listpack.build(elements)


def encode(stream: Stream, encode_length: Callable[[int], bytes], encode_string: Callable[[bytes], bytes]) -> bytes:
    """The body of an RDB_TYPE_STREAM_LISTPACKS_2 value."""
    parts: list[bytes] = []
    chunks = _node_chunks(stream)
    parts.append(encode_length(len(chunks)))
    for master_id, start, end in chunks:
        parts.append(encode_string(_raw_id(master_id)))
        parts.append(encode_string(_node_listpack(stream, master_id, start, end)))
    first_id = stream.ids[0] if stream.ids else (0, 0)
    for number in (
        len(stream.ids), *stream.last_id, *first_id, *stream.max_deleted_id, stream.entries_added,
    ):
        parts.append(encode_length(number))
    parts.append(encode_length(len(stream.groups)))
    for name, group in stream.groups.items():
        parts.append(encode_string(name))
        parts.append(encode_length(group.last_id[0]))
        parts.append(encode_length(group.last_id[1]))
        parts.append(encode_length(group.entries_read % _UINT64))
        parts.append(encode_length(len(group.pel_ids)))
        for entry_id in group.pel_ids:
            pending = group.pel[entry_id]
            parts.append(_raw_id(entry_id))
            parts.append(pending.delivery_time.to_bytes(8, "little", signed=True))
            parts.append(encode_length(pending.delivery_count))
        parts.append(encode_length(len(group.consumers)))
        for consumer in group.consumers.values():
            parts.append(encode_string(consumer.name))
            parts.append(consumer.seen_time.to_bytes(8, "little", signed=True))
            parts.append(encode_length(len(consumer.pending)))
            parts.extend(_raw_id(entry_id) for entry_id in consumer.pending)
    return b"".join(parts)


# -- reading ---------------------------------------------------------------------
def decode(cursor: _Cursor, value_type: int, parse_listpack: Callable[[bytes, int], list[bytes]], error: Callable[[str, int], Exception]) -> Stream:
    stream = Stream()
    for _ in range(cursor.length()):
        key_at = cursor.position
        node_key = cursor.string()
        if len(node_key) != 16:
            raise error("stream node key is not the size of a stream ID", key_at)
        blob_at = cursor.position
        blob = cursor.string()
        _load_node(stream, _id_from_raw(node_key), parse_listpack(blob, blob_at), blob_at, error)
    length_at = cursor.position
    length = cursor.length()
    if length != len(stream.ids):
        raise error("stream length inconsistent with its entries", length_at)
    stream.last_id = (cursor.length(), cursor.length())
    if value_type == TYPE_STREAM_LISTPACKS:
        stream.entries_added = length
    else:
        cursor.length()  # first id: the first live entry's
        cursor.length()
        stream.max_deleted_id = (cursor.length(), cursor.length())
        stream.entries_added = cursor.length()
    for _ in range(cursor.length()):
        name_at = cursor.position
        name = cursor.string()
        if name in stream.groups:
            raise error("duplicated consumer group name", name_at)
        last_id = (cursor.length(), cursor.length())
        if value_type == TYPE_STREAM_LISTPACKS:
            entries_read = stream.estimate_entries_read(last_id)
        else:
            entries_read = cursor.length()
            if entries_read >= 1 << 63:
                entries_read -= _UINT64
        group = ConsumerGroup(last_id, entries_read)
        stream.groups[name] = group
        _load_group_pel(cursor, group, error)
        _load_consumers(cursor, group, value_type, error)
    return stream


def _id_from_raw(raw: bytes) -> StreamID:
    return int.from_bytes(raw[:8], "big"), int.from_bytes(raw[8:], "big")


def _load_node(stream: Stream, master_id: StreamID, items: list[bytes], at: int, error: Callable[[str, int], Exception]) -> None:
    try:
        count, deleted, field_count = int(items[0]), int(items[1]), int(items[2])
        master_fields = items[3 : 3 + field_count]
        if len(master_fields) != field_count or items[3 + field_count] != b"0":
            raise error("bad stream master entry", at)
        position = 4 + field_count
        slots = live = 0
        size = _NODE_BASE_SIZE
        last_id = master_id
        while position < len(items):
            flags = int(items[position])
            entry_id = (
                (master_id[0] + int(items[position + 1])) % _UINT64,
                (master_id[1] + int(items[position + 2])) % _UINT64,
            )
            position += 3
            if flags & FLAG_SAMEFIELDS:
                values = items[position : position + field_count]
                position += field_count
                flat = tuple(item for pair in zip(master_fields, values) for item in pair)
            else:
                pairs = int(items[position])
                flat = tuple(items[position + 1 : position + 1 + 2 * pairs])
                position += 1 + 2 * pairs
            position += 1  # lp-count
            if position > len(items):
                raise error("truncated stream entry", at)
            slots += 1
            size += entry_size(flat)
            last_id = entry_id
            if flags & FLAG_DELETED:
                continue
            if stream.ids and entry_id <= stream.ids[-1]:
                raise error("stream entries out of order", at)
            stream.ids.append(entry_id)
            stream.entries.append(flat)
            live += 1
    except (ValueError, IndexError):
        raise error("bad stream listpack", at) from None
    if not slots:
        raise error("empty listpack inside stream", at)
    if live != count or slots - live != deleted:
        raise error("stream listpack counts do not match its entries", at)
    if live:
        stream.add_loaded_node(master_id, last_id, slots, size)


def _load_group_pel(cursor: _Cursor, group: ConsumerGroup, error: Callable[[str, int], Exception]) -> None:
    for _ in range(cursor.length()):
        at = cursor.position
        entry_id = _id_from_raw(cursor.take(16))
        delivery_time = int.from_bytes(cursor.take(8), "little", signed=True)
        delivery_count = cursor.length()
        if entry_id in group.pel:
            raise error("duplicated global PEL entry", at)
        group.pel[entry_id] = PendingEntry(b"", delivery_time, delivery_count)
    group.pel_ids = sorted(group.pel)


def _load_consumers(cursor: _Cursor, group: ConsumerGroup, value_type: int, error: Callable[[str, int], Exception]) -> None:
    group_at = cursor.position
    for _ in range(cursor.length()):
        name_at = cursor.position
        name = cursor.string()
        if name in group.consumers:
            raise error("duplicate stream consumer", name_at)
        seen_time = int.from_bytes(cursor.take(8), "little", signed=True)
        if value_type == TYPE_STREAM_LISTPACKS_3:
            cursor.take(8)  # active time (Redis 7.2); shardis keeps seen time only
        consumer = Consumer(name, seen_time)
        group.consumers[name] = consumer
        for _ in range(cursor.length()):
            at = cursor.position
            entry_id = _id_from_raw(cursor.take(16))
            pending = group.pel.get(entry_id)
            if pending is None:
                raise error("consumer entry not found in group global PEL", at)
            if pending.consumer:
                raise error("duplicated consumer PEL entry", at)
            pending.consumer = name
            consumer.pending.append(entry_id)
        consumer.pending.sort()
    if any(not pending.consumer for pending in group.pel.values()):
        raise error("stream group PEL entry without consumer", group_at)
