"""Bitmap and bitfield commands, black-box: scripts with exact replies, and
random bit operations sent to shardis and redis-server side by side."""

from __future__ import annotations

import shlex

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.compat.conftest import _server
from tests.compat.test_strings import NOT_INTEGER, OK, SYNTAX, Err, execute
from tests.servers import redis_server_path

BIT_OFFSET = Err("ERR bit offset is not an integer or out of range")
BIT_VALUE = Err("ERR bit is not an integer or out of range")
BITPOS_BIT = Err("ERR The bit argument must be 1 or 0.")
BITFIELD_TYPE = Err(
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."
)
WRONGTYPE = Err("WRONGTYPE Operation against a key holding the wrong kind of value")

CASES = {
    "setbit_returns_the_old_bit_and_grows_the_string": [
        ("SETBIT k 7 1", 0), ("GET k", b"\x01"), ("SETBIT k 7 0", 1), ("SETBIT k 17 1", 0),
        ("GET k", b"\x00\x00\x40"), ("STRLEN k", 3), ("OBJECT ENCODING k", b"raw")],
    "setbit_keeps_the_ttl": [("SET k a EX 100", OK), ("SETBIT k 0 1", 0), ("TTL k", 100)],
    "setbit_refuses_bad_offsets_and_values": [
        ("SETBIT k -1 1", BIT_OFFSET), ("SETBIT k x 1", BIT_OFFSET),
        ("SETBIT k 4294967296 1", BIT_OFFSET), ("SETBIT k 0 2", BIT_VALUE), ("SETBIT k 0 x", BIT_VALUE),
        ("EXISTS k", 0)],
    "getbit_past_the_end_or_missing_is_zero": [
        ("GETBIT k 100", 0), ("SET k a", OK), ("GETBIT k 1", 1), ("GETBIT k 2", 1),
        ("GETBIT k 3", 0), ("GETBIT k 1000", 0), ("GETBIT k -1", BIT_OFFSET)],
    "bit_commands_on_a_list_are_wrongtype": [
        ("LPUSH l a", 1), ("SETBIT l 0 1", WRONGTYPE), ("GETBIT l 0", WRONGTYPE),
        ("BITCOUNT l", WRONGTYPE), ("BITPOS l 1", WRONGTYPE), ("BITOP AND d l", WRONGTYPE)],
    "bitcount_counts_bytes_and_bits_ranges": [
        ("SET k foobar", OK), ("BITCOUNT k", 26), ("BITCOUNT k 0 0", 4), ("BITCOUNT k 1 1", 6),
        ("BITCOUNT k 1 1 BYTE", 6), ("BITCOUNT k 5 30 BIT", 17), ("BITCOUNT k -2 -1", 7),
        ("BITCOUNT k -1 -2", 0), ("BITCOUNT k 0 100", 26), ("BITCOUNT k 0 -100", 4),
        ("BITCOUNT missing", 0), ("BITCOUNT k 0", SYNTAX), ("BITCOUNT k 0 1 WORD", SYNTAX),
        ("BITCOUNT k x 1", NOT_INTEGER)],
    "bitpos_finds_set_and_clear_bits": [
        ("SET k \xff\xf0\x00", OK), ("BITPOS k 0", 12), ("BITPOS k 1 2", -1),
        ("BITPOS k 1 0 -1 BIT", 0), ("BITPOS k 0 2 -1 BIT", 12), ("BITPOS k 0 0 1", 12),
        ("SET all \xff\xff", OK), ("BITPOS all 0", 16), ("BITPOS all 0 0 -1", -1),
        ("BITPOS missing 0", 0), ("BITPOS missing 1", -1), ("BITPOS k 2", BITPOS_BIT),
        ("BITPOS k 1 0 1 WORD", SYNTAX)],
    "bitop_combines_strings_padded_with_zeros": [
        ("SET a \xf0", OK), ("SET b \x0f\x01", OK), ("BITOP AND d a b", 2),
        ("GET d", b"\x00\x00"), ("BITOP OR d a b", 2), ("GET d", b"\xff\x01"),
        ("BITOP XOR d a b missing", 2), ("GET d", b"\xff\x01"), ("BITOP NOT d a", 1),
        ("GET d", b"\x0f"), ("BITOP NOT d a b", Err("ERR BITOP NOT must be called with a single source key.")),
        ("BITOP NAND d a", SYNTAX)],
    "bitop_of_only_missing_keys_deletes_the_destination": [
        ("SET d x", OK), ("BITOP OR d m1 m2", 0), ("EXISTS d", 0)],
    "bitfield_reads_and_writes_signed_and_unsigned_fields": [
        ("BITFIELD k SET i8 0 -100 GET u4 0 GET i8 0", [0, 9, -100]),
        ("BITFIELD k INCRBY u2 100 1 OVERFLOW SAT INCRBY u2 102 1", [1, 1]),
        ("BITFIELD k SET u8 #1 255 GET u8 8", [0, 255]), ("STRLEN k", 13)],
    "bitfield_overflow_wrap_sat_fail": [
        ("BITFIELD k SET i8 0 127 INCRBY i8 0 1", [0, -128]),
        ("BITFIELD k OVERFLOW SAT INCRBY i8 0 -10", [-128]),
        ("BITFIELD k OVERFLOW FAIL INCRBY i8 0 -1 GET i8 0", [None, -128]),
        ("BITFIELD k OVERFLOW SAT SET i8 0 -9223372036854775808", [-128]),
        ("BITFIELD k GET i8 0", [127]),
        ("BITFIELD k OVERFLOW WRAP SET u8 0 -1 GET u8 0", [127, 255])],
    "bitfield_errors": [
        ("BITFIELD k GET u64 0", BITFIELD_TYPE), ("BITFIELD k GET I8 0", BITFIELD_TYPE),
        ("BITFIELD k GET i65 0", BITFIELD_TYPE), ("BITFIELD k GET i8 -1", BIT_OFFSET),
        ("BITFIELD k OVERFLOW NOPE", Err("ERR Invalid OVERFLOW type specified")),
        ("BITFIELD k GET i8", SYNTAX), ("BITFIELD k SET i8 0 x", NOT_INTEGER),
        ("BITFIELD_RO k GET i8 0 SET i8 0 1", Err("ERR BITFIELD_RO only supports the GET subcommand")),
        ("EXISTS k", 0)],
    "bitfield_get_only_does_not_create_the_key": [
        ("BITFIELD k GET u8 0", [0]), ("BITFIELD_RO k GET i64 100", [0]), ("EXISTS k", 0)],
}


