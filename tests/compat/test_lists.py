"""List commands, black-box: exact replies and exact error texts.

Scripts of (command line, expected reply) run over a raw RESP2 socket; the
RESP3 differences (null arrays) are checked byte-exact over a raw socket
after HELLO 3. Keys carry no hash tag, so with several shards LMOVE,
RPOPLPUSH and LMPOP go through the coordinator.
"""

from __future__ import annotations

import threading

import pytest
import redis

from tests.compat.test_strings import NOT_INTEGER, OK, SYNTAX, Err, arity, execute, run_script

WRONGTYPE = Err("WRONGTYPE Operation against a key holding the wrong kind of value")
POP_COUNT = Err("ERR value is out of range, must be positive")
NUMKEYS = Err("ERR numkeys should be greater than 0")
MPOP_COUNT = Err("ERR count should be greater than 0")
RANK_ZERO = Err(
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
    "or use negative to start from the end of the list"
)
TIMEOUT_NOT_FLOAT = Err("ERR timeout is not a float or out of range")
TIMEOUT_NEGATIVE = Err("ERR timeout is negative")

PUSH_POP_CASES = {
    "lpush_prepends_each_element_in_turn": [
        ("LPUSH l a b c", 3), ("LRANGE l 0 -1", [b"c", b"b", b"a"])],
    "rpush_appends": [("RPUSH l a b", 2), ("RPUSH l c", 3), ("LRANGE l 0 -1", [b"a", b"b", b"c"])],
    "pushx_writes_only_an_existing_list": [
        ("LPUSHX l a", 0), ("RPUSHX l a", 0), ("EXISTS l", 0), ("RPUSH l m", 1),
        ("LPUSHX l a b", 3), ("RPUSHX l z", 4), ("LRANGE l 0 -1", [b"b", b"a", b"m", b"z"])],
    "push_keeps_the_ttl": [("RPUSH l a", 1), ("EXPIRE l 100", 1), ("LPUSH l b", 2), ("TTL l", 100)],
    "lpop_and_rpop_take_one_element": [
        ("RPUSH l a b c", 3), ("LPOP l", b"a"), ("RPOP l", b"c"), ("LLEN l", 1)],
    "pop_with_a_count_returns_an_array": [
        ("RPUSH l a b c d", 4), ("LPOP l 2", [b"a", b"b"]), ("RPOP l 1", [b"d"]),
        ("RPOP l 10", [b"c"]), ("EXISTS l", 0)],
    "pop_with_count_zero_is_an_empty_array": [("RPUSH l a", 1), ("LPOP l 0", []), ("LLEN l", 1)],
    "pop_of_a_missing_key_is_null_with_or_without_count": [
        ("LPOP l", None), ("RPOP l 2", None), ("LPOP l 0", None)],
    "pop_count_must_be_positive": [
        ("RPUSH l a", 1), ("LPOP l -1", POP_COUNT), ("RPOP l x", POP_COUNT),
        ("LPOP missing -1", POP_COUNT)],
    "pop_with_too_many_arguments_is_an_arity_error": [("LPOP l 1 2", arity("lpop"))],
    "popping_the_last_element_deletes_the_key": [
        ("RPUSH l a", 1), ("RPOP l", b"a"), ("EXISTS l", 0), ("TYPE l", "none")],
    "push_arity": [("LPUSH l", arity("lpush")), ("RPUSHX l", arity("rpushx"))],
}

