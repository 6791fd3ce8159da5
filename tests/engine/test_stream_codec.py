"""The stream RDB codec and the listpack writer, checked against payloads
redis-server 7.0.15 produced (DUMP output recorded below)."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from actors.engine.persistence import dump_payload, listpack, rdb_reader, rdb_writer, stream_codec
from actors.engine.types.stream import ConsumerGroup, Stream

# XADD s 1-1 a 1 b x; XADD s 2-0 a -300 b y*70; XADD s 2-5 c 9223372036854775807;
# XADD s 1000000-0 a 100000 b z; XGROUP CREATE s g 0; XREADGROUP GROUP g c COUNT 2 STREAMS s >
REDIS_PLAIN = bytes.fromhex(
    "13011000000000000000010000000000000001c3405c40a211a20000001f000401000102018161028162024009"
    "000020010501018178020520160a0101dfff02ded402e04679e03c00014805605d0004205804816302f4ff8000"
    "027f0906206b04f23f420f04206e06f2a0860104817a207f00ff0480000f42400001010000040101670200020200"
    "000000000000010000000000000001bf854125a20100000100000000000000020000000000000000bf854125a201"
    "000001010163bf854125a2010000020000000000000001000000000000000100000000000000020000000000000000"
    "0a00439deddc18cb6dc4"
)
# XADD s 1-1 a 1 b x; XADD s 2-0 a -300 b y; XADD s 2-5 c long*20; XADD s 3-0 a 9 b z;
# XDEL s 2-0; XGROUP CREATE s g 0; XREADGROUP GROUP g c COUNT 1 STREAMS s >
REDIS_WITH_DELETED = bytes.fromhex(
    "13011000000000000000010000000000000001c34053409f129f0000001f00030101010201816102816202002009"
    "000020010601018178020501401a07dfff02ded4028179200e40170004401b076302e0506c6f6e67e04303015206"
    "207b0002406e030901817a206d00ff0303000101020004010167010181ffffffffffffffff01000000000000000100"
    "0000000000000130784125a20100000101016330784125a201000001000000000000000100000000000000010a008e"
    "73f8d40f4133d6"
)


def _split(payload: bytes) -> tuple[bytes, bytes]:
    """(the node's uncompressed listpack, the bytes after it up to the CRC)."""
    cursor = rdb_reader._Cursor(payload[:-8])
    cursor.byte()
    cursor.length()
    cursor.string()
    blob = cursor.string()
    return blob, payload[cursor.position : -8]


def _stream_with_groups() -> Stream:
    stream = Stream()
    for index in range(250):
        fields = (b"f", str(index).encode(), b"g", b"x" * (index % 70)) if index % 5 else (b"other", b"v")
        stream.append((1000 + index, index % 3), fields)
    stream.delete((1010, 1))
    stream.trim(None, (1003, 0), False, 0)
    group = ConsumerGroup((1100, 1), 12)
    stream.groups[b"grp"] = group
    consumer, _ = group.consumer(b"alice", 5000)
    for ms in range(1050, 1060):
        group.add_pending((ms, ms % 3), consumer, 7000 + ms, 2)
    group.consumer(b"idle", 6000)
    stream.groups[b"unknown-read"] = ConsumerGroup((0, 0), -1)
    return stream


def _observable(stream: Stream) -> object:
    return (
        stream.ids, stream.entries, stream.node_spans(), stream.last_id, stream.max_deleted_id,
        stream.entries_added,
        {
            name: (
                group.last_id, group.entries_read, group.pel_ids,
                {key: (p.consumer, p.delivery_time, p.delivery_count) for key, p in group.pel.items()},
                {name: (c.seen_time, c.pending) for name, c in group.consumers.items()},
            )
            for name, group in stream.groups.items()
        },
    )


def test_a_redis_stream_payload_loads_with_its_groups_and_pel() -> None:
    stream = dump_payload.restore(REDIS_PLAIN)
    assert stream.ids == [(1, 1), (2, 0), (2, 5), (1000000, 0)]
    assert stream.entries[2] == (b"c", b"9223372036854775807")
    assert stream.entries_added == 4 and stream.last_id == (1000000, 0)
    group = stream.groups[b"g"]
    assert group.last_id == (2, 0) and group.entries_read == 2
    assert group.pel_ids == [(1, 1), (2, 0)]
    assert [group.pel[key].consumer for key in group.pel_ids] == [b"c", b"c"]
    assert group.consumers[b"c"].pending == [(1, 1), (2, 0)]


def test_our_listpack_and_metadata_are_byte_identical_to_redis() -> None:
    ours = dump_payload.dump(dump_payload.restore(REDIS_PLAIN), 0, compression=False)
    assert _split(ours) == _split(REDIS_PLAIN)


def test_deleted_entries_count_in_the_node_but_are_not_loaded() -> None:
    stream = dump_payload.restore(REDIS_WITH_DELETED)
    assert stream.ids == [(1, 1), (2, 5), (3, 0)]
    assert stream.max_deleted_id == (2, 0) and stream.entries_added == 4
    assert stream.groups[b"g"].entries_read == -1
    assert stream.node_spans() == [((1, 1), 3)]
    assert stream.nodes[0].slots == 4 and stream.nodes[0].last_id == (3, 0)


def test_a_stream_with_groups_round_trips() -> None:
    stream = _stream_with_groups()
    assert _observable(dump_payload.restore(dump_payload.dump(stream, 0))) == _observable(stream)


def test_an_empty_stream_with_a_group_round_trips() -> None:
    stream = Stream()
    stream.groups[b"g"] = ConsumerGroup((0, 0), 0)
    assert _observable(dump_payload.restore(dump_payload.dump(stream, 0))) == _observable(stream)


def _rewrite_as(payload_body: bytes, value_type: int) -> bytes:
    return bytes((value_type,)) + payload_body


def test_redis_6_streams_get_entries_added_and_estimated_entries_read() -> None:
    stream = Stream()
    for ms in range(1, 6):
        stream.append((ms, 0), (b"k", b"v"))
    group = ConsumerGroup((0, 0), 0)
    stream.groups[b"g"] = group
    body = stream_codec.encode(stream, rdb_writer.encode_length, rdb_writer.encode_string)
    # Type 15 has no first id, max-deleted id, entries-added nor entries-read.
    nodes_and_length = body[: body.index(b"\x05\x05\x00\x01\x00\x00\x00\x05") + 3]
    old = nodes_and_length + b"\x01" + rdb_writer.encode_string(b"g") + b"\x00\x00" + b"\x00\x00"
    loaded, used = rdb_reader.read_typed_value(_rewrite_as(old, stream_codec.TYPE_STREAM_LISTPACKS))
    assert used == len(old) + 1
    assert loaded.ids == stream.ids and loaded.entries_added == 5
    assert loaded.groups[b"g"].entries_read == 0


def test_redis_7_2_streams_skip_the_consumer_active_time() -> None:
    stream = Stream()
    stream.append((1, 0), (b"k", b"v"))
    group = ConsumerGroup((1, 0), 1)
    stream.groups[b"g"] = group
    consumer, _ = group.consumer(b"c", 1234)
    group.add_pending((1, 0), consumer, 99, 3)
    body = stream_codec.encode(stream, rdb_writer.encode_length, rdb_writer.encode_string)
    seen = (1234).to_bytes(8, "little")
    at = body.index(seen) + 8
    newer = body[:at] + (4321).to_bytes(8, "little") + body[at:]
    loaded, _ = rdb_reader.read_typed_value(_rewrite_as(newer, stream_codec.TYPE_STREAM_LISTPACKS_3))
    assert _observable(loaded) == _observable(stream)


def test_a_pel_entry_without_a_consumer_is_refused() -> None:
    stream = Stream()
    stream.append((1, 0), (b"k", b"v"))
    group = ConsumerGroup((1, 0), 1)
    stream.groups[b"g"] = group
    consumer, _ = group.consumer(b"c", 1)
    group.add_pending((1, 0), consumer, 1, 1)
    consumer.pending.clear()
    body = stream_codec.encode(stream, rdb_writer.encode_length, rdb_writer.encode_string)
    with pytest.raises(rdb_reader.RdbError, match="without consumer"):
        rdb_reader.read_typed_value(_rewrite_as(body, stream_codec.TYPE_STREAM_LISTPACKS_2))


# -- listpack ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("element", "encoded"),
    [
        (b"5", b"\x05\x01"),
        (b"127", b"\x7f\x01"),
        (b"-1", b"\xdf\xff\x02"),
        (b"4095", b"\xcf\xff\x02"),
        (b"-32768", b"\xf1\x00\x80\x03"),
        (b"8388607", b"\xf2\xff\xff\x7f\x04"),
        (b"2147483647", b"\xf3\xff\xff\xff\x7f\x05"),
        (b"9223372036854775807", b"\xf4\xff\xff\xff\xff\xff\xff\xff\x7f\x09"),
        (b"9223372036854775808", b"\x93" + b"9223372036854775808" + b"\x14"),
        (b"007", b"\x83007\x04"),
        (b"-0", b"\x82-0\x03"),
        (b"a" * 64, b"\xe0\x40" + b"a" * 64 + b"\x42"),
        (b"a" * 200, b"\xe0\xc8" + b"a" * 200 + b"\x01\xca"),
        (b"a" * 5000, b"\xf0" + (5000).to_bytes(4, "little") + b"a" * 5000 + b"\x27\x8d"),
    ],
)
def test_listpack_elements_use_redis_encodings(element: bytes, encoded: bytes) -> None:
    blob = listpack.build([element])
    assert blob[6:-1] == encoded
    assert int.from_bytes(blob[:4], "little") == len(blob)


@given(st.lists(st.one_of(st.binary(max_size=300), st.integers(-(1 << 63), (1 << 63) - 1).map(lambda n: str(n).encode()))))
def test_listpacks_round_trip(elements: list[bytes]) -> None:
    assert rdb_reader.parse_listpack(listpack.build(elements)) == elements
