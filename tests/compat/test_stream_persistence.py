"""Streams with consumer groups and pending entries survive DUMP/RESTORE, a
restart, and travel between shardis and redis-server 7.0 in both
directions (DUMP payloads and dump.rdb files), with identical contents:
entries, ids, Redis 7.0's counters (entries-added, max-deleted-id,
entries-read, lag) and every PEL with its delivery times and counts."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator

import pytest
import redis

from tests.servers import RunningServer, redis_server_path, start_server

needs_redis = pytest.mark.skipif(redis_server_path() is None, reason="redis-server is not installed")


def _fill(client: redis.Redis) -> None:
    """A few streams shaped to use every part of the encoding."""
    for index in range(250):
        fields = {"f": index, "g": "x" * (index % 70)} if index % 7 else {"other": "v" * index}
        client.xadd("big", fields, id=f"{1000 + index}-{index % 3}")
    client.xdel("big", "1010-1", "1100-1")
    client.execute_command("XTRIM", "big", "MINID", "=", "1003")
    client.xgroup_create("big", "workers", id="1005-0")
    client.xreadgroup("workers", "alice", {"big": ">"}, count=5)
    client.xreadgroup("workers", "bob", {"big": ">"}, count=3)
    client.xack("big", "workers", "1006-0")
    client.xgroup_create("big", "late", id="$")
    client.xgroup_createconsumer("big", "late", "idle")
    client.xadd("small", {"n": "-12", "big": "18446744073709551615", "neg": "-9223372036854775808"}, id="5-5")
    client.xadd("small", {"n": "1"}, id="18446744073709551615-18446744073709551614")
    client.xgroup_create("empty", "g", id="$", mkstream=True)
    client.xadd("deleted", {"a": "1"}, id="1-1")
    client.xdel("deleted", "1-1")
    client.xgroup_create("deleted", "g", id="0")


KEYS = ["big", "small", "empty", "deleted"]


def _state(client: redis.Redis, key: str) -> object:
    """Everything observable about a stream. XINFO STREAM FULL reports
    absolute delivery and seen times, which persistence keeps, and the
    radix tree's node count, which follows the listpack nodes it keeps."""
    info = client.execute_command("XINFO", "STREAM", key, "FULL")
    if isinstance(info, list):
        info = dict(zip(info[0::2], info[1::2]))
    return (
        client.xrange(key),
        client.xlen(key),
        info,
        client.execute_command("DEBUG", "DIGEST-VALUE", key),
    )


def test_a_stream_with_groups_round_trips_through_dump_and_restore(r: redis.Redis) -> None:
    _fill(r)
    for key in KEYS:
        assert r.restore(f"{key}:copy", 0, r.dump(key)) == b"OK"
        assert _state(r, f"{key}:copy") == _state(r, key)


def test_a_restored_stream_keeps_accepting_writes_and_group_reads(r: redis.Redis) -> None:
    _fill(r)
    r.restore("copy", 0, r.dump("big"))
    for key in ("big", "copy"):
        r.xadd(key, {"new": "1"}, id="5000-0")
        r.xreadgroup("workers", "carol", {key: ">"}, count=2)
        r.xack(key, "workers", "1005-0")
    assert r.xrange("copy") == r.xrange("big")
    assert r.xpending("copy", "workers") == r.xpending("big", "workers")
    assert r.xinfo_groups("copy") == r.xinfo_groups("big")


@pytest.fixture(scope="module")
def both() -> Iterator[tuple[RunningServer, RunningServer]]:
    if redis_server_path() is None:
        pytest.skip("redis-server is not installed")
    # Deep payload checks on the Redis side: our listpacks must pass them.
    real = start_server("redis", extra=["--sanitize-dump-payload", "yes"])
    ours = start_server("shardis", shards=2)
    yield real, ours
    real.stop()
    ours.stop()


