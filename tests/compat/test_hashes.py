"""Hash commands, black-box against shardis and redis-server 7.0 alike.

Scripts run over a raw RESP2 socket (byte-exact replies and error texts);
replies whose order Redis leaves unspecified (HGETALL, HKEYS, HVALS,
HRANDFIELD, HSCAN of several fields) go through redis-py and are compared
as sets or dicts.
"""

from __future__ import annotations

import pytest
import redis

from tests.compat.test_strings import OK, SYNTAX, Err, arity, run_script

WRONGTYPE = Err("WRONGTYPE Operation against a key holding the wrong kind of value")
NOT_INTEGER = Err("ERR value is not an integer or out of range")
NOT_FLOAT = Err("ERR value is not a valid float")

SCRIPTS = {
    "hset_counts_new_fields_only": [
        ("HSET h a 1 b 2", 2), ("HSET h a 9 c 3", 1), ("HGET h a", b"9"), ("HLEN h", 3)],
    "hset_with_an_odd_pair_count_is_an_arity_error": [
        ("HSET h a 1 b", arity("hset")), ("HMSET h a", arity("hmset")), ("EXISTS h", 0)],
    "hmset_answers_ok": [("HMSET h a 1 b 2", OK), ("HMGET h a b", [b"1", b"2"])],
    "hsetnx_sets_only_a_new_field": [
        ("HSETNX h a 1", 1), ("HSETNX h a 2", 0), ("HGET h a", b"1")],
    "hget_of_a_missing_field_or_key_is_null": [
        ("HGET h a", None), ("HSET h a 1", 1), ("HGET h b", None)],
    "hmget_answers_null_for_missing_fields": [
        ("HMGET nokey a b", [None, None]), ("HSET h a 1", 1), ("HMGET h b a", [None, b"1"])],
    "hgetall_of_a_missing_key_is_empty": [("HGETALL h", []), ("HKEYS h", []), ("HVALS h", [])],
    "hgetall_of_one_field": [("HSET h a 1", 1), ("HGETALL h", [b"a", b"1"])],
    "hdel_deletes_fields_and_the_emptied_key": [
        ("HSET h a 1 b 2", 2), ("HDEL h a zz", 1), ("HDEL h a", 0), ("HDEL h b", 1),
        ("EXISTS h", 0), ("HDEL h b", 0)],
    "hexists_and_hstrlen": [
        ("HSET h a hello", 1), ("HEXISTS h a", 1), ("HEXISTS h b", 0), ("HEXISTS nokey a", 0),
        ("HSTRLEN h a", 5), ("HSTRLEN h b", 0), ("HSTRLEN nokey a", 0)],
    "hlen_of_a_missing_key_is_zero": [("HLEN h", 0)],
    "hincrby_counts_from_zero_and_keeps_integers": [
        ("HINCRBY h n 5", 5), ("HINCRBY h n -7", -2), ("HGET h n", b"-2")],
    "hincrby_refuses_bad_increments_and_values": [
        ("HINCRBY h n x", NOT_INTEGER), ("HINCRBY h n 1.5", NOT_INTEGER),
        ("HSET h s abc z -0 sp ' 1'", 3),
        ("HINCRBY h s 1", Err("ERR hash value is not an integer")),
        ("HINCRBY h z 1", Err("ERR hash value is not an integer")),
        ("HINCRBY h sp 1", Err("ERR hash value is not an integer"))],
    "hincrby_overflow_is_refused": [
        ("HSET h n 9223372036854775807", 1),
        ("HINCRBY h n 1", Err("ERR increment or decrement would overflow")),
        ("HSET h m -9223372036854775808", 1),
        ("HINCRBY h m -1", Err("ERR increment or decrement would overflow")),
        ("HINCRBY h m 0", -9223372036854775808)],
    "hincrbyfloat_adds_in_long_double": [
        ("HINCRBYFLOAT h f 10.5", b"10.5"), ("HINCRBYFLOAT h f 0.1", b"10.6"),
        ("HINCRBYFLOAT h f -10.6", b"0"), ("HSET h i 5", 1), ("HINCRBYFLOAT h i 1e2", b"105"),
        ("HINCRBYFLOAT h g 5.0e3", b"5000")],
    "hincrbyfloat_errors": [
        ("HINCRBYFLOAT h f abc", NOT_FLOAT), ("HINCRBYFLOAT h f nan", NOT_FLOAT),
        ("HINCRBYFLOAT h f inf", Err("ERR value is NaN or Infinity")),
        ("HSET h s abc i inf", 2),
        ("HINCRBYFLOAT h s 1", Err("ERR hash value is not a float")),
        ("HINCRBYFLOAT h i 1", Err("ERR increment would produce NaN or Infinity")),
        ("EXISTS nokey", 0)],
    "hrandfield_of_a_missing_key": [
        ("HRANDFIELD h", None), ("HRANDFIELD h 5", []), ("HRANDFIELD h -5 WITHVALUES", [])],
    "hrandfield_argument_errors": [
        ("HSET h a 1", 1),
        ("HRANDFIELD h x", NOT_INTEGER), ("HRANDFIELD h 1 x", SYNTAX),
        ("HRANDFIELD h 1 WITHVALUES x", SYNTAX),
        ("HRANDFIELD h -9223372036854775808", Err(
            "ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807")),
        ("HRANDFIELD h 4611686018427387904 WITHVALUES", Err("ERR value is out of range")),
        ("HRANDFIELD h 0", []), ("HRANDFIELD h 0 WITHVALUES", [])],
    "hrandfield_of_one_field": [
        ("HSET h a 1", 1), ("HRANDFIELD h", b"a"), ("HRANDFIELD h 3", [b"a"]),
        ("HRANDFIELD h -3", [b"a", b"a", b"a"]),
        ("HRANDFIELD h -2 WITHVALUES", [b"a", b"1", b"a", b"1"]),
        ("HRANDFIELD h 1 withvalues", [b"a", b"1"])],
    "hscan_errors_and_missing_key": [
        ("HSCAN h 0", [b"0", []]), ("HSET h a 1", 1), ("HSCAN h x", Err("ERR invalid cursor")),
        ("HSCAN h 0 COUNT 0", SYNTAX), ("HSCAN h 0 TYPE string", SYNTAX),
        ("HSCAN h 0 MATCH", SYNTAX), ("HSCAN h 0 MATCH a COUNT 1", [b"0", [b"a", b"1"]]),
        ("HSCAN h 0 MATCH b", [b"0", []])],
    "object_encoding_of_small_and_long_values": [
        ("HSET h a 1", 1), ("OBJECT ENCODING h", b"listpack"),
        ("HSET h b " + "x" * 64, 1), ("OBJECT ENCODING h", b"listpack"),
        ("HSET h c " + "x" * 65, 1), ("OBJECT ENCODING h", b"hashtable"),
        ("HDEL h c", 1), ("OBJECT ENCODING h", b"hashtable"),
        ("HINCRBY g " + "f" * 65 + " 1", 1), ("OBJECT ENCODING g", b"hashtable"),
        ("HINCRBYFLOAT e x 0x1p240", str(2**240).encode()), ("OBJECT ENCODING e", b"hashtable"),
        ("HSET d x 1", 1), ("HSETNX d x " + "y" * 65, 0), ("OBJECT ENCODING d", b"listpack")],
    "hash_commands_on_a_string_are_wrongtype": [
        ("SET k v", OK), ("HSET k a 1", WRONGTYPE), ("HGET k a", WRONGTYPE),
        ("HMGET k a", WRONGTYPE), ("HGETALL k", WRONGTYPE), ("HDEL k a", WRONGTYPE),
        ("HLEN k", WRONGTYPE), ("HEXISTS k a", WRONGTYPE), ("HSTRLEN k a", WRONGTYPE),
        ("HKEYS k", WRONGTYPE), ("HVALS k", WRONGTYPE), ("HSETNX k a 1", WRONGTYPE),
        ("HMSET k a 1", WRONGTYPE), ("HINCRBY k a 1", WRONGTYPE),
        ("HINCRBYFLOAT k a 1", WRONGTYPE), ("HRANDFIELD k", WRONGTYPE),
        ("HRANDFIELD k 0", WRONGTYPE), ("HSCAN k 0", WRONGTYPE)],
    "argument_errors_come_before_wrongtype": [
        ("SET k v", OK), ("HINCRBY k a x", NOT_INTEGER), ("HINCRBYFLOAT k a x", NOT_FLOAT),
        ("HRANDFIELD k x", NOT_INTEGER), ("HSCAN k x", Err("ERR invalid cursor"))],
    "string_commands_on_a_hash_are_wrongtype": [
        ("HSET h a 1", 1), ("GET h", WRONGTYPE), ("APPEND h x", WRONGTYPE),
        ("INCR h", WRONGTYPE), ("TYPE h", "hash")],
}


