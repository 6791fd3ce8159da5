"""List family handlers (actors/engine/families/list.py), synchronous."""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from protocol.resp.values import NULL_ARRAY, OK, ErrorReply

from actors.engine import dispatch
from actors.engine.blocking import BlockOn
from actors.engine.context import ExecContext
from actors.engine.keyspace import Keyspace
from actors.engine.types.quicklist import QuickList

dispatch.load_families()
NOW = 1_700_000_000_000
WRONGTYPE = ErrorReply("WRONGTYPE Operation against a key holding the wrong kind of value")
TIMEOUT_NOT_FLOAT = ErrorReply("ERR timeout is not a float or out of range")
TIMEOUT_NEGATIVE = ErrorReply("ERR timeout is negative")


def make_context() -> ExecContext:
    keyspace = Keyspace.create(16)
    keyspace.now_ms = NOW
    ctx = ExecContext(keyspace, keyspace.databases[0])
    ctx.notify_classes = "KEA"
    return ctx


def run(ctx: ExecContext, *args: bytes | str | int):
    argv = [a if isinstance(a, bytes) else str(a).encode() for a in args]
    return dispatch.execute(ctx, argv[0].decode().lower(), argv)


def elements(ctx: ExecContext, key: bytes = b"l") -> list[bytes] | None:
    value = ctx.db.lookup(key)
    return None if value is None else list(value)


@pytest.fixture
def ctx() -> ExecContext:
    return make_context()


# -- pushing and popping -------------------------------------------------------------
def test_lpush_prepends_each_element_in_turn(ctx) -> None:
    assert run(ctx, "LPUSH", "l", "a", "b", "c") == 3
    assert elements(ctx) == [b"c", b"b", b"a"]
    assert type(ctx.db.lookup(b"l")) is QuickList


def test_rpush_appends_and_keeps_the_ttl(ctx) -> None:
    run(ctx, "RPUSH", "l", "a")
    ctx.db.set_expire(b"l", NOW + 5000)
    assert run(ctx, "RPUSH", "l", "b", "c") == 3
    assert elements(ctx) == [b"a", b"b", b"c"]
    assert ctx.db.get_expire(b"l") == NOW + 5000


def test_pushx_writes_only_an_existing_list(ctx) -> None:
    assert run(ctx, "LPUSHX", "l", "a") == 0
    assert run(ctx, "RPUSHX", "l", "a") == 0
    assert ctx.db.lookup(b"l") is None
    assert ctx.propagated == [] and ctx.events == []
    run(ctx, "RPUSH", "l", "m")
    assert run(ctx, "LPUSHX", "l", "a") == 2
    assert run(ctx, "RPUSHX", "l", "z", "y") == 4
    assert elements(ctx) == [b"a", b"m", b"z", b"y"]


@pytest.mark.parametrize(
    "argv, reply",
    [
        (["LPOP", "l"], b"a"),
        (["RPOP", "l"], b"c"),
        (["LPOP", "l", 2], [b"a", b"b"]),
        (["RPOP", "l", 2], [b"c", b"b"]),
        (["LPOP", "l", 0], []),
        (["LPOP", "l", 10], [b"a", b"b", b"c"]),
        (["LPOP", "missing"], None),
        (["LPOP", "missing", 1], NULL_ARRAY),
        (["LPOP", "missing", 0], NULL_ARRAY),
        (["LPOP", "l", -1], ErrorReply("ERR value is out of range, must be positive")),
        (["LPOP", "l", "x"], ErrorReply("ERR value is out of range, must be positive")),
        (["LPOP", "l", 1, 2], ErrorReply("ERR wrong number of arguments for 'lpop' command")),
    ],
)
def test_pops_reply_as_redis_does(ctx, argv, reply) -> None:
    run(ctx, "RPUSH", "l", "a", "b", "c")
    assert run(ctx, *argv) == reply


def test_popping_the_last_element_deletes_the_key_with_a_del_event(ctx) -> None:
    run(ctx, "RPUSH", "l", "a")
    ctx.events.clear()
    assert run(ctx, "RPOP", "l") == b"a"
    assert ctx.db.lookup(b"l") is None
    assert ctx.events == [("l", b"rpop", 0, b"l"), ("g", b"del", 0, b"l")]


def test_write_commands_do_not_count_keyspace_hits_or_misses(ctx) -> None:
    run(ctx, "RPUSH", "l", "a")
    run(ctx, "LPOP", "l")
    run(ctx, "LPOP", "l")
    assert (ctx.keyspace.keyspace_hits, ctx.keyspace.keyspace_misses) == (0, 0)
    run(ctx, "LLEN", "l")
    assert ctx.keyspace.keyspace_misses == 1