def test_stream_dumps_travel_from_redis_to_shardis_and_back(both: tuple[RunningServer, RunningServer]) -> None:
    real, ours = both
    with redis.Redis(port=real.port) as source, redis.Redis(port=ours.port) as target:
        source.flushall()
        target.flushall()
        _fill(source)
        for key in KEYS:
            target.restore(key, 0, source.dump(key))
            assert _state(target, key) == _state(source, key)
            source.restore(f"{key}:back", 0, target.dump(key))
            assert _state(source, f"{key}:back") == _state(source, key)


def test_stream_dumps_travel_from_shardis_to_redis(both: tuple[RunningServer, RunningServer]) -> None:
    real, ours = both
    with redis.Redis(port=real.port) as target, redis.Redis(port=ours.port) as source:
        source.flushall()
        target.flushall()
        _fill(source)
        for key in KEYS:
            target.restore(key, 0, source.dump(key))
            assert _state(target, key) == _state(source, key)


# -- files ---------------------------------------------------------------------
@pytest.fixture
def data_dir() -> Iterator[str]:
    path = tempfile.mkdtemp(prefix="stream-persistence-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _everything(port: int) -> tuple[bytes, dict[str, object]]:
    client = redis.Redis(port=port)
    return client.execute_command("DEBUG", "DIGEST"), {key: _state(client, key) for key in KEYS}


def _shutdown(server: RunningServer) -> None:
    try:
        redis.Redis(port=server.port).shutdown(save=True)
    except redis.ConnectionError:
        pass
    server.process.wait(timeout=30)
    server.stop()


def test_the_pel_survives_a_shardis_restart(data_dir: str) -> None:
    ours = start_server("shardis", shards=2, extra=["--dir", data_dir])
    _fill(redis.Redis(port=ours.port))
    expected = _everything(ours.port)
    _shutdown(ours)
    again = start_server("shardis", shards=3, extra=["--dir", data_dir])
    try:
        assert _everything(again.port) == expected
    finally:
        again.stop()


def test_the_streams_of_an_aof_rewrite_base_survive_a_restart(data_dir: str) -> None:
    extra = ["--dir", data_dir, "--appendonly", "yes"]
    ours = start_server("shardis", shards=2, extra=extra)
    client = redis.Redis(port=ours.port)
    _fill(client)
    assert client.bgrewriteaof()
    _wait_for(lambda: client.info("persistence")["aof_rewrite_in_progress"] == 0)
    client.xadd("small", {"after": "rewrite"}, id="18446744073709551615-18446744073709551615")
    expected = _everything(ours.port)
    _shutdown(ours)
    again = start_server("shardis", shards=1, extra=extra)
    try:
        assert _everything(again.port) == expected
    finally:
        again.stop()


@needs_redis
def test_a_shardis_rdb_with_streams_loads_in_redis_with_the_same_digest(data_dir: str) -> None:
    ours = start_server("shardis", shards=3, extra=["--dir", data_dir])
    _fill(redis.Redis(port=ours.port))
    expected = _everything(ours.port)
    _shutdown(ours)
    check = subprocess.run(
        ["redis-check-rdb", os.path.join(data_dir, "dump.rdb")], capture_output=True, text=True
    )
    assert "RDB looks OK" in check.stdout, check.stdout
    real = start_server("redis", extra=["--dir", data_dir])
    try:
        assert _everything(real.port) == expected
    finally:
        real.stop()


@needs_redis
def test_a_redis_rdb_with_streams_loads_in_shardis_with_the_same_digest(data_dir: str) -> None:
    real = start_server("redis", extra=["--dir", data_dir])
    _fill(redis.Redis(port=real.port))
    expected = _everything(real.port)
    _shutdown(real)
    ours = start_server("shardis", shards=2, extra=["--dir", data_dir])
    try:
        assert _everything(ours.port) == expected
    finally:
        ours.stop()


def _wait_for(condition: object, timeout: float = 20.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)