@pytest.mark.parametrize("script", SCRIPTS.values(), ids=SCRIPTS.keys())
def test_hash_script_gives_redis_replies(raw, script) -> None:
    run_script(raw, script)


def test_hgetall_hkeys_hvals_return_every_field(rp: redis.Redis) -> None:
    fields = {b"f%d" % i: b"v%d" % i for i in range(10)}
    rp.hset("h", mapping=fields)
    assert rp.hgetall("h") == fields
    assert set(rp.hkeys("h")) == set(fields)
    assert set(rp.hvals("h")) == set(fields.values())


def test_hgetall_of_a_large_hash(r: redis.Redis) -> None:
    fields = {b"f%d" % i: b"v%d" % i for i in range(600)}
    r.hset("h", mapping=fields)
    assert r.hgetall("h") == fields
    assert r.object("encoding", "h") == b"hashtable"
    r.hdel("h", *[b"f%d" % i for i in range(599)])
    assert r.object("encoding", "h") == b"hashtable"


@pytest.mark.parametrize("count", [513, 512])
def test_encoding_turns_hashtable_past_512_entries(r: redis.Redis, count: int) -> None:
    r.hset("h", mapping={b"f%d" % i: b"v" for i in range(count)})
    assert r.object("encoding", "h") == (b"hashtable" if count > 512 else b"listpack")