READ_CASES = {
    "llen_counts_and_is_zero_for_a_missing_key": [
        ("RPUSH l a b", 2), ("LLEN l", 2), ("LLEN missing", 0)],
    "lrange_accepts_negative_and_out_of_range_indices": [
        ("RPUSH l a b c d", 4), ("LRANGE l 1 2", [b"b", b"c"]), ("LRANGE l -2 -1", [b"c", b"d"]),
        ("LRANGE l -100 100", [b"a", b"b", b"c", b"d"]), ("LRANGE l 2 1", []),
        ("LRANGE l 4 10", []), ("LRANGE l 0 -5", []), ("LRANGE missing 0 -1", [])],
    "lrange_parses_indices_before_the_key": [("LRANGE missing x 1", NOT_INTEGER)],
    "lindex_reads_one_position": [
        ("RPUSH l a b c", 3), ("LINDEX l 0", b"a"), ("LINDEX l -1", b"c"), ("LINDEX l 3", None),
        ("LINDEX l -4", None), ("LINDEX missing 0", None), ("LINDEX l x", NOT_INTEGER)],
    "lindex_looks_at_the_key_before_the_index": [("LINDEX missing x", None)],
    "lpos_finds_the_first_match": [
        ("RPUSH l a b c a b", 5), ("LPOS l b", 1), ("LPOS l z", None), ("LPOS missing a", None)],
    "lpos_rank_skips_matches_and_negative_rank_searches_from_the_tail": [
        ("RPUSH l a b c a b", 5), ("LPOS l b RANK 2", 4), ("LPOS l b RANK -1", 4),
        ("LPOS l b RANK -2", 1), ("LPOS l b RANK 3", None)],
    "lpos_count_returns_positions": [
        ("RPUSH l a b a a", 4), ("LPOS l a COUNT 2", [0, 2]), ("LPOS l a COUNT 0", [0, 2, 3]),
        ("LPOS l a COUNT 0 RANK -1", [3, 2, 0]), ("LPOS l z COUNT 1", []),
        ("LPOS missing a COUNT 1", [])],
    "lpos_maxlen_limits_the_elements_compared": [
        ("RPUSH l a b a a", 4), ("LPOS l a COUNT 0 MAXLEN 2", [0]),
        ("LPOS l a RANK -1 COUNT 0 MAXLEN 1", [3]), ("LPOS l b MAXLEN 1", None)],
    "lpos_errors": [
        ("RPUSH l a", 1), ("LPOS l a RANK 0", RANK_ZERO),
        ("LPOS l a COUNT -1", Err("ERR COUNT can't be negative")),
        ("LPOS l a COUNT x", Err("ERR COUNT can't be negative")),
        ("LPOS l a MAXLEN -1", Err("ERR MAXLEN can't be negative")),
        ("LPOS l a RANK x", NOT_INTEGER), ("LPOS l a RANK", SYNTAX), ("LPOS l a FOO 1", SYNTAX),
        ("LPOS l a COUNT -1 RANK 0", Err("ERR COUNT can't be negative"))],
}

WRITE_CASES = {
    "lset_replaces_an_element": [
        ("RPUSH l a b c", 3), ("LSET l 1 x", OK), ("LSET l -1 y", OK),
        ("LRANGE l 0 -1", [b"a", b"x", b"y"])],
    "lset_errors": [
        ("LSET missing 0 x", Err("ERR no such key")), ("LSET missing x x", Err("ERR no such key")),
        ("RPUSH l a", 1), ("LSET l 1 x", Err("ERR index out of range")),
        ("LSET l -2 x", Err("ERR index out of range")), ("LSET l x x", NOT_INTEGER)],
    "linsert_before_and_after_the_first_pivot": [
        ("RPUSH l a b a", 3), ("LINSERT l BEFORE a x", 4), ("LINSERT l after a y", 5),
        ("LRANGE l 0 -1", [b"x", b"a", b"y", b"b", b"a"])],
    "linsert_missing_pivot_and_missing_key": [
        ("LINSERT missing BEFORE a x", 0), ("RPUSH l a", 1), ("LINSERT l BEFORE z x", -1),
        ("LINSERT l MIDDLE a x", SYNTAX), ("LINSERT missing MIDDLE a x", SYNTAX)],
    "lrem_from_head_tail_or_everywhere": [
        ("RPUSH l a b a c a", 5), ("LREM l 1 a", 1), ("LRANGE l 0 -1", [b"b", b"a", b"c", b"a"]),
        ("LREM l -1 a", 1), ("LRANGE l 0 -1", [b"b", b"a", b"c"]), ("RPUSH l a", 4),
        ("LREM l 0 a", 2), ("LRANGE l 0 -1", [b"b", b"c"]), ("LREM l 0 z", 0),
        ("LREM missing 0 a", 0), ("LREM l x a", NOT_INTEGER)],
    "lrem_of_every_element_deletes_the_key": [("RPUSH l a a", 2), ("LREM l 0 a", 2), ("EXISTS l", 0)],
    "ltrim_keeps_a_range": [
        ("RPUSH l a b c d e", 5), ("LTRIM l 1 -2", OK), ("LRANGE l 0 -1", [b"b", b"c", b"d"]),
        ("LTRIM l -100 100", OK), ("LLEN l", 3), ("LTRIM l -1 -1", OK), ("LRANGE l 0 -1", [b"d"])],
    "ltrim_to_an_empty_range_deletes_the_key": [
        ("RPUSH l a b", 2), ("LTRIM l 2 1", OK), ("EXISTS l", 0), ("LTRIM missing 0 1", OK),
        ("LTRIM missing x 1", NOT_INTEGER)],
}

