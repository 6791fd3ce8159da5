"""DUMP and RESTORE: same replies and errors as Redis 7.0, and payloads that
travel between redis-server and shardis in both directions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from tests.servers import RunningServer, redis_server_path, start_server


def _fill(client: redis.Redis) -> None:
    client.set("string", "hello")
    client.set("int", "12345")
    client.set("long", "x" * 500)
    client.rpush("list", "a", "1", "b" * 100)
    client.sadd("intset", 1, 2, 3)
    client.sadd("set", "a", "b")
    client.zadd("zset", {"a": 1.5, "b": -2})
    client.zadd("bigzset", {f"m{i}": i for i in range(200)})
    client.hset("hash", mapping={"f": "v", "n": "1"})
    client.hset("bighash", mapping={f"f{i}": "v" * 80 for i in range(10)})


def _contents(client: redis.Redis, key: str) -> object:
    kind = client.type(key)
    if kind == b"string":
        return client.get(key)
    if kind == b"list":
        return client.lrange(key, 0, -1)
    if kind == b"set":
        return client.smembers(key)
    if kind == b"zset":
        return client.zrange(key, 0, -1, withscores=True)
    return client.hgetall(key)


KEYS = ["string", "int", "long", "list", "intset", "set", "zset", "bigzset", "hash", "bighash"]


def test_restore_of_a_dump_gives_the_same_value(r: redis.Redis) -> None:
    _fill(r)
    for key in KEYS:
        assert r.restore(f"{key}:copy", 0, r.dump(key)) == b"OK"
        assert _contents(r, f"{key}:copy") == _contents(r, key)


def test_dump_of_a_missing_key_is_nil(r: redis.Redis) -> None:
    assert r.dump("missing") is None


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ([], "BUSYKEY Target key name already exists."),
        (["REPLACE", "FREQ", "300"], "Invalid FREQ value, must be >= 0 and <= 255"),
        (["REPLACE", "IDLETIME", "-1"], "Invalid IDLETIME value, must be >= 0"),
        (["REPLACE", "IDLETIME", "1", "FREQ", "1"], "syntax error"),
        (["REPLACE", "BOGUS"], "syntax error"),
    ],
)
def test_restore_errors_match_redis(r: redis.Redis, extra: list[str], error: str) -> None:
    r.set("k", "v")
    payload = r.dump("k")
    with pytest.raises(redis.ResponseError, match=f"^{error}$"):
        r.execute_command("RESTORE", "k", 0, payload, *extra)


def test_restore_with_a_negative_ttl_or_a_bad_payload_fails(r: redis.Redis) -> None:
    r.set("k", "v")
    payload = r.dump("k")
    with pytest.raises(redis.ResponseError, match="^Invalid TTL value, must be >= 0$"):
        r.execute_command("RESTORE", "new", -1, payload)
    with pytest.raises(redis.ResponseError, match="^DUMP payload version or checksum are wrong$"):
        r.execute_command("RESTORE", "new", 0, payload[:-1] + b"\x00")


def test_restore_with_ttl_and_absttl(r: redis.Redis) -> None:
    r.set("k", "v")
    payload = r.dump("k")
    r.restore("relative", 100000, payload)
    assert 0 < r.pttl("relative") <= 100000
    r.restore("absolute", 4102444800000, payload, absttl=True)
    assert r.pexpiretime("absolute") == 4102444800000
    assert r.restore("past", 1, payload, absttl=True) == b"OK"
    assert r.exists("past") == 0


def test_restore_idletime_sets_the_idle_time(r: redis.Redis) -> None:
    r.set("k", "v")
    r.restore("idle", 0, r.dump("k"), idletime=1000)
    assert r.object("idletime", "idle") >= 1000


@pytest.fixture(scope="module")
def both() -> Iterator[tuple[RunningServer, RunningServer]]:
    if redis_server_path() is None:
        pytest.skip("redis-server is not installed")
    real = start_server("redis")
    ours = start_server("shardis", shards=2)
    yield real, ours
    real.stop()
    ours.stop()


def test_dumps_travel_from_redis_to_shardis_and_back(both: tuple[RunningServer, RunningServer]) -> None:
    real, ours = both
    with redis.Redis(port=real.port) as source, redis.Redis(port=ours.port) as target:
        source.flushall()
        target.flushall()
        _fill(source)
        for key in KEYS:
            target.restore(key, 0, source.dump(key))
            assert _contents(target, key) == _contents(source, key)
            source.restore(f"{key}:back", 0, target.dump(key))
            assert _contents(source, f"{key}:back") == _contents(source, key)
