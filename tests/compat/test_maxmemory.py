"""maxmemory: eviction by policy, ``evicted`` events and -OOM, as redis-server 7.0.

``CONFIG SET maxmemory 1`` puts either server over the limit whatever it holds
(Redis counts its own baseline, shardis a fixed baseline, docs/memory.md), so
every test is exact: a policy that can evict empties its candidates, and then
a ``denyoom`` command gets -OOM. Each test restores ``maxmemory 0`` and
``noeviction`` (the servers are shared between tests) and compares INFO's
``evicted_keys`` before and after (it is cumulative).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis

from tests.servers import RunningServer

OOM = "command not allowed when used memory > 'maxmemory'."


@pytest.fixture
def limited(r: redis.Redis) -> Iterator[redis.Redis]:
    """``r``; maxmemory is turned off again after the test, however it ends."""
    try:
        yield r
    finally:
        r.config_set("maxmemory", 0)
        r.config_set("maxmemory-policy", "noeviction")


def evicted_keys(r: redis.Redis) -> int:
    return int(r.info("stats")["evicted_keys"])


def fill(r: redis.Redis) -> None:
    """Five plain keys and two with a TTL in db 0, one plain key in db 2."""
    for n in range(5):
        r.set(f"plain{n}", "v")
    r.set("ttl-near", "v", ex=100)
    r.set("ttl-far", "v", ex=1000)
    r.execute_command("MOVE", "plain4", "2")


def all_keys(r: redis.Redis) -> set[tuple[int, bytes]]:
    found = set()
    for db in (0, 2):
        r.execute_command("SELECT", db)
        found |= {(db, key) for key in r.keys()}
    r.execute_command("SELECT", 0)
    return found


def evicted_events(pubsub: Any, r: redis.Redis) -> set[tuple[int, bytes]]:
    """Every ``evicted`` event published before the marker."""
    r.publish("marker", "x")
    events = set()
    while True:
        message = pubsub.get_message(timeout=10)
        assert message is not None
        if message["channel"] == b"marker":
            return events
        if message["type"] == "pmessage":
            db = int(message["channel"].split(b"@")[1].split(b"__")[0])
            events.add((db, message["data"]))


def subscribe_to_evictions(r: redis.Redis) -> Any:
    r.config_set("notify-keyspace-events", "Ee")
    pubsub = r.pubsub()
    pubsub.psubscribe("__keyevent@*__:evicted")
    pubsub.subscribe("marker")
    assert [pubsub.get_message(timeout=10)["type"] for _ in range(2)] == ["psubscribe", "subscribe"]
    return pubsub


def test_noeviction_refuses_denyoom_commands_and_evicts_nothing(server: RunningServer, limited: redis.Redis) -> None:
    r = limited
    fill(r)
    before = evicted_keys(r)
    r.config_set("maxmemory", 1)
    with pytest.raises(redis.exceptions.OutOfMemoryError) as raised:
        r.set("new", "v")
    assert str(raised.value) == OOM
    with pytest.raises(redis.exceptions.OutOfMemoryError):
        r.lpush("list", "x")
    assert r.get("plain0") == b"v"  # reads run
    assert r.delete("plain1") == 1  # DEL is not denyoom
    assert r.expire("plain2", 100) is True
    assert all_keys(r) == {(0, b"plain0"), (0, b"plain2"), (0, b"plain3"), (0, b"ttl-near"), (0, b"ttl-far"), (2, b"plain4")}
    assert evicted_keys(r) == before
    r.config_set("maxmemory", 0)
    assert r.set("new", "v") is True


@pytest.mark.parametrize("policy", ["allkeys-random", "allkeys-lru", "allkeys-lfu"])
def test_allkeys_policies_evict_every_key_with_an_evicted_event_each(
    server: RunningServer, limited: redis.Redis, policy: str
) -> None:
    r = limited
    fill(r)
    everything = all_keys(r)
    before = evicted_keys(r)
    pubsub = subscribe_to_evictions(r)
    r.config_set("maxmemory-policy", policy)
    r.config_set("maxmemory", 1)
    with pytest.raises(redis.exceptions.OutOfMemoryError):
        r.set("new", "v")
    assert all_keys(r) == set()
    assert evicted_events(pubsub, r) == everything
    assert evicted_keys(r) - before == len(everything)
    pubsub.close()


@pytest.mark.parametrize("policy", ["volatile-random", "volatile-lru", "volatile-lfu", "volatile-ttl"])
def test_volatile_policies_evict_only_keys_with_a_ttl(
    server: RunningServer, limited: redis.Redis, policy: str
) -> None:
    r = limited
    fill(r)
    before = evicted_keys(r)
    pubsub = subscribe_to_evictions(r)
    r.config_set("maxmemory-policy", policy)
    r.config_set("maxmemory", 1)
    with pytest.raises(redis.exceptions.OutOfMemoryError):
        r.set("new", "v")
    assert all_keys(r) == {(0, b"plain0"), (0, b"plain1"), (0, b"plain2"), (0, b"plain3"), (2, b"plain4")}
    assert evicted_events(pubsub, r) == {(0, b"ttl-near"), (0, b"ttl-far")}
    assert evicted_keys(r) - before == 2
    pubsub.close()


def test_a_read_evicts_too_but_still_answers(server: RunningServer, limited: redis.Redis) -> None:
    r = limited
    r.set("k", "v")
    r.config_set("maxmemory-policy", "allkeys-random")
    r.config_set("maxmemory", 1)
    # Redis evicts before every command, not only before writes.
    assert r.get("k") is None
    assert r.dbsize() == 0


def test_commands_queued_in_multi_while_out_of_memory_abort_the_transaction(
    server: RunningServer, limited: redis.Redis
) -> None:
    r = limited
    r.set("k", "v")
    r.config_set("maxmemory", 1)
    r.get("k")  # the server has seen that it is over the limit
    pipe = r.pipeline(transaction=True)
    pipe.get("k")
    pipe.set("other", "v")
    with pytest.raises(redis.exceptions.OutOfMemoryError) as raised:
        pipe.execute()
    assert "command not allowed when used memory > 'maxmemory'" in str(raised.value)
    assert r.get("other") is None
    assert r.get("k") == b"v"


def test_multi_over_the_limit_answers_oom_per_command_then_execabort(server: RunningServer, raw: Any) -> None:
    with redis.Redis(host=server.host, port=server.port) as admin:
        admin.set("k", "v")
        admin.config_set("maxmemory", 1)
        try:
            admin.get("k")
            raw.send(b"MULTI\r\nGET k\r\nEXEC\r\n")
            expected = (
                b"+OK\r\n-OOM command not allowed when used memory > 'maxmemory'.\r\n"
                b"-EXECABORT Transaction discarded because of previous errors.\r\n"
            )
            assert raw.read_exactly(expected) == expected
        finally:
            admin.config_set("maxmemory", 0)


def test_info_reports_maxmemory_and_policy(server: RunningServer, limited: redis.Redis) -> None:
    r = limited
    r.config_set("maxmemory-policy", "volatile-ttl")
    r.config_set("maxmemory", "100mb")
    memory = r.info("memory")
    assert (memory["maxmemory"], memory["maxmemory_policy"]) == (100 * 1024 * 1024, "volatile-ttl")
    assert r.set("k", "v") is True  # well under 100mb