MOVE_CASES = {
    "lmove_between_lists": [
        ("RPUSH src a b c", 3), ("RPUSH dst x", 1), ("LMOVE src dst LEFT RIGHT", b"a"),
        ("LMOVE src dst right left", b"c"), ("LRANGE src 0 -1", [b"b"]),
        ("LRANGE dst 0 -1", [b"c", b"x", b"a"])],
    "lmove_creates_the_destination_and_deletes_an_emptied_source": [
        ("RPUSH src a", 1), ("LMOVE src dst LEFT LEFT", b"a"), ("EXISTS src", 0),
        ("LRANGE dst 0 -1", [b"a"])],
    "lmove_onto_the_same_list_rotates": [
        ("RPUSH l a b c", 3), ("LMOVE l l LEFT RIGHT", b"a"), ("LRANGE l 0 -1", [b"b", b"c", b"a"]),
        ("LMOVE l l RIGHT LEFT", b"a"), ("LRANGE l 0 -1", [b"a", b"b", b"c"]),
        ("LMOVE l l LEFT LEFT", b"a"), ("LRANGE l 0 -1", [b"a", b"b", b"c"])],
    "lmove_onto_itself_keeps_a_single_element_list": [
        ("RPUSH l a", 1), ("LMOVE l l RIGHT RIGHT", b"a"), ("LRANGE l 0 -1", [b"a"])],
    "lmove_from_a_missing_source_is_null_and_ignores_the_destination_type": [
        ("SET s v", OK), ("LMOVE missing s LEFT LEFT", None), ("RPOPLPUSH missing s", None)],
    "lmove_to_a_string_is_wrongtype_and_pops_nothing": [
        ("SET s v", OK), ("RPUSH l a", 1), ("LMOVE l s LEFT LEFT", WRONGTYPE),
        ("RPOPLPUSH l s", WRONGTYPE), ("LRANGE l 0 -1", [b"a"])],
    "lmove_side_must_be_left_or_right": [
        ("RPUSH l a", 1), ("LMOVE l d UP LEFT", SYNTAX), ("LMOVE l d LEFT DOWN", SYNTAX)],
    "rpoplpush_moves_the_tail_to_the_head": [
        ("RPUSH src a b", 2), ("RPUSH dst x", 1), ("RPOPLPUSH src dst", b"b"),
        ("RPOPLPUSH src src", b"a"), ("LRANGE dst 0 -1", [b"b", b"x"])],
    "lmpop_pops_from_the_first_non_empty_list": [
        ("RPUSH b x y z", 3), ("LMPOP 2 a b LEFT", [b"b", [b"x"]]),
        ("LMPOP 2 a b RIGHT COUNT 5", [b"b", [b"z", b"y"]]), ("EXISTS b", 0),
        ("LMPOP 2 a b LEFT", None)],
    "lmpop_errors": [
        ("LMPOP 0 a LEFT", NUMKEYS), ("LMPOP -1 a LEFT", NUMKEYS), ("LMPOP x a LEFT", NUMKEYS),
        ("LMPOP 2 a LEFT", SYNTAX), ("LMPOP 99999999999999 a LEFT", SYNTAX),
        ("LMPOP 1 a MIDDLE", SYNTAX), ("LMPOP 1 a LEFT COUNT 0", MPOP_COUNT),
        ("LMPOP 1 a LEFT COUNT x", MPOP_COUNT), ("LMPOP 1 a LEFT COUNT 1 COUNT 2", SYNTAX),
        ("LMPOP 1 a LEFT COUNT", SYNTAX), ("LMPOP 1 a LEFT FOO", SYNTAX), ("LMPOP 1 a", arity("lmpop"))],
    "lmpop_stops_at_a_wrong_type_before_any_list": [
        ("SET s v", OK), ("RPUSH l a", 1), ("LMPOP 2 s l LEFT", WRONGTYPE),
        ("LMPOP 2 l s LEFT", [b"l", [b"a"]])],
}

