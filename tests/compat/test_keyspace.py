"""Keyspace administration, black-box: DBSIZE FLUSHDB FLUSHALL SWAPDB KEYS
SCAN RANDOMKEY. Key order is unspecified, so KEYS and SCAN are compared as
sets."""

from __future__ import annotations

import pytest
import redis

from tests.compat.test_strings import NOT_INTEGER, OK, SYNTAX, Err, execute, run_script

GLOB_KEYS = [b"hello", b"hallo", b"hxllo", b"hllo", b"heeeello", b"h*llo", b"h?llo",
             b"h[a]llo", b"h\\llo", b"a", b"b"]


@pytest.mark.parametrize(
    "pattern, expected",
    [
        (b"*", GLOB_KEYS),
        (b"h?llo", [b"hello", b"hallo", b"hxllo", b"h*llo", b"h?llo", b"h\\llo"]),
        (b"h*llo", [k for k in GLOB_KEYS if k.startswith(b"h")]),
        (b"h[ae]llo", [b"hello", b"hallo"]),
        (b"h[^e]llo", [b"hallo", b"hxllo", b"h*llo", b"h?llo", b"h\\llo"]),
        (b"h[^a-e]llo", [b"hxllo", b"h*llo", b"h?llo", b"h\\llo"]),
        (b"h[a-b]llo", [b"hallo"]),
        (b"h[b-a]llo", [b"hallo"]),
        (b"h\\*llo", [b"h*llo"]),
        (b"h\\?llo", [b"h?llo"]),
        (b"h\\[a]llo", [b"h[a]llo"]),
        (b"h\\\\llo", [b"h\\llo"]),
        (b"h[a", []),
        (b"[", []),
        (b"nothing*", []),
    ],
    ids=lambda value: value.decode() if isinstance(value, bytes) else None,
)
def test_keys_matches_redis_glob_patterns(r: redis.Redis, pattern: bytes, expected) -> None:
    r.mset({key: b"1" for key in GLOB_KEYS})
    assert sorted(r.keys(pattern)) == sorted(expected)


def scan_all(client: redis.Redis, **options) -> list[bytes]:
    cursor, seen = 0, []
    for _ in range(10_000):
        cursor, keys = client.scan(cursor, **options)
        seen.extend(keys)
        if cursor == 0:
            return seen
    raise AssertionError("SCAN never returned cursor 0")


def test_dbsize_counts_the_selected_database(r: redis.Redis) -> None:
    assert r.dbsize() == 0
    r.mset({"a": 1, "b": 2, "c": 3})
    assert r.dbsize() == 3
    r.execute_command("SELECT", 1)
    assert r.dbsize() == 0


@pytest.mark.parametrize("mode", [[], ["ASYNC"], ["SYNC"], ["async"]])
def test_flushdb_empties_only_the_selected_database(r: redis.Redis, mode) -> None:
    r.mset({"a": 1, "b": 2})
    r.execute_command("SELECT", 1)
    r.set("c", 3)
    r.execute_command("SELECT", 0)
    assert r.execute_command("FLUSHDB", *mode) is True
    assert r.dbsize() == 0
    r.execute_command("SELECT", 1)
    assert r.get("c") == b"3"


@pytest.mark.parametrize("mode", [[], ["ASYNC"], ["SYNC"]])
def test_flushall_empties_every_database(r: redis.Redis, mode) -> None:
    r.set("a", 1)
    r.execute_command("SELECT", 2)
    r.set("b", 1)
    assert r.execute_command("FLUSHALL", *mode) is True
    assert r.dbsize() == 0
    r.execute_command("SELECT", 0)
    assert r.dbsize() == 0


