"""Differential test for the collections: random sequences of list, hash,
set and sorted-set commands (and their cross-type WRONGTYPE cases) go to
shardis and to redis-server side by side. Replies must be identical (errors
by text); where Redis's order is unspecified (set members, hash fields of a
big hash) the replies are compared sorted. At the end of every run the two
datasets must have the same DEBUG DIGEST."""

from __future__ import annotations

import os

import pytest
import redis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from tests.compat.conftest import _server
from tests.compat.test_differential import reply_of
from tests.servers import redis_server_path

if redis_server_path() is None:
    pytest.skip("redis-server is not installed: no oracle to compare with", allow_module_level=True)

keys = st.sampled_from([b"l", b"h", b"s", b"z", b"{l}2", b"str"])
members = st.sampled_from([b"a", b"b", b"c", b"1", b"2", b"10", b"-3", b""])
indexes = st.sampled_from([b"0", b"1", b"-1", b"2", b"-3", b"10", b"x"])
scores = st.sampled_from([b"0", b"1", b"1.5", b"-2", b"inf", b"-inf", b"(1", b"nan", b"x"])
counts = st.sampled_from([b"0", b"1", b"2", b"5", b"-1"])


def canonical(reply):
    """Order-free form for replies whose order Redis leaves unspecified."""
    if isinstance(reply, list):
        return sorted(map(repr, reply))
    return reply


