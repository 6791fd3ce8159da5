"""RDB and AOF interchange with redis-server 7.0, restarts and crash safety.

Every test starts its own servers (on free ports, in their own directories)
because it restarts or kills them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.servers import RunningServer, free_port, redis_server_path, start_server

needs_redis = pytest.mark.skipif(redis_server_path() is None, reason="redis-server is not installed")


@pytest.fixture
def data_dir() -> Iterator[str]:
    path = tempfile.mkdtemp(prefix="persistence-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _fill(client: redis.Redis) -> None:
    client.set("string", "hello")
    client.set("int", "-12345")
    client.set("long", "abc" * 1000)
    client.set("ttl", "v", px=3_600_000)
    client.rpush("list", *[str(i) for i in range(10)])
    client.rpush("biglist", *["x" * 100 for _ in range(300)])
    client.sadd("intset", 1, 2, 300000)
    client.sadd("set", *[f"m{i}" for i in range(600)])
    client.zadd("zset", {"a": 1.5, "b": float("-inf")})
    client.zadd("bigzset", {f"m{i}": i / 3 for i in range(300)})
    client.hset("hash", mapping={"f": "v"})
    client.hset("bighash", mapping={f"f{i}": str(i) for i in range(600)})
    other = redis.Redis(port=client.connection_pool.connection_kwargs["port"], db=3)
    other.set("db3", "yes")


def _everything(port: int) -> dict[tuple[int, bytes], object]:
    found: dict[tuple[int, bytes], object] = {}
    for db in range(16):
        client = redis.Redis(port=port, db=db)
        for key in client.keys():
            kind = client.type(key)
            if kind == b"string":
                value: object = client.get(key)
            elif kind == b"list":
                value = client.lrange(key, 0, -1)
            elif kind == b"set":
                value = client.smembers(key)
            elif kind == b"zset":
                value = client.zrange(key, 0, -1, withscores=True)
            elif kind == b"stream":
                value = client.xrange(key)
            else:
                value = client.hgetall(key)
            found[(db, key)] = (value, client.pttl(key) > 0)
    return found


def _stop(server: RunningServer) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        server.process.wait(timeout=20)


@needs_redis
def test_a_shardis_rdb_loads_in_redis_with_the_same_contents(data_dir: str) -> None:
    ours = start_server("shardis", shards=3, extra=["--dir", data_dir])
    try:
        _fill(redis.Redis(port=ours.port))
        expected = _everything(ours.port)
        assert redis.Redis(port=ours.port).save()
    finally:
        _stop(ours)
        ours.stop()
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
def test_a_redis_rdb_loads_in_shardis_with_the_same_contents(data_dir: str) -> None:
    real = start_server("redis", extra=["--dir", data_dir])
    try:
        _fill(redis.Redis(port=real.port))
        expected = _everything(real.port)
        assert redis.Redis(port=real.port).save()
    finally:
        _stop(real)
        real.stop()
    ours = start_server("shardis", shards=2, extra=["--dir", data_dir])
    try:
        assert _everything(ours.port) == expected
    finally:
        ours.stop()


def test_shutdown_saves_when_save_rules_exist_and_a_restart_reloads(data_dir: str) -> None:
    ours = start_server("shardis", shards=2, extra=["--dir", data_dir, "--save", "3600 1"])
    _fill(redis.Redis(port=ours.port))
    expected = _everything(ours.port)
    try:
        redis.Redis(port=ours.port).shutdown()
    except redis.ConnectionError:
        pass
    ours.process.wait(timeout=20)
    ours.stop()
    again = start_server("shardis", shards=1, extra=["--dir", data_dir])
    try:
        assert _everything(again.port) == expected
    finally:
        again.stop()


def test_a_corrupt_rdb_refuses_to_start_naming_the_offset(data_dir: str) -> None:
    Path(data_dir, "dump.rdb").write_bytes(b"REDIS0010\xfe\x00\x00\x01k\x05hel")
    with pytest.raises(RuntimeError):
        server = start_server("shardis", extra=["--dir", data_dir])
        server.stop()


def test_kill_9_with_appendfsync_always_loses_no_acknowledged_write(data_dir: str) -> None:
    extra = ["--dir", data_dir, "--appendonly", "yes", "--appendfsync", "always"]
    ours = start_server("shardis", shards=2, extra=extra)
    acknowledged: list[int] = []
    stop = threading.Event()

    def write_load() -> None:
        client = redis.Redis(port=ours.port)
        index = 0
        try:
            while not stop.is_set():
                client.set(f"key{index}", index)
                acknowledged.append(index)
                index += 1
        except redis.ConnectionError:
            return

    deadline = time.monotonic() + 10
    while not Path(data_dir, "appendonlydir", "appendonly.aof.manifest").exists():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    threads = [threading.Thread(target=write_load) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    ours.process.kill()
    stop.set()
    for thread in threads:
        thread.join()
    ours.process.wait()
    ours.stop()
    assert acknowledged
    again = start_server("shardis", shards=2, extra=["--dir", data_dir, "--appendonly", "yes"])
    try:
        client = redis.Redis(port=again.port)
        present = client.mget([f"key{index}" for index in acknowledged])
        assert None not in present
    finally:
        again.stop()


@needs_redis
def test_a_shardis_aof_passes_redis_check_aof(data_dir: str) -> None:
    ours = start_server(
        "shardis", extra=["--dir", data_dir, "--appendonly", "yes", "--appendfsync", "always"]
    )
    try:
        deadline = time.monotonic() + 10
        while not Path(data_dir, "appendonlydir", "appendonly.aof.manifest").exists():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        _fill(redis.Redis(port=ours.port))
    finally:
        _stop(ours)
        ours.stop()
    check = subprocess.run(
        ["redis-check-aof", os.path.join(data_dir, "appendonlydir", "appendonly.aof.manifest")],
        capture_output=True, text=True,
    )
    assert "All AOF files and manifest are valid" in check.stdout, check.stdout


@pytest.mark.parametrize("shards", [1, 3])
def test_a_transaction_reaches_the_aof_inside_multi_exec(data_dir: str, shards: int) -> None:
    ours = start_server("shardis", shards=shards, extra=["--dir", data_dir, "--appendonly", "yes"])
    try:
        client = redis.Redis(port=ours.port)
        pipe = client.pipeline(transaction=True)
        pipe.set("a", "1").set("b", "2").set("c", "3")
        pipe.execute()
        pipe = client.pipeline(transaction=True)
        pipe.set("only", "1").get("a")
        pipe.execute()
        incr = next(Path(data_dir, "appendonlydir").glob("*.incr.aof"))
        expected = (
            b"*1\r\n$5\r\nMULTI\r\n"
            b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n"
            b"*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1\r\n3\r\n*1\r\n$4\r\nEXEC\r\n"
            b"*3\r\n$3\r\nSET\r\n$4\r\nonly\r\n$1\r\n1\r\n"
        )
        deadline = time.monotonic() + 20
        while not incr.read_bytes().endswith(expected):
            assert time.monotonic() < deadline, incr.read_bytes()
            time.sleep(0.02)
    finally:
        ours.stop()


def _poll_info(client: redis.Redis, field: str, value: object, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while client.info("persistence")[field] != value:
        assert time.monotonic() < deadline, client.info("persistence")
        time.sleep(0.02)


@pytest.mark.parametrize("kind", ["shardis", "redis"])
def test_a_failed_bgsave_refuses_writes_with_misconf_until_a_save_succeeds(
    kind: str, data_dir: str
) -> None:
    if kind == "redis" and redis_server_path() is None:
        pytest.skip("redis-server is not installed")
    server = start_server(kind, shards=2, extra=["--dir", data_dir, "--save", "3600 1"])
    blocker = Path(data_dir, "dump.rdb")
    try:
        client = redis.Redis(port=server.port)
        client.set("before", "1")
        blocker.mkdir()  # a directory where the file goes: the rename fails
        (blocker / "x").write_bytes(b"")
        assert client.bgsave()
        _poll_info(client, "rdb_last_bgsave_status", "err")
        misconf = (
            "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to "
            "persist to disk. Commands that may modify the data set are disabled, because this "
            "instance is configured to report errors during writes if RDB snapshotting fails "
            "(stop-writes-on-bgsave-error option). Please check the Redis logs for details "
            "about the RDB error."
        )
        for write in (lambda: client.set("k", "v"), lambda: client.lpush("l", "x"), client.ping):
            with pytest.raises(redis.ResponseError) as refused:
                write()
            assert str(refused.value) == misconf
        assert client.get("before") == b"1"
        assert client.dbsize() == 1
        # The rule off: writes are accepted again; back on: refused again.
        client.config_set("stop-writes-on-bgsave-error", "no")
        assert client.set("k", "v")
        client.config_set("stop-writes-on-bgsave-error", "yes")
        with pytest.raises(redis.ResponseError):
            client.set("k", "v")
        shutil.rmtree(blocker)
        assert client.bgsave()
        _poll_info(client, "rdb_last_bgsave_status", "ok")
        assert client.set("k", "w")
        assert client.ping()
    finally:
        server.stop()


def _start_redis_with_aof(data_dir: str) -> RunningServer:
    """redis-server with ``appendonly yes`` on ``data_dir`` (tests.servers forces it off)."""
    path = redis_server_path()
    assert path is not None
    port = free_port()
    log_path = os.path.join(data_dir, "redis.log")
    process = subprocess.Popen(
        [path, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", data_dir,
         "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no",
         "--enable-debug-command", "yes", "--logfile", log_path],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    server = RunningServer("redis", port, process, tempfile.mkdtemp(prefix="redis-"), log_path)
    deadline = time.monotonic() + 30
    while True:
        assert process.poll() is None, server.log()
        try:
            if redis.Redis(port=port).ping():
                return server
        except (redis.ConnectionError, redis.BusyLoadingError):
            pass
        assert time.monotonic() < deadline, server.log()
        time.sleep(0.05)


def _fill_with_aof_shapes(client: redis.Redis) -> None:
    """_fill plus what only an AOF shows: a transaction, counters, expiries set later."""
    _fill(client)
    pipe = client.pipeline(transaction=True)
    pipe.incr("counter").incrby("counter", 41).lpush("list", "front").expire("hash", 3600)
    pipe.execute()
    client.xadd("stream", {"f": "v"}, id="1-1")
    client.delete("int")


def _wait_manifest(data_dir: str) -> None:
    deadline = time.monotonic() + 20
    while not Path(data_dir, "appendonlydir", "appendonly.aof.manifest").exists():
        assert time.monotonic() < deadline
        time.sleep(0.05)


@needs_redis
@pytest.mark.parametrize("shards", [1, 3])
def test_a_shardis_aof_directory_loads_in_redis_with_the_same_digest(data_dir: str, shards: int) -> None:
    extra = ["--dir", data_dir, "--appendonly", "yes", "--appendfsync", "always"]
    ours = start_server("shardis", shards=shards, extra=extra)
    try:
        _wait_manifest(data_dir)
        client = redis.Redis(port=ours.port)
        client.set("in-the-base", "1")
        client.bgrewriteaof()  # base + increments both carry data
        _poll_info(client, "aof_rewrite_in_progress", 0)
        _fill_with_aof_shapes(client)
        digest = client.execute_command("DEBUG", "DIGEST")
        expected = _everything(ours.port)
    finally:
        _stop(ours)
        ours.stop()
    real = _start_redis_with_aof(data_dir)
    try:
        assert redis.Redis(port=real.port).execute_command("DEBUG", "DIGEST") == digest
        assert _everything(real.port) == expected
    finally:
        real.stop()


@needs_redis
@pytest.mark.parametrize("shards", [1, 3])
def test_a_redis_aof_directory_loads_in_shardis_with_the_same_digest(data_dir: str, shards: int) -> None:
    real = _start_redis_with_aof(data_dir)
    try:
        client = redis.Redis(port=real.port)
        client.set("in-the-base", "1")
        client.bgrewriteaof()
        _poll_info(client, "aof_rewrite_in_progress", 0)
        _fill_with_aof_shapes(client)
        digest = client.execute_command("DEBUG", "DIGEST")
        expected = _everything(real.port)
    finally:
        _stop(real)
        real.stop()
    assert len(list(Path(data_dir, "appendonlydir").iterdir())) == 3
    ours = start_server("shardis", shards=shards, extra=["--dir", data_dir, "--appendonly", "yes"])
    try:
        assert redis.Redis(port=ours.port).execute_command("DEBUG", "DIGEST") == digest
        assert _everything(ours.port) == expected
    finally:
        ours.stop()


def test_kill_9_with_appendfsync_everysec_loses_at_most_about_two_seconds(data_dir: str) -> None:
    extra = ["--dir", data_dir, "--appendonly", "yes", "--appendfsync", "everysec"]
    ours = start_server("shardis", shards=2, extra=extra)
    acknowledged: list[tuple[str, float]] = []
    stop = threading.Event()

    def write_load(name: str) -> None:
        client = redis.Redis(port=ours.port)
        index = 0
        try:
            while not stop.is_set():
                key = f"{name}:{index}"
                client.set(key, index)
                acknowledged.append((key, time.monotonic()))
                index += 1
        except redis.ConnectionError:
            return

    _wait_manifest(data_dir)
    threads = [threading.Thread(target=write_load, args=(f"t{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(3.5)  # the load runs this long: writes older than 2 s exist at the kill
    killed_at = time.monotonic()
    ours.process.kill()
    stop.set()
    for thread in threads:
        thread.join()
    ours.process.wait()
    ours.stop()
    old_enough = [key for key, at in acknowledged if at < killed_at - 2.0]
    assert old_enough
    again = start_server("shardis", shards=2, extra=["--dir", data_dir, "--appendonly", "yes"])
    try:
        present = redis.Redis(port=again.port).mget(old_enough)
        assert None not in present
    finally:
        again.stop()


def test_clients_get_loading_while_an_aof_replays(data_dir: str) -> None:
    directory = Path(data_dir, "appendonlydir")
    directory.mkdir()
    (directory / "appendonly.aof.manifest").write_text("file appendonly.aof.1.incr.aof seq 1 type i\n")
    count = 300_000
    (directory / "appendonly.aof.1.incr.aof").write_bytes(b"".join(
        b"*3\r\n$3\r\nSET\r\n$%d\r\nk%d\r\n$1\r\nv\r\n" % (len(b"k%d" % i), i) for i in range(count)
    ))
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "actors", "--port", str(port), "--dir", data_dir, "--save", "",
         "--appendonly", "yes"],
        cwd=Path(__file__).resolve().parents[2],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        replies: list[object] = []
        deadline = time.monotonic() + 120
        while not replies or replies[-1] != b"+PONG\r\n":
            assert process.poll() is None and time.monotonic() < deadline, replies
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                    sock.sendall(b"PING\r\n")
                    replies.append(sock.recv(100))
            except OSError:
                time.sleep(0.01)
        assert b"-LOADING Redis is loading the dataset in memory\r\n" in replies
        assert redis.Redis(port=port).dbsize() == count
    finally:
        process.terminate()
        process.wait(timeout=20)
