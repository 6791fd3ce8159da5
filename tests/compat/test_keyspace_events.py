"""Keyspace notifications: every family emits the events Redis 7.0 emits,
in the same order, on ``__keyspace@<db>__:<key>`` and ``__keyevent@<db>__:<event>``.

Each scenario runs its commands with ``notify-keyspace-events KEA`` and a
``PSUBSCRIBE __key*__:*`` subscriber; the expected streams were recorded from
redis-server 7.0.15 and the tests run against it too. SPOP picks members at
random; the sets scenario is built so its events do not depend on the pick.
Not emitted yet by shardis (so not covered): ``new`` (class n), ``keymiss``
(class m) and ``evicted`` (no eviction).
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import redis

from tests.servers import RunningServer

SCENARIOS: dict[str, tuple[list[list[str]], list[tuple[str, str]]]] = {
    'strings': (
        [
            ['SET', 's', '1'],
            ['SET', 's', '2', 'EX', '100'],
            ['SETNX', 's', '3'],
            ['SETEX', 's2', '10', 'v'],
            ['PSETEX', 's3', '1000', 'v'],
            ['GETSET', 's', '4'],
            ['GETDEL', 's3'],
            ['GETEX', 's', 'PERSIST'],
            ['GETEX', 's', 'EX', '50'],
            ['APPEND', 's', 'x'],
            ['SETRANGE', 's', '0', 'y'],
            ['INCR', 'n'],
            ['INCRBY', 'n', '2'],
            ['DECR', 'n'],
            ['DECRBY', 'n', '2'],
            ['INCRBYFLOAT', 'n', '1.5'],
            ['MSET', 'a', '1', 'b', '2'],
            ['MSETNX', 'c', '1', 'd', '2'],
            ['SET', 's', '5', 'KEEPTTL'],
            ['SET', 's', '6', 'GET'],
            ['SETRANGE', 'empty', '0', ''],
        ],
        [
            ('__keyspace@0__:s', 'set'),
            ('__keyevent@0__:set', 's'),
            ('__keyspace@0__:s', 'set'),
            ('__keyevent@0__:set', 's'),
            ('__keyspace@0__:s', 'expire'),
            ('__keyevent@0__:expire', 's'),
            ('__keyspace@0__:s2', 'set'),
            ('__keyevent@0__:set', 's2'),
            ('__keyspace@0__:s2', 'expire'),
            ('__keyevent@0__:expire', 's2'),
            ('__keyspace@0__:s3', 'set'),
            ('__keyevent@0__:set', 's3'),
            ('__keyspace@0__:s3', 'expire'),
            ('__keyevent@0__:expire', 's3'),
            ('__keyspace@0__:s', 'set'),
            ('__keyevent@0__:set', 's'),
            ('__keyspace@0__:s3', 'del'),
            ('__keyevent@0__:del', 's3'),
            ('__keyspace@0__:s', 'expire'),
            ('__keyevent@0__:expire', 's'),
            ('__keyspace@0__:s', 'append'),
            ('__keyevent@0__:append', 's'),
            ('__keyspace@0__:s', 'setrange'),
            ('__keyevent@0__:setrange', 's'),
            ('__keyspace@0__:n', 'incrby'),
            ('__keyevent@0__:incrby', 'n'),
            ('__keyspace@0__:n', 'incrby'),
            ('__keyevent@0__:incrby', 'n'),
            ('__keyspace@0__:n', 'incrby'),
            ('__keyevent@0__:incrby', 'n'),
            ('__keyspace@0__:n', 'incrby'),
            ('__keyevent@0__:incrby', 'n'),
            ('__keyspace@0__:n', 'incrbyfloat'),
            ('__keyevent@0__:incrbyfloat', 'n'),
            ('__keyspace@0__:a', 'set'),
            ('__keyevent@0__:set', 'a'),
            ('__keyspace@0__:b', 'set'),
            ('__keyevent@0__:set', 'b'),
            ('__keyspace@0__:c', 'set'),
            ('__keyevent@0__:set', 'c'),
            ('__keyspace@0__:d', 'set'),
            ('__keyevent@0__:set', 'd'),
            ('__keyspace@0__:s', 'set'),
            ('__keyevent@0__:set', 's'),
            ('__keyspace@0__:s', 'set'),
            ('__keyevent@0__:set', 's'),
        ],
    ),
    'generic': (
        [
            ['SET', 'g', '1'],
            ['EXPIRE', 'g', '100'],
            ['PEXPIRE', 'g', '100000'],
            ['EXPIREAT', 'g', '99999999999'],
            ['PERSIST', 'g'],
            ['RENAME', 'g', 'g2'],
            ['SET', 'x', '1'],
            ['RENAMENX', 'x', 'g3'],
            ['COPY', 'g2', 'g4'],
            ['MOVE', 'g4', '1'],
            ['DEL', 'g2', 'x', 'nokey'],
            ['SET', 'e', '1'],
            ['EXPIRE', 'e', '-1'],
            ['SET', 'u', '1'],
            ['UNLINK', 'u'],
            ['SET', 't', '1'],
            ['PEXPIREAT', 't', '1'],
            ['SET', 'w', '1'],
            ['RENAME', 'w', 'w'],
            ['SET', 'sw', '1'],
            ['SWAPDB', '0', '1'],
            ['SWAPDB', '0', '1'],
            ['DEL', 'g3', 'g4', 'sw', 'e', 't', 'w'],
        ],
        [
            ('__keyspace@0__:g', 'set'),
            ('__keyevent@0__:set', 'g'),
            ('__keyspace@0__:g', 'expire'),
            ('__keyevent@0__:expire', 'g'),
            ('__keyspace@0__:g', 'expire'),
            ('__keyevent@0__:expire', 'g'),
            ('__keyspace@0__:g', 'expire'),
            ('__keyevent@0__:expire', 'g'),
            ('__keyspace@0__:g', 'persist'),
            ('__keyevent@0__:persist', 'g'),
            ('__keyspace@0__:g', 'rename_from'),
            ('__keyevent@0__:rename_from', 'g'),
            ('__keyspace@0__:g2', 'rename_to'),
            ('__keyevent@0__:rename_to', 'g2'),
            ('__keyspace@0__:x', 'set'),
            ('__keyevent@0__:set', 'x'),
            ('__keyspace@0__:x', 'rename_from'),
            ('__keyevent@0__:rename_from', 'x'),
            ('__keyspace@0__:g3', 'rename_to'),
            ('__keyevent@0__:rename_to', 'g3'),
            ('__keyspace@0__:g4', 'copy_to'),
            ('__keyevent@0__:copy_to', 'g4'),
            ('__keyspace@0__:g4', 'move_from'),
            ('__keyevent@0__:move_from', 'g4'),
            ('__keyspace@1__:g4', 'move_to'),
            ('__keyevent@1__:move_to', 'g4'),
            ('__keyspace@0__:g2', 'del'),
            ('__keyevent@0__:del', 'g2'),
            ('__keyspace@0__:e', 'set'),
            ('__keyevent@0__:set', 'e'),
            ('__keyspace@0__:e', 'del'),
            ('__keyevent@0__:del', 'e'),
            ('__keyspace@0__:u', 'set'),
            ('__keyevent@0__:set', 'u'),
            ('__keyspace@0__:u', 'del'),
            ('__keyevent@0__:del', 'u'),
            ('__keyspace@0__:t', 'set'),
            ('__keyevent@0__:set', 't'),
            ('__keyspace@0__:t', 'del'),
            ('__keyevent@0__:del', 't'),
            ('__keyspace@0__:w', 'set'),
            ('__keyevent@0__:set', 'w'),
            ('__keyspace@0__:sw', 'set'),
            ('__keyevent@0__:set', 'sw'),
            ('__keyspace@0__:g3', 'del'),
            ('__keyevent@0__:del', 'g3'),
            ('__keyspace@0__:sw', 'del'),
            ('__keyevent@0__:del', 'sw'),
            ('__keyspace@0__:w', 'del'),
            ('__keyevent@0__:del', 'w'),
        ],
    ),
    'lists': (
        [
            ['LPUSH', 'l', 'a', 'b'],
            ['RPUSH', 'l', 'c'],
            ['LPUSHX', 'l', 'd'],
            ['RPUSHX', 'l', 'e'],
            ['LPUSHX', 'nol', 'x'],
            ['LINSERT', 'l', 'BEFORE', 'a', 'z'],
            ['LSET', 'l', '0', 'q'],
            ['LPOP', 'l'],
            ['RPOP', 'l'],
            ['LREM', 'l', '1', 'a'],
            ['LTRIM', 'l', '0', '0'],
            ['LMOVE', 'l', 'l2', 'LEFT', 'RIGHT'],
            ['RPOPLPUSH', 'l2', 'l3'],
            ['RPUSH', 'm', '1', '2', '3'],
            ['LMPOP', '1', 'm', 'LEFT', 'COUNT', '5'],
            ['RPUSH', 'b', '1'],
            ['BLPOP', 'b', '0'],
            ['RPUSH', 'b', '1', '2'],
            ['BRPOP', 'b', '0'],
            ['BLMOVE', 'b', 'b2', 'LEFT', 'LEFT', '0'],
            ['RPUSH', 't', '1', '2'],
            ['LTRIM', 't', '5', '10'],
        ],
        [
            ('__keyspace@0__:l', 'lpush'),
            ('__keyevent@0__:lpush', 'l'),
            ('__keyspace@0__:l', 'rpush'),
            ('__keyevent@0__:rpush', 'l'),
            ('__keyspace@0__:l', 'lpush'),
            ('__keyevent@0__:lpush', 'l'),
            ('__keyspace@0__:l', 'rpush'),
            ('__keyevent@0__:rpush', 'l'),
            ('__keyspace@0__:l', 'linsert'),
            ('__keyevent@0__:linsert', 'l'),
            ('__keyspace@0__:l', 'lset'),
            ('__keyevent@0__:lset', 'l'),
            ('__keyspace@0__:l', 'lpop'),
            ('__keyevent@0__:lpop', 'l'),
            ('__keyspace@0__:l', 'rpop'),
            ('__keyevent@0__:rpop', 'l'),
            ('__keyspace@0__:l', 'lrem'),
            ('__keyevent@0__:lrem', 'l'),
            ('__keyspace@0__:l', 'ltrim'),
            ('__keyevent@0__:ltrim', 'l'),
            ('__keyspace@0__:l2', 'rpush'),
            ('__keyevent@0__:rpush', 'l2'),
            ('__keyspace@0__:l', 'lpop'),
            ('__keyevent@0__:lpop', 'l'),
            ('__keyspace@0__:l', 'del'),
            ('__keyevent@0__:del', 'l'),
            ('__keyspace@0__:l3', 'lpush'),
            ('__keyevent@0__:lpush', 'l3'),
            ('__keyspace@0__:l2', 'rpop'),
            ('__keyevent@0__:rpop', 'l2'),
            ('__keyspace@0__:l2', 'del'),
            ('__keyevent@0__:del', 'l2'),
            ('__keyspace@0__:m', 'rpush'),
            ('__keyevent@0__:rpush', 'm'),
            ('__keyspace@0__:m', 'lpop'),
            ('__keyevent@0__:lpop', 'm'),
            ('__keyspace@0__:m', 'del'),
            ('__keyevent@0__:del', 'm'),
            ('__keyspace@0__:b', 'rpush'),
            ('__keyevent@0__:rpush', 'b'),
            ('__keyspace@0__:b', 'lpop'),
            ('__keyevent@0__:lpop', 'b'),
            ('__keyspace@0__:b', 'del'),
            ('__keyevent@0__:del', 'b'),
            ('__keyspace@0__:b', 'rpush'),
            ('__keyevent@0__:rpush', 'b'),
            ('__keyspace@0__:b', 'rpop'),
            ('__keyevent@0__:rpop', 'b'),
            ('__keyspace@0__:b2', 'lpush'),
            ('__keyevent@0__:lpush', 'b2'),
            ('__keyspace@0__:b', 'lpop'),
            ('__keyevent@0__:lpop', 'b'),
            ('__keyspace@0__:b', 'del'),
            ('__keyevent@0__:del', 'b'),
            ('__keyspace@0__:t', 'rpush'),
            ('__keyevent@0__:rpush', 't'),
            ('__keyspace@0__:t', 'ltrim'),
            ('__keyevent@0__:ltrim', 't'),
            ('__keyspace@0__:t', 'del'),
            ('__keyevent@0__:del', 't'),
        ],
    ),
    'hashes': (
        [
            ['HSET', 'h', 'f', 'v', 'g', 'w'],
            ['HSETNX', 'h', 'f', 'x'],
            ['HSETNX', 'h', 'n', 'x'],
            ['HMSET', 'h', 'a', '1'],
            ['HINCRBY', 'h', 'i', '1'],
            ['HINCRBYFLOAT', 'h', 'j', '1.5'],
            ['HDEL', 'h', 'f'],
            ['HDEL', 'h', 'zz'],
            ['HDEL', 'h', 'g', 'n', 'a', 'i', 'j'],
        ],
        [
            ('__keyspace@0__:h', 'hset'),
            ('__keyevent@0__:hset', 'h'),
            ('__keyspace@0__:h', 'hset'),
            ('__keyevent@0__:hset', 'h'),
            ('__keyspace@0__:h', 'hset'),
            ('__keyevent@0__:hset', 'h'),
            ('__keyspace@0__:h', 'hincrby'),
            ('__keyevent@0__:hincrby', 'h'),
            ('__keyspace@0__:h', 'hincrbyfloat'),
            ('__keyevent@0__:hincrbyfloat', 'h'),
            ('__keyspace@0__:h', 'hdel'),
            ('__keyevent@0__:hdel', 'h'),
            ('__keyspace@0__:h', 'hdel'),
            ('__keyevent@0__:hdel', 'h'),
            ('__keyspace@0__:h', 'del'),
            ('__keyevent@0__:del', 'h'),
        ],
    ),
    'sets': (
        [
            ['SADD', 's', 'a', 'b', 'c'],
            ['SREM', 's', 'a'],
            ['SPOP', 's'],
            ['SADD', 't', 'x', 'b', 'c'],
            ['SMOVE', 't', 's', 'x'],
            ['SINTERSTORE', 'd', 's', 't'],
            ['SUNIONSTORE', 'd', 's', 't'],
            ['SDIFFSTORE', 'd', 's', 't'],
            ['SINTERSTORE', 'd', 'nothere', 't'],
            ['SADD', 'u', '1', '2', '3'],
            ['SPOP', 'u', '2'],
            ['SPOP', 'u', '5'],
            ['SADD', 'v', '1'],
            ['SREM', 'v', '1'],
        ],
        [
            ('__keyspace@0__:s', 'sadd'),
            ('__keyevent@0__:sadd', 's'),
            ('__keyspace@0__:s', 'srem'),
            ('__keyevent@0__:srem', 's'),
            ('__keyspace@0__:s', 'spop'),
            ('__keyevent@0__:spop', 's'),
            ('__keyspace@0__:t', 'sadd'),
            ('__keyevent@0__:sadd', 't'),
            ('__keyspace@0__:t', 'srem'),
            ('__keyevent@0__:srem', 't'),
            ('__keyspace@0__:s', 'sadd'),
            ('__keyevent@0__:sadd', 's'),
            ('__keyspace@0__:d', 'sinterstore'),
            ('__keyevent@0__:sinterstore', 'd'),
            ('__keyspace@0__:d', 'sunionstore'),
            ('__keyevent@0__:sunionstore', 'd'),
            ('__keyspace@0__:d', 'sdiffstore'),
            ('__keyevent@0__:sdiffstore', 'd'),
            ('__keyspace@0__:d', 'del'),
            ('__keyevent@0__:del', 'd'),
            ('__keyspace@0__:u', 'sadd'),
            ('__keyevent@0__:sadd', 'u'),
            ('__keyspace@0__:u', 'spop'),
            ('__keyevent@0__:spop', 'u'),
            ('__keyspace@0__:u', 'spop'),
            ('__keyevent@0__:spop', 'u'),
            ('__keyspace@0__:u', 'del'),
            ('__keyevent@0__:del', 'u'),
            ('__keyspace@0__:v', 'sadd'),
            ('__keyevent@0__:sadd', 'v'),
            ('__keyspace@0__:v', 'srem'),
            ('__keyevent@0__:srem', 'v'),
            ('__keyspace@0__:v', 'del'),
            ('__keyevent@0__:del', 'v'),
        ],
    ),
    'zsets': (
        [
            ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
            ['ZADD', 'z', 'XX', '5', 'a'],
            ['ZADD', 'z', 'NX', '5', 'a'],
            ['ZINCRBY', 'z', '1', 'b'],
            ['ZREM', 'z', 'a'],
            ['ZREMRANGEBYSCORE', 'z', '0', '2'],
            ['ZADD', 'z', '1', 'a', '2', 'b'],
            ['ZREMRANGEBYRANK', 'z', '0', '0'],
            ['ZADD', 'z', '0', 'aa', '0', 'bb'],
            ['ZREMRANGEBYLEX', 'z', '[aa', '[bb'],
            ['ZPOPMIN', 'z'],
            ['ZADD', 'y', '1', 'a', '2', 'b'],
            ['ZPOPMAX', 'y'],
            ['ZUNIONSTORE', 'd', '2', 'y', 'z'],
            ['ZINTERSTORE', 'd', '2', 'y', 'z'],
            ['ZDIFFSTORE', 'd', '2', 'y', 'z'],
            ['ZRANGESTORE', 'd2', 'y', '0', '-1'],
            ['ZADD', 'b', '1', 'm'],
            ['BZPOPMIN', 'b', '0'],
            ['ZADD', 'mp', '1', 'a', '2', 'b'],
            ['ZMPOP', '1', 'mp', 'MIN', 'COUNT', '5'],
        ],
        [
            ('__keyspace@0__:z', 'zadd'),
            ('__keyevent@0__:zadd', 'z'),
            ('__keyspace@0__:z', 'zadd'),
            ('__keyevent@0__:zadd', 'z'),
            ('__keyspace@0__:z', 'zincr'),
            ('__keyevent@0__:zincr', 'z'),
            ('__keyspace@0__:z', 'zrem'),
            ('__keyevent@0__:zrem', 'z'),
            ('__keyspace@0__:z', 'zadd'),
            ('__keyevent@0__:zadd', 'z'),
            ('__keyspace@0__:z', 'zremrangebyrank'),
            ('__keyevent@0__:zremrangebyrank', 'z'),
            ('__keyspace@0__:z', 'zadd'),
            ('__keyevent@0__:zadd', 'z'),
            ('__keyspace@0__:z', 'zremrangebylex'),
            ('__keyevent@0__:zremrangebylex', 'z'),
            ('__keyspace@0__:z', 'zpopmin'),
            ('__keyevent@0__:zpopmin', 'z'),
            ('__keyspace@0__:z', 'del'),
            ('__keyevent@0__:del', 'z'),
            ('__keyspace@0__:y', 'zadd'),
            ('__keyevent@0__:zadd', 'y'),
            ('__keyspace@0__:y', 'zpopmax'),
            ('__keyevent@0__:zpopmax', 'y'),
            ('__keyspace@0__:d', 'zunionstore'),
            ('__keyevent@0__:zunionstore', 'd'),
            ('__keyspace@0__:d', 'del'),
            ('__keyevent@0__:del', 'd'),
            ('__keyspace@0__:d', 'zdiffstore'),
            ('__keyevent@0__:zdiffstore', 'd'),
            ('__keyspace@0__:d2', 'zrangestore'),
            ('__keyevent@0__:zrangestore', 'd2'),
            ('__keyspace@0__:b', 'zadd'),
            ('__keyevent@0__:zadd', 'b'),
            ('__keyspace@0__:b', 'zpopmin'),
            ('__keyevent@0__:zpopmin', 'b'),
            ('__keyspace@0__:b', 'del'),
            ('__keyevent@0__:del', 'b'),
            ('__keyspace@0__:mp', 'zadd'),
            ('__keyevent@0__:zadd', 'mp'),
            ('__keyspace@0__:mp', 'zpopmin'),
            ('__keyevent@0__:zpopmin', 'mp'),
            ('__keyspace@0__:mp', 'del'),
            ('__keyevent@0__:del', 'mp'),
        ],
    ),
    'sort': (
        [
            ['RPUSH', 'l', '3', '1', '2'],
            ['SORT', 'l', 'STORE', 'dst'],
            ['SORT', 'nothere', 'STORE', 'dst'],
        ],
        [
            ('__keyspace@0__:l', 'rpush'),
            ('__keyevent@0__:rpush', 'l'),
            ('__keyspace@0__:dst', 'sortstore'),
            ('__keyevent@0__:sortstore', 'dst'),
            ('__keyspace@0__:dst', 'del'),
            ('__keyevent@0__:del', 'dst'),
        ],
    ),
}


def subscribe_with_marker(pubsub: Any, marker: str) -> None:
    """Every keyspace event, and a plain channel that marks the end."""
    pubsub.psubscribe("__key*__:*")
    pubsub.subscribe(marker)
    assert [pubsub.get_message(timeout=10)["type"] for _ in range(2)] == ["psubscribe", "subscribe"]


def collect_events(server: RunningServer, commands: list[list[str]]) -> list[tuple[str, str]]:
    with redis.Redis(host=server.host, port=server.port, protocol=2) as client:
        client.config_set("notify-keyspace-events", "KEA")
        pubsub = client.pubsub()
        subscribe_with_marker(pubsub, "end-of-scenario")
        for command in commands:
            client.execute_command(*command)
        client.publish("end-of-scenario", "x")
        events: list[tuple[str, str]] = []
        while True:
            message: Any = pubsub.get_message(timeout=10)
            assert message is not None, f"no end marker after {events!r}"
            if message["channel"] == b"end-of-scenario":
                break
            events.append((message["channel"].decode(), message["data"].decode()))
        pubsub.close()
        return events


@pytest.mark.parametrize("family", list(SCENARIOS))
def test_each_family_emits_the_keyspace_events_redis_emits(server: RunningServer, family: str) -> None:
    commands, expected = SCENARIOS[family]
    assert collect_events(server, commands) == expected


def test_no_event_is_published_when_notifications_are_off(server: RunningServer, r: redis.Redis) -> None:
    pubsub = r.pubsub()
    subscribe_with_marker(pubsub, "marker")
    r.set("k", "v")
    r.publish("marker", "x")
    message = pubsub.get_message(timeout=10)
    assert (message["type"], message["channel"]) == ("message", b"marker")
    pubsub.close()


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ("K$", [("__keyspace@0__:k", "set")]),
        ("E$", [("__keyevent@0__:set", "k")]),
        ("Kg", [("__keyspace@0__:k", "del")]),
        ("KA", [("__keyspace@0__:k", "set"), ("__keyspace@0__:k", "del")]),
        ("$g", []),
    ],
)
def test_only_the_enabled_classes_are_published(
    server: RunningServer, r: redis.Redis, flags: str, expected: list[tuple[str, str]]
) -> None:
    r.config_set("notify-keyspace-events", flags)
    pubsub = r.pubsub()
    subscribe_with_marker(pubsub, "marker")
    r.set("k", "v")
    r.delete("k")
    r.publish("marker", "x")
    events = []
    while (message := pubsub.get_message(timeout=10))["channel"] != b"marker":
        events.append((message["channel"].decode(), message["data"].decode()))
    pubsub.close()
    assert events == expected


def test_an_expired_key_raises_expired_once_the_active_cycle_removes_it(
    server: RunningServer, r: redis.Redis
) -> None:
    r.config_set("notify-keyspace-events", "Ex")
    pubsub = r.pubsub()
    pubsub.subscribe("__keyevent@0__:expired")
    assert pubsub.get_message(timeout=10)["type"] == "subscribe"
    r.set("short", "v", px=20)
    message = pubsub.get_message(timeout=10)
    assert message is not None and (message["channel"], message["data"]) == (
        b"__keyevent@0__:expired",
        b"short",
    )
    pubsub.close()


def test_a_lazy_access_raises_expired(server: RunningServer, r: redis.Redis) -> None:
    r.config_set("notify-keyspace-events", "Kx")
    r.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    pubsub = r.pubsub()
    pubsub.subscribe("__keyspace@0__:lazy")
    assert pubsub.get_message(timeout=10)["type"] == "subscribe"
    r.set("lazy", "v", px=1)
    deadline = time.monotonic() + 10
    while r.pttl("lazy") != -2 and time.monotonic() < deadline:
        pass  # PTTL is the access that finds the key expired and removes it
    message = pubsub.get_message(timeout=10)
    assert message is not None and message["data"] == b"expired"
    pubsub.close()


@pytest.mark.parametrize(
    ("value", "shown"),
    [("KEA", "AKE"), ("Kgxm", "gxKm"), ("AKEnm", "AKEm"), ("gn", "gn"), ("", ""), ("g$lshzxetdKE", "AKE")],
)
def test_config_get_prints_the_flags_as_redis_does(r: redis.Redis, value: str, shown: str) -> None:
    r.config_set("notify-keyspace-events", value)
    assert r.config_get("notify-keyspace-events") == {"notify-keyspace-events": shown}


def test_an_unknown_class_letter_is_refused(r: redis.Redis) -> None:
    with pytest.raises(redis.ResponseError) as raised:
        r.config_set("notify-keyspace-events", "KQ")
    assert str(raised.value) == (
        "CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - "
        "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
    )
