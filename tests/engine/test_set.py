"""Set family handlers (actors/engine/families/set.py) and the set value
(actors/engine/types/set.py), synchronous."""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from protocol.resp.values import ErrorReply, RespSet

from actors.engine import dispatch
from actors.engine.context import ExecContext
from actors.engine.keyspace import Keyspace
from actors.engine.types.set import SetValue, reply_order, would_be_intset

dispatch.load_families()
NOW = 1_700_000_000_000
WRONGTYPE = ErrorReply("WRONGTYPE Operation against a key holding the wrong kind of value")
SYNTAX = ErrorReply("ERR syntax error")


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


def members(*items: str) -> set[bytes]:
    return {item.encode() for item in items}


@pytest.fixture
def ctx() -> ExecContext:
    return make_context()


# -- the value -----------------------------------------------------------------
@pytest.mark.parametrize(
    "added, encoding",
    [
        (["1", "2", "-3"], b"intset"),
        (["9223372036854775807", "-9223372036854775808"], b"intset"),
        (["9223372036854775808"], b"hashtable"),
        (["01"], b"hashtable"),
        (["-0"], b"hashtable"),
        ([" 1"], b"hashtable"),
        (["1", "a"], b"hashtable"),
        ([str(n) for n in range(512)], b"intset"),
        ([str(n) for n in range(513)], b"hashtable"),
    ],
)
def test_set_value_encoding_follows_redis_intset_rules(added, encoding) -> None:
    value = SetValue()
    value.add_members([a.encode() for a in added], 512)
    assert value.encoding() == encoding


def test_set_value_never_converts_back_to_intset_on_removal() -> None:
    value = SetValue()
    value.add_members([b"1", b"a"], 512)
    value.remove_members([b"a"])
    assert value.encoding() == b"hashtable"
    assert value.copy().encoding() == b"hashtable"


def test_set_value_intset_iterates_in_numeric_order() -> None:
    value = SetValue()
    value.add_members([b"10", b"-5", b"2", b"1"], 512)
    assert value.ordered() == [b"-5", b"1", b"2", b"10"]


def test_reply_order_sorts_only_what_would_be_an_intset() -> None:
    assert reply_order({b"3", b"1", b"20"}) == [b"1", b"3", b"20"]
    assert set(reply_order({b"3", b"a"})) == {b"3", b"a"}
    assert not would_be_intset({b"1", b"2"}, 1)


def test_keep_random_recomputes_the_encoding_of_what_remains() -> None:
    value = SetValue()
    value.add_members([b"a", b"1", b"2", b"3", b"4", b"5", b"6"], 512)
    value.remove_members([b"a"])
    popped = value.keep_random(1, 512)
    assert len(popped) == 5 and len(value) == 1
    assert value.encoding() == b"intset"


class SetValueMachine(RuleBasedStateMachine):
    """SetValue against a plain set plus the intset rule."""

    def __init__(self) -> None:
        super().__init__()
        self.value = SetValue()
        self.model: set[bytes] = set()
        self.converted = False
        self.limit = 8

    member = st.one_of(
        st.integers(-20, 20).map(lambda n: str(n).encode()),
        st.sampled_from([b"a", b"b", b"01", b"-0", b""]),
    )

    @rule(items=st.lists(member, max_size=5))
    def add(self, items: list[bytes]) -> None:
        new = len(set(items) - self.model)
        assert self.value.add_members(items, self.limit) == new
        self.model |= set(items)
        if not would_be_intset(self.model, self.limit):
            self.converted = True

    @rule(items=st.lists(member, max_size=5))
    def remove(self, items: list[bytes]) -> None:
        assert self.value.remove_members(items) == len(set(items) & self.model)
        self.model -= set(items)

    @rule(count=st.integers(0, 10))
    def pop(self, count: int) -> None:
        if count >= len(self.model):
            return
        popped = self.value.pop_random(count)
        assert len(set(popped)) == count and set(popped) <= self.model
        self.model -= set(popped)

    @invariant()
    def same_members_and_encoding(self) -> None:
        assert set(self.value) == self.model
        assert self.value.encoding() == (b"hashtable" if self.converted else b"intset")
        if not self.converted:
            assert self.value.ordered() == sorted(self.model, key=int)


TestSetValueMachine = SetValueMachine.TestCase
TestSetValueMachine.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)