def test_hrandfield_positive_count_gives_distinct_fields(rp: redis.Redis) -> None:
    fields = {b"f%d" % i: b"%d" % i for i in range(20)}
    rp.hset("h", mapping=fields)
    picked = rp.hrandfield("h", 5)
    assert len(picked) == 5 and len(set(picked)) == 5 and set(picked) <= set(fields)
    assert sorted(rp.hrandfield("h", 50)) == sorted(fields)
    repeated = rp.hrandfield("h", -50)
    assert len(repeated) == 50 and set(repeated) <= set(fields)


def test_hrandfield_withvalues_is_flat_in_resp2(raw) -> None:
    from tests.compat.test_strings import execute

    execute(raw, "HSET", "h", "a", "1", "b", "2", "c", "3")
    reply = execute(raw, "HRANDFIELD", "h", -6, "WITHVALUES")
    assert len(reply) == 12
    values = {b"a": b"1", b"b": b"2", b"c": b"3"}
    assert all(values[field] == value for field, value in zip(reply[::2], reply[1::2]))


def test_hrandfield_withvalues_is_pairs_in_resp3(r3: redis.Redis) -> None:
    r3.hset("h", mapping={"a": "1", "b": "2", "c": "3"})
    values = {b"a": b"1", b"b": b"2", b"c": b"3"}
    for count in (2, 5, -4):
        reply = r3.execute_command("HRANDFIELD", "h", count, "WITHVALUES")
        assert len(reply) == (abs(count) if count < 0 else min(count, 3))
        assert all(len(pair) == 2 and values[pair[0]] == pair[1] for pair in reply)


def test_hgetall_is_a_map_in_resp3(r3: redis.Redis) -> None:
    r3.hset("h", mapping={"a": "1", "b": "2"})
    assert r3.execute_command("HGETALL", "h") == {b"a": b"1", b"b": b"2"}


def test_hscan_walks_a_large_hash_completely(rp: redis.Redis) -> None:
    fields = {b"f%d" % i: b"%d" % i for i in range(600)}
    rp.hset("h", mapping=fields)
    assert dict(rp.hscan_iter("h", count=37)) == fields
    matched = dict(rp.hscan_iter("h", match="f1*", count=50))
    assert matched == {f: v for f, v in fields.items() if f.startswith(b"f1")}


def test_hscan_returns_a_small_hash_in_one_call(r: redis.Redis) -> None:
    fields = {b"f%d" % i: b"%d" % i for i in range(30)}
    r.hset("h", mapping=fields)
    cursor, items = r.hscan("h", 0, count=2)
    assert cursor == 0 and items == fields


def test_a_renamed_and_copied_hash_keeps_its_fields(r: redis.Redis) -> None:
    r.hset("h", mapping={"a": "1", "b": "2"})
    r.rename("h", "g")
    r.copy("g", "c")
    r.hset("c", "a", "changed")
    assert r.hgetall("g") == {b"a": b"1", b"b": b"2"}
    assert r.hgetall("c") == {b"a": b"changed", b"b": b"2"}


def test_hash_in_multi_exec(r: redis.Redis) -> None:
    pipe = r.pipeline(transaction=True)
    pipe.hset("h", "a", "1").hincrby("h", "a", 2).hget("h", "a").hdel("h", "a").exists("h")
    assert pipe.execute() == [1, 3, b"3", 1, 0]