# -- reading ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "argv, reply",
    [
        (["LLEN", "l"], 4),
        (["LLEN", "missing"], 0),
        (["LRANGE", "l", 0, -1], [b"a", b"b", b"c", b"a"]),
        (["LRANGE", "l", -2, 100], [b"c", b"a"]),
        (["LRANGE", "l", 3, 1], []),
        (["LRANGE", "missing", 0, -1], []),
        (["LRANGE", "missing", "x", 1], ErrorReply("ERR value is not an integer or out of range")),
        (["LINDEX", "l", -1], b"a"),
        (["LINDEX", "l", 4], None),
        (["LINDEX", "missing", "x"], None),
        (["LINDEX", "l", "x"], ErrorReply("ERR value is not an integer or out of range")),
        (["LPOS", "l", "a"], 0),
        (["LPOS", "l", "a", "RANK", -1], 3),
        (["LPOS", "l", "a", "COUNT", 0], [0, 3]),
        (["LPOS", "l", "a", "COUNT", 0, "MAXLEN", 1], [0]),
        (["LPOS", "l", "z"], None),
        (["LPOS", "l", "z", "COUNT", 1], []),
        (["LPOS", "missing", "a"], None),
        (["LPOS", "missing", "a", "COUNT", 0], []),
        (["LPOS", "l", "a", "RANK", -9223372036854775808], 3),
        (["LPOS", "l", "a", "RANK", 0], ErrorReply(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list")),
        (["LPOS", "l", "a", "COUNT", -1], ErrorReply("ERR COUNT can't be negative")),
        (["LPOS", "l", "a", "COUNT", "x"], ErrorReply("ERR COUNT can't be negative")),
        (["LPOS", "l", "a", "MAXLEN", -1], ErrorReply("ERR MAXLEN can't be negative")),
        (["LPOS", "l", "a", "RANK", "x"], ErrorReply("ERR value is not an integer or out of range")),
        (["LPOS", "l", "a", "RANK"], ErrorReply("ERR syntax error")),
        (["LPOS", "l", "a", "FOO", 1], ErrorReply("ERR syntax error")),
    ],
)
def test_reads_reply_as_redis_does(ctx, argv, reply) -> None:
    run(ctx, "RPUSH", "l", "a", "b", "c", "a")
    assert run(ctx, *argv) == reply


# -- changing in place -----------------------------------------------------------
@pytest.mark.parametrize(
    "argv, reply, after",
    [
        (["LSET", "l", 1, "x"], OK, [b"a", b"x", b"c"]),
        (["LSET", "l", -1, "x"], OK, [b"a", b"b", b"x"]),
        (["LSET", "l", 3, "x"], ErrorReply("ERR index out of range"), [b"a", b"b", b"c"]),
        (["LSET", "l", "x", "x"], ErrorReply("ERR value is not an integer or out of range"),
         [b"a", b"b", b"c"]),
        (["LSET", "missing", "x", "x"], ErrorReply("ERR no such key"), [b"a", b"b", b"c"]),
        (["LINSERT", "l", "BEFORE", "b", "x"], 4, [b"a", b"x", b"b", b"c"]),
        (["LINSERT", "l", "after", "c", "x"], 4, [b"a", b"b", b"c", b"x"]),
        (["LINSERT", "l", "BEFORE", "z", "x"], -1, [b"a", b"b", b"c"]),
        (["LINSERT", "missing", "BEFORE", "z", "x"], 0, [b"a", b"b", b"c"]),
        (["LINSERT", "l", "MIDDLE", "b", "x"], ErrorReply("ERR syntax error"), [b"a", b"b", b"c"]),
        (["LTRIM", "l", 1, -1], OK, [b"b", b"c"]),
        (["LTRIM", "l", -1, 100], OK, [b"c"]),
        (["LTRIM", "missing", 0, 1], OK, [b"a", b"b", b"c"]),
        (["LTRIM", "l", "x", 1], ErrorReply("ERR value is not an integer or out of range"),
         [b"a", b"b", b"c"]),
    ],
)
def test_in_place_changes(ctx, argv, reply, after) -> None:
    run(ctx, "RPUSH", "l", "a", "b", "c")
    assert run(ctx, *argv) == reply
    assert elements(ctx) == after


@pytest.mark.parametrize(
    "count, removed, after",
    [
        (0, 3, [b"b", b"c"]),
        (2, 2, [b"b", b"c", b"a"]),
        (-2, 2, [b"a", b"b", b"c"]),
        (-10, 3, [b"b", b"c"]),
    ],
)
def test_lrem_removes_from_the_head_the_tail_or_everywhere(ctx, count, removed, after) -> None:
    run(ctx, "RPUSH", "l", "a", "b", "a", "c", "a")
    assert run(ctx, "LREM", "l", count, "a") == removed
    assert elements(ctx) == after


def test_lrem_and_ltrim_that_empty_the_list_delete_the_key(ctx) -> None:
    run(ctx, "RPUSH", "l", "a", "a")
    assert run(ctx, "LREM", "l", 0, "a") == 2
    assert ctx.db.lookup(b"l") is None
    run(ctx, "RPUSH", "l", "a", "b")
    ctx.events.clear()
    assert run(ctx, "LTRIM", "l", 2, 1) == OK
    assert ctx.db.lookup(b"l") is None
    assert ctx.events == [("l", b"ltrim", 0, b"l"), ("g", b"del", 0, b"l")]


# -- moving ----------------------------------------------------------------------
def test_lmove_pops_one_end_and_pushes_the_other(ctx) -> None:
    run(ctx, "RPUSH", "src", "a", "b")
    run(ctx, "RPUSH", "dst", "x")
    assert run(ctx, "LMOVE", "src", "dst", "left", "RIGHT") == b"a"
    assert elements(ctx, b"src") == [b"b"]
    assert elements(ctx, b"dst") == [b"x", b"a"]
    ctx.events.clear()
    ctx.propagated.clear()
    assert run(ctx, "RPOPLPUSH", "src", "dst") == b"b"
    assert ctx.db.lookup(b"src") is None
    assert elements(ctx, b"dst") == [b"b", b"x", b"a"]
    assert ctx.events == [
        ("l", b"lpush", 0, b"dst"), ("l", b"rpop", 0, b"src"), ("g", b"del", 0, b"src")]
    assert ctx.propagated == [(0, [b"RPOPLPUSH", b"src", b"dst"])]


def test_lmove_onto_itself_rotates_and_keeps_a_single_element_list(ctx) -> None:
    run(ctx, "RPUSH", "l", "a", "b", "c")
    assert run(ctx, "LMOVE", "l", "l", "LEFT", "RIGHT") == b"a"
    assert elements(ctx) == [b"b", b"c", b"a"]
    run(ctx, "DEL", "l")
    run(ctx, "RPUSH", "l", "only")
    assert run(ctx, "LMOVE", "l", "l", "RIGHT", "LEFT") == b"only"
    assert elements(ctx) == [b"only"]


def test_lmove_from_a_missing_source_does_not_check_the_destination(ctx) -> None:
    ctx.db.store(b"s", b"string")
    assert run(ctx, "LMOVE", "missing", "s", "LEFT", "LEFT") is None
    run(ctx, "RPUSH", "l", "a")
    assert run(ctx, "LMOVE", "l", "s", "LEFT", "LEFT") == WRONGTYPE
    assert elements(ctx) == [b"a"]
    assert run(ctx, "LMOVE", "l", "d", "UP", "LEFT") == ErrorReply("ERR syntax error")


@pytest.mark.parametrize(
    "argv, reply",
    [
        (["LMPOP", 2, "missing", "l", "LEFT"], [b"l", [b"a"]]),
        (["LMPOP", 1, "l", "RIGHT", "COUNT", 2], [b"l", [b"c", b"b"]]),
        (["LMPOP", 1, "l", "left", "count", 10], [b"l", [b"a", b"b", b"c"]]),
        (["LMPOP", 1, "missing", "LEFT"], NULL_ARRAY),
        (["LMPOP", 0, "l", "LEFT"], ErrorReply("ERR numkeys should be greater than 0")),
        (["LMPOP", "x", "l", "LEFT"], ErrorReply("ERR numkeys should be greater than 0")),
        (["LMPOP", 2, "l", "LEFT"], ErrorReply("ERR syntax error")),
        (["LMPOP", 1, "l", "MIDDLE"], ErrorReply("ERR syntax error")),
        (["LMPOP", 1, "l", "LEFT", "COUNT", 0], ErrorReply("ERR count should be greater than 0")),
        (["LMPOP", 1, "l", "LEFT", "COUNT", 1, "COUNT", 2], ErrorReply("ERR syntax error")),
        (["LMPOP", 1, "l", "LEFT", "COUNT"], ErrorReply("ERR syntax error")),
    ],
)
def test_lmpop_replies_as_redis_does(ctx, argv, reply) -> None:
    run(ctx, "RPUSH", "l", "a", "b", "c")
    assert run(ctx, *argv) == reply


def test_lmpop_propagates_the_pop_that_happened(ctx) -> None:
    run(ctx, "RPUSH", "l", "a", "b")
    ctx.propagated.clear()
    run(ctx, "LMPOP", 2, "x", "l", "RIGHT", "COUNT", 5)
    assert ctx.propagated == [(0, [b"RPOP", b"l", b"2"])]


@pytest.mark.parametrize(
    "argv",
    [
        ["LPUSH", "s", "a"], ["RPUSHX", "s", "a"], ["LPOP", "s"], ["LLEN", "s"],
        ["LRANGE", "s", 0, 1], ["LINDEX", "s", 0], ["LSET", "s", 0, "a"],
        ["LINSERT", "s", "BEFORE", "a", "b"], ["LREM", "s", 0, "a"], ["LTRIM", "s", 0, 1],
        ["LPOS", "s", "a"], ["LMOVE", "s", "d", "LEFT", "LEFT"], ["RPOPLPUSH", "s", "d"],
        ["LMPOP", 1, "s", "LEFT"], ["BLPOP", "s", 0], ["BRPOP", "s", 0],
        ["BLMOVE", "s", "d", "LEFT", "LEFT", 0], ["BRPOPLPUSH", "s", "d", 0],
        ["BLMPOP", 0, 1, "s", "LEFT"],
    ],
)
def test_every_list_command_refuses_a_string(ctx, argv) -> None:
    ctx.db.store(b"s", b"string")
    assert run(ctx, *argv) == WRONGTYPE
    assert ctx.db.lookup(b"s") == b"string"


def test_string_commands_refuse_a_list(ctx) -> None:
    run(ctx, "RPUSH", "l", "a")
    assert run(ctx, "GET", "l") == WRONGTYPE
    assert run(ctx, "APPEND", "l", "x") == WRONGTYPE
    assert run(ctx, "INCR", "l") == WRONGTYPE


def test_object_encoding_and_type_of_a_list(ctx) -> None:
    run(ctx, "RPUSH", "l", "a")
    assert dispatch.execute(ctx, "object|encoding", [b"OBJECT", b"ENCODING", b"l"]) == b"quicklist"
    assert run(ctx, "TYPE", "l") == b"list"


# -- blocking --------------------------------------------------------------------
@pytest.mark.parametrize(
    "argv, keys, timeout_ms",
    [
        (["BLPOP", "a", "b", 0], (b"a", b"b"), 0),
        (["BRPOP", "a", "1.5"], (b"a",), 1500),
        (["BLMPOP", "0.25", 2, "a", "b", "LEFT", "COUNT", 3], (b"a", b"b"), 250),
        (["BLMOVE", "a", "d", "LEFT", "RIGHT", 2], (b"a",), 2000),
        (["BRPOPLPUSH", "a", "d", 0], (b"a",), 0),
    ],
)
def test_blocking_commands_with_nothing_to_serve_block_on_their_keys(ctx, argv, keys, timeout_ms) -> None:
    assert run(ctx, *argv) == BlockOn(keys, timeout_ms, NULL_ARRAY)
    assert ctx.propagated == []


@pytest.mark.parametrize(
    "argv, reply",
    [
        (["BLPOP", "a", "b", 0], NULL_ARRAY),
        (["BRPOP", "a", 0], NULL_ARRAY),
        (["BLMPOP", 0, 1, "a", "LEFT"], NULL_ARRAY),
        (["BLMOVE", "a", "d", "LEFT", "RIGHT", 0], None),
        (["BRPOPLPUSH", "a", "d", 0], None),
    ],
)
def test_blocking_commands_inside_multi_answer_their_timeout_reply_at_once(ctx, argv, reply) -> None:
    ctx.may_block = False
    assert run(ctx, *argv) == reply


@pytest.mark.parametrize(
    "blocking, plain",
    [
        (["BLPOP", "missing", "l", 0], None),
        (["BRPOP", "l", 0], None),
        (["BLMPOP", 0, 2, "missing", "l", "RIGHT", "COUNT", 2], ["LMPOP", 2, "missing", "l", "RIGHT", "COUNT", 2]),
        (["BLMOVE", "l", "d", "RIGHT", "LEFT", 0], ["LMOVE", "l", "d", "RIGHT", "LEFT"]),
        (["BRPOPLPUSH", "l", "d", 0], ["RPOPLPUSH", "l", "d"]),
    ],
)
def test_served_blocking_commands_reply_as_their_plain_twins(blocking, plain) -> None:
    served, direct = make_context(), make_context()
    for ctx in (served, direct):
        run(ctx, "RPUSH", "l", "a", "b", "c")
    reply = run(served, *blocking)
    if plain is None:
        side = "LPOP" if blocking[0] == "BLPOP" else "RPOP"
        assert reply == [b"l", run(direct, side, "l")]
    else:
        assert reply == run(direct, *plain)
    assert served.propagated == direct.propagated or plain is None
    assert elements(served) == elements(direct)


def test_blocking_pops_propagate_the_plain_pop(ctx) -> None:
    run(ctx, "RPUSH", "l", "a", "b", "c")
    ctx.propagated.clear()
    run(ctx, "BLPOP", "l", 0)
    run(ctx, "BRPOP", "l", 0)
    run(ctx, "BLMOVE", "l", "d", "left", "right", 0)
    assert ctx.propagated == [
        (0, [b"LPOP", b"l"]), (0, [b"RPOP", b"l"]),
        (0, [b"LMOVE", b"l", b"d", b"LEFT", b"RIGHT"])]


def test_a_blocked_command_is_served_when_re_run_after_a_push(ctx) -> None:
    argv = [b"BLPOP", b"a", b"0"]
    assert type(dispatch.execute(ctx, "blpop", argv)) is BlockOn
    ctx.db.blocked[b"a"] = object()
    run(ctx, "RPUSH", "a", "x")
    assert (0, b"a") in ctx.keyspace.ready_keys
    assert dispatch.execute(ctx, "blpop", argv) == [b"a", b"x"]
    assert ctx.db.lookup(b"a") is None


def test_blmove_pushing_to_a_waited_key_marks_it_ready(ctx) -> None:
    run(ctx, "RPUSH", "src", "x")
    ctx.db.blocked[b"dst"] = object()
    run(ctx, "BLMOVE", "src", "dst", "LEFT", "LEFT", 0)
    assert (0, b"dst") in ctx.keyspace.ready_keys


@pytest.mark.parametrize(
    "argv, reply",
    [
        (["BLPOP", "a", "abc"], TIMEOUT_NOT_FLOAT),
        (["BLPOP", "a", "-1"], TIMEOUT_NEGATIVE),
        (["BRPOP", "a", "-0.5"], TIMEOUT_NEGATIVE),
        (["BLMOVE", "a", "d", "LEFT", "LEFT", "x"], TIMEOUT_NOT_FLOAT),
        (["BLMOVE", "a", "d", "UP", "LEFT", "x"], ErrorReply("ERR syntax error")),
        (["BRPOPLPUSH", "a", "d", "-1"], TIMEOUT_NEGATIVE),
        (["BLMPOP", "x", 1, "a", "LEFT"], TIMEOUT_NOT_FLOAT),
        (["BLMPOP", "x", 0, "a", "LEFT"], ErrorReply("ERR numkeys should be greater than 0")),
        (["BLMPOP", "-1", 1, "a", "LEFT", "COUNT", 0], ErrorReply("ERR count should be greater than 0")),
    ],
)
def test_blocking_argument_errors_come_in_redis_order(ctx, argv, reply) -> None:
    assert run(ctx, *argv) == reply
    ctx.may_block = False
    assert run(ctx, *argv) == reply


# -- the family against a model --------------------------------------------------
KEYS = st.sampled_from([b"a", b"b"])
ELEMENTS = st.sampled_from([b"x", b"y", b"z"])


class ListFamilyMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.ctx = make_context()
        self.model: dict[bytes, list[bytes]] = {}

    def call(self, *argv: bytes | str | int):
        return run(self.ctx, *argv)

    @rule(key=KEYS, values=st.lists(ELEMENTS, min_size=1, max_size=3), left=st.booleans())
    def push(self, key, values, left) -> None:
        reply = self.call("LPUSH" if left else "RPUSH", key, *values)
        current = self.model.setdefault(key, [])
        for value in values:
            current.insert(0, value) if left else current.append(value)
        assert reply == len(current)

    @rule(key=KEYS, count=st.none() | st.integers(min_value=0, max_value=3), left=st.booleans())
    def pop(self, key, count, left) -> None:
        args = [] if count is None else [count]
        reply = self.call("LPOP" if left else "RPOP", key, *args)
        current = self.model.get(key)
        if current is None:
            assert reply == (None if count is None else NULL_ARRAY)
            return
        wanted = 1 if count is None else count
        taken = [current.pop(0) if left else current.pop() for _ in range(min(wanted, len(current)))]
        if not current:
            del self.model[key]
        assert reply == (taken[0] if count is None else taken)

    @rule(source=KEYS, destination=KEYS, left_from=st.booleans(), left_to=st.booleans())
    def lmove(self, source, destination, left_from, left_to) -> None:
        sides = ["LEFT" if left_from else "RIGHT", "LEFT" if left_to else "RIGHT"]
        reply = self.call("LMOVE", source, destination, *sides)
        current = self.model.get(source)
        if current is None:
            assert reply is None
            return
        element = current.pop(0) if left_from else current.pop()
        target = self.model.setdefault(destination, [])
        target.insert(0, element) if left_to else target.append(element)
        if not self.model[source]:
            del self.model[source]
        assert reply == element

    @rule(key=KEYS, count=st.integers(min_value=-2, max_value=2), value=ELEMENTS)
    def lrem(self, key, count, value) -> None:
        reply = self.call("LREM", key, count, value)
        current = self.model.get(key, [])
        positions = [i for i, v in enumerate(current) if v == value]
        if count < 0:
            positions = positions[::-1]
        chosen = set(positions[: abs(count)] if count else positions)
        assert reply == len(chosen)
        if key in self.model:
            self.model[key] = [v for i, v in enumerate(current) if i not in chosen]
            if not self.model[key]:
                del self.model[key]

    @rule(key=KEYS, start=st.integers(-4, 4), stop=st.integers(-4, 4))
    def ltrim(self, key, start, stop) -> None:
        assert self.call("LTRIM", key, start, stop) == OK
        if key in self.model:
            current = self.model[key]
            length = len(current)
            first = max(start + length if start < 0 else start, 0)
            last = stop + length if stop < 0 else stop
            self.model[key] = current[first : last + 1] if first <= last else []
            if not self.model[key]:
                del self.model[key]

    @rule(key=KEYS, index=st.integers(-4, 4), value=ELEMENTS)
    def lset(self, key, index, value) -> None:
        reply = self.call("LSET", key, index, value)
        current = self.model.get(key)
        if current is None:
            assert reply == ErrorReply("ERR no such key")
        elif -len(current) <= index < len(current):
            current[index] = value
            assert reply == OK
        else:
            assert reply == ErrorReply("ERR index out of range")

    @invariant()
    def lists_match(self) -> None:
        for key in (b"a", b"b"):
            assert self.call("LRANGE", key, 0, -1) == self.model.get(key, [])
            assert self.call("EXISTS", key) == (1 if key in self.model else 0)


TestListFamilyAgainstAModel = ListFamilyMachine.TestCase
TestListFamilyAgainstAModel.settings = settings(max_examples=100, stateful_step_count=30, deadline=None)


# Sequences checked against redis-server 7.0.15 with notify-keyspace-events KEA.
@pytest.mark.parametrize(
    "commands, events",
    [
        ([("RPUSH", "l", "a", "b"), ("LPOP", "l", "5")],
         [(b"rpush", b"l"), (b"lpop", b"l"), (b"del", b"l")]),
        ([("RPUSH", "l", "a"), ("LMOVE", "l", "d", "LEFT", "RIGHT")],
         [(b"rpush", b"l"), (b"rpush", b"d"), (b"lpop", b"l"), (b"del", b"l")]),
        ([("RPUSH", "l", "a", "b"), ("LSET", "l", "0", "x"), ("LINSERT", "l", "AFTER", "x", "y"),
          ("LREM", "l", "0", "zz"), ("LREM", "l", "1", "y"), ("LTRIM", "l", "0", "-1"),
          ("LTRIM", "l", "5", "1")],
         [(b"rpush", b"l"), (b"lset", b"l"), (b"linsert", b"l"), (b"lrem", b"l"),
          (b"ltrim", b"l"), (b"ltrim", b"l"), (b"del", b"l")]),
        ([("LPUSHX", "l", "a"), ("RPUSH", "l", "a"), ("BRPOP", "l", "0")],
         [(b"rpush", b"l"), (b"rpop", b"l"), (b"del", b"l")]),
    ],
)
def test_list_writes_raise_redis_keyspace_events(ctx, commands, events) -> None:
    for command in commands:
        run(ctx, *command)
    assert [(event, key) for _, event, _, key in ctx.events] == events