# -- commands ------------------------------------------------------------------
def test_sadd_counts_new_members_and_srem_deletes_an_emptied_set(ctx) -> None:
    assert run(ctx, "SADD", "s", "a", "b", "a") == 2
    assert run(ctx, "SADD", "s", "b", "c") == 1
    assert run(ctx, "SCARD", "s") == 3
    assert run(ctx, "SREM", "s", "a", "x") == 1
    assert run(ctx, "SREM", "s", "b", "c") == 2
    assert ctx.db.lookup(b"s") is None
    assert [e[1] for e in ctx.events] == [b"sadd", b"sadd", b"srem", b"srem", b"del"]
    assert [argv[0] for _, argv in ctx.propagated] == [b"SADD", b"SADD", b"SREM", b"SREM"]


def test_writes_that_change_nothing_are_not_propagated(ctx) -> None:
    run(ctx, "SADD", "s", "a")
    ctx.propagated.clear()
    assert run(ctx, "SADD", "s", "a") == 0
    assert run(ctx, "SREM", "s", "x") == 0
    assert run(ctx, "SREM", "missing", "x") == 0
    assert ctx.propagated == []


def test_smembers_of_an_int_set_is_sorted_and_a_resp_set(ctx) -> None:
    run(ctx, "SADD", "s", "3", "1", "-7", "20")
    assert run(ctx, "SMEMBERS", "s") == RespSet([b"-7", b"1", b"3", b"20"])
    assert run(ctx, "SMEMBERS", "missing") == RespSet([])


@pytest.mark.parametrize(
    "argv, reply",
    [
        (["SISMEMBER", "s", "a"], 1),
        (["SISMEMBER", "s", "z"], 0),
        (["SISMEMBER", "missing", "a"], 0),
        (["SMISMEMBER", "s", "a", "z", "b"], [1, 0, 1]),
        (["SMISMEMBER", "missing", "a", "b"], [0, 0]),
        (["SCARD", "missing"], 0),
    ],
)
def test_membership_queries(ctx, argv, reply) -> None:
    run(ctx, "SADD", "s", "a", "b")
    assert run(ctx, *argv) == reply


@pytest.mark.parametrize(
    "argv",
    [
        ["SADD", "str", "a"], ["SREM", "str", "a"], ["SISMEMBER", "str", "a"],
        ["SMISMEMBER", "str", "a"], ["SMEMBERS", "str"], ["SCARD", "str"], ["SPOP", "str"],
        ["SPOP", "str", "0"], ["SRANDMEMBER", "str"], ["SRANDMEMBER", "str", "1"],
        ["SMOVE", "str", "s", "a"], ["SMOVE", "s", "str", "a"], ["SINTER", "missing", "str"],
        ["SINTERCARD", "2", "missing", "str"], ["SINTERSTORE", "d", "missing", "str"],
        ["SUNION", "s", "str"], ["SUNIONSTORE", "d", "str"], ["SDIFF", "missing", "str"],
        ["SDIFFSTORE", "d", "s", "str"], ["SSCAN", "str", "0"],
    ],
)
def test_set_commands_refuse_other_types(ctx, argv) -> None:
    run(ctx, "SET", "str", "x")
    run(ctx, "SADD", "s", "a")
    assert run(ctx, *argv) == WRONGTYPE


def test_string_commands_refuse_a_set(ctx) -> None:
    run(ctx, "SADD", "s", "a")
    assert run(ctx, "GET", "s") == WRONGTYPE
    assert run(ctx, "APPEND", "s", "x") == WRONGTYPE


def test_spop_without_count_propagates_srem_of_the_member_popped(ctx) -> None:
    run(ctx, "SADD", "s", "a", "b")
    ctx.propagated.clear()
    popped = run(ctx, "SPOP", "s")
    assert popped in (b"a", b"b")
    assert ctx.propagated == [(0, [b"SREM", b"s", popped])]
    run(ctx, "SPOP", "s")
    assert ctx.db.lookup(b"s") is None
    assert run(ctx, "SPOP", "s") is None
    assert [e[1] for e in ctx.events][-3:] == [b"spop", b"spop", b"del"]


def test_spop_with_count_pops_distinct_members_and_propagates_srem(ctx) -> None:
    run(ctx, "SADD", "s", *[f"m{n}" for n in range(20)])
    ctx.propagated.clear()
    popped = run(ctx, "SPOP", "s", 3)
    assert type(popped) is RespSet and len(set(popped.items)) == 3
    assert ctx.propagated == [(0, [b"SREM", b"s", *popped.items])]
    assert run(ctx, "SCARD", "s") == 17


def test_spop_with_most_of_the_set_keeps_the_rest(ctx) -> None:
    run(ctx, "SADD", "s", *[str(n) for n in range(10)])
    ctx.propagated.clear()
    popped = run(ctx, "SPOP", "s", 9).items
    remaining = run(ctx, "SMEMBERS", "s").items
    assert len(remaining) == 1 and set(popped) | set(remaining) == {str(n).encode() for n in range(10)}
    assert ctx.propagated == [(0, [b"SREM", b"s", *popped])]