FLUSH_AND_SWAP_ERRORS = {
    "flush_bad_mode": [("FLUSHDB FOO", SYNTAX), ("FLUSHALL FOO", SYNTAX),
                       ("FLUSHDB ASYNC SYNC", SYNTAX)],
    "swapdb_bad_indexes": [
        ("SWAPDB 0 16", Err("ERR DB index is out of range")),
        ("SWAPDB -1 0", Err("ERR DB index is out of range")),
        ("SWAPDB x 1", Err("ERR invalid first DB index")),
        ("SWAPDB 1 x", Err("ERR invalid second DB index"))],
    "scan_bad_arguments": [
        ("SCAN x", Err("ERR invalid cursor")),
        ("SCAN 18446744073709551616", Err("ERR invalid cursor")),
        ("SCAN ' 0'", Err("ERR invalid cursor")),
        ("SCAN 0 COUNT 0", SYNTAX), ("SCAN 0 COUNT -1", SYNTAX), ("SCAN 0 COUNT x", NOT_INTEGER),
        ("SCAN 0 TYPE", SYNTAX), ("SCAN 0 MATCH", SYNTAX), ("SCAN 0 FOO bar", SYNTAX)],
    "randomkey_of_an_empty_database": [("RANDOMKEY", None)],
}


@pytest.mark.parametrize("script", FLUSH_AND_SWAP_ERRORS.values(), ids=FLUSH_AND_SWAP_ERRORS.keys())
def test_keyspace_errors_give_redis_replies(raw, script) -> None:
    run_script(raw, script)


def test_swapdb_exchanges_two_databases(raw) -> None:
    run_script(raw, [
        ("SET a 0", OK), ("SET t 0 EX 100", OK), ("SELECT 1", OK), ("SET b 1", OK),
        ("SWAPDB 0 1", OK), ("GET b", None), ("GET a", b"0"), ("TTL t", 100),
        ("SELECT 0", OK), ("GET b", b"1"), ("DBSIZE", 1), ("SWAPDB 0 0", OK), ("GET b", b"1")])


def test_randomkey_returns_a_present_key(r: redis.Redis) -> None:
    r.mset({"a": 1, "b": 2, "c": 3})
    assert {r.randomkey() for _ in range(30)} <= {b"a", b"b", b"c"}
    r.delete("a", "b")
    assert r.randomkey() == b"c"


def test_scan_returns_every_key_once_the_iteration_ends(r: redis.Redis) -> None:
    keys = {f"key:{n}".encode() for n in range(300)}
    r.mset({key: b"v" for key in keys})
    seen = scan_all(r, count=7)
    assert set(seen) == keys


@pytest.mark.parametrize("count", [1, 10, 1000])
def test_scan_match_and_type_filter(r: redis.Redis, count: int) -> None:
    r.mset({f"user:{n}": n for n in range(40)} | {f"item:{n}": n for n in range(40)})
    assert sorted(scan_all(r, match="user:1*", count=count)) == sorted(
        f"user:{n}".encode() for n in range(40) if str(n).startswith("1"))
    assert len(set(scan_all(r, _type="string", count=count))) == 80
    assert scan_all(r, _type="list", count=count) == []
    assert scan_all(r, match="nothing*", count=count) == []


def test_scan_returns_keys_present_throughout_while_others_come_and_go(r: redis.Redis) -> None:
    stable = {f"stable:{n}".encode() for n in range(200)}
    r.mset({key: b"v" for key in stable})
    r.mset({f"doomed:{n}": b"v" for n in range(100)})
    cursor, seen, step = 0, [], 0
    while True:
        cursor, keys = r.scan(cursor, count=5)
        seen.extend(keys)
        r.set(f"new:{step}", "v")
        r.delete(f"doomed:{step}")
        step += 1
        if cursor == 0:
            break
        assert step < 10_000
    assert stable <= set(seen)
    assert all(key.startswith((b"stable:", b"doomed:", b"new:")) for key in seen)


def test_scan_cursor_accepts_what_strtoul_accepts(raw) -> None:
    # Any cursor Redis can parse is accepted; what it returns for a cursor it
    # did not hand out is unspecified, so only the shape is checked.
    for cursor in ("+0", "007", "-1", "18446744073709551615"):
        reply = execute(raw, "SCAN", cursor)
        assert isinstance(reply, list) and len(reply) == 2, (cursor, reply)
