"""DEBUG OBJECT prints Redis's low-level line for a key.

The address and LRU clock differ between any two servers; every other field
of a string's line must match redis-server 7.0.
"""

from __future__ import annotations

import re

import pytest
import redis

LINE = re.compile(
    rb"Value at:0x[0-9a-f]+ refcount:(\d+) encoding:(\w+) serializedlength:(\d+) lru:\d+ lru_seconds_idle:(\d+)"
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (b"hello", (b"1", b"embstr", b"6", b"0")),
        (b"12", (b"2147483647", b"int", b"2", b"0")),
        (b"123456789012", (b"1", b"int", b"13", b"0")),
        (b"y" * 19, (b"1", b"embstr", b"20", b"0")),
    ],
    ids=["embstr", "shared-int", "int", "embstr-uncompressed"],
)
# Strings of 21 bytes and more are LZF-compressed in the RDB encoding. Redis's
# liblzf starts from an uninitialised hash table, so its output (and the length
# DEBUG OBJECT reports) is not a fixed function of the input; ours is a valid
# LZF stream of possibly different length, so those lengths are not compared.
def test_debug_object_of_a_string_matches_redis(r: redis.Redis, value: bytes, expected: tuple) -> None:
    r.set("k", value)
    line = r.execute_command("DEBUG", "OBJECT", "k")
    match = LINE.fullmatch(line)
    assert match is not None, line
    refcount, encoding, length, idle = match.groups()
    assert (refcount, encoding, length) == expected[:3]
    if refcount != b"2147483647":  # a shared integer's LRU is the shared object's, in Redis
        assert int(idle) <= 1  # a second boundary may pass between SET and DEBUG OBJECT


def test_debug_object_of_a_missing_key_is_an_error(r: redis.Redis) -> None:
    with pytest.raises(redis.ResponseError, match="^no such key$"):
        r.execute_command("DEBUG", "OBJECT", "missing")


def test_debug_object_of_a_list_reports_quicklist_figures(r: redis.Redis) -> None:
    r.rpush("l", "a", "b", "c")
    line = r.execute_command("DEBUG", "OBJECT", "l")
    assert b"encoding:quicklist" in line
    assert re.search(rb" ql_nodes:1 ql_avg_node:3\.00 ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:\d+$", line)