def test_spop_with_a_count_covering_the_set_deletes_it_and_propagates_del(ctx) -> None:
    run(ctx, "SADD", "s", "3", "1", "2")
    ctx.propagated.clear()
    ctx.events.clear()
    assert run(ctx, "SPOP", "s", 5) == RespSet([b"1", b"2", b"3"])
    assert ctx.db.lookup(b"s") is None
    assert ctx.propagated == [(0, [b"DEL", b"s"])]
    assert [e[1] for e in ctx.events] == [b"spop", b"del"]


@pytest.mark.parametrize(
    "argv, reply",
    [
        (["SPOP", "s", "0"], RespSet([])),
        (["SPOP", "missing", "2"], RespSet([])),
        (["SPOP", "s", "-1"], ErrorReply("ERR value is out of range, must be positive")),
        (["SPOP", "s", "x"], ErrorReply("ERR value is out of range, must be positive")),
        (["SPOP", "s", "1", "2"], SYNTAX),
        (["SRANDMEMBER", "s", "0"], []),
        (["SRANDMEMBER", "missing", "3"], []),
        (["SRANDMEMBER", "missing"], None),
        (["SRANDMEMBER", "s", "x"], ErrorReply("ERR value is not an integer or out of range")),
        (["SRANDMEMBER", "s", "-9223372036854775808"], ErrorReply(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")),
        (["SRANDMEMBER", "s", "1", "2"], SYNTAX),
        (["SRANDMEMBER", "s", "10"], [b"1", b"2", b"3"]),
    ],
)
def test_spop_and_srandmember_counts(ctx, argv, reply) -> None:
    run(ctx, "SADD", "s", "3", "1", "2")
    assert run(ctx, *argv) == reply


def test_srandmember_counts_sample_without_and_with_repetition(ctx) -> None:
    run(ctx, "SADD", "s", "a", "b", "c", "d")
    distinct = run(ctx, "SRANDMEMBER", "s", 3)
    assert len(set(distinct)) == 3 and set(distinct) <= members("a", "b", "c", "d")
    repeated = run(ctx, "SRANDMEMBER", "s", -10)
    assert len(repeated) == 10 and set(repeated) <= members("a", "b", "c", "d")
    assert run(ctx, "SRANDMEMBER", "s") in members("a", "b", "c", "d")
    assert run(ctx, "SCARD", "s") == 4


def test_smove_moves_and_creates_and_deletes(ctx) -> None:
    run(ctx, "SADD", "src", "a")
    assert run(ctx, "SMOVE", "src", "dst", "a") == 1
    assert ctx.db.lookup(b"src") is None
    assert run(ctx, "SMEMBERS", "dst") == RespSet([b"a"])
    assert run(ctx, "SMOVE", "src", "dst", "a") == 0
    assert run(ctx, "SMOVE", "dst", "dst", "a") == 1
    assert run(ctx, "SMOVE", "dst", "dst", "z") == 0
    assert run(ctx, "SMOVE", "dst", "other", "z") == 0
    assert [e[1] for e in ctx.events] == [b"sadd", b"srem", b"del", b"sadd"]


def test_smove_of_a_member_already_in_the_destination_still_removes_it(ctx) -> None:
    run(ctx, "SADD", "src", "a", "b")
    run(ctx, "SADD", "dst", "a")
    assert run(ctx, "SMOVE", "src", "dst", "a") == 1
    assert run(ctx, "SCARD", "src") == 1 and run(ctx, "SCARD", "dst") == 1


def test_smove_of_a_missing_source_does_not_check_the_destination_type(ctx) -> None:
    run(ctx, "SET", "str", "x")
    assert run(ctx, "SMOVE", "missing", "str", "a") == 0


@pytest.mark.parametrize(
    "argv, reply",
    [
        (["SINTER", "a", "b"], RespSet([b"2", b"3"])),
        (["SINTER", "a", "missing"], RespSet([])),
        (["SUNION", "a", "b", "missing"], RespSet([b"1", b"2", b"3", b"4"])),
        (["SDIFF", "a", "b"], RespSet([b"1"])),
        (["SDIFF", "missing", "a"], RespSet([])),
        (["SDIFF", "a", "missing"], RespSet([b"1", b"2", b"3"])),
        (["SINTERCARD", "2", "a", "b"], 2),
        (["SINTERCARD", "2", "a", "b", "LIMIT", "1"], 1),
        (["SINTERCARD", "2", "a", "b", "limit", "0"], 2),
        (["SINTERCARD", "2", "a", "b", "LIMIT", "1", "LIMIT", "5"], 2),
        (["SINTERCARD", "1", "missing"], 0),
        (["SINTERCARD", "0", "a"], ErrorReply("ERR numkeys should be greater than 0")),
        (["SINTERCARD", "x", "a"], ErrorReply("ERR numkeys should be greater than 0")),
        (["SINTERCARD", "3", "a", "b"],
         ErrorReply("ERR Number of keys can't be greater than number of args")),
        (["SINTERCARD", "2", "a", "b", "LIMIT", "-1"], ErrorReply("ERR LIMIT can't be negative")),
        (["SINTERCARD", "2", "a", "b", "LIMIT", "x"], ErrorReply("ERR LIMIT can't be negative")),
        (["SINTERCARD", "2", "a", "b", "LIMIT"], SYNTAX),
        (["SINTERCARD", "2", "a", "b", "FOO"], SYNTAX),
    ],
)
def test_set_algebra(ctx, argv, reply) -> None:
    run(ctx, "SADD", "a", "1", "2", "3")
    run(ctx, "SADD", "b", "2", "3", "4")
    assert run(ctx, *argv) == reply


def test_store_variants_replace_the_destination_and_its_ttl(ctx) -> None:
    run(ctx, "SADD", "a", "1", "2", "x")
    run(ctx, "SADD", "b", "2", "x")
    run(ctx, "SET", "d", "old")
    ctx.db.set_expire(b"d", NOW + 10_000)
    assert run(ctx, "SINTERSTORE", "d", "a", "b") == 2
    assert ctx.db.get_expire(b"d") is None
    assert set(run(ctx, "SMEMBERS", "d").items) == members("2", "x")
    assert run(ctx, "SDIFFSTORE", "d", "a", "b") == 1
    assert run(ctx, "SMEMBERS", "d") == RespSet([b"1"])
    assert run(ctx, "OBJECT", "ENCODING", "d") == b"intset"
    assert run(ctx, "SUNIONSTORE", "d", "a", "b") == 3
    events = [e[1] for e in ctx.events if e[3] == b"d"]
    assert events == [b"set", b"sinterstore", b"sdiffstore", b"sunionstore"]


def test_store_of_an_empty_result_deletes_the_destination(ctx) -> None:
    run(ctx, "SADD", "a", "1")
    run(ctx, "SADD", "d", "x")
    ctx.propagated.clear()
    assert run(ctx, "SINTERSTORE", "d", "a", "missing") == 0
    assert ctx.db.lookup(b"d") is None
    assert ctx.propagated == [(0, [b"SINTERSTORE", b"d", b"a", b"missing"])]
    assert run(ctx, "SDIFFSTORE", "d", "a", "a") == 0
    assert ctx.propagated == [(0, [b"SINTERSTORE", b"d", b"a", b"missing"])]


def test_store_builds_a_fresh_encoding(ctx) -> None:
    run(ctx, "SADD", "h", "a", "1", "2")
    run(ctx, "SREM", "h", "a")
    assert ctx.db.lookup(b"h").encoding() == b"hashtable"
    run(ctx, "SUNIONSTORE", "d", "h")
    assert ctx.db.lookup(b"d").encoding() == b"intset"


def test_sscan_returns_an_intset_whole_with_a_zero_cursor(ctx) -> None:
    run(ctx, "SADD", "s", *[str(n) for n in range(30, 0, -1)])
    cursor, found = run(ctx, "SSCAN", "s", "0", "COUNT", "2")
    assert cursor == b"0" and found == [str(n).encode() for n in range(1, 31)]
    assert run(ctx, "SSCAN", "s", "0", "MATCH", "1*") == [
        b"0", [b"1", b"10", b"11", b"12", b"13", b"14", b"15", b"16", b"17", b"18", b"19"]]


def test_sscan_walks_a_hashtable_set_with_cursors(ctx) -> None:
    names = [f"m{n}" for n in range(100)]
    run(ctx, "SADD", "s", *names)
    seen: list[bytes] = []
    cursor = b"0"
    while True:
        cursor, found = run(ctx, "SSCAN", "s", cursor, "COUNT", "7")
        seen.extend(found)
        if cursor == b"0":
            break
    assert sorted(seen) == sorted(n.encode() for n in names)


@pytest.mark.parametrize(
    "argv, reply",
    [
        (["SSCAN", "missing", "0", "COUNT", "0"], [b"0", []]),
        (["SSCAN", "missing", "x"], ErrorReply("ERR invalid cursor")),
        (["SSCAN", "s", "0", "COUNT", "0"], SYNTAX),
        (["SSCAN", "s", "0", "TYPE", "string"], SYNTAX),
        (["SSCAN", "s", "0", "NOVALUES"], SYNTAX),
    ],
)
def test_sscan_argument_errors(ctx, argv, reply) -> None:
    run(ctx, "SADD", "s", "1")
    assert run(ctx, *argv) == reply


def test_object_encoding_of_sets(ctx) -> None:
    run(ctx, "SADD", "i", "1", "2")
    run(ctx, "SADD", "h", "1", "a")
    assert run(ctx, "OBJECT", "ENCODING", "i") == b"intset"
    assert run(ctx, "OBJECT", "ENCODING", "h") == b"hashtable"


def test_set_max_intset_entries_comes_from_the_context(ctx) -> None:
    ctx.extra["set-max-intset-entries"] = 2
    run(ctx, "SADD", "s", "1", "2")
    assert ctx.db.lookup(b"s").encoding() == b"intset"
    run(ctx, "SADD", "s", "3")
    assert ctx.db.lookup(b"s").encoding() == b"hashtable"


class SetCommandsMachine(RuleBasedStateMachine):
    """The family against a dict of Python sets."""

    def __init__(self) -> None:
        super().__init__()
        self.ctx = make_context()
        self.model: dict[bytes, set[bytes]] = {}

    key = st.sampled_from([b"k1", b"k2", b"k3"])
    member = st.sampled_from([b"1", b"2", b"3", b"a", b"b", b"-4"])

    def check_empty_deleted(self, key: bytes) -> None:
        if not self.model.get(key):
            self.model.pop(key, None)

    @rule(key=key, items=st.lists(member, min_size=1, max_size=4))
    def sadd(self, key: bytes, items: list[bytes]) -> None:
        expected = len(set(items) - self.model.get(key, set()))
        assert run(self.ctx, b"SADD", key, *items) == expected
        self.model.setdefault(key, set()).update(items)

    @rule(key=key, items=st.lists(member, min_size=1, max_size=4))
    def srem(self, key: bytes, items: list[bytes]) -> None:
        current = self.model.get(key, set())
        assert run(self.ctx, b"SREM", key, *items) == len(current & set(items))
        current -= set(items)
        self.check_empty_deleted(key)

    @rule(key=key, count=st.integers(0, 4))
    def spop(self, key: bytes, count: int) -> None:
        popped = run(self.ctx, b"SPOP", key, count).items
        assert set(popped) <= self.model.get(key, set())
        assert len(popped) == min(count, len(self.model.get(key, set())))
        self.model.get(key, set()).difference_update(popped)
        self.check_empty_deleted(key)

    @rule(source=key, destination=key, item=member)
    def smove(self, source: bytes, destination: bytes, item: bytes) -> None:
        moved = item in self.model.get(source, set())
        assert run(self.ctx, b"SMOVE", source, destination, item) == int(moved)
        if moved and source != destination:
            self.model[source].discard(item)
            self.model.setdefault(destination, set()).add(item)
            self.check_empty_deleted(source)

    @rule(destination=key, sources=st.lists(key, min_size=1, max_size=3),
          op=st.sampled_from(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]))
    def store(self, destination: bytes, sources: list[bytes], op: str) -> None:
        sets = [self.model.get(source, set()) for source in sources]
        if op == "SINTERSTORE":
            result = set.intersection(*sets)
        elif op == "SUNIONSTORE":
            result = set.union(*sets)
        else:
            result = sets[0].difference(*sets[1:])
        assert run(self.ctx, op, destination, *sources) == len(result)
        self.model[destination] = set(result)
        self.check_empty_deleted(destination)

    @rule(keys=st.lists(key, min_size=1, max_size=3), limit=st.integers(0, 3))
    def sintercard(self, keys: list[bytes], limit: int) -> None:
        size = len(set.intersection(*[self.model.get(k, set()) for k in keys]))
        expected = min(size, limit) if limit else size
        assert run(self.ctx, b"SINTERCARD", len(keys), *keys, b"LIMIT", limit) == expected

    @invariant()
    def keyspace_matches(self) -> None:
        for key in (b"k1", b"k2", b"k3"):
            value = self.ctx.db.lookup(key)
            if key in self.model:
                assert set(value) == self.model[key]
                if value.encoding() == b"intset":
                    assert would_be_intset(self.model[key])
                    assert run(self.ctx, b"SMEMBERS", key).items == sorted(value, key=int)
            else:
                assert value is None


TestSetCommandsMachine = SetCommandsMachine.TestCase
TestSetCommandsMachine.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
