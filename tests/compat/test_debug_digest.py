"""DEBUG DIGEST and DIGEST-VALUE print Redis's fingerprint of the same data.

Every script runs on each target and the digest must equal the one
redis-server 7.0.15 printed for it (recorded below), which checks the whole
dataset — every type, TTL presence, database placement — in one comparison.
"""

from __future__ import annotations

import pytest
import redis

SCRIPTS = {
    "empty": [],
    "strings": [("SET", "a", "1"), ("SET", "b", "hello"), ("APPEND", "b", " world"), ("INCRBYFLOAT", "f", "1.5")],
    "ttl": [("SET", "t", "v", "EX", "100")],
    "list": [("RPUSH", "l", "x", "y", "z"), ("LPUSH", "l", "w")],
    "set": [("SADD", "s", "1", "2", "3"), ("SADD", "s2", "a", "b")],
    "zset": [("ZADD", "z", "1.1", "a", "2", "b", "-inf", "c")],
    "hash": [("HSET", "h", "f1", "v1", "f2", "v2")],
    "databases": [("SET", "k", "v"), ("SELECT", "3"), ("SET", "k", "v")],
}

# Printed by redis-server 7.0.15 for each script, from an empty dataset.
REDIS_DIGESTS = {
    "empty": b"0000000000000000000000000000000000000000",
    "strings": b"d7ceabcd0b0ec8a9bab68f5b509aed119106bc22",
    "ttl": b"5776412b4fddd411d82d35aa1897705a69d096bd",
    "list": b"c6aca607f056e0a03bd55b35832c5eafeb12ee0c",
    "set": b"21dc0189bd29c14a1db84e80aba0ef8c5f15d03b",
    "zset": b"ee3e1500d25313e6177b522b645d091e5a638763",
    "hash": b"2c3d033be06bb2b1d8c78bae1ceca92ba3e551ae",
    "databases": b"83a5c17d3e04e6621f33bed48e2ce6d0a74f73b6",
}


def run_script(client: redis.Redis, script: list[tuple[str, ...]]) -> None:
    for command in script:
        client.execute_command(*command)


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_dataset_digest_matches_redis(server, name: str) -> None:
    with redis.Redis(host=server.host, port=server.port, single_connection_client=True) as client:
        run_script(client, SCRIPTS[name])
        assert client.execute_command("DEBUG", "DIGEST") == REDIS_DIGESTS[name]


def test_digest_value_of_each_key_matches_redis(r: redis.Redis) -> None:
    run_script(r, SCRIPTS["zset"] + SCRIPTS["hash"] + SCRIPTS["list"])
    assert r.execute_command("DEBUG", "DIGEST-VALUE", "z", "h", "l", "missing") == [
        b"32e97b3c33cdb278f8135d919422c3c9f833b0d3",
        b"047cc60ea73a34cde6d08a2721a4a26d19ee6570",
        b"1f3ed20ad0e3600e0d45ec115cb4cdc68b1dd9af",
        b"0000000000000000000000000000000000000000",
    ]
