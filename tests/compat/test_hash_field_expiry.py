"""Hash field expiry (Redis 7.4's HEXPIRE family), black-box against shardis.

The oracle here is redis-server 7.0, which has none of these commands, so
every test skips the redis target. Expiry is observed without sleeping:
absolute times in the past delete at once, and PXAT-style times far in the
future are read back exactly.
"""

from __future__ import annotations

import pytest
import redis

from tests.compat.test_strings import Err, arity, run_script

FAR = 32503680000  # year 3000, in seconds


@pytest.fixture(autouse=True)
def shardis_only(target: str) -> None:
    if target == "redis":
        pytest.skip("HEXPIRE and friends arrived in Redis 7.4; the oracle here is 7.0")


SCRIPTS = {
    "hexpire_sets_ttls_per_field": [
        ("HSET h a 1 b 2", 2), ("HEXPIRE h 100 FIELDS 3 a b zz", [1, 1, -2]),
        ("HTTL h FIELDS 2 a zz", [100, -2]), ("HPERSIST h FIELDS 3 a a zz", [1, -1, -2]),
        ("HTTL h FIELDS 2 a b", [-1, 100])],
    "absolute_times_read_back_exactly": [
        ("HSET h a 1", 1), (f"HPEXPIREAT h {FAR}123 FIELDS 1 a", [1]),
        ("HPEXPIRETIME h FIELDS 1 a", [FAR * 1000 + 123]),
        ("HEXPIRETIME h FIELDS 1 a", [FAR + 1]),
        (f"HEXPIREAT h {FAR} FIELDS 1 a", [1]), ("HEXPIRETIME h FIELDS 1 a", [FAR])],
    "a_time_in_the_past_deletes_the_field_and_then_the_key": [
        ("HSET h a 1 b 2", 2), ("HEXPIRE h 0 FIELDS 1 a", [2]), ("HGETALL h", [b"b", b"2"]),
        ("HPEXPIREAT h 1 FIELDS 1 b", [2]), ("EXISTS h", 0)],
    "conditions_nx_xx_gt_lt": [
        ("HSET h a 1", 1), ("HEXPIRE h 100 XX FIELDS 1 a", [0]),
        ("HEXPIRE h 100 GT FIELDS 1 a", [0]), ("HEXPIRE h 100 NX FIELDS 1 a", [1]),
        ("HEXPIRE h 50 NX FIELDS 1 a", [0]), ("HEXPIRE h 50 GT FIELDS 1 a", [0]),
        ("HEXPIRE h 200 GT FIELDS 1 a", [1]), ("HEXPIRE h 300 LT FIELDS 1 a", [0]),
        ("HEXPIRE h 10 lt FIELDS 1 a", [1]), ("HTTL h FIELDS 1 a", [10])],
    "missing_key_answers_minus_two_per_field": [
        ("HEXPIRE h 10 FIELDS 2 a b", [-2, -2]), ("HTTL h FIELDS 1 a", [-2]),
        ("HPERSIST h FIELDS 1 a", [-2]), ("EXISTS h", 0)],
    "argument_errors": [
        ("HSET h a 1", 1),
        ("HEXPIRE h 10 FIELDS 1", arity("hexpire")),
        ("HEXPIRE h x FIELDS 1 a", Err("ERR value is not an integer or out of range")),
        ("HEXPIRE h -1 FIELDS 1 a", Err("ERR invalid expire time, must be >= 0")),
        ("HEXPIRE h 10 FIELD 1 a",
         Err("ERR Mandatory argument FIELDS is missing or not at the right position")),
        ("HEXPIRE h 10 FIELDS 0 a", Err("ERR Parameter `numFields` should be greater than 0")),
        ("HEXPIRE h 10 FIELDS 2 a",
         Err("ERR The `numfields` parameter must match the number of arguments")),
        ("HEXPIRE h 100000000000000 FIELDS 1 a", Err("ERR invalid expire time in 'hexpire' command")),
        ("HTTL h FIELDS 0 a", Err("ERR Number of fields must be a positive integer")),
        ("HPERSIST h FIELDS x a", Err("ERR Number of fields must be a positive integer")),
        ("HTTL h", arity("httl"))],
    "field_expiry_on_a_string_is_wrongtype": [
        ("SET k v", "OK"),
        ("HEXPIRE k 10 FIELDS 1 a",
         Err("WRONGTYPE Operation against a key holding the wrong kind of value")),
        ("HTTL k FIELDS 1 a",
         Err("WRONGTYPE Operation against a key holding the wrong kind of value"))],
    "hset_clears_a_field_ttl_and_hincrby_keeps_it": [
        ("HSET h a 1 b 1", 2), ("HEXPIRE h 100 FIELDS 2 a b", [1, 1]),
        ("HSET h a 2", 0), ("HINCRBY h b 1", 2), ("HINCRBYFLOAT h b 1", b"3"),
        ("HTTL h FIELDS 2 a b", [-1, 100])],
    "object_encoding_of_a_hash_with_field_ttls": [
        ("HSET h a 1", 1), ("HEXPIRE h 100 FIELDS 1 a", [1]),
        ("OBJECT ENCODING h", b"listpackex")],
}


@pytest.mark.parametrize("script", SCRIPTS.values(), ids=SCRIPTS.keys())
def test_field_expiry_script(raw, script) -> None:
    run_script(raw, script)


def test_a_field_expires_and_the_last_one_takes_the_key(r: redis.Redis) -> None:
    r.hset("h", mapping={"a": "1", "b": "2"})
    assert r.execute_command("HPEXPIRE", "h", 1, "FIELDS", 1, "a") == [1]
    # wait without sleeping in the test body: poll the server's own clock
    for _ in range(1000):
        if r.hlen("h") == 1:
            break
    assert r.hgetall("h") == {b"b": b"2"}
    assert r.execute_command("HPEXPIRE", "h", 1, "FIELDS", 1, "b") == [1]
    for _ in range(1000):
        if not r.exists("h"):
            break
    assert r.exists("h") == 0


def test_a_renamed_hash_keeps_its_field_ttls(r: redis.Redis) -> None:
    r.hset("h", mapping={"a": "1"})
    r.execute_command("HEXPIREAT", "h", FAR, "FIELDS", 1, "a")
    r.rename("h", "g")
    assert r.execute_command("HEXPIRETIME", "g", "FIELDS", 1, "a") == [FAR]


def test_field_expiry_in_resp3(r3: redis.Redis) -> None:
    r3.hset("h", mapping={"a": "1"})
    assert r3.execute_command("HEXPIRE", "h", 100, "FIELDS", 1, "a") == [1]
    assert r3.execute_command("HTTL", "h", "FIELDS", 1, "a") == [100]


def test_command_info_describes_hexpire(raw) -> None:
    from tests.compat.test_strings import execute

    assert execute(raw, "COMMAND", "INFO", "hexpire")[0][:2] == [b"hexpire", -6]
    assert execute(raw, "COMMAND", "INFO", "httl")[0][:2] == [b"httl", -5]
