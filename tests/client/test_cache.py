"""Client-side caching: the cache's bookkeeping (synchronous), then CLIENT
TRACKING end to end against shardis and redis-server, in RESP3 (pushes on the
same connection) and RESP2 (a redirect connection)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import trio

from client import CacheConfig, Client, open_client
from client.cache import ClientCache
from tests.client.conftest import KINDS, require_redis, url
from tests.client.servers import RestartableServer
from actors.testing import RunningServer

GET_K = ("GET", "k")


# -- the cache itself ---------------------------------------------------------

def test_a_reply_is_stored_and_served_until_its_key_is_invalidated() -> None:
    cache = ClientCache(CacheConfig())
    key = cache.cache_key(GET_K)
    assert key == b"k"
    assert cache.lookup(key, GET_K, 0.0) == (False, None)
    cache.finish(key, GET_K, cache.begin(key), b"v", 0.0)
    assert cache.lookup(key, GET_K, 1.0) == (True, b"v")
    cache.on_invalidation_message([b"invalidate", [b"k"]])
    assert cache.lookup(key, GET_K, 2.0) == (False, None)
    assert (cache.hits, cache.misses) == (1, 2)


def test_an_invalidation_that_arrives_before_the_reply_keeps_the_reply_out() -> None:
    cache = ClientCache(CacheConfig())
    token = cache.begin(b"k")
    cache.on_invalidation_message([b"invalidate", [b"k"]])
    cache.finish(b"k", GET_K, token, b"stale", 0.0)
    assert cache.lookup(b"k", GET_K, 0.0) == (False, None)


def test_a_flush_while_a_read_is_in_flight_keeps_its_reply_out() -> None:
    cache = ClientCache(CacheConfig())
    token = cache.begin(b"k")
    cache.on_invalidation_message([b"invalidate", None])
    cache.finish(b"k", GET_K, token, b"stale", 0.0)
    assert cache.statistics().keys == 0


def test_a_resp2_invalidation_message_drops_the_keys() -> None:
    cache = ClientCache(CacheConfig())
    cache.finish(b"k", GET_K, cache.begin(b"k"), b"v", 0.0)
    assert cache.on_invalidation_message([b"message", b"__redis__:invalidate", [b"k"]])
    assert cache.statistics().keys == 0


def test_the_least_recently_used_key_is_evicted_beyond_max_keys() -> None:
    cache = ClientCache(CacheConfig(max_keys=2))
    for name in (b"a", b"b"):
        cache.finish(name, ("GET", name), cache.begin(name), name, 0.0)
    assert cache.lookup(b"a", ("GET", b"a"), 0.0)[0]
    cache.finish(b"c", ("GET", b"c"), cache.begin(b"c"), b"c", 0.0)
    assert not cache.lookup(b"b", ("GET", b"b"), 0.0)[0]
    assert cache.lookup(b"a", ("GET", b"a"), 0.0)[0]
    assert cache.statistics().evictions == 1


def test_an_entry_older_than_ttl_is_a_miss() -> None:
    cache = ClientCache(CacheConfig(ttl=1.0))
    cache.finish(b"k", GET_K, cache.begin(b"k"), b"v", 10.0)
    assert cache.lookup(b"k", GET_K, 10.5)[0]
    assert not cache.lookup(b"k", GET_K, 11.0)[0]


@pytest.mark.parametrize(
    ("args", "key"),
    [
        (("GET", "k"), b"k"),
        (("HGETALL", b"h"), b"h"),
        (("TTL", "k"), None),
        (("SRANDMEMBER", "s"), None),
        (("SET", "k", "v"), None),
        (("GET",), None),
    ],
)
def test_only_deterministic_single_key_reads_are_cacheable(args: tuple, key: bytes | None) -> None:
    assert ClientCache(CacheConfig()).cache_key(args) == key


def test_broadcast_mode_caches_only_keys_under_its_prefixes() -> None:
    config = CacheConfig(bcast_prefixes=["user:"])
    assert ClientCache(config).cache_key(("GET", "user:1")) == b"user:1"
    assert ClientCache(config).cache_key(("GET", "order:1")) is None
    assert config.tracking_args() == ["CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:"]


# -- against servers ----------------------------------------------------------

@pytest.fixture(params=[3, 2], ids=["resp3", "resp2"])
def protocol(request: pytest.FixtureRequest) -> int:
    return request.param


@pytest.fixture
async def cached(server: RunningServer, protocol: int) -> AsyncIterator[Client]:
    async with open_client(url(server), protocol=protocol, cache=CacheConfig()) as client:
        await client.flushall()
        yield client


@pytest.fixture
async def other(server: RunningServer) -> AsyncIterator[Client]:
    async with open_client(url(server)) as client:
        yield client


async def eventually(client: Client, args: tuple, expected: object) -> None:
    """Poll (generous deadline) until a read returns ``expected``: the server's
    invalidation travels on its own schedule."""
    with trio.fail_after(10):
        while await client.execute(*args) != expected:
            await trio.sleep(0.01)


async def test_a_repeated_read_is_served_from_the_cache(cached: Client) -> None:
    await cached.set("k", "v")
    assert await cached.get("k") == b"v"
    assert await cached.get("k") == b"v"
    stats = cached.cache_statistics()
    assert stats is not None
    assert (stats.hits, stats.misses, stats.keys) == (1, 1, 1)


async def test_another_clients_write_invalidates_the_cached_value(cached: Client, other: Client) -> None:
    await cached.hset("h", "f", "1")
    assert await cached.hget("h", "f") == b"1"
    await other.hset("h", "f", "2")
    await eventually(cached, ("HGET", "h", "f"), b"2")
    stats = cached.cache_statistics()
    assert stats is not None and stats.invalidations >= 1


async def test_the_clients_own_write_is_read_back_at_once(cached: Client) -> None:
    await cached.set("k", "1")
    assert await cached.get("k") == b"1"
    await cached.incr("k")
    assert await cached.get("k") == b"2"


async def test_another_clients_flushall_flushes_the_cache(cached: Client, other: Client) -> None:
    await cached.set("k", "1")
    assert await cached.get("k") == b"1"
    await other.flushall()
    await eventually(cached, GET_K, None)


async def test_a_decoding_client_decodes_cached_replies(server: RunningServer, protocol: int) -> None:
    async with open_client(url(server), protocol=protocol, decode=True, cache=CacheConfig()) as c:
        await c.set("k", "v")
        assert [await c.get("k"), await c.get("k")] == ["v", "v"]


async def test_broadcast_tracking_invalidates_keys_under_the_prefix(
    server: RunningServer, protocol: int, other: Client,
) -> None:
    config = CacheConfig(bcast_prefixes=["user:"])
    async with open_client(url(server), protocol=protocol, cache=config) as c:
        await c.mset({"user:1": "a", "order:1": "x"})
        await eventually(c, ("GET", "user:1"), b"a")
        await other.set("user:1", "b")
        await eventually(c, ("GET", "user:1"), b"b")
        before = c.cache_statistics()
        assert [await c.get("order:1"), await c.get("order:1")] == [b"x", b"x"]
        after = c.cache_statistics()
        assert before is not None and after is not None
        assert (after.misses - before.misses, after.hits - before.hits) == (0, 0)  # not through the cache


@pytest.fixture(params=KINDS)
def restartable(request: pytest.FixtureRequest) -> Iterator[RestartableServer]:
    if request.param == "redis":
        require_redis()
    server = RestartableServer(request.param)
    server.start()
    yield server
    server.stop()


async def test_a_lost_connection_flushes_the_cache_and_tracking_resumes_after_reconnect(
    restartable: RestartableServer, protocol: int,
) -> None:
    async with open_client(url(restartable), protocol=protocol, cache=CacheConfig(),
                           reconnect_attempts=20, backoff_cap=0.2) as c:
        await c.set("k", "before")
        assert await c.get("k") == b"before"
        restartable.kill()
        restartable.start()
        # The dead connection is noticed before the hit is served: a miss, the
        # new server (empty) answers.
        assert await c.get("k") is None
        stats = c.cache_statistics()
        assert stats is not None and stats.flushes >= 1
        async with open_client(url(restartable)) as writer:
            assert await c.get("k") is None
            await writer.set("k", "after")
            await eventually(c, GET_K, b"after")


async def test_a_cached_hgetall_is_a_dict_in_both_protocols(cached: Client) -> None:
    await cached.hset("h", "f", "1")
    assert [await cached.hgetall("h"), await cached.hgetall("h")] == [{b"f": b"1"}] * 2