BLOCKING_CASES = {
    "blocking_pops_serve_at_once_like_their_plain_twins": [
        ("RPUSH l a b c d e", 5), ("BLPOP missing l 0", [b"l", b"a"]), ("BRPOP l 1", [b"l", b"e"]),
        ("BLMPOP 0 2 missing l RIGHT COUNT 2", [b"l", [b"d", b"c"]]),
        ("BLMOVE l d LEFT RIGHT 0", b"b"), ("EXISTS l", 0),
        ("BRPOPLPUSH d d 0", b"b"), ("LRANGE d 0 -1", [b"b"])],
    "blocking_timeout_errors": [
        ("BLPOP l abc", TIMEOUT_NOT_FLOAT), ("BLPOP l -1", TIMEOUT_NEGATIVE),
        ("BRPOP l -0.5", TIMEOUT_NEGATIVE), ("BLMOVE l d LEFT LEFT x", TIMEOUT_NOT_FLOAT),
        ("BLMOVE l d UP LEFT x", SYNTAX), ("BRPOPLPUSH l d -1", TIMEOUT_NEGATIVE),
        ("BLMPOP x 1 l LEFT", TIMEOUT_NOT_FLOAT), ("BLMPOP x 0 l LEFT", NUMKEYS),
        ("BLMPOP -1 1 l LEFT COUNT 0", MPOP_COUNT)],
    "blocking_commands_on_a_string_are_wrongtype": [
        ("SET s v", OK), ("BLPOP s 0", WRONGTYPE), ("BRPOP missing s 0", WRONGTYPE),
        ("BLMOVE s d LEFT LEFT 0", WRONGTYPE), ("BRPOPLPUSH s d 0", WRONGTYPE),
        ("BLMPOP 0 1 s LEFT", WRONGTYPE)],
    "blocking_commands_time_out_with_a_null_array": [
        ("BLPOP l 0.01", None), ("BRPOP l 0.01", None), ("BLMPOP 0.01 1 l LEFT", None),
        ("BLMOVE l d LEFT LEFT 0.01", None), ("BRPOPLPUSH l d 0.01", None)],
}

WRONGTYPE_CASES = {
    "list_commands_refuse_a_string": [
        ("SET s v", OK), ("LPUSH s a", WRONGTYPE), ("RPUSHX s a", WRONGTYPE), ("LPOP s", WRONGTYPE),
        ("RPOP s 0", WRONGTYPE), ("LLEN s", WRONGTYPE), ("LRANGE s 0 1", WRONGTYPE),
        ("LINDEX s 0", WRONGTYPE), ("LSET s 0 a", WRONGTYPE), ("LINSERT s BEFORE a b", WRONGTYPE),
        ("LREM s 0 a", WRONGTYPE), ("LTRIM s 0 1", WRONGTYPE), ("LPOS s a", WRONGTYPE),
        ("LMPOP 1 s LEFT", WRONGTYPE), ("GET s", b"v")],
    "string_commands_refuse_a_list": [
        ("RPUSH l a", 1), ("GET l", WRONGTYPE), ("APPEND l x", WRONGTYPE), ("INCR l", WRONGTYPE),
        ("SETRANGE l 0 x", WRONGTYPE), ("STRLEN l", WRONGTYPE), ("TYPE l", "list")],
    "object_encoding_of_a_list_is_quicklist_in_7_0": [
        ("RPUSH l a", 1), ("OBJECT ENCODING l", b"quicklist")],
}

ALL_CASES = {
    **PUSH_POP_CASES, **READ_CASES, **WRITE_CASES, **MOVE_CASES, **BLOCKING_CASES,
    **WRONGTYPE_CASES,
}


@pytest.mark.parametrize("script", ALL_CASES.values(), ids=ALL_CASES.keys())
def test_list_script_gives_redis_replies(raw, script) -> None:
    run_script(raw, script)


@pytest.mark.parametrize(
    "line, resp2, resp3",
    [
        ("LPOP missing", b"$-1\r\n", b"_\r\n"),
        ("LPOP missing 1", b"*-1\r\n", b"_\r\n"),
        ("LPOP missing 0", b"*-1\r\n", b"_\r\n"),
        ("LPOP present 0", b"*0\r\n", b"*0\r\n"),
        ("LMPOP 1 missing LEFT", b"*-1\r\n", b"_\r\n"),
        ("LPOS missing a", b"$-1\r\n", b"_\r\n"),
        ("LPOS missing a COUNT 0", b"*0\r\n", b"*0\r\n"),
        ("LMOVE missing d LEFT LEFT", b"$-1\r\n", b"_\r\n"),
        ("BLPOP missing 0.01", b"*-1\r\n", b"_\r\n"),
        ("BLMOVE missing d LEFT LEFT 0.01", b"*-1\r\n", b"_\r\n"),
    ],
)
def test_null_replies_are_byte_exact_in_both_protocols(raw, line, resp2, resp3) -> None:
    execute(raw, "RPUSH", "present", "a")
    raw.send(_encode(line))
    assert raw.read_exactly(resp2) == resp2
    _switch_to_resp3(raw)
    raw.send(_encode(line))
    assert raw.read_exactly(resp3) == resp3


