"""Differential test for streams and consumer groups: random sequences of
XADD (explicit ids, MAXLEN/MINID exact and ``~``), range reads, XDEL, XTRIM,
XGROUP CREATE/SETID, XREADGROUP (with and without NOACK), XACK, XPENDING,
XCLAIM JUSTID and XAUTOCLAIM go to shardis and to redis-server side by side.
Replies must be identical (errors by text).

Every id is explicit (``ms-seq`` or ``ms-*``) so no reply depends on the
clock; claims use a minimum idle time of 0 and JUSTID or XAUTOCLAIM, whose
replies carry no delivery times. At the end the two datasets must have the
same DEBUG DIGEST."""

from __future__ import annotations

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

keys = st.sampled_from([b"s", b"{s}2", b"str"])
groups = st.sampled_from([b"g", b"h"])
consumers = st.sampled_from([b"alice", b"bob"])
milliseconds = st.integers(min_value=0, max_value=12)
sequences = st.sampled_from([b"0", b"1", b"2", b"*"])
ids = st.sampled_from([b"0", b"0-0", b"1", b"2-1", b"3", b"5-*", b"7", b"12-2", b"$", b"-", b"+", b"(3",
                       b"x", b"18446744073709551615-18446744073709551615"])
bounds = st.sampled_from([b"-", b"+", b"0", b"2", b"3-1", b"(3", b"6", b"(6-0", b"12"])
fields = st.lists(st.tuples(st.sampled_from([b"f", b"g", b""]), st.sampled_from([b"1", b"v", b""])),
                  min_size=1, max_size=2)
counts = st.sampled_from([b"0", b"1", b"2", b"5", b"-1", b"x"])
trims = st.sampled_from([[], [b"MAXLEN", b"3"], [b"MAXLEN", b"=", b"2"], [b"MAXLEN", b"~", b"1"],
                         [b"MAXLEN", b"0"], [b"MINID", b"4"], [b"MINID", b"=", b"6-1"],
                         [b"MINID", b"~", b"9"], [b"MAXLEN", b"~", b"2", b"LIMIT", b"1"]])


class StreamsSideBySide(RuleBasedStateMachine):
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

    def same(self, *argv: bytes) -> None:
        shardis, oracle = (reply_of(client, list(argv)) for client in self.clients)
        assert shardis == oracle, f"{argv!r}: shardis {shardis!r} != redis {oracle!r}"

    # -- entries -------------------------------------------------------------
    @rule(key=keys, ms=milliseconds, seq=sequences, trim=trims, nomkstream=st.booleans(), pairs=fields)
    def xadd(self, key, ms, seq, trim, nomkstream, pairs) -> None:
        options = ([b"NOMKSTREAM"] if nomkstream else []) + trim
        self.same(b"XADD", key, *options, b"%d-%s" % (ms, seq), *[part for pair in pairs for part in pair])

    @rule(key=keys, ms=milliseconds, pairs=fields)
    def xadd_milliseconds_only(self, key, ms, pairs) -> None:
        self.same(b"XADD", key, b"%d" % ms, *[part for pair in pairs for part in pair])

    @rule(command=st.sampled_from([b"XRANGE", b"XREVRANGE"]), key=keys, low=bounds, high=bounds,
          count=st.one_of(st.none(), counts))
    def xrange(self, command, key, low, high, count) -> None:
        if command == b"XREVRANGE":
            low, high = high, low
        self.same(command, key, low, high, *([b"COUNT", count] if count is not None else []))

    @rule(command=st.sampled_from([b"XLEN", b"TYPE", b"EXISTS"]), key=keys)
    def whole_key(self, command, key) -> None:
        self.same(command, key)

    @rule(key=keys, entry_ids=st.lists(ids, min_size=1, max_size=3))
    def xdel(self, key, entry_ids) -> None:
        self.same(b"XDEL", key, *entry_ids)

    @rule(key=keys, trim=trims.filter(bool))
    def xtrim(self, key, trim) -> None:
        self.same(b"XTRIM", key, *trim)

    @rule(key=keys)
    def delete(self, key) -> None:
        self.same(b"DEL", key)

    # -- groups --------------------------------------------------------------
    @rule(key=keys, group=groups, start=st.sampled_from([b"0", b"$", b"3", b"x"]), mkstream=st.booleans())
    def xgroup_create(self, key, group, start, mkstream) -> None:
        self.same(b"XGROUP", b"CREATE", key, group, start, *([b"MKSTREAM"] if mkstream else []))

    @rule(key=keys, group=groups, start=st.sampled_from([b"0", b"$", b"2", b"6-0", b"x"]))
    def xgroup_setid(self, key, group, start) -> None:
        self.same(b"XGROUP", b"SETID", key, group, start)

    @rule(key=keys, group=groups)
    def xgroup_destroy(self, key, group) -> None:
        self.same(b"XGROUP", b"DESTROY", key, group)

    @rule(key=keys, group=groups, consumer=consumers, start=st.sampled_from([b">", b"0", b"3"]),
          count=st.one_of(st.none(), st.sampled_from([b"1", b"2", b"10"])), noack=st.booleans())
    def xreadgroup(self, key, group, consumer, start, count, noack) -> None:
        options = ([b"COUNT", count] if count is not None else []) + ([b"NOACK"] if noack else [])
        self.same(b"XREADGROUP", b"GROUP", group, consumer, *options, b"STREAMS", key, start)

    @rule(key=keys, group=groups, entry_ids=st.lists(ids, min_size=1, max_size=3))
    def xack(self, key, group, entry_ids) -> None:
        self.same(b"XACK", key, group, *entry_ids)

    @rule(key=keys, group=groups)
    def xpending_summary(self, key, group) -> None:
        self.same(b"XPENDING", key, group)

    @rule(key=keys, group=groups, consumer=consumers, entry_ids=st.lists(ids, min_size=1, max_size=3))
    def xclaim_justid(self, key, group, consumer, entry_ids) -> None:
        self.same(b"XCLAIM", key, group, consumer, b"0", *entry_ids, b"JUSTID")

    @rule(key=keys, group=groups, consumer=consumers, start=st.sampled_from([b"0", b"3", b"0-0"]),
          count=st.one_of(st.none(), st.sampled_from([b"1", b"2", b"0"])), justid=st.booleans())
    def xautoclaim(self, key, group, consumer, start, count, justid) -> None:
        options = ([b"COUNT", count] if count is not None else []) + ([b"JUSTID"] if justid else [])
        self.same(b"XAUTOCLAIM", key, group, consumer, b"0", start, *options)


StreamsSideBySide.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_streams_agree_with_redis = StreamsSideBySide.TestCase
