"""actors/engine/persistence/aof_base.py: a key as the commands of an AOF base."""

from __future__ import annotations

from actors.engine.persistence.aof_base import encode_command, encode_key_commands, format_score
from actors.engine.types.hash import Hash
from actors.engine.types.quicklist import QuickList
from actors.engine.types.sorted_set import SortedSet


def _commands(data: bytes) -> list[list[bytes]]:
    """Split RESP multibulks of bulk strings back into argument lists."""
    commands = []
    lines = data.split(b"\r\n")
    position = 0
    while lines[position]:
        count = int(lines[position][1:])
        commands.append(lines[position + 2 : position + 2 + 2 * count : 2])
        position += 1 + 2 * count
    assert encode_command(commands[0]) == data[: len(encode_command(commands[0]))]
    return commands


def test_a_string_with_a_ttl_is_set_then_given_its_absolute_expiry() -> None:
    assert _commands(encode_key_commands(b"k", b"v", 1700000000123, 0)) == [
        [b"SET", b"k", b"v"], [b"PEXPIREAT", b"k", b"1700000000123"],
    ]


def test_collections_are_written_64_items_per_command() -> None:
    values = QuickList()
    values.push_all([b"%d" % index for index in range(130)], to_head=False)
    commands = _commands(encode_key_commands(b"l", values, None, 0))
    assert [len(argv) - 2 for argv in commands] == [64, 64, 2]
    assert commands[2] == [b"RPUSH", b"l", b"128", b"129"]


def test_scores_are_written_as_redis_writes_them_with_17_digits() -> None:
    assert format_score(0.1) == b"0.10000000000000001"
    assert format_score(1.5) == b"1.5"
    assert format_score(float("-inf")) == b"-inf"
    zset = SortedSet()
    zset.add(b"m", 0.1)
    assert _commands(encode_key_commands(b"z", zset, None, 0)) == [
        [b"ZADD", b"z", b"0.10000000000000001", b"m"]
    ]


def test_a_hash_is_written_with_hmset() -> None:
    assert _commands(encode_key_commands(b"h", Hash([(b"f", b"v")]), None, 0)) == [
        [b"HMSET", b"h", b"f", b"v"]
    ]