def _switch_to_resp3(raw) -> None:
    """HELLO 3, then skip its map by reading up to the PONG sent after it."""
    raw.send(_encode("HELLO 3") + _encode("PING"))
    while raw.read_line() != b"+PONG\r\n":
        pass


def _encode(line: str) -> bytes:
    args = [part.encode() for part in line.split()]
    return b"".join([b"*%d\r\n" % len(args)] + [b"$%d\r\n%s\r\n" % (len(a), a) for a in args])


def test_blocking_commands_inside_multi_do_not_block(rp: redis.Redis) -> None:
    with rp.pipeline(transaction=True) as pipe:
        pipe.blpop(["l"], 0)
        pipe.brpop(["l"], 0)
        pipe.blmove("l", "d", 0, "LEFT", "LEFT")
        pipe.brpoplpush("l", "d", 0)
        pipe.execute_command("BLMPOP", 0, 1, "l", "LEFT")
        assert pipe.execute() == [None, None, None, None, None]


def test_multi_exec_pops_like_outside(rp: redis.Redis) -> None:
    rp.rpush("l", "a", "b")
    with rp.pipeline(transaction=True) as pipe:
        pipe.blpop(["l"], 0)
        pipe.lmove("l", "d", "RIGHT", "LEFT")
        popped, moved = pipe.execute()
    assert (list(popped), moved) == ([b"l", b"a"], b"b")  # redis-py makes RESP2's a tuple
    assert rp.exists("l") == 0
    assert rp.lrange("d", 0, -1) == [b"b"]


def test_lmpop_and_blpop_through_redis_py_in_both_protocols(rp: redis.Redis) -> None:
    rp.rpush("l", "a", "b", "c")
    assert rp.lmpop(1, "l", direction="RIGHT", count=2) == [b"l", [b"c", b"b"]]
    assert rp.blpop(["missing", "l"], 0) in ([b"l", b"a"], (b"l", b"a"))
    assert rp.lpop("l", 0) is None  # the key is gone: a null array
    assert rp.lrange("l", 0, -1) == []


def test_a_blocked_blpop_is_served_by_a_later_push(server) -> None:
    with redis.Redis(host=server.host, port=server.port) as waiter, redis.Redis(
        host=server.host, port=server.port
    ) as pusher:
        replies: list = []
        thread = threading.Thread(target=lambda: replies.append(waiter.blpop(["q"], 5)))
        thread.start()
        _wait_for_blocked_client(pusher)
        pusher.rpush("q", "job")
        thread.join(10)
        assert replies in ([[b"q", b"job"]], [(b"q", b"job")])
        assert pusher.exists("q") == 0


def test_a_blocked_blmove_moves_the_pushed_element(server) -> None:
    with redis.Redis(host=server.host, port=server.port) as waiter, redis.Redis(
        host=server.host, port=server.port
    ) as pusher:
        replies: list = []
        thread = threading.Thread(
            target=lambda: replies.append(waiter.blmove("q", "done", 5, "LEFT", "RIGHT"))
        )
        thread.start()
        _wait_for_blocked_client(pusher)
        pusher.rpush("q", "job")
        thread.join(10)
        assert replies == [b"job"]
        assert pusher.lrange("done", 0, -1) == [b"job"]
        assert pusher.exists("q") == 0


def _wait_for_blocked_client(client: redis.Redis) -> None:
    for _ in range(500):
        if client.info("clients").get("blocked_clients", 0) >= 1:
            return
        threading.Event().wait(0.01)
    raise AssertionError("the waiter never blocked")


def test_large_list_range_reads_from_both_ends(r: redis.Redis) -> None:
    r.rpush("l", *range(1000))
    assert r.lrange("l", 0, 2) == [b"0", b"1", b"2"]
    assert r.lrange("l", -3, -1) == [b"997", b"998", b"999"]
    assert r.lindex("l", 500) == b"500"
    assert r.lpos("l", "999") == 999

