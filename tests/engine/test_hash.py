"""Hash family handlers (actors/engine/families/hash.py), synchronous."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from protocol.resp.values import OK, ErrorReply

from actors.engine import dispatch
from actors.engine.context import ExecContext
from actors.engine.keyspace import Keyspace
from actors.engine.types.hash import Hash

dispatch.load_families()
NOW = 1_700_000_000_000


def make_context() -> ExecContext:
    keyspace = Keyspace.create(16)
    keyspace.now_ms = NOW
    ctx = ExecContext(keyspace, keyspace.databases[0])
    ctx.notify_classes = "KEA"
    return ctx


def run(ctx: ExecContext, *args: bytes | str | int):
    argv = [a if isinstance(a, bytes) else str(a).encode() for a in args]
    name = argv[0].decode().lower()
    if name == "object":
        name = f"object|{argv[1].decode().lower()}"
    return dispatch.execute(ctx, name, argv)


@pytest.fixture
def ctx() -> ExecContext:
    return make_context()


def err(text: str) -> ErrorReply:
    return ErrorReply(text)


WRONGTYPE = err("WRONGTYPE Operation against a key holding the wrong kind of value")


@pytest.mark.parametrize(
    "argv, reply",
    [
        (["HSET", "h", "x", "1", "y", "2", "a", "3"], 2),
        (["HSET", "h", "a", "9"], 0),
        (["HSET", "h", "a"], err("ERR wrong number of arguments for 'hset' command")),
        (["HMSET", "h", "a", "1", "b"], err("ERR wrong number of arguments for 'hmset' command")),
        (["HMSET", "h", "a", "1"], OK),
        (["HSETNX", "h", "a", "x"], 0),
        (["HSETNX", "h", "z", "x"], 1),
        (["HGET", "h", "a"], b"1"),
        (["HGET", "h", "nope"], None),
        (["HGET", "missing", "a"], None),
        (["HMGET", "h", "a", "nope", "b"], [b"1", None, b"2"]),
        (["HMGET", "missing", "a", "b"], [None, None]),
        (["HGETALL", "h"], {b"a": b"1", b"b": b"2"}),
        (["HGETALL", "missing"], {}),
        (["HKEYS", "h"], [b"a", b"b"]),
        (["HVALS", "h"], [b"1", b"2"]),
        (["HLEN", "h"], 2),
        (["HLEN", "missing"], 0),
        (["HEXISTS", "h", "a"], 1),
        (["HEXISTS", "h", "nope"], 0),
        (["HSTRLEN", "h", "a"], 1),
        (["HSTRLEN", "h", "nope"], 0),
        (["HDEL", "h", "a", "nope"], 1),
        (["HDEL", "missing", "a"], 0),
        (["HINCRBY", "h", "a", "5"], 6),
        (["HINCRBY", "h", "new", "-5"], -5),
        (["HINCRBY", "h", "a", "x"], err("ERR value is not an integer or out of range")),
        (["HINCRBY", "h", "a", "9223372036854775807"], err("ERR increment or decrement would overflow")),
        (["HINCRBYFLOAT", "h", "a", "1.5"], b"2.5"),
        (["HINCRBYFLOAT", "h", "a", "inf"], err("ERR value is NaN or Infinity")),
        (["HINCRBYFLOAT", "h", "a", "nan"], err("ERR value is not a valid float")),
        (["HINCRBYFLOAT", "h", "a", "1e4933"], err("ERR value is not a valid float")),
    ],
)
def test_hash_commands_reply_as_redis(ctx: ExecContext, argv: list, reply: object) -> None:
    run(ctx, "HSET", "h", "a", "1", "b", "2")
    assert run(ctx, *argv) == reply


def test_stored_values_that_are_not_numbers_are_refused(ctx: ExecContext) -> None:
    run(ctx, "HSET", "h", "s", "abc", "i", "inf", "z", "-0")
    assert run(ctx, "HINCRBY", "h", "s", 1) == err("ERR hash value is not an integer")
    assert run(ctx, "HINCRBY", "h", "z", 1) == err("ERR hash value is not an integer")
    assert run(ctx, "HINCRBYFLOAT", "h", "s", 1) == err("ERR hash value is not a float")
    assert run(ctx, "HINCRBYFLOAT", "h", "i", 1) == err(
        "ERR increment would produce NaN or Infinity"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["HSET", "k", "a", "1"], ["HGET", "k", "a"], ["HGETALL", "k"], ["HDEL", "k", "a"],
        ["HLEN", "k"], ["HINCRBY", "k", "a", 1], ["HINCRBYFLOAT", "k", "a", 1],
        ["HRANDFIELD", "k"], ["HRANDFIELD", "k", 2], ["HSCAN", "k", 0], ["HSETNX", "k", "a", "b"],
        ["HEXPIRE", "k", 10, "FIELDS", 1, "a"], ["HTTL", "k", "FIELDS", 1, "a"],
        ["HPERSIST", "k", "FIELDS", 1, "a"],
    ],
)
def test_hash_commands_on_a_string_are_wrongtype(ctx: ExecContext, argv: list) -> None:
    run(ctx, "SET", "k", "v")
    assert run(ctx, *argv) == WRONGTYPE


def test_string_commands_on_a_hash_are_wrongtype(ctx: ExecContext) -> None:
    run(ctx, "HSET", "h", "a", "1")
    assert run(ctx, "GET", "h") == WRONGTYPE
    assert run(ctx, "INCR", "h") == WRONGTYPE


def test_deleting_the_last_field_deletes_the_key_with_events(ctx: ExecContext) -> None:
    run(ctx, "HSET", "h", "a", "1")
    ctx.events.clear()
    assert run(ctx, "HDEL", "h", "a") == 1
    assert ctx.db.lookup(b"h") is None
    assert ctx.events == [("h", b"hdel", 0, b"h"), ("g", b"del", 0, b"h")]


def test_writes_emit_redis_event_names(ctx: ExecContext) -> None:
    run(ctx, "HSET", "h", "a", "1")
    run(ctx, "HMSET", "h", "b", "1")
    run(ctx, "HSETNX", "h", "c", "1")
    run(ctx, "HINCRBY", "h", "a", "1")
    run(ctx, "HINCRBYFLOAT", "h", "a", "1")
    assert [event for _, event, _, _ in ctx.events] == [
        b"hset", b"hset", b"hset", b"hincrby", b"hincrbyfloat"
    ]


def test_hincrbyfloat_propagates_the_result_as_hset(ctx: ExecContext) -> None:
    run(ctx, "HINCRBYFLOAT", "h", "f", "0.1")
    assert ctx.propagated[-1] == (0, [b"HSET", b"h", b"f", b"0.1"])


@pytest.mark.parametrize(
    "fill, encoding",
    [
        ([("f", "v")], b"listpack"),
        ([("f%d" % i, "v") for i in range(512)], b"listpack"),
        ([("f%d" % i, "v") for i in range(513)], b"hashtable"),
        ([("f", "x" * 64)], b"listpack"),
        ([("f", "x" * 65)], b"hashtable"),
        ([("x" * 65, "v")], b"hashtable"),
    ],
)
def test_object_encoding_follows_redis_7_thresholds(ctx: ExecContext, fill, encoding) -> None:
    for field, value in fill:
        run(ctx, "HSET", "h", field, value)
    assert run(ctx, "OBJECT", "ENCODING", "h") == encoding


def test_hincrby_with_a_long_field_makes_a_hashtable(ctx: ExecContext) -> None:
    run(ctx, "HINCRBY", "h", "f" * 65, 1)
    assert run(ctx, "OBJECT", "ENCODING", "h") == b"hashtable"


@pytest.mark.parametrize(
    "argv, reply",
    [
        (["HRANDFIELD", "h", 0], []),
        (["HRANDFIELD", "missing", 5], []),
        (["HRANDFIELD", "missing"], None),
        (["HRANDFIELD", "h", 1, "x"], err("ERR syntax error")),
        (["HRANDFIELD", "h", 1, "WITHVALUES", "x"], err("ERR syntax error")),
        (["HRANDFIELD", "h", "x"], err("ERR value is not an integer or out of range")),
        (
            ["HRANDFIELD", "h", "-9223372036854775808"],
            err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"),
        ),
        (["HRANDFIELD", "h", "9223372036854775807", "WITHVALUES"], err("ERR value is out of range")),
    ],
)
def test_hrandfield_edge_cases(ctx: ExecContext, argv: list, reply: object) -> None:
    run(ctx, "HSET", "h", "a", "1", "b", "2", "c", "3")
    assert run(ctx, *argv) == reply


def test_hrandfield_counts(ctx: ExecContext) -> None:
    run(ctx, "HSET", "h", "a", "1", "b", "2", "c", "3")
    assert run(ctx, "HRANDFIELD", "h") in (b"a", b"b", b"c")
    assert sorted(run(ctx, "HRANDFIELD", "h", 10)) == [b"a", b"b", b"c"]
    two = run(ctx, "HRANDFIELD", "h", 2)
    assert len(set(two)) == 2
    repeats = run(ctx, "HRANDFIELD", "h", -10)
    assert len(repeats) == 10 and set(repeats) <= {b"a", b"b", b"c"}
    flat = run(ctx, "HRANDFIELD", "h", -4, "WITHVALUES")
    assert len(flat) == 8
    assert all({b"a": b"1", b"b": b"2", b"c": b"3"}[f] == v for f, v in zip(flat[::2], flat[1::2]))
    ctx.client.resp3 = True
    pairs = run(ctx, "HRANDFIELD", "h", 2, "WITHVALUES")
    assert len(pairs) == 2 and all(len(pair) == 2 for pair in pairs)


def test_hscan_returns_a_small_hash_whole(ctx: ExecContext) -> None:
    run(ctx, "HSET", "h", *[x for i in range(20) for x in (f"f{i}", str(i))])
    cursor, items = run(ctx, "HSCAN", "h", 0, "COUNT", 2)
    assert cursor == b"0" and len(items) == 40
    assert run(ctx, "HSCAN", "h", 0, "MATCH", "f1*") == [
        b"0", [b"f1", b"1"] + [x for i in range(10, 20) for x in (b"f%d" % i, b"%d" % i)]
    ]
    assert run(ctx, "HSCAN", "missing", 0) == [b"0", []]
    assert run(ctx, "HSCAN", "h", "x") == err("ERR invalid cursor")
    assert run(ctx, "HSCAN", "h", 0, "COUNT", 0) == err("ERR syntax error")


def test_hscan_iterates_a_hashtable_in_steps(ctx: ExecContext) -> None:
    run(ctx, "HSET", "h", *[x for i in range(600) for x in (f"f{i}", str(i))])
    seen: dict[bytes, bytes] = {}
    cursor = b"0"
    steps = 0
    while True:
        cursor, items = run(ctx, "HSCAN", "h", cursor, "COUNT", 50)
        seen.update(zip(items[::2], items[1::2]))
        steps += 1
        if cursor == b"0":
            break
    assert steps > 1 and len(seen) == 600


# -- field expiry ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "argv, reply",
    [
        (["HEXPIRE", "h", 10, "FIELDS", 2, "a", "nope"], [1, -2]),
        (["HEXPIRE", "missing", 10, "FIELDS", 2, "a", "b"], [-2, -2]),
        (["HEXPIRE", "h", 0, "FIELDS", 1, "a"], [2]),
        (["HPEXPIRE", "h", 10, "FIELDS", 1, "a"], [1]),
        (["HEXPIREAT", "h", 1, "FIELDS", 1, "a"], [2]),
        (["HPEXPIREAT", "h", NOW + 5, "FIELDS", 1, "a"], [1]),
        (["HEXPIRE", "h", 10, "XX", "FIELDS", 1, "a"], [0]),
        (["HEXPIRE", "h", 10, "GT", "FIELDS", 1, "a"], [0]),
        (["HEXPIRE", "h", 10, "LT", "FIELDS", 1, "a"], [1]),
        (["HEXPIRE", "h", 10, "nx", "FIELDS", 1, "a"], [1]),
        (["HEXPIRE", "h", -1, "FIELDS", 1, "a"], err("ERR invalid expire time, must be >= 0")),
        (["HEXPIRE", "h", "x", "FIELDS", 1, "a"], err("ERR value is not an integer or out of range")),
        (["HEXPIRE", "h", 10, "FIELD", 1, "a"],
         err("ERR Mandatory argument FIELDS is missing or not at the right position")),
        (["HEXPIRE", "h", 10, "NX", "XX", "FIELDS", 1],
         err("ERR Mandatory argument FIELDS is missing or not at the right position")),
        (["HEXPIRE", "h", 10, "FIELDS", 0, "a"], err("ERR Parameter `numFields` should be greater than 0")),
        (["HEXPIRE", "h", 10, "FIELDS", "x", "a"], err("ERR Parameter `numFields` should be greater than 0")),
        (["HEXPIRE", "h", 10, "FIELDS", 2, "a"],
         err("ERR The `numfields` parameter must match the number of arguments")),
        (["HEXPIRE", "h", 10**14, "FIELDS", 1, "a"], err("ERR invalid expire time in 'hexpire' command")),
        (["HPEXPIREAT", "h", 2**46, "FIELDS", 1, "a"], err("ERR invalid expire time in 'hpexpireat' command")),
        (["HTTL", "h", "FIELDS", 0, "a"], err("ERR Number of fields must be a positive integer")),
        (["HTTL", "h", "FIELDS", 2, "a"], err("ERR The `numfields` parameter must match the number of arguments")),
        (["HTTL", "h", "NOPE", 1, "a"], err("ERR Mandatory argument FIELDS is missing or not at the right position")),
        (["HTTL", "h", "FIELDS", 2, "a", "nope"], [-1, -2]),
        (["HTTL", "missing", "FIELDS", 1, "a"], [-2]),
        (["HPERSIST", "h", "FIELDS", 2, "a", "nope"], [-1, -2]),
        (["HPERSIST", "h", "FIELDS", 0, "a"], err("ERR Number of fields must be a positive integer")),
    ],
)
def test_field_expiry_commands_reply_as_redis_7_4(ctx: ExecContext, argv: list, reply: object) -> None:
    run(ctx, "HSET", "h", "a", "1", "b", "2")
    assert run(ctx, *argv) == reply


def test_ttl_readings_in_every_unit(ctx: ExecContext) -> None:
    run(ctx, "HSET", "h", "a", "1")
    assert run(ctx, "HPEXPIRE", "h", 1500, "FIELDS", 1, "a") == [1]
    assert run(ctx, "HTTL", "h", "FIELDS", 1, "a") == [2]
    assert run(ctx, "HPTTL", "h", "FIELDS", 1, "a") == [1500]
    assert run(ctx, "HPEXPIRETIME", "h", "FIELDS", 1, "a") == [NOW + 1500]
    assert run(ctx, "HEXPIRETIME", "h", "FIELDS", 1, "a") == [(NOW + 1500 + 999) // 1000]


def test_conditions_compare_against_the_current_ttl(ctx: ExecContext) -> None:
    run(ctx, "HSET", "h", "a", "1")
    run(ctx, "HEXPIRE", "h", 100, "FIELDS", 1, "a")
    assert run(ctx, "HEXPIRE", "h", 50, "GT", "FIELDS", 1, "a") == [0]
    assert run(ctx, "HEXPIRE", "h", 200, "GT", "FIELDS", 1, "a") == [1]
    assert run(ctx, "HEXPIRE", "h", 300, "LT", "FIELDS", 1, "a") == [0]
    assert run(ctx, "HEXPIRE", "h", 10, "NX", "FIELDS", 1, "a") == [0]
    assert run(ctx, "HEXPIRE", "h", 10, "XX", "FIELDS", 1, "a") == [1]
    assert run(ctx, "HTTL", "h", "FIELDS", 1, "a") == [10]


def test_fields_expire_lazily_and_the_emptied_hash_disappears(ctx: ExecContext) -> None:
    run(ctx, "HSET", "h", "a", "1", "b", "2")
    run(ctx, "HEXPIRE", "h", 10, "FIELDS", 1, "a")
    ctx.keyspace.now_ms += 9_999
    assert run(ctx, "HLEN", "h") == 2
    ctx.keyspace.now_ms += 1
    ctx.events.clear()
    assert run(ctx, "HGETALL", "h") == {b"b": b"2"}
    assert run(ctx, "HKEYS", "h") == [b"b"]
    assert ctx.events == [("h", b"hexpired", 0, b"h")]
    assert ctx.propagated[-1] == (0, [b"HDEL", b"h", b"a"])
    run(ctx, "HPEXPIRE", "h", 1, "FIELDS", 1, "b")
    ctx.keyspace.now_ms += 1
    assert run(ctx, "HLEN", "h") == 0
    assert ctx.db.lookup(b"h") is None


def test_fields_expire_actively(ctx: ExecContext) -> None:
    run(ctx, "HSET", "h", "a", "1")
    run(ctx, "HEXPIRE", "h", 1, "FIELDS", 1, "a")
    seen = []
    ctx.keyspace.on_hash_fields_expired = lambda *event: seen.append(event)
    ctx.keyspace.now_ms += 1000
    ctx.keyspace.active_expire_cycle()
    assert seen == [(0, b"h", [b"a"], True)]
    assert ctx.db.lookup(b"h") is None


def test_hset_drops_a_field_ttl_and_hincrby_keeps_it(ctx: ExecContext) -> None:
    run(ctx, "HSET", "h", "a", "1", "b", "1")
    run(ctx, "HEXPIRE", "h", 10, "FIELDS", 2, "a", "b")
    run(ctx, "HINCRBY", "h", "a", 1)
    run(ctx, "HSET", "h", "b", "5")
    assert run(ctx, "HTTL", "h", "FIELDS", 2, "a", "b") == [10, -1]


def test_hpersist_removes_the_ttl(ctx: ExecContext) -> None:
    run(ctx, "HSET", "h", "a", "1")
    run(ctx, "HEXPIRE", "h", 10, "FIELDS", 1, "a")
    ctx.events.clear()
    assert run(ctx, "HPERSIST", "h", "FIELDS", 1, "a") == [1]
    assert ctx.events == [("h", b"hpersist", 0, b"h")]
    ctx.keyspace.now_ms += 20_000
    assert run(ctx, "HGET", "h", "a") == b"1"


def test_hexpire_propagates_absolute_times_and_deletions(ctx: ExecContext) -> None:
    run(ctx, "HSET", "h", "a", "1", "b", "2", "c", "3")
    ctx.propagated.clear()
    ctx.events.clear()
    assert run(ctx, "HEXPIRE", "h", 5, "FIELDS", 2, "a", "zz") == [1, -2]
    assert ctx.propagated == [
        (0, [b"HPEXPIREAT", b"h", str(NOW + 5000).encode(), b"FIELDS", b"1", b"a"])
    ]
    assert ctx.events == [("h", b"hexpire", 0, b"h")]
    ctx.propagated.clear()
    ctx.events.clear()
    assert run(ctx, "HEXPIRE", "h", 0, "FIELDS", 3, "a", "b", "c") == [2, 2, 2]
    assert ctx.propagated == [(0, [b"HDEL", b"h", b"a", b"b", b"c"])]
    assert ctx.events == [("h", b"hdel", 0, b"h"), ("g", b"del", 0, b"h")]
    assert ctx.db.lookup(b"h") is None


def test_a_copied_hash_keeps_its_field_ttls(ctx: ExecContext) -> None:
    run(ctx, "HSET", "h", "a", "1")
    run(ctx, "HEXPIRE", "h", 10, "FIELDS", 1, "a")
    assert run(ctx, "COPY", "h", "h2") == 1
    assert run(ctx, "HTTL", "h2", "FIELDS", 1, "a") == [10]
    assert run(ctx, "OBJECT", "ENCODING", "h2") == b"listpackex"


class HashCommandsModel(RuleBasedStateMachine):
    """The hash family against a dict model with field expiry times."""

    def __init__(self) -> None:
        super().__init__()
        self.ctx = make_context()
        self.model: dict[bytes, tuple[bytes, int | None]] = {}

    fields = st.sampled_from([b"a", b"b", b"c", b"d"])

    def _expire_model(self) -> None:
        now = self.ctx.now_ms
        self.model = {f: (v, at) for f, (v, at) in self.model.items() if at is None or at > now}

    @rule(field=fields, value=st.sampled_from([b"1", b"x", b"-3"]))
    def hset(self, field: bytes, value: bytes) -> None:
        self._expire_model()
        assert run(self.ctx, "HSET", "h", field, value) == int(field not in self.model)
        self.model[field] = (value, None)

    @rule(field=fields)
    def hdel(self, field: bytes) -> None:
        self._expire_model()
        assert run(self.ctx, "HDEL", "h", field) == int(field in self.model)
        self.model.pop(field, None)

    @rule(field=fields, increment=st.integers(-5, 5))
    def hincrby(self, field: bytes, increment: int) -> None:
        self._expire_model()
        reply = run(self.ctx, "HINCRBY", "h", field, increment)
        current = self.model.get(field, (b"0", None))
        if current[0] == b"x":
            assert reply == err("ERR hash value is not an integer")
            return
        assert reply == int(current[0]) + increment
        self.model[field] = (str(reply).encode(), current[1])

    @rule(field=fields, ms=st.integers(0, 30))
    def hpexpire(self, field: bytes, ms: int) -> None:
        self._expire_model()
        reply = run(self.ctx, "HPEXPIRE", "h", ms, "FIELDS", 1, field)
        if field not in self.model:
            assert reply == [-2]
        elif ms == 0:
            assert reply == [2]
            del self.model[field]
        else:
            assert reply == [1]
            self.model[field] = (self.model[field][0], self.ctx.now_ms + ms)

    @rule(field=fields)
    def hpersist(self, field: bytes) -> None:
        self._expire_model()
        reply = run(self.ctx, "HPERSIST", "h", "FIELDS", 1, field)
        if field not in self.model:
            assert reply == [-2]
        elif self.model[field][1] is None:
            assert reply == [-1]
        else:
            assert reply == [1]
            self.model[field] = (self.model[field][0], None)

    @rule(ms=st.integers(0, 20), active=st.booleans())
    def advance(self, ms: int, active: bool) -> None:
        self.ctx.keyspace.now_ms += ms
        if active:
            self.ctx.keyspace.active_expire_cycle()

    @invariant()
    def matches(self) -> None:
        self._expire_model()
        expected = {f: v for f, (v, _) in self.model.items()}
        assert run(self.ctx, "HGETALL", "h") == expected
        assert run(self.ctx, "EXISTS", "h") == int(bool(expected))
        for field, (_, at) in self.model.items():
            ttl = run(self.ctx, "HPTTL", "h", "FIELDS", 1, field)
            assert ttl == [-1 if at is None else at - self.ctx.now_ms]
        value = self.ctx.db.lookup(b"h")
        assert value is None or type(value) is Hash


TestHashCommandsModel = HashCommandsModel.TestCase
