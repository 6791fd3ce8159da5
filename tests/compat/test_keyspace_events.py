"""Keyspace notifications: every family emits the events Redis 7.0 emits,
in the same order, on ``__keyspace@<db>__:<key>`` and ``__keyevent@<db>__:<event>``.

Each scenario runs its commands with ``notify-keyspace-events KEA`` and a
``PSUBSCRIBE __key*__:*`` subscriber; the expected streams were recorded from
redis-server 7.0.15 and the tests run against it too. SPOP picks members at
random; the sets scenario is built so its events do not depend on the pick.
``new`` (class n) and ``keymiss`` (class m) have their own recorded scenarios;
``evicted`` is covered in test_maxmemory.py.
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

# Classes n and m (not part of A): recorded from redis-server 7.0.15 like SCENARIOS.
NEW_AND_MISS_SCENARIOS: dict[str, tuple[str, list[list[str]], list[tuple[str, str]]]] = {
    'new': (
        'KEng$lshz',
        [
            ['SET', 'a', '1'],
            ['SET', 'a', '2'],
            ['LPUSH', 'l', 'x'],
            ['RPUSH', 'l', 'y'],
            ['RENAME', 'a', 'b'],
            ['COPY', 'b', 'c'],
            ['COPY', 'b', 'c', 'REPLACE'],
            ['MOVE', 'c', '1'],
            ['HSET', 'h', 'f', 'v'],
            ['HSET', 'h', 'g', 'v'],
            ['SADD', 's', 'm'],
            ['SMOVE', 's', 's2', 'm'],
            ['ZADD', 'z', '1', 'm'],
            ['ZUNIONSTORE', 'z2', '1', 'z'],
            ['ZUNIONSTORE', 'z2', '1', 'z'],
            ['SINTERSTORE', 's3', 's2'],
            ['INCR', 'i'],
            ['INCR', 'i'],
            ['APPEND', 'ap', 'x'],
            ['SETRANGE', 'sr', '0', 'x'],
            ['MSET', 'm1', '1', 'm2', '2'],
            ['MSETNX', 'm3', '1'],
            ['SET', 'a', '1', 'NX'],
            ['GETSET', 'gs', '1'],
            ['SORT', 'l', 'ALPHA', 'STORE', 'so'],
            ['SETBIT', 'sb', '1', '1'],
            ['BITOP', 'OR', 'bo', 'sb'],
            ['LMOVE', 'l', 'l4', 'LEFT', 'RIGHT'],
            ['PFADD', 'p', 'a'],
            ['PFMERGE', 'pm', 'p'],
            ['SETEX', 'se', '10', 'v'],
            ['HINCRBY', 'hi', 'f', '1'],
            ['SETNX', 'sn', '1'],
            ['SETNX', 'sn', '2'],
            ['RENAME', 'sn', 'sn'],
        ],
        [
            ('__keyspace@0__:a', 'new'),
            ('__keyevent@0__:new', 'a'),
            ('__keyspace@0__:a', 'set'),
            ('__keyevent@0__:set', 'a'),
            ('__keyspace@0__:a', 'set'),
            ('__keyevent@0__:set', 'a'),
            ('__keyspace@0__:l', 'new'),
            ('__keyevent@0__:new', 'l'),
            ('__keyspace@0__:l', 'lpush'),
            ('__keyevent@0__:lpush', 'l'),
            ('__keyspace@0__:l', 'rpush'),
            ('__keyevent@0__:rpush', 'l'),
            ('__keyspace@0__:b', 'new'),
            ('__keyevent@0__:new', 'b'),
            ('__keyspace@0__:a', 'rename_from'),
            ('__keyevent@0__:rename_from', 'a'),
            ('__keyspace@0__:b', 'rename_to'),
            ('__keyevent@0__:rename_to', 'b'),
            ('__keyspace@0__:c', 'new'),
            ('__keyevent@0__:new', 'c'),
            ('__keyspace@0__:c', 'copy_to'),
            ('__keyevent@0__:copy_to', 'c'),
            ('__keyspace@0__:c', 'new'),
            ('__keyevent@0__:new', 'c'),
            ('__keyspace@0__:c', 'copy_to'),
            ('__keyevent@0__:copy_to', 'c'),
            ('__keyspace@1__:c', 'new'),
            ('__keyevent@1__:new', 'c'),
            ('__keyspace@0__:c', 'move_from'),
            ('__keyevent@0__:move_from', 'c'),
            ('__keyspace@1__:c', 'move_to'),
            ('__keyevent@1__:move_to', 'c'),
            ('__keyspace@0__:h', 'new'),
            ('__keyevent@0__:new', 'h'),
            ('__keyspace@0__:h', 'hset'),
            ('__keyevent@0__:hset', 'h'),
            ('__keyspace@0__:h', 'hset'),
            ('__keyevent@0__:hset', 'h'),
            ('__keyspace@0__:s', 'new'),
            ('__keyevent@0__:new', 's'),
            ('__keyspace@0__:s', 'sadd'),
            ('__keyevent@0__:sadd', 's'),
            ('__keyspace@0__:s', 'srem'),
            ('__keyevent@0__:srem', 's'),
            ('__keyspace@0__:s', 'del'),
            ('__keyevent@0__:del', 's'),
            ('__keyspace@0__:s2', 'new'),
            ('__keyevent@0__:new', 's2'),
            ('__keyspace@0__:s2', 'sadd'),
            ('__keyevent@0__:sadd', 's2'),
            ('__keyspace@0__:z', 'new'),
            ('__keyevent@0__:new', 'z'),
            ('__keyspace@0__:z', 'zadd'),
            ('__keyevent@0__:zadd', 'z'),
            ('__keyspace@0__:z2', 'new'),
            ('__keyevent@0__:new', 'z2'),
            ('__keyspace@0__:z2', 'zunionstore'),
            ('__keyevent@0__:zunionstore', 'z2'),
            ('__keyspace@0__:z2', 'zunionstore'),
            ('__keyevent@0__:zunionstore', 'z2'),
            ('__keyspace@0__:s3', 'new'),
            ('__keyevent@0__:new', 's3'),
            ('__keyspace@0__:s3', 'sinterstore'),
            ('__keyevent@0__:sinterstore', 's3'),
            ('__keyspace@0__:i', 'new'),
            ('__keyevent@0__:new', 'i'),
            ('__keyspace@0__:i', 'incrby'),
            ('__keyevent@0__:incrby', 'i'),
            ('__keyspace@0__:i', 'incrby'),
            ('__keyevent@0__:incrby', 'i'),
            ('__keyspace@0__:ap', 'new'),
            ('__keyevent@0__:new', 'ap'),
            ('__keyspace@0__:ap', 'append'),
            ('__keyevent@0__:append', 'ap'),
            ('__keyspace@0__:sr', 'new'),
            ('__keyevent@0__:new', 'sr'),
            ('__keyspace@0__:sr', 'setrange'),
            ('__keyevent@0__:setrange', 'sr'),
            ('__keyspace@0__:m1', 'new'),
            ('__keyevent@0__:new', 'm1'),
            ('__keyspace@0__:m1', 'set'),
            ('__keyevent@0__:set', 'm1'),
            ('__keyspace@0__:m2', 'new'),
            ('__keyevent@0__:new', 'm2'),
            ('__keyspace@0__:m2', 'set'),
            ('__keyevent@0__:set', 'm2'),
            ('__keyspace@0__:m3', 'new'),
            ('__keyevent@0__:new', 'm3'),
            ('__keyspace@0__:m3', 'set'),
            ('__keyevent@0__:set', 'm3'),
            ('__keyspace@0__:a', 'new'),
            ('__keyevent@0__:new', 'a'),
            ('__keyspace@0__:a', 'set'),
            ('__keyevent@0__:set', 'a'),
            ('__keyspace@0__:gs', 'new'),
            ('__keyevent@0__:new', 'gs'),
            ('__keyspace@0__:gs', 'set'),
            ('__keyevent@0__:set', 'gs'),
            ('__keyspace@0__:so', 'new'),
            ('__keyevent@0__:new', 'so'),
            ('__keyspace@0__:so', 'sortstore'),
            ('__keyevent@0__:sortstore', 'so'),
            ('__keyspace@0__:sb', 'new'),
            ('__keyevent@0__:new', 'sb'),
            ('__keyspace@0__:sb', 'setbit'),
            ('__keyevent@0__:setbit', 'sb'),
            ('__keyspace@0__:bo', 'new'),
            ('__keyevent@0__:new', 'bo'),
            ('__keyspace@0__:bo', 'set'),
            ('__keyevent@0__:set', 'bo'),
            ('__keyspace@0__:l4', 'new'),
            ('__keyevent@0__:new', 'l4'),
            ('__keyspace@0__:l4', 'rpush'),
            ('__keyevent@0__:rpush', 'l4'),
            ('__keyspace@0__:l', 'lpop'),
            ('__keyevent@0__:lpop', 'l'),
            ('__keyspace@0__:p', 'new'),
            ('__keyevent@0__:new', 'p'),
            ('__keyspace@0__:p', 'pfadd'),
            ('__keyevent@0__:pfadd', 'p'),
            ('__keyspace@0__:pm', 'new'),
            ('__keyevent@0__:new', 'pm'),
            ('__keyspace@0__:pm', 'pfadd'),
            ('__keyevent@0__:pfadd', 'pm'),
            ('__keyspace@0__:se', 'new'),
            ('__keyevent@0__:new', 'se'),
            ('__keyspace@0__:se', 'set'),
            ('__keyevent@0__:set', 'se'),
            ('__keyspace@0__:se', 'expire'),
            ('__keyevent@0__:expire', 'se'),
            ('__keyspace@0__:hi', 'new'),
            ('__keyevent@0__:new', 'hi'),
            ('__keyspace@0__:hi', 'hincrby'),
            ('__keyevent@0__:hincrby', 'hi'),
            ('__keyspace@0__:sn', 'new'),
            ('__keyevent@0__:new', 'sn'),
            ('__keyspace@0__:sn', 'set'),
            ('__keyevent@0__:set', 'sn'),
        ],
    ),
    'keymiss': (
        'KEm',
        [
            ['GET', 'a'],
            ['EXISTS', 'a', 'b'],
            ['TYPE', 'a'],
            ['TTL', 'a'],
            ['PTTL', 'a'],
            ['EXPIRETIME', 'a'],
            ['STRLEN', 'a'],
            ['GETRANGE', 'a', '0', '1'],
            ['MGET', 'a', 'b', 'a'],
            ['TOUCH', 'a'],
            ['DUMP', 'a'],
            ['OBJECT', 'ENCODING', 'a'],
            ['LRANGE', 'l', '0', '-1'],
            ['LLEN', 'l'],
            ['LINDEX', 'l', '0'],
            ['HGET', 'h', 'f'],
            ['HGETALL', 'h'],
            ['HEXISTS', 'h', 'f'],
            ['SMEMBERS', 's'],
            ['SISMEMBER', 's', 'm'],
            ['SCARD', 's'],
            ['SUNION', 's', 't'],
            ['ZSCORE', 'z', 'm'],
            ['ZRANGE', 'z', '0', '-1'],
            ['ZCARD', 'z'],
            ['XLEN', 'x'],
            ['XRANGE', 'x', '-', '+'],
            ['PFCOUNT', 'p'],
            ['BITCOUNT', 'bc'],
            ['GETBIT', 'bc', '1'],
            ['BITFIELD', 'bf', 'GET', 'u8', '0'],
            ['SORT', 'so'],
            ['SET', 'k', 'v', 'GET'],
            ['GETEX', 'ge'],
            ['GETDEL', 'gd'],
            ['GETSET', 'gs', '1'],
            ['PFMERGE', 'pm', 'p'],
            ['SINTERSTORE', 'd', 's', 't'],
            ['ZUNIONSTORE', 'd', '2', 'z', 'y'],
            ['COPY', 'src', 'dst'],
            ['SORT', 'so', 'STORE', 'd'],
            ['BITOP', 'AND', 'd', 'b1', 'b2'],
            ['SET', 'w', 'v'],
            ['INCR', 'n'],
            ['APPEND', 'ap', 'x'],
            ['LPUSH', 'lp', 'x'],
            ['LPOP', 'lq'],
            ['HSET', 'hs', 'f', 'v'],
            ['HINCRBY', 'hi', 'f', '1'],
            ['SADD', 'sa', 'm'],
            ['SREM', 'sr', 'm'],
            ['ZADD', 'za', '1', 'm'],
            ['DEL', 'dl'],
            ['EXPIRE', 'ex', '10'],
            ['PERSIST', 'ps'],
            ['RENAMENX', 'w', 'w2'],
            ['SMOVE', 'sm', 'sn', 'm'],
            ['LMOVE', 'lm', 'ln', 'LEFT', 'LEFT'],
            ['PFADD', 'pa', 'x'],
            ['SETBIT', 'sb', '1', '1'],
            ['BITFIELD', 'bf2', 'INCRBY', 'u8', '0', '1'],
            ['GET', 'w'],
        ],
        [
            ('__keyspace@0__:a', 'keymiss'),
            ('__keyevent@0__:keymiss', 'a'),
            ('__keyspace@0__:a', 'keymiss'),
            ('__keyevent@0__:keymiss', 'a'),
            ('__keyspace@0__:b', 'keymiss'),
            ('__keyevent@0__:keymiss', 'b'),
            ('__keyspace@0__:a', 'keymiss'),
            ('__keyevent@0__:keymiss', 'a'),
            ('__keyspace@0__:a', 'keymiss'),
            ('__keyevent@0__:keymiss', 'a'),
            ('__keyspace@0__:a', 'keymiss'),
            ('__keyevent@0__:keymiss', 'a'),
            ('__keyspace@0__:a', 'keymiss'),
            ('__keyevent@0__:keymiss', 'a'),
            ('__keyspace@0__:a', 'keymiss'),
            ('__keyevent@0__:keymiss', 'a'),
            ('__keyspace@0__:a', 'keymiss'),
            ('__keyevent@0__:keymiss', 'a'),
            ('__keyspace@0__:a', 'keymiss'),
            ('__keyevent@0__:keymiss', 'a'),
            ('__keyspace@0__:b', 'keymiss'),
            ('__keyevent@0__:keymiss', 'b'),
            ('__keyspace@0__:a', 'keymiss'),
            ('__keyevent@0__:keymiss', 'a'),
            ('__keyspace@0__:a', 'keymiss'),
            ('__keyevent@0__:keymiss', 'a'),
            ('__keyspace@0__:a', 'keymiss'),
            ('__keyevent@0__:keymiss', 'a'),
            ('__keyspace@0__:l', 'keymiss'),
            ('__keyevent@0__:keymiss', 'l'),
            ('__keyspace@0__:l', 'keymiss'),
            ('__keyevent@0__:keymiss', 'l'),
            ('__keyspace@0__:l', 'keymiss'),
            ('__keyevent@0__:keymiss', 'l'),
            ('__keyspace@0__:h', 'keymiss'),
            ('__keyevent@0__:keymiss', 'h'),
            ('__keyspace@0__:h', 'keymiss'),
            ('__keyevent@0__:keymiss', 'h'),
            ('__keyspace@0__:h', 'keymiss'),
            ('__keyevent@0__:keymiss', 'h'),
            ('__keyspace@0__:s', 'keymiss'),
            ('__keyevent@0__:keymiss', 's'),
            ('__keyspace@0__:s', 'keymiss'),
            ('__keyevent@0__:keymiss', 's'),
            ('__keyspace@0__:s', 'keymiss'),
            ('__keyevent@0__:keymiss', 's'),
            ('__keyspace@0__:s', 'keymiss'),
            ('__keyevent@0__:keymiss', 's'),
            ('__keyspace@0__:t', 'keymiss'),
            ('__keyevent@0__:keymiss', 't'),
            ('__keyspace@0__:z', 'keymiss'),
            ('__keyevent@0__:keymiss', 'z'),
            ('__keyspace@0__:z', 'keymiss'),
            ('__keyevent@0__:keymiss', 'z'),
            ('__keyspace@0__:z', 'keymiss'),
            ('__keyevent@0__:keymiss', 'z'),
            ('__keyspace@0__:x', 'keymiss'),
            ('__keyevent@0__:keymiss', 'x'),
            ('__keyspace@0__:x', 'keymiss'),
            ('__keyevent@0__:keymiss', 'x'),
            ('__keyspace@0__:p', 'keymiss'),
            ('__keyevent@0__:keymiss', 'p'),
            ('__keyspace@0__:bc', 'keymiss'),
            ('__keyevent@0__:keymiss', 'bc'),
            ('__keyspace@0__:bc', 'keymiss'),
            ('__keyevent@0__:keymiss', 'bc'),
            ('__keyspace@0__:bf', 'keymiss'),
            ('__keyevent@0__:keymiss', 'bf'),
            ('__keyspace@0__:so', 'keymiss'),
            ('__keyevent@0__:keymiss', 'so'),
            ('__keyspace@0__:k', 'keymiss'),
            ('__keyevent@0__:keymiss', 'k'),
            ('__keyspace@0__:ge', 'keymiss'),
            ('__keyevent@0__:keymiss', 'ge'),
            ('__keyspace@0__:gd', 'keymiss'),
            ('__keyevent@0__:keymiss', 'gd'),
            ('__keyspace@0__:gs', 'keymiss'),
            ('__keyevent@0__:keymiss', 'gs'),
            ('__keyspace@0__:pm', 'keymiss'),
            ('__keyevent@0__:keymiss', 'pm'),
            ('__keyspace@0__:p', 'keymiss'),
            ('__keyevent@0__:keymiss', 'p'),
            ('__keyspace@0__:s', 'keymiss'),
            ('__keyevent@0__:keymiss', 's'),
            ('__keyspace@0__:t', 'keymiss'),
            ('__keyevent@0__:keymiss', 't'),
            ('__keyspace@0__:z', 'keymiss'),
            ('__keyevent@0__:keymiss', 'z'),
            ('__keyspace@0__:y', 'keymiss'),
            ('__keyevent@0__:keymiss', 'y'),
            ('__keyspace@0__:src', 'keymiss'),
            ('__keyevent@0__:keymiss', 'src'),
            ('__keyspace@0__:so', 'keymiss'),
            ('__keyevent@0__:keymiss', 'so'),
            ('__keyspace@0__:b1', 'keymiss'),
            ('__keyevent@0__:keymiss', 'b1'),
            ('__keyspace@0__:b2', 'keymiss'),
            ('__keyevent@0__:keymiss', 'b2'),
            ('__keyspace@0__:w', 'keymiss'),
            ('__keyevent@0__:keymiss', 'w'),
        ],
    ),
    'new-and-keymiss': (
        'KEnm$',
        [
            ['GET', 'k'],
            ['SET', 'k', '1', 'GET'],
            ['SET', 'k', '2', 'GET'],
            ['INCR', 'c'],
        ],
        [
            ('__keyspace@0__:k', 'keymiss'),
            ('__keyevent@0__:keymiss', 'k'),
            ('__keyspace@0__:k', 'keymiss'),
            ('__keyevent@0__:keymiss', 'k'),
            ('__keyspace@0__:k', 'new'),
            ('__keyevent@0__:new', 'k'),
            ('__keyspace@0__:k', 'set'),
            ('__keyevent@0__:set', 'k'),
            ('__keyspace@0__:k', 'set'),
            ('__keyevent@0__:set', 'k'),
            ('__keyspace@0__:c', 'new'),
            ('__keyevent@0__:new', 'c'),
            ('__keyspace@0__:c', 'incrby'),
            ('__keyevent@0__:incrby', 'c'),
        ],
    ),
}


def subscribe_with_marker(pubsub: Any, marker: str) -> None:
    """Every keyspace event, and a plain channel that marks the end."""
    pubsub.psubscribe("__key*__:*")
    pubsub.subscribe(marker)
    assert [pubsub.get_message(timeout=10)["type"] for _ in range(2)] == ["psubscribe", "subscribe"]


def collect_events(
    server: RunningServer, commands: list[list[str]], flags: str = "KEA"
) -> list[tuple[str, str]]:
    with redis.Redis(host=server.host, port=server.port, protocol=2) as client:
        client.config_set("notify-keyspace-events", flags)
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


@pytest.mark.parametrize("scenario", list(NEW_AND_MISS_SCENARIOS))
def test_new_and_keymiss_are_raised_where_redis_raises_them(server: RunningServer, scenario: str) -> None:
    flags, commands, expected = NEW_AND_MISS_SCENARIOS[scenario]
    assert collect_events(server, commands, flags) == expected


def test_restore_of_a_new_key_raises_new_before_restore(server: RunningServer, r: redis.Redis) -> None:
    r.set("source", "v")
    payload = r.dump("source")
    events = collect_events(server, [["RESTORE", "copy", "0", payload]], "KEng")  # type: ignore[list-item]
    assert events == [
        ("__keyspace@0__:copy", "new"),
        ("__keyevent@0__:new", "copy"),
        ("__keyspace@0__:copy", "restore"),
        ("__keyevent@0__:restore", "copy"),
    ]


def test_a_new_key_in_another_database_raises_new_there(server: RunningServer, r: redis.Redis) -> None:
    r.set("k", "v")
    events = collect_events(server, [["MOVE", "k", "3"], ["SELECT", "3"]], "Egn")
    assert events == [("__keyevent@3__:new", "k"), ("__keyevent@0__:move_from", "k"), ("__keyevent@3__:move_to", "k")]


def test_all_does_not_include_new_or_keymiss(server: RunningServer) -> None:
    assert collect_events(server, [["GET", "missing"], ["SET", "k", "v"]], "KA") == [("__keyspace@0__:k", "set")]


def test_an_expired_key_read_raises_expired_then_keymiss(server: RunningServer, r: redis.Redis) -> None:
    r.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    r.set("short", "v", px=1)
    time.sleep(0.01)
    assert collect_events(server, [["GET", "short"]], "Exm") == [
        ("__keyevent@0__:expired", "short"),
        ("__keyevent@0__:keymiss", "short"),
    ]


def test_all_with_n_still_raises_new_though_config_get_prints_no_n(server: RunningServer, r: redis.Redis) -> None:
    assert collect_events(server, [["SET", "k", "v"]], "AKEn") == [
        ("__keyspace@0__:k", "new"),
        ("__keyevent@0__:new", "k"),
        ("__keyspace@0__:k", "set"),
        ("__keyevent@0__:set", "k"),
    ]
    assert r.execute_command("CONFIG", "GET", "notify-keyspace-events")[1] in (b"AKE", "AKE")


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
