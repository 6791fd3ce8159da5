"""Testing code that uses Redis against a real shardis: the pytest plugin.

Installing shardis installs a pytest plugin (no conftest needed) with two
fixtures: ``shardis_server`` (``host``, ``port``, ``url`` of a real server with
an empty keyspace) and ``shardis_client`` (our Trio client connected to it).

    pytest examples/testing_with_shardis.py
    python examples/testing_with_shardis.py     # the same, through pytest.main

It starts its own servers: no ``make run`` needed.
"""

from __future__ import annotations

import sys

import pytest
import redis
import trio

# --- the code under test -------------------------------------------------------


def record_visit(r: redis.Redis, page: str) -> int:
    """Count a page view; return the count so far."""
    return int(r.incr(f"visits:{page}"))


async def open_session(client, token: str, user: str, ttl: int = 1800) -> None:  # type: ignore[no-untyped-def]
    await client.set(f"session:{token}", user, ex=ttl)


# --- synchronous tests: redis-py against a shardis process ---------------------


def test_visits_are_counted(shardis_server) -> None:  # type: ignore[no-untyped-def]
    r = redis.Redis(host=shardis_server.host, port=shardis_server.port)
    assert record_visit(r, "home") == 1
    assert record_visit(r, "home") == 2


def test_every_test_starts_from_an_empty_keyspace(shardis_server) -> None:  # type: ignore[no-untyped-def]
    r = redis.Redis.from_url(shardis_server.url)
    assert r.get("visits:home") is None


# --- Trio tests: our client, the server in the test's own event loop -----------


@pytest.mark.trio
async def test_a_session_lasts_its_ttl(shardis_client, autojump_clock) -> None:  # type: ignore[no-untyped-def]
    # Key expiry follows Trio's clock: with autojump_clock half an hour takes no time.
    await open_session(shardis_client, "t1", "ada")
    await trio.sleep(1799)
    assert await shardis_client.get("session:t1") == b"ada"
    await trio.sleep(2)
    assert await shardis_client.get("session:t1") is None


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