@pytest.mark.parametrize("script", CASES.values(), ids=CASES.keys())
def test_bitmap_script_gives_redis_replies(raw, script) -> None:
    run_binary_script(raw, script)


def run_binary_script(raw, script) -> None:
    """run_script, with each character of a line standing for one byte (latin-1)."""
    for line, expected in script:
        reply = execute(raw, *(word.encode("latin-1") for word in shlex.split(line)))
        assert reply == expected, f"{line!r}: got {reply!r}, expected {expected!r}"


def test_setbit_past_proto_max_bulk_len_is_refused(raw) -> None:
    assert execute(raw, "SETBIT", "k", str(512 * 1024 * 1024 * 8), "1") == BIT_OFFSET


# -- side by side ----------------------------------------------------------------------
needs_oracle = pytest.mark.skipif(redis_server_path() is None, reason="no redis-server to compare with")
keys = st.sampled_from(["a", "b", "c"])
small = st.integers(-40, 200).map(str)
types = st.sampled_from(["i1", "u1", "i5", "u7", "i8", "u8", "i13", "u16", "i32", "u63", "i64", "u64", "x8"])
offsets = st.one_of(st.integers(0, 150).map(str), st.integers(0, 20).map(lambda n: f"#{n}"))
numbers = st.one_of(st.integers(-300, 300), st.sampled_from([2**63 - 1, -(2**63), 2**62])).map(str)
subcommand = st.one_of(
    st.tuples(st.just("GET"), types, offsets),
    st.tuples(st.sampled_from(["SET", "INCRBY"]), types, offsets, numbers),
    st.tuples(st.just("OVERFLOW"), st.sampled_from(["WRAP", "SAT", "FAIL"])),
)
commands = st.one_of(
    st.tuples(st.just("SETBIT"), keys, st.integers(0, 100).map(str), st.sampled_from(["0", "1"])),
    st.tuples(st.just("GETBIT"), keys, st.integers(0, 120).map(str)),
    st.tuples(st.just("BITCOUNT"), keys, small, small, st.sampled_from(["BYTE", "BIT"])),
    st.tuples(st.just("BITPOS"), keys, st.sampled_from(["0", "1"]), small, small, st.sampled_from(["BYTE", "BIT"])),
    st.tuples(st.just("BITPOS"), keys, st.sampled_from(["0", "1"]), small),
    st.tuples(st.just("BITOP"), st.sampled_from(["AND", "OR", "XOR"]), keys, keys, keys),
    st.tuples(st.just("BITOP"), st.just("NOT"), keys, keys),
    st.tuples(st.just("SET"), keys, st.binary(max_size=6)),
    st.builds(lambda key, ops: ("BITFIELD", key, *[part for op in ops for part in op]),
              keys, st.lists(subcommand, min_size=1, max_size=4)),
)


def _reply(client: redis.Redis, command: tuple) -> object:
    try:
        return client.execute_command(*command)
    except redis.ResponseError as error:
        return ("error", str(error))


@needs_oracle
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(commands, min_size=1, max_size=25))
def test_random_bit_operations_match_redis_side_by_side(script) -> None:
    clients = []
    for kind in ("shardis", "redis"):
        running = _server(kind)
        client = redis.Redis(host=running.host, port=running.port, protocol=2)
        client.response_callbacks.clear()
        client.delete("a", "b", "c")
        clients.append(client)
    try:
        for command in script:
            shardis, oracle = (_reply(client, command) for client in clients)
            assert shardis == oracle, f"{command!r}: shardis {shardis!r} != redis {oracle!r}"
        for key in ("a", "b", "c"):
            assert clients[0].get(key) == clients[1].get(key), key
    finally:
        for client in clients:
            client.close()