class CollectionsSideBySide(RuleBasedStateMachine):
    @initialize()
    def connect(self) -> None:
        self.clients = []
        for kind in ("shardis", "redis"):
            server = _server(kind)
            client = redis.Redis(host=server.host, port=server.port, protocol=2)
            client.response_callbacks.clear()
            client.flushall()
            client.set(b"str", b"text")
            self.clients.append(client)

    def teardown(self) -> None:
        clients = getattr(self, "clients", [])
        if clients:
            self.same(b"DEBUG", b"DIGEST")
        for client in clients:
            client.close()

    def same(self, *argv: bytes, unordered: bool = False) -> None:
        shardis, oracle = (reply_of(client, list(argv)) for client in self.clients)
        if unordered:
            shardis, oracle = canonical(shardis), canonical(oracle)
        assert shardis == oracle, f"{argv!r}: shardis {shardis!r} != redis {oracle!r}"

    # -- lists -------------------------------------------------------------
    @rule(command=st.sampled_from([b"LPUSH", b"RPUSH", b"LPUSHX", b"RPUSHX"]), key=keys,
          elements=st.lists(members, min_size=1, max_size=3))
    def push(self, command, key, elements) -> None:
        self.same(command, key, *elements)

    @rule(command=st.sampled_from([b"LPOP", b"RPOP"]), key=keys, count=st.one_of(st.none(), counts))
    def pop(self, command, key, count) -> None:
        self.same(command, key, *([count] if count is not None else []))

    @rule(key=keys, start=indexes, stop=indexes)
    def lrange(self, key, start, stop) -> None:
        self.same(b"LRANGE", key, start, stop)

    @rule(command=st.sampled_from([b"LINDEX", b"LLEN"]), key=keys, index=indexes)
    def lindex(self, command, key, index) -> None:
        self.same(command, key, *([index] if command == b"LINDEX" else []))

    @rule(key=keys, index=indexes, element=members)
    def lset(self, key, index, element) -> None:
        self.same(b"LSET", key, index, element)

    @rule(key=keys, where=st.sampled_from([b"BEFORE", b"AFTER"]), pivot=members, element=members)
    def linsert(self, key, where, pivot, element) -> None:
        self.same(b"LINSERT", key, where, pivot, element)

    @rule(key=keys, count=indexes, element=members)
    def lrem(self, key, count, element) -> None:
        self.same(b"LREM", key, count, element)

    @rule(key=keys, start=indexes, stop=indexes)
    def ltrim(self, key, start, stop) -> None:
        self.same(b"LTRIM", key, start, stop)

    @rule(key=keys, element=members, options=st.sampled_from(
        [[], [b"RANK", b"-1"], [b"COUNT", b"0"], [b"RANK", b"2", b"COUNT", b"2"], [b"MAXLEN", b"2"]]))
    def lpos(self, key, element, options) -> None:
        self.same(b"LPOS", key, element, *options)

    @rule(source=keys, destination=keys, ends=st.sampled_from(
        [[b"LEFT", b"RIGHT"], [b"RIGHT", b"LEFT"], [b"LEFT", b"LEFT"]]))
    def lmove(self, source, destination, ends) -> None:
        self.same(b"LMOVE", source, destination, *ends)

    # -- hashes --------------------------------------------------------------
    @rule(key=keys, pairs=st.lists(st.tuples(members, members), min_size=1, max_size=3))
    def hset(self, key, pairs) -> None:
        self.same(b"HSET", key, *[part for pair in pairs for part in pair])

    @rule(command=st.sampled_from([b"HGET", b"HEXISTS", b"HSTRLEN", b"HDEL"]), key=keys, field=members)
    def hash_field(self, command, key, field) -> None:
        self.same(command, key, field)

    @rule(key=keys, field=members, amount=indexes)
    def hincrby(self, key, field, amount) -> None:
        self.same(b"HINCRBY", key, field, amount)

    @rule(key=keys, field=members, amount=scores)
    def hincrbyfloat(self, key, field, amount) -> None:
        self.same(b"HINCRBYFLOAT", key, field, amount)

    @rule(command=st.sampled_from([b"HGETALL", b"HKEYS", b"HVALS", b"HLEN"]), key=keys)
    def hash_whole(self, command, key) -> None:
        self.same(command, key, unordered=command != b"HLEN")

    # -- sets ------------------------------------------------------------------
    @rule(command=st.sampled_from([b"SADD", b"SREM"]), key=keys,
          elements=st.lists(members, min_size=1, max_size=3))
    def set_members(self, command, key, elements) -> None:
        self.same(command, key, *elements)

    @rule(command=st.sampled_from([b"SISMEMBER", b"SMISMEMBER"]), key=keys, member=members)
    def set_membership(self, command, key, member) -> None:
        self.same(command, key, member)

    @rule(command=st.sampled_from([b"SMEMBERS", b"SCARD"]), key=keys)
    def set_whole(self, command, key) -> None:
        self.same(command, key, unordered=command == b"SMEMBERS")

    @rule(command=st.sampled_from([b"SINTER", b"SUNION", b"SDIFF", b"SINTERCARD"]), first=keys, second=keys)
    def set_algebra(self, command, first, second) -> None:
        if command == b"SINTERCARD":
            self.same(command, b"2", first, second)
        else:
            self.same(command, first, second, unordered=True)

    @rule(command=st.sampled_from([b"SINTERSTORE", b"SUNIONSTORE", b"SDIFFSTORE"]),
          destination=keys, first=keys, second=keys)
    def set_store(self, command, destination, first, second) -> None:
        self.same(command, destination, first, second)

    @rule(source=keys, destination=keys, member=members)
    def smove(self, source, destination, member) -> None:
        self.same(b"SMOVE", source, destination, member)

    # -- sorted sets ---------------------------------------------------------------
    @rule(key=keys, options=st.sampled_from([[], [b"NX"], [b"XX"], [b"GT"], [b"LT", b"CH"], [b"INCR"]]),
          score=scores, member=members)
    def zadd(self, key, options, score, member) -> None:
        self.same(b"ZADD", key, *options, score, member)

    @rule(key=keys, amount=scores, member=members)
    def zincrby(self, key, amount, member) -> None:
        self.same(b"ZINCRBY", key, amount, member)

    @rule(command=st.sampled_from([b"ZSCORE", b"ZRANK", b"ZREVRANK", b"ZREM"]), key=keys, member=members)
    def zset_member(self, command, key, member) -> None:
        self.same(command, key, member)

    @rule(key=keys, start=indexes, stop=indexes, options=st.sampled_from(
        [[], [b"WITHSCORES"], [b"REV"], [b"REV", b"WITHSCORES"]]))
    def zrange(self, key, start, stop, options) -> None:
        self.same(b"ZRANGE", key, start, stop, *options)

    @rule(command=st.sampled_from([b"ZRANGEBYSCORE", b"ZCOUNT", b"ZREMRANGEBYSCORE"]), key=keys,
          low=scores, high=scores)
    def zset_score_range(self, command, key, low, high) -> None:
        self.same(command, key, low, high)

    @rule(command=st.sampled_from([b"ZPOPMIN", b"ZPOPMAX"]), key=keys, count=st.one_of(st.none(), counts))
    def zpop(self, command, key, count) -> None:
        self.same(command, key, *([count] if count is not None else []))

    @rule(command=st.sampled_from([b"ZUNIONSTORE", b"ZINTERSTORE", b"ZDIFFSTORE"]),
          destination=keys, first=keys, second=keys)
    def zset_store(self, command, destination, first, second) -> None:
        self.same(command, destination, b"2", first, second)

    @rule(command=st.sampled_from([b"ZCARD", b"TYPE", b"DEL", b"EXISTS"]), key=keys)
    def whole_key(self, command, key) -> None:
        self.same(command, key)


CollectionsSideBySide.TestCase.settings = settings(
    max_examples=int(os.environ.get("DIFFERENTIAL_EXAMPLES", "40")),
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_collections_agree_with_redis = CollectionsSideBySide.TestCase
