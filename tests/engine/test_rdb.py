from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from actors.engine.keyspace import Keyspace
from actors.engine.persistence import rdb_reader, rdb_writer
from actors.engine.persistence.walker import SnapshotWalk
from actors.engine.types.hash import Hash
from actors.engine.types.quicklist import QuickList
from actors.engine.types.set import SetValue
from actors.engine.types.sorted_set import SortedSet

AUX = [(b"redis-ver", b"7.0.15"), (b"redis-bits", 64)]


def _plain(value: object) -> object:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, SortedSet):
        return sorted((member, score) for score, member in value)
    if isinstance(value, Hash):
        return dict(value)
    if isinstance(value, SetValue):
        return set(value)
    return list(value)  # type: ignore[call-overload]


VALUES = [
    b"hello", b"12345", b"-7", b"4294967296", b"007", b"x" * 1000, bytearray(b"raw"),
    QuickList([b"a", b"1", b"b" * 300]), SetValue.from_members([b"1", b"2", b"-3"]),
    SetValue.from_members([b"a", b"b"]), SortedSet.from_pairs([(b"a", 1.5), (b"b", float("-inf"))]),
    Hash([(b"f", b"v"), (b"n", b"1")]),
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_every_type_round_trips_through_a_file(value: object) -> None:
    data = rdb_writer.encode_file([(0, [(b"k", value, None)]), (5, [(b"t", b"v", 1234)])], AUX, 0)
    contents = rdb_reader.load(data)
    assert contents.version == 10
    assert contents.aux[b"redis-ver"] == b"7.0.15"
    assert [(db, key, _plain(v), at) for db, key, v, at in contents.records] == [
        (0, b"k", _plain(value), None), (5, b"t", b"v", 1234)
    ]


@given(st.binary(max_size=300))
def test_any_string_round_trips(value: bytes) -> None:
    encoded = rdb_writer.encode_string(value)
    assert rdb_reader._Cursor(encoded).string() == value


def test_small_integers_use_the_integer_encodings() -> None:
    assert rdb_writer.encode_string(b"5") == b"\xc0\x05"
    assert rdb_writer.encode_string(b"-300") == b"\xc1\xd4\xfe"
    assert rdb_writer.encode_string(b"70000") == b"\xc2\x70\x11\x01\x00"
    assert rdb_writer.encode_string(b"05") == b"\x0205"


def test_a_hash_with_field_ttls_is_written_without_the_expired_fields() -> None:
    value = Hash([(b"live", b"1"), (b"gone", b"2"), (b"forever", b"3")])
    value.set_field_expire(b"live", 2000)
    value.set_field_expire(b"gone", 500)
    _, payload = rdb_writer.encode_value(value, 1000)
    loaded = rdb_reader.read_value(rdb_reader._Cursor(payload), rdb_writer.TYPE_HASH)
    assert dict(loaded) == {b"live": b"1", b"forever": b"3"}


def test_a_bad_checksum_is_refused_naming_the_offset() -> None:
    data = bytearray(rdb_writer.encode_file([(0, [(b"k", b"v", None)])], AUX, 0))
    data[20] ^= 0xFF
    with pytest.raises(rdb_reader.RdbError, match=f"at offset {len(data) - 8}"):
        rdb_reader.load(bytes(data))


def test_a_truncated_file_is_refused() -> None:
    data = rdb_writer.encode_file([(0, [(b"k", b"v", None)])], AUX, 0)
    with pytest.raises(rdb_reader.RdbError):
        rdb_reader.load(data[:-12])
    with pytest.raises(rdb_reader.RdbError, match="truncated"):
        rdb_reader.load(data[:-12], verify_checksum=False)


def test_a_zero_checksum_is_not_verified() -> None:
    data = rdb_writer.encode_file([(0, [(b"k", b"v", None)])], AUX, 0, checksum=False)
    assert data.endswith(b"\0" * 8)
    assert rdb_reader.load(data).records[0][1] == b"k"


# -- compact encodings, built by hand as Redis lays them out ---------------------
def _listpack(entries: list[bytes]) -> bytes:
    body = b""
    for entry in entries:
        encoded = bytes((0x80 | len(entry),)) + entry
        body += encoded + bytes((len(encoded),))
    total = 6 + len(body) + 1
    return total.to_bytes(4, "little") + len(entries).to_bytes(2, "little") + body + b"\xff"


def test_listpack_integers_and_strings_decode() -> None:
    blob = (
        (0).to_bytes(4, "little") + (4).to_bytes(2, "little")
        + b"\x05\x01"  # 7-bit uint 5
        + b"\xdf\xff\x02"  # 13-bit int -1
        + b"\xf1\x00\x80\x03"  # int16 -32768
        + b"\x82ab\x03"  # string "ab"
        + b"\xff"
    )
    assert rdb_reader.parse_listpack(blob) == [b"5", b"-1", b"-32768", b"ab"]


def test_ziplist_entries_decode() -> None:
    entries = b"\x00\x02ab" + b"\x04\xf3" + b"\x02\xfe\x9c" + b"\x03\xc0\x10\x27"
    blob = (0).to_bytes(4, "little") * 2 + (4).to_bytes(2, "little") + entries + b"\xff"
    assert rdb_reader.parse_ziplist(blob) == [b"ab", b"2", b"-100", b"10000"]


def test_intset_and_zipmap_decode() -> None:
    intset = (2).to_bytes(4, "little") + (2).to_bytes(4, "little") + b"\xff\xff\x07\x00"
    assert rdb_reader.parse_intset(intset) == [b"-1", b"7"]
    zipmap = b"\x01" + b"\x01f" + b"\x02\x00vv" + b"\xff"
    assert rdb_reader.parse_zipmap(zipmap) == [b"f", b"vv"]


def test_a_listpack_hash_and_zset_load_with_redis_encodings() -> None:
    hash_payload = rdb_writer.encode_string(_listpack([b"f", b"v"]))
    loaded = rdb_reader.read_value(rdb_reader._Cursor(hash_payload), rdb_reader.TYPE_HASH_LISTPACK)
    assert dict(loaded) == {b"f": b"v"} and loaded.encoding() == b"listpack"
    zset_payload = rdb_writer.encode_string(_listpack([b"m", b"2.5"]))
    zset = rdb_reader.read_value(rdb_reader._Cursor(zset_payload), rdb_reader.TYPE_ZSET_LISTPACK)
    assert list(zset) == [(2.5, b"m")]


def test_a_module_value_is_refused_clearly() -> None:
    with pytest.raises(rdb_reader.RdbError, match="module"):
        rdb_reader.read_value(rdb_reader._Cursor(b"\x00"), rdb_reader.TYPE_MODULE_2)


# -- the point-in-time walk -------------------------------------------------------
def test_the_walk_keeps_the_pre_image_of_a_key_written_after_the_start() -> None:
    keyspace = Keyspace.create(2)
    db = keyspace.db(0)
    db.store(b"list", QuickList([b"a"]))
    db.store(b"gone", b"1")
    keyspace.db(1).store(b"other", b"x")
    walk = SnapshotWalk.start(keyspace, 0)
    walk.preserve(0, b"list")
    db.data[b"list"].append(b"b")
    walk.preserve(0, b"gone")
    db.delete(b"gone")
    walk.preserve(0, b"new")
    db.store(b"new", b"created later")
    assert walk.step(1000)
    contents = rdb_reader.load(
        rdb_writer.MAGIC + b"".join(
            rdb_writer.encode_select_db(index, *walk.counts[index]) + b"".join(walk.records[index])
            for index in sorted(walk.records)
        ) + b"\xff" + b"\0" * 8
    )
    assert sorted((db_index, key, _plain(value)) for db_index, key, value, _ in contents.records) == [
        (0, b"gone", b"1"), (0, b"list", [b"a"]), (1, b"other", b"x")
    ]
