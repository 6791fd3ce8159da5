"""AOF bases made of commands (``aof-use-rdb-preamble no``), FLUSHALL inside a
transaction in the AOF, and -MISCONF on EXEC — each against redis-server 7.0
as the oracle where it is installed.

Every test starts its own servers, as in test_persistence.py, whose helpers
it shares.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import redis

from tests.compat.test_persistence import (
    _everything,
    _fill_with_aof_shapes,
    _poll_info,
    _start_redis_with_aof,
    _stop,
    _wait_manifest,
    data_dir,  # noqa: F401 (fixture)
    needs_redis,
)
from protocol.resp.writer import encode_command
from tests.compat.conftest import RawConnection
from tests.servers import redis_server_path, start_server


def _check_aof(data_dir: str) -> None:
    check = subprocess.run(
        ["redis-check-aof", os.path.join(data_dir, "appendonlydir", "appendonly.aof.manifest")],
        capture_output=True, text=True,
    )
    assert "All AOF files and manifest are valid" in check.stdout, check.stdout


def _aof_files(data_dir: str) -> list[str]:
    return sorted(path.name for path in Path(data_dir, "appendonlydir").iterdir())


@needs_redis
@pytest.mark.parametrize("shards", [1, 3])
def test_a_shardis_aof_with_a_command_base_loads_in_redis_with_the_same_digest(
    data_dir: str, shards: int
) -> None:
    extra = [
        "--dir", data_dir, "--appendonly", "yes", "--appendfsync", "always",
        "--aof-use-rdb-preamble", "no",
    ]
    ours = start_server("shardis", shards=shards, extra=extra)
    try:
        _wait_manifest(data_dir)
        client = redis.Redis(port=ours.port)
        _fill_with_aof_shapes(client)
        client.xgroup_create("stream", "group", id="0")
        client.xreadgroup("group", "consumer", {"stream": ">"})
        client.bgrewriteaof()  # everything so far in a base of commands
        _poll_info(client, "aof_rewrite_in_progress", 0)
        client.set("in-the-increment", "1")
        client.pexpireat("in-the-increment", 4102444800000)
        digest = client.execute_command("DEBUG", "DIGEST")
        expected = _everything(ours.port)
    finally:
        _stop(ours)
        ours.stop()
    assert _aof_files(data_dir) == [
        "appendonly.aof.2.base.aof", "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"
    ]
    assert Path(data_dir, "appendonlydir", "appendonly.aof.2.base.aof").read_bytes().startswith(
        b"*2\r\n$6\r\nSELECT\r\n"
    )
    _check_aof(data_dir)
    real = _start_redis_with_aof(data_dir)
    try:
        client = redis.Redis(port=real.port)
        assert client.execute_command("DEBUG", "DIGEST") == digest
        assert _everything(real.port) == expected
        assert client.xinfo_groups("stream")[0]["pending"] == 1
    finally:
        real.stop()


@needs_redis
def test_a_redis_aof_with_a_command_base_loads_in_shardis_with_the_same_digest(data_dir: str) -> None:
    real = _start_redis_with_aof(data_dir)
    try:
        client = redis.Redis(port=real.port)
        client.config_set("aof-use-rdb-preamble", "no")
        _fill_with_aof_shapes(client)
        client.bgrewriteaof()
        _poll_info(client, "aof_rewrite_in_progress", 0)
        client.set("in-the-increment", "1")
        digest = client.execute_command("DEBUG", "DIGEST")
        expected = _everything(real.port)
    finally:
        _stop(real)
        real.stop()
    assert "appendonly.aof.2.base.aof" in _aof_files(data_dir)
    ours = start_server("shardis", shards=3, extra=["--dir", data_dir, "--appendonly", "yes"])
    try:
        assert redis.Redis(port=ours.port).execute_command("DEBUG", "DIGEST") == digest
        assert _everything(ours.port) == expected
    finally:
        ours.stop()


@pytest.mark.parametrize("kind", ["shardis", "redis"])
def test_config_set_aof_use_rdb_preamble_picks_the_next_base_kind(kind: str, data_dir: str) -> None:
    if kind == "redis" and redis_server_path() is None:
        pytest.skip("redis-server is not installed")
    server = (
        _start_redis_with_aof(data_dir) if kind == "redis"
        else start_server("shardis", shards=2, extra=["--dir", data_dir, "--appendonly", "yes"])
    )
    try:
        _wait_manifest(data_dir)
        client = redis.Redis(port=server.port)
        _poll_info(client, "aof_rewrite_in_progress", 0)
        client.set("k", "v")
        assert client.config_get("aof-use-rdb-preamble") == {"aof-use-rdb-preamble": "yes"}
        assert client.config_set("aof-use-rdb-preamble", "no")
        client.bgrewriteaof()
        _poll_info(client, "aof_rewrite_in_progress", 0)
        assert any(name.endswith(".base.aof") for name in _aof_files(data_dir))
        assert client.config_set("aof-use-rdb-preamble", "yes")
        client.bgrewriteaof()
        _poll_info(client, "aof_rewrite_in_progress", 0)
        assert any(name.endswith(".base.rdb") for name in _aof_files(data_dir))
        with pytest.raises(redis.ResponseError):
            client.config_set("aof-use-rdb-preamble", "maybe")
    finally:
        server.stop()


@needs_redis
@pytest.mark.parametrize("shards", [1, 3])
def test_flushall_in_a_transaction_reaches_the_aof_inside_multi_exec_and_loads_in_redis(
    data_dir: str, shards: int
) -> None:
    extra = ["--dir", data_dir, "--appendonly", "yes", "--appendfsync", "always"]
    ours = start_server("shardis", shards=shards, extra=extra)
    try:
        _wait_manifest(data_dir)
        client = redis.Redis(port=ours.port)
        _poll_info(client, "aof_rewrite_in_progress", 0)
        client.set("gone", "1")
        pipe = client.pipeline(transaction=True)
        pipe.set("a", "1").flushall().set("b", "2")
        assert pipe.execute() == [True, True, True]
        digest = client.execute_command("DEBUG", "DIGEST")
    finally:
        _stop(ours)
        ours.stop()
    incr = Path(data_dir, "appendonlydir", "appendonly.aof.1.incr.aof").read_bytes()
    assert incr.endswith(
        b"*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*1\r\n$8\r\nFLUSHALL\r\n"
        b"*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n*1\r\n$4\r\nEXEC\r\n"
    )
    _check_aof(data_dir)
    real = _start_redis_with_aof(data_dir)
    try:
        client = redis.Redis(port=real.port)
        assert client.execute_command("DEBUG", "DIGEST") == digest
        assert client.keys() == [b"b"]
    finally:
        real.stop()


@pytest.mark.parametrize("kind", ["shardis", "redis"])
def test_exec_of_a_write_queued_before_a_failed_bgsave_is_aborted_with_misconf(
    kind: str, data_dir: str
) -> None:
    if kind == "redis" and redis_server_path() is None:
        pytest.skip("redis-server is not installed")
    server = start_server(kind, shards=2, extra=["--dir", data_dir, "--save", "3600 1"])
    blocker = Path(data_dir, "dump.rdb")
    misconf = (
        "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to "
        "persist to disk. Commands that may modify the data set are disabled, because this "
        "instance is configured to report errors during writes if RDB snapshotting fails "
        "(stop-writes-on-bgsave-error option). Please check the Redis logs for details "
        "about the RDB error."
    )
    with_write = RawConnection(server.port)
    reader = RawConnection(server.port)

    def call(connection: RawConnection, *argv: str) -> bytes:
        connection.send(encode_command(argv))
        return connection.read_line()

    try:
        client = redis.Redis(port=server.port)
        client.set("k", "before")
        assert call(reader, "MULTI") == b"+OK\r\n"
        assert call(reader, "GET", "k") == b"+QUEUED\r\n"
        assert call(with_write, "MULTI") == b"+OK\r\n"
        assert call(with_write, "SET", "k", "queued") == b"+QUEUED\r\n"
        assert call(with_write, "GET", "k") == b"+QUEUED\r\n"
        blocker.mkdir()  # a directory where the file goes: the rename fails
        (blocker / "x").write_bytes(b"")
        assert client.bgsave()
        _poll_info(client, "rdb_last_bgsave_status", "err")
        aborted = call(with_write, "EXEC")
        assert aborted == f"-EXECABORT Transaction discarded because of: {misconf}\r\n".encode()
        assert call(with_write, "EXEC") == b"-ERR EXEC without MULTI\r\n"  # discarded
        assert call(reader, "EXEC") == b"*1\r\n"  # reads only: it runs
        assert reader.read_exactly(b"$6\r\nbefore\r\n") == b"$6\r\nbefore\r\n"
        # Queued after the error: refused at once, and EXEC answers the usual abort.
        assert call(with_write, "MULTI") == b"+OK\r\n"
        assert call(with_write, "SET", "k", "later") == f"-{misconf}\r\n".encode()
        assert call(with_write, "EXEC") == (
            b"-EXECABORT Transaction discarded because of previous errors.\r\n"
        )
        assert client.get("k") == b"before"
        shutil.rmtree(blocker)
    finally:
        with_write.close()
        reader.close()
        server.stop()
