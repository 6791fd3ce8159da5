"""CLIENT TRACKING (server-assisted client-side caching), against both servers.

Invalidations are read from raw sockets: RESP3 ``invalidate`` pushes, and the
RESP2 redirect target's ``__redis__:invalidate`` messages.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from redis.cache import CacheConfig
from redis.connection import CacheProxyConnection

from tests.compat.conftest import RawConnection
from tests.servers import RunningServer


def command(*args: bytes | str) -> bytes:
    parts = [arg.encode() if isinstance(arg, str) else arg for arg in args]
    return b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%b\r\n" % (len(part), part) for part in parts)


def invalidate(*keys: bytes) -> bytes:
    return b">2\r\n$10\r\ninvalidate\r\n*%d\r\n" % len(keys) + b"".join(
        b"$%d\r\n%b\r\n" % (len(key), key) for key in keys
    )


FLUSH_INVALIDATION = b">2\r\n$10\r\ninvalidate\r\n_\r\n"


@pytest.fixture
def tracker(server: RunningServer) -> Iterator[RawConnection]:
    """A RESP3 raw connection with tracking on (default mode)."""
    conn = RawConnection(server.port)
    conn.send(command("HELLO", "3"))
    conn.read_line()
    conn.sock.settimeout(10)
    while b"modules" not in conn.buffer:
        conn.buffer += conn.sock.recv(65536)
    conn.buffer = b""
    conn.send(command("CLIENT", "TRACKING", "ON"))
    assert conn.read_exactly(b"+OK\r\n") == b"+OK\r\n"
    yield conn
    conn.sock.close()


def test_a_write_by_another_client_invalidates_a_key_read_in_default_mode(
    tracker: RawConnection, r: redis.Redis
) -> None:
    tracker.send(command("GET", "k"))
    assert tracker.read_exactly(b"_\r\n") == b"_\r\n"
    r.set("k", "1")
    assert tracker.read_exactly(invalidate(b"k")) == invalidate(b"k")


def test_a_key_is_invalidated_once_until_it_is_read_again(tracker: RawConnection, r: redis.Redis) -> None:
    tracker.send(command("MGET", "{t}a", "{t}b"))
    assert tracker.read_exactly(b"*2\r\n_\r\n_\r\n") == b"*2\r\n_\r\n_\r\n"
    r.set("{t}a", "1")
    r.set("{t}a", "2")
    r.set("{t}b", "1")
    expected = invalidate(b"{t}a") + invalidate(b"{t}b")
    assert tracker.read_exactly(expected) == expected


def test_flushall_sends_a_null_invalidation(tracker: RawConnection, r: redis.Redis) -> None:
    r.flushall()
    assert tracker.read_exactly(FLUSH_INVALIDATION) == FLUSH_INVALIDATION


def test_the_tracking_clients_own_write_invalidates_without_noloop(tracker: RawConnection) -> None:
    tracker.send(command("GET", "k") + command("SET", "k", "v"))
    expected = b"_\r\n+OK\r\n" + invalidate(b"k")
    assert sorted(tracker.read_exactly(expected).split(b"\r\n")) == sorted(expected.split(b"\r\n"))


def test_bcast_mode_invalidates_every_key_under_a_prefix(server: RunningServer, r: redis.Redis) -> None:
    conn = RawConnection(server.port)
    conn.send(command("HELLO", "3"))
    while b"modules" not in conn.buffer:
        conn.buffer += conn.sock.recv(65536)
    conn.buffer = b""
    conn.send(command("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:"))
    assert conn.read_exactly(b"+OK\r\n") == b"+OK\r\n"
    r.set("other", "1")
    r.set("user:1", "1")
    assert conn.read_exactly(invalidate(b"user:1")) == invalidate(b"user:1")


def test_resp2_invalidations_reach_the_redirect_client_on_the_invalidate_channel(
    server: RunningServer, r: redis.Redis
) -> None:
    target = redis.Redis(host=server.host, port=server.port, protocol=2)
    pubsub = target.pubsub()
    pubsub.subscribe("__redis__:invalidate")
    assert pubsub.get_message(timeout=5)["type"] == "subscribe"
    target_id = pubsub.connection.client_id if hasattr(pubsub.connection, "client_id") else None
    reader = redis.Redis(host=server.host, port=server.port, protocol=2, single_connection_client=True)
    if target_id is None:
        target_id = next(
            client["id"] for client in r.client_list() if client["cmd"] == "subscribe"
        )
    reader.execute_command("CLIENT", "TRACKING", "ON", "REDIRECT", target_id)
    assert reader.execute_command("CLIENT", "GETREDIR") == int(target_id)
    reader.get("k")
    r.set("k", "1")
    message = pubsub.get_message(timeout=5)
    assert (message["channel"], message["data"]) == (b"__redis__:invalidate", [b"k"])
    pubsub.close()
    reader.close()
    target.close()


def resp2_redirect_target(server: RunningServer) -> tuple[RawConnection, int]:
    """A raw RESP2 connection subscribed to ``__redis__:invalidate``, and its id."""
    target = RawConnection(server.port)
    target.send(command("CLIENT", "ID"))
    target_id = int(target.read_line()[1:])
    target.send(command("SUBSCRIBE", "__redis__:invalidate"))
    confirmation = b"*3\r\n$9\r\nsubscribe\r\n$20\r\n__redis__:invalidate\r\n:1\r\n"
    assert target.read_exactly(confirmation) == confirmation
    return target, target_id


def test_flushall_sends_a_null_message_to_a_resp2_redirect_target(
    server: RunningServer, r: redis.Redis
) -> None:
    target, target_id = resp2_redirect_target(server)
    reader = RawConnection(server.port)
    reader.send(command("CLIENT", "TRACKING", "ON", "REDIRECT", str(target_id)))
    assert reader.read_exactly(b"+OK\r\n") == b"+OK\r\n"
    r.flushall()
    expected = b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n"
    assert target.read_exactly(expected) == expected
    reader.close()
    target.close()


def test_bcast_sends_one_invalidation_per_prefix_with_the_keys_it_matched(
    server: RunningServer, r: redis.Redis
) -> None:
    conn = RawConnection(server.port)
    conn.send(command("HELLO", "3"))
    while b"modules" not in conn.buffer:
        conn.buffer += conn.sock.recv(65536)
    conn.buffer = b""
    conn.send(command("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a:", "PREFIX", "b:"))
    assert conn.read_exactly(b"+OK\r\n") == b"+OK\r\n"
    r.mset({"a:{t}1": "1", "c:{t}1": "1", "b:{t}1": "1", "a:{t}2": "1"})
    first, second = invalidate(b"a:{t}1", b"a:{t}2"), invalidate(b"b:{t}1")
    received = conn.read_exactly(first + second)
    assert received in (first + second, second + first)  # Redis walks its prefixes in order
    conn.close()


def test_a_resp3_redirect_target_gets_invalidate_pushes(server: RunningServer, r: redis.Redis) -> None:
    target = RawConnection(server.port)
    target.send(command("HELLO", "3"))
    while b"modules" not in target.buffer:
        target.buffer += target.sock.recv(65536)
    target.buffer = b""
    target.send(command("CLIENT", "ID"))
    target_id = int(target.read_line()[1:])
    target.send(command("SUBSCRIBE", "__redis__:invalidate"))
    confirmation = b">3\r\n$9\r\nsubscribe\r\n$20\r\n__redis__:invalidate\r\n:1\r\n"
    assert target.read_exactly(confirmation) == confirmation
    reader = RawConnection(server.port)
    reader.send(command("CLIENT", "TRACKING", "ON", "REDIRECT", str(target_id)) + command("GET", "k"))
    assert reader.read_exactly(b"+OK\r\n$-1\r\n") == b"+OK\r\n$-1\r\n"
    r.set("k", "1")
    assert target.read_exactly(invalidate(b"k")) == invalidate(b"k")
    reader.close()
    target.close()


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["ON", "PREFIX", "a"], "PREFIX option requires BCAST mode to be enabled"),
        (["ON", "OPTIN", "OPTOUT"], "You can't specify both OPTIN mode and OPTOUT mode"),
        (["ON", "BCAST", "OPTIN"], "OPTIN and OPTOUT are not compatible with BCAST"),
        (["ON", "REDIRECT", "999999"], "The client ID you want redirect to does not exist"),
        (["ON", "REDIRECT", "x"], "value is not an integer or out of range"),
        (
            ["ON", "BCAST", "PREFIX", "ab", "PREFIX", "a"],
            "Prefix 'ab' overlaps with another provided prefix 'a'. "
            "Prefixes for a single client must not overlap.",
        ),
        (["MAYBE"], "syntax error"),
        (["ON", "FOO"], "syntax error"),
    ],
)
def test_client_tracking_rejects_bad_options(r: redis.Redis, args: list[str], error: str) -> None:
    with pytest.raises(redis.ResponseError, match=f"^{error}$"):
        r.execute_command("CLIENT", "TRACKING", *args)


def test_client_caching_needs_optin_or_optout(r: redis.Redis) -> None:
    client = redis.Redis(connection_pool=r.connection_pool, single_connection_client=True)
    with pytest.raises(redis.ResponseError, match="^CLIENT CACHING can be called only when"):
        client.execute_command("CLIENT", "CACHING", "YES")
    client.execute_command("CLIENT", "TRACKING", "ON")
    with pytest.raises(
        redis.ResponseError, match="^CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.$"
    ):
        client.execute_command("CLIENT", "CACHING", "YES")
    with pytest.raises(redis.ResponseError, match="^You can't switch BCAST mode on/off"):
        client.execute_command("CLIENT", "TRACKING", "ON", "BCAST")
    client.close()


def test_trackinginfo_and_getredir_describe_the_mode(r: redis.Redis) -> None:
    client = redis.Redis(connection_pool=r.connection_pool, single_connection_client=True)
    assert client.execute_command("CLIENT", "GETREDIR") == -1
    assert client.execute_command("CLIENT", "TRACKINGINFO") == [b"flags", [b"off"], b"redirect", -1, b"prefixes", []]
    client.execute_command("CLIENT", "TRACKING", "ON", "OPTIN", "NOLOOP")
    client.execute_command("CLIENT", "CACHING", "YES")
    assert client.execute_command("CLIENT", "TRACKINGINFO") == [
        b"flags", [b"on", b"optin", b"caching-yes", b"noloop"], b"redirect", 0, b"prefixes", [],
    ]
    client.execute_command("CLIENT", "TRACKING", "OFF")
    own_id = client.client_id()
    client.execute_command("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "b", "REDIRECT", own_id)
    assert client.execute_command("CLIENT", "TRACKINGINFO") == [
        b"flags", [b"on", b"bcast"], b"redirect", own_id, b"prefixes", [b"a", b"b"],
    ]
    line = client.execute_command("CLIENT", "LIST", "ID", own_id).decode()
    assert " flags=tB " in line and f" redir={own_id} " in line
    client.close()


def test_optin_remembers_only_reads_after_client_caching_yes(server: RunningServer, r: redis.Redis) -> None:
    conn = RawConnection(server.port)
    conn.send(command("HELLO", "3"))
    while b"modules" not in conn.buffer:
        conn.buffer += conn.sock.recv(65536)
    conn.buffer = b""
    conn.send(command("CLIENT", "TRACKING", "ON", "OPTIN") + command("GET", "plain"))
    conn.send(command("CLIENT", "CACHING", "YES") + command("GET", "cached"))
    expected = b"+OK\r\n_\r\n+OK\r\n_\r\n"
    assert conn.read_exactly(expected) == expected
    r.set("plain", "1")
    r.set("cached", "1")
    assert conn.read_exactly(invalidate(b"cached")) == invalidate(b"cached")


def test_redis_py_client_side_cache_serves_reads_until_another_client_writes(
    target: str, server: RunningServer, r: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """shardis only: redis-py 8 refuses client-side caching below Redis 7.4
    (its version gate is lowered here), and with redis-server 7.0.15 it
    serves the stale value."""
    if target != "shardis":
        pytest.skip("redis-py 8's client-side cache needs Redis 7.4")
    monkeypatch.setattr(CacheProxyConnection, "MIN_ALLOWED_VERSION", "7.0.0")
    cached = redis.Redis(host=server.host, port=server.port, protocol=3, cache_config=CacheConfig())
    r.set("ck", "v1")
    assert cached.get("ck") == b"v1"
    assert cached.get("ck") == b"v1"
    cache = cached.get_cache()
    assert cache is not None and cache.size == 1
    for round_ in range(50):
        value = f"v{round_ + 2}".encode()
        r.set("ck", value)
        # The owning shard writes the invalidation to the socket before the
        # writer's reply leaves: the very next read sees the new value.
        assert cached.get("ck") == value
        assert cached.get("ck") == value
    cached.close()


# -- commands over several shards (leased with SHARDIS_SHARDS=4: keys without hash tags) --
def read_invalidations(conn: RawConnection, count: int) -> set[bytes]:
    """``count`` single-key invalidations, in whatever order they came."""
    keys = set()
    for _ in range(count):
        assert conn.read_line() == b">2\r\n"
        assert conn.read_line() == b"$10\r\n"
        assert conn.read_line() == b"invalidate\r\n"
        assert conn.read_line() == b"*1\r\n"
        conn.read_line()
        keys.add(conn.read_line()[:-2])
    return keys


def test_keys_read_by_a_multi_key_read_are_invalidated_by_a_multi_key_write(
    tracker: RawConnection, r: redis.Redis
) -> None:
    keys = [b"alpha", b"bravo", b"charlie", b"delta", b"echo", b"foxtrot"]
    tracker.send(command("MGET", *keys))
    expected = b"*6\r\n" + b"_\r\n" * 6
    assert tracker.read_exactly(expected) == expected
    r.mset({key: b"1" for key in keys})
    assert read_invalidations(tracker, len(keys)) == set(keys)


def test_keys_read_inside_exec_are_invalidated_by_writes_inside_another_exec(
    tracker: RawConnection, r: redis.Redis
) -> None:
    tracker.send(command("MULTI") + command("GET", "one") + command("GET", "two") + command("EXEC"))
    expected = b"+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n_\r\n_\r\n"
    assert tracker.read_exactly(expected) == expected
    with r.pipeline(transaction=True) as pipe:
        pipe.set("one", "1").set("two", "2").set("three", "3")
        pipe.execute()
    assert read_invalidations(tracker, 2) == {b"one", b"two"}


def test_rename_across_shards_invalidates_both_names(tracker: RawConnection, r: redis.Redis) -> None:
    r.set("source", "v")
    tracker.send(command("GET", "source") + command("GET", "target"))
    assert tracker.read_exactly(b"$1\r\nv\r\n_\r\n") == b"$1\r\nv\r\n_\r\n"
    r.rename("source", "target")
    assert read_invalidations(tracker, 2) == {b"source", b"target"}


# -- RESET --------------------------------------------------------------------------
def test_reset_turns_tracking_off(tracker: RawConnection, r: redis.Redis) -> None:
    tracker.send(command("GET", "k") + command("RESET"))
    assert tracker.read_exactly(b"_\r\n+RESET\r\n") == b"_\r\n+RESET\r\n"
    r.set("k", "1")
    tracker.send(command("CLIENT", "TRACKINGINFO"))
    expected = b"*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n"
    assert tracker.read_exactly(expected) == expected
