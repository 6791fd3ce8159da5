"""Set commands, black-box: exact replies and exact error texts.

Scripts run over a raw RESP2 socket (byte-exact replies). A set of integers
small enough to be an intset comes back sorted in Redis, so those replies are
compared as lists; any other set reply has no specified order and is written
``Unordered(...)`` (compared as a multiset). RESP3 replies are checked as raw
bytes, where the reply type (``~`` set or ``*`` array) matters.
"""

from __future__ import annotations

import shlex
from collections import Counter
from typing import Any

import pytest
import redis

from tests.compat.test_strings import NOT_INTEGER, OK, SYNTAX, Err, arity, encode, execute

WRONGTYPE = Err("WRONGTYPE Operation against a key holding the wrong kind of value")
NOT_POSITIVE = Err("ERR value is out of range, must be positive")
NUMKEYS = Err("ERR numkeys should be greater than 0")
TOO_MANY_KEYS = Err("ERR Number of keys can't be greater than number of args")
LIMIT_NEGATIVE = Err("ERR LIMIT can't be negative")
SRANDMEMBER_RANGE = Err(
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")


class Unordered(tuple):
    """An array reply whose order Redis leaves unspecified."""

    def __new__(cls, *items: bytes) -> Unordered:
        return super().__new__(cls, items)


def check(line: str, reply: Any, expected: Any) -> None:
    if isinstance(expected, Unordered):
        assert isinstance(reply, list), f"{line!r}: got {reply!r}"
        assert Counter(reply) == Counter(expected), f"{line!r}: got {reply!r}, expected {expected!r}"
    elif isinstance(expected, list):
        assert isinstance(reply, list) and len(reply) == len(expected), f"{line!r}: got {reply!r}"
        for item, wanted in zip(reply, expected):
            check(line, item, wanted)
    else:
        assert reply == expected, f"{line!r}: got {reply!r}, expected {expected!r}"
        assert type(reply) is type(expected) or expected is None, f"{line!r}: got {reply!r}"


def run_set_script(raw: Any, script: list[tuple[str, Any]]) -> None:
    for line, expected in script:
        check(line, execute(raw, *shlex.split(line)), expected)


SCRIPTS = {
    "sadd_counts_only_new_members": [
        ("SADD s a b a", 2), ("SADD s b c", 1), ("SCARD s", 3),
        ("SMEMBERS s", Unordered(b"a", b"b", b"c"))],
    "smembers_of_a_small_int_set_is_sorted": [
        ("SADD s 10 -5 3 0 9223372036854775807 -9223372036854775808", 6),
        ("SMEMBERS s", [b"-9223372036854775808", b"-5", b"0", b"3", b"10",
                        b"9223372036854775807"]),
        ("OBJECT ENCODING s", b"intset")],
    "a_non_canonical_integer_makes_a_hashtable": [
        ("SADD s 1 01", 2), ("OBJECT ENCODING s", b"hashtable"),
        ("SADD t 9223372036854775808", 1), ("OBJECT ENCODING t", b"hashtable"),
        ("SADD u -0", 1), ("OBJECT ENCODING u", b"hashtable")],
    "a_set_stays_a_hashtable_after_its_string_member_goes": [
        ("SADD s 1 a 2", 3), ("SREM s a", 1), ("OBJECT ENCODING s", b"hashtable"),
        ("SMEMBERS s", Unordered(b"1", b"2"))],
    "srem_removes_and_deletes_the_emptied_set": [
        ("SADD s a b", 2), ("SREM s a x", 1), ("SREM s b", 1), ("EXISTS s", 0),
        ("SREM s b", 0), ("SREM missing a", 0), ("TYPE s", "none")],
    "sismember_and_smismember": [
        ("SADD s a 1", 2), ("SISMEMBER s a", 1), ("SISMEMBER s b", 0),
        ("SISMEMBER missing a", 0), ("SMISMEMBER s a b 1", [1, 0, 1]),
        ("SMISMEMBER missing a b", [0, 0])],
    "scard_and_smembers_of_a_missing_key": [("SCARD missing", 0), ("SMEMBERS missing", [])],
    "spop_of_a_missing_key": [("SPOP missing", None), ("SPOP missing 3", [])],
    "spop_zero_and_errors": [
        ("SADD s 1 2", 2), ("SPOP s 0", []), ("SPOP s -1", NOT_POSITIVE),
        ("SPOP s x", NOT_POSITIVE), ("SPOP s 1 2", SYNTAX), ("SCARD s", 2)],
    "spop_with_a_count_covering_the_set_returns_it_sorted_and_deletes_it": [
        ("SADD s 3 1 2", 3), ("SPOP s 3", [b"1", b"2", b"3"]), ("EXISTS s", 0),
        ("SADD s 3 1 2", 3), ("SPOP s 100", [b"1", b"2", b"3"]), ("EXISTS s", 0)],
    "spop_of_the_last_member_deletes_the_set": [
        ("SADD s a", 1), ("SPOP s", b"a"), ("EXISTS s", 0)],
    "srandmember_of_a_missing_key_and_zero": [
        ("SRANDMEMBER missing", None), ("SRANDMEMBER missing 5", []),
        ("SRANDMEMBER missing -5", []), ("SADD s 1", 1), ("SRANDMEMBER s 0", [])],
    "srandmember_count_covering_an_intset_returns_it_sorted": [
        ("SADD s 3 2 1", 3), ("SRANDMEMBER s 3", [b"1", b"2", b"3"]),
        ("SRANDMEMBER s 10", [b"1", b"2", b"3"])],
    "srandmember_errors": [
        ("SADD s a", 1), ("SRANDMEMBER s x", NOT_INTEGER),
        ("SRANDMEMBER s -9223372036854775808", SRANDMEMBER_RANGE),
        ("SRANDMEMBER s 1 2", SYNTAX)],
    "smove_moves_a_member_and_creates_the_destination": [
        ("SADD src a b", 2), ("SMOVE src dst a", 1), ("SMEMBERS dst", [b"a"]),
        ("SMEMBERS src", [b"b"]), ("SMOVE src dst a", 0), ("SMOVE src dst b", 1),
        ("EXISTS src", 0), ("SMEMBERS dst", Unordered(b"a", b"b"))],
    "smove_to_a_destination_that_has_the_member": [
        ("SADD src a b", 2), ("SADD dst a", 1), ("SMOVE src dst a", 1),
        ("SMEMBERS src", [b"b"]), ("SMEMBERS dst", [b"a"])],
    "smove_within_one_set_reports_membership": [
        ("SADD s a", 1), ("SMOVE s s a", 1), ("SMOVE s s b", 0), ("SMEMBERS s", [b"a"])],
    "smove_from_a_missing_source_ignores_the_destination_type": [
        ("SET str x", OK), ("SMOVE missing str a", 0), ("SADD s a", 1),
        ("SMOVE s str a", WRONGTYPE), ("SMOVE str s a", WRONGTYPE), ("SMEMBERS s", [b"a"])],
    "smove_of_an_int_into_a_new_key_makes_an_intset": [
        ("SADD src 5 x", 2), ("SMOVE src dst 5", 1), ("OBJECT ENCODING dst", b"intset")],
    "sinter_sunion_sdiff_of_int_sets_are_sorted": [
        ("SADD a 5 1 2 3", 4), ("SADD b 3 2 4 9", 4),
        ("SINTER a b", [b"2", b"3"]), ("SUNION a b", [b"1", b"2", b"3", b"4", b"5", b"9"]),
        ("SDIFF a b", [b"1", b"5"]), ("SDIFF b a", [b"4", b"9"])],
    "set_algebra_with_strings": [
        ("SADD a x y z", 3), ("SADD b y z w", 3), ("SADD c z", 1),
        ("SINTER a b c", [b"z"]), ("SINTER a b", Unordered(b"y", b"z")),
        ("SUNION a b", Unordered(b"x", b"y", b"z", b"w")), ("SDIFF a b c", [b"x"]),
        ("SDIFF a", Unordered(b"x", b"y", b"z"))],
    "set_algebra_with_missing_keys": [
        ("SADD a 1 2", 2), ("SINTER a missing", []), ("SINTER missing", []),
        ("SUNION missing a", [b"1", b"2"]), ("SDIFF missing a", []),
        ("SDIFF a missing", [b"1", b"2"]), ("SUNION missing", [])],
    "set_algebra_checks_every_key_type": [
        ("SET str x", OK), ("SADD a 1", 1), ("SINTER missing str", WRONGTYPE),
        ("SINTER str missing", WRONGTYPE), ("SUNION a str", WRONGTYPE),
        ("SDIFF missing str", WRONGTYPE), ("SINTERCARD 2 missing str", WRONGTYPE),
        ("SINTERSTORE d missing str", WRONGTYPE), ("SDIFFSTORE d a str", WRONGTYPE),
        ("SUNIONSTORE d str", WRONGTYPE), ("EXISTS d", 0)],
    "sintercard_counts_and_limits": [
        ("SADD a 1 2 3 4", 4), ("SADD b 2 3 4 5", 4), ("SINTERCARD 2 a b", 3),
        ("SINTERCARD 2 a b LIMIT 2", 2), ("SINTERCARD 2 a b limit 0", 3),
        ("SINTERCARD 2 a b LIMIT 10", 3), ("SINTERCARD 2 a b LIMIT 1 LIMIT 2", 2),
        ("SINTERCARD 1 a", 4), ("SINTERCARD 2 a missing", 0)],
    "sintercard_errors": [
        ("SADD a 1", 1), ("SINTERCARD 0 a", NUMKEYS), ("SINTERCARD -1 a", NUMKEYS),
        ("SINTERCARD x a", NUMKEYS), ("SINTERCARD 9999999999999999999 a", NUMKEYS),
        ("SINTERCARD 2 a", TOO_MANY_KEYS), ("SINTERCARD 1 a LIMIT -1", LIMIT_NEGATIVE),
        ("SINTERCARD 1 a LIMIT x", LIMIT_NEGATIVE), ("SINTERCARD 1 a LIMIT", SYNTAX),
        ("SINTERCARD 1 a FOO", SYNTAX)],
    "store_variants_write_the_result_and_drop_the_ttl": [
        ("SADD a 1 2 3", 3), ("SADD b 2 3 4", 3), ("SET d old EX 100", OK),
        ("SINTERSTORE d a b", 2), ("TTL d", -1), ("SMEMBERS d", [b"2", b"3"]),
        ("SUNIONSTORE d a b", 4), ("SMEMBERS d", [b"1", b"2", b"3", b"4"]),
        ("SDIFFSTORE d a b", 1), ("SMEMBERS d", [b"1"]), ("TYPE d", "set")],
    "store_variants_with_an_empty_result_delete_the_destination": [
        ("SADD a 1", 1), ("SADD d x", 1), ("SINTERSTORE d a missing", 0), ("EXISTS d", 0),
        ("SADD d x", 1), ("SDIFFSTORE d a a", 0), ("EXISTS d", 0),
        ("SADD d x", 1), ("SUNIONSTORE d missing", 0), ("EXISTS d", 0),
        ("SINTERSTORE d missing", 0), ("EXISTS d", 0)],
    "store_variants_may_read_the_destination": [
        ("SADD d 1 2", 2), ("SADD a 2 3", 2), ("SUNIONSTORE d d a", 3),
        ("SMEMBERS d", [b"1", b"2", b"3"]), ("SINTERSTORE d d a", 2), ("SMEMBERS d", [b"2", b"3"])],
    "a_stored_result_gets_the_encoding_of_its_members": [
        ("SADD h a 1 2", 3), ("SREM h a", 1), ("OBJECT ENCODING h", b"hashtable"),
        ("SUNIONSTORE d h", 2), ("OBJECT ENCODING d", b"intset"),
        ("SADD m 1 x", 2), ("SINTERSTORE d m m", 2), ("OBJECT ENCODING d", b"hashtable")],
    "sscan_of_an_intset_is_whole_and_sorted": [
        ("SADD s 5 4 3 2 1 15 14 13 12 11 10", 11),
        ("SSCAN s 0 COUNT 2", [b"0", [b"1", b"2", b"3", b"4", b"5", b"10", b"11", b"12", b"13",
                                      b"14", b"15"]]),
        ("SSCAN s 0 MATCH 1*", [b"0", [b"1", b"10", b"11", b"12", b"13", b"14", b"15"]])],
    "sscan_of_a_small_hashtable_set": [
        ("SADD s a b c", 3), ("SSCAN s 0", [b"0", Unordered(b"a", b"b", b"c")]),
        ("SSCAN s 0 MATCH a*", [b"0", [b"a"]])],
    "sscan_errors": [
        ("SSCAN missing 0 COUNT 0", [b"0", []]), ("SSCAN missing x", Err("ERR invalid cursor")),
        ("SADD s a", 1), ("SSCAN s 0 COUNT 0", SYNTAX), ("SSCAN s 0 TYPE string", SYNTAX),
        ("SSCAN s 0 NOVALUES", SYNTAX), ("SSCAN s 0 MATCH", SYNTAX)],
    "set_commands_refuse_a_string": [
        ("SET str x", OK), ("SADD str a", WRONGTYPE), ("SREM str a", WRONGTYPE),
        ("SISMEMBER str a", WRONGTYPE), ("SMISMEMBER str a", WRONGTYPE),
        ("SMEMBERS str", WRONGTYPE), ("SCARD str", WRONGTYPE), ("SPOP str", WRONGTYPE),
        ("SPOP str 0", WRONGTYPE), ("SRANDMEMBER str", WRONGTYPE),
        ("SRANDMEMBER str 2", WRONGTYPE), ("SSCAN str 0", WRONGTYPE)],
    "string_commands_refuse_a_set": [
        ("SADD s a", 1), ("GET s", WRONGTYPE), ("APPEND s x", WRONGTYPE),
        ("INCR s", WRONGTYPE), ("STRLEN s", WRONGTYPE), ("TYPE s", "set")],
    "set_commands_check_arity": [
        ("SADD s", arity("sadd")), ("SREM s", arity("srem")), ("SISMEMBER s", arity("sismember")),
        ("SMISMEMBER s", arity("smismember")), ("SMEMBERS", arity("smembers")),
        ("SPOP", arity("spop")), ("SMOVE a b", arity("smove")), ("SINTER", arity("sinter")),
        ("SINTERCARD 1", arity("sintercard")), ("SDIFFSTORE d", arity("sdiffstore")),
        ("SSCAN s", arity("sscan"))],
}


@pytest.mark.parametrize("script", SCRIPTS.values(), ids=SCRIPTS.keys())
def test_set_command_script_gives_redis_replies(raw, script) -> None:
    run_set_script(raw, script)


def test_an_intset_converts_past_512_members(r: redis.Redis) -> None:
    r.sadd("s", *range(512))
    assert r.object("encoding", "s") == b"intset"
    assert r.smembers("s") == {str(n).encode() for n in range(512)}
    r.sadd("s", 512)
    assert r.object("encoding", "s") == b"hashtable"


def test_sscan_walks_a_large_set_with_cursors(r: redis.Redis) -> None:
    names = {f"member:{n}".encode() for n in range(300)}
    r.sadd("s", *names)
    seen: list[bytes] = []
    cursor = 0
    for _ in range(10_000):
        cursor, found = r.sscan("s", cursor, count=25)
        seen.extend(found)
        if cursor == 0:
            break
    assert set(seen) == names


def test_spop_with_a_count_pops_distinct_members(r: redis.Redis) -> None:
    names = {f"m{n}".encode() for n in range(50)}
    r.sadd("s", *names)
    popped = r.spop("s", 10)
    assert len(popped) == 10 and len(set(popped)) == 10 and set(popped) <= names
    assert r.smembers("s") == names - set(popped)
    most = r.spop("s", 39)
    assert len(set(most)) == 39 and r.scard("s") == 1
    assert r.smembers("s") | set(most) | set(popped) == names


def test_spop_of_most_of_a_set_recomputes_its_encoding(r: redis.Redis) -> None:
    r.sadd("s", "a", 1, 2, 3, 4, 5, 6)
    r.srem("s", "a")
    r.spop("s", 5)
    assert r.object("encoding", "s") == b"intset"


def test_spop_keeps_the_ttl(r: redis.Redis) -> None:
    r.sadd("s", *range(10))
    r.expire("s", 100)
    r.spop("s")
    r.spop("s", 2)
    r.spop("s", 6)
    assert r.ttl("s") == 100


def test_srandmember_samples_without_changing_the_set(r: redis.Redis) -> None:
    names = {b"a", b"b", b"c", b"d"}
    r.sadd("s", *names)
    distinct = r.srandmember("s", 3)
    assert len(set(distinct)) == 3 and set(distinct) <= names
    repeated = r.srandmember("s", -20)
    assert len(repeated) == 20 and set(repeated) <= names
    assert r.srandmember("s") in names
    assert r.smembers("s") == names


RESP3_CASES = {
    "smembers_is_a_set": ("SMEMBERS s", b"~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
    "smembers_of_a_missing_key_is_an_empty_set": ("SMEMBERS missing", b"~0\r\n"),
    "sinter_is_a_set": ("SINTER s t", b"~1\r\n$1\r\n2\r\n"),
    "sunion_is_a_set": ("SUNION s t", b"~4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n9\r\n"),
    "sdiff_is_a_set": ("SDIFF s t", b"~2\r\n$1\r\n1\r\n$1\r\n3\r\n"),
    "sinter_with_a_missing_key_is_an_empty_set": ("SINTER s missing", b"~0\r\n"),
    "spop_with_a_count_is_a_set": ("SPOP s 3", b"~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
    "spop_zero_is_an_empty_set": ("SPOP s 0", b"~0\r\n"),
    "spop_with_a_count_of_a_missing_key_is_an_empty_set": ("SPOP missing 2", b"~0\r\n"),
    "spop_of_a_missing_key_is_null": ("SPOP missing", b"_\r\n"),
    "srandmember_with_a_count_is_an_array": (
        "SRANDMEMBER s 3", b"*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
    "srandmember_with_a_count_of_a_missing_key_is_an_empty_array": (
        "SRANDMEMBER missing 3", b"*0\r\n"),
    "smismember_is_an_array": ("SMISMEMBER s 1 5", b"*2\r\n:1\r\n:0\r\n"),
    "sscan_is_an_array": ("SSCAN t 0", b"*2\r\n$1\r\n0\r\n*2\r\n$1\r\n2\r\n$1\r\n9\r\n"),
}


def switch_to_resp3(raw: Any) -> None:
    """HELLO 3, skipping its reply (a map whose contents differ per server)."""
    marker = b"$11\r\nresp3-ready\r\n"
    raw.send(encode([b"HELLO", b"3"]) + encode([b"ECHO", b"resp3-ready"]))
    while marker not in raw.buffer:
        chunk = raw.sock.recv(65536)
        assert chunk, "connection closed during HELLO 3"
        raw.buffer += chunk
    raw.buffer = raw.buffer.split(marker, 1)[1]


def send_line(raw: Any, line: str) -> None:
    raw.send(encode([arg.encode() for arg in shlex.split(line)]))


@pytest.mark.parametrize("line, expected", RESP3_CASES.values(), ids=RESP3_CASES.keys())
def test_set_replies_in_resp3(raw, line: str, expected: bytes) -> None:
    switch_to_resp3(raw)
    for setup in ("SADD s 1 2 3", "SADD t 2 9"):
        send_line(raw, setup)
    assert raw.read_exactly(b":3\r\n:2\r\n") == b":3\r\n:2\r\n"
    send_line(raw, line)
    assert raw.read_exactly(expected) == expected


def test_resp3_smembers_through_redis_py_is_a_python_set(r3: redis.Redis) -> None:
    r3.sadd("s", "a", "b")
    assert r3.smembers("s") == {b"a", b"b"}
    assert r3.sinter("s", "s") == {b"a", b"b"}


def test_set_commands_across_keys_on_any_shard(r: redis.Redis) -> None:
    # Plain key names land on different shards when shardis runs several.
    sources = [f"source:{n}" for n in range(8)]
    for n, key in enumerate(sources):
        r.sadd(key, "common", f"own{n}")
    assert r.sinter(*sources) == {b"common"}
    assert r.sintercard(len(sources), sources) == 1
    assert r.sunionstore("union:dest", sources) == 9
    assert r.sinterstore("inter:dest", sources) == 1
    assert r.sdiffstore("diff:dest", sources) == 1
    assert r.smembers("diff:dest") == {b"own0"}
    assert r.smove(sources[0], "moved:1", "common") is True
    assert r.smove(sources[0], "moved:2", "own0") is True
    assert r.smembers("moved:1") == {b"common"}
    assert r.smembers("moved:2") == {b"own0"}
    assert r.exists(sources[0]) == 0
