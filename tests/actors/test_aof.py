"""The AOF writer: multi-part layout, group commit, rewrite, replay at boot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import trio
import trio.testing

from actors import aof as aof_module
from actors.aof import AofError, encode_command, parse_commands
from actors.clock import WallClock
from actors.server import Server

from tests.actors.conftest import make_config


async def _wait_rewritten(client: Any) -> None:
    with trio.fail_after(60):
        while b"aof_rewrite_in_progress:1" in await client.call("INFO", "persistence"):
            await trio.sleep(0.01)


async def test_config_set_appendonly_yes_writes_a_base_then_increments(
    autojump_clock: trio.testing.MockClock, start_server: Any, tmp_path: Path
) -> None:
    harness = await start_server(shards=2, dir=str(tmp_path))
    client = await harness.connect()
    await client.call("SET", "before", "1")
    assert await client.call("CONFIG", "SET", "appendonly", "yes") == b"OK"
    await trio.sleep(0.1)
    await _wait_rewritten(client)
    await client.call("SELECT", 2)
    await client.call("SET", "after", "2")
    await trio.sleep(1.5)
    directory = tmp_path / "appendonlydir"
    manifest = (directory / "appendonly.aof.manifest").read_text()
    assert manifest == (
        "file appendonly.aof.1.base.rdb seq 1 type b\n"
        "file appendonly.aof.1.incr.aof seq 1 type i\n"
    )
    increments = (directory / "appendonly.aof.1.incr.aof").read_bytes()
    assert increments == encode_command([b"SELECT", b"2"]) + encode_command([b"SET", b"after", b"2"])


async def test_with_appendfsync_always_a_reply_follows_the_fsync_of_its_write(
    autojump_clock: trio.testing.MockClock, start_server: Any, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    synced_sizes: list[int] = []
    real_fsync = aof_module.os.fsync

    def recording_fsync(descriptor: int) -> None:
        real_fsync(descriptor)
        synced_sizes.append(aof_module.os.fstat(descriptor).st_size)

    monkeypatch.setattr(aof_module.os, "fsync", recording_fsync)
    harness = await start_server(shards=1, dir=str(tmp_path), appendfsync="always")
    client = await harness.connect()
    await client.call("CONFIG", "SET", "appendonly", "yes")
    await trio.sleep(0.1)
    await _wait_rewritten(client)
    for index in range(5):
        assert await client.call("SET", f"k{index}", "v") == b"OK"
        size = (tmp_path / "appendonlydir" / "appendonly.aof.1.incr.aof").stat().st_size
        assert synced_sizes and synced_sizes[-1] >= size > 0


async def test_bgrewriteaof_switches_to_a_new_base_and_removes_the_old_files(
    autojump_clock: trio.testing.MockClock, start_server: Any, tmp_path: Path
) -> None:
    harness = await start_server(shards=2, dir=str(tmp_path))
    client = await harness.connect()
    await client.call("CONFIG", "SET", "appendonly", "yes")
    await trio.sleep(0.1)
    await _wait_rewritten(client)
    await client.call("SET", "k", "v")
    assert await client.call("BGREWRITEAOF") == b"Background append only file rewriting started"
    await trio.sleep(0.1)
    await _wait_rewritten(client)
    names = sorted(path.name for path in (tmp_path / "appendonlydir").iterdir())
    assert names == ["appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"]


def _boot(tmp_path: Path, shards: int = 2) -> Server:
    config = make_config(shards, dir=str(tmp_path), appendonly=True)
    server = Server(config, clock=WallClock())
    return server


def test_boot_replays_base_and_increments_and_trims_a_torn_tail(tmp_path: Path) -> None:
    directory = tmp_path / "appendonlydir"
    directory.mkdir()
    (directory / "appendonly.aof.manifest").write_text("file appendonly.aof.3.incr.aof seq 3 type i\n")
    torn = encode_command([b"SET", b"c", b"3"])[:-3]
    (directory / "appendonly.aof.3.incr.aof").write_bytes(
        encode_command([b"SET", b"a", b"1"]) + encode_command([b"SELECT", b"1"])
        + encode_command([b"RPUSH", b"b", b"x", b"y"]) + torn
    )
    server = _boot(tmp_path)
    assert server.load_data() is False
    shards = server.runtime.shards
    router = server.runtime.router
    assert shards[router.shard_of_key(b"a")].keyspace.db(0).data[b"a"] == b"1"
    assert list(shards[router.shard_of_key(b"b")].keyspace.db(1).data[b"b"]) == [b"x", b"y"]
    assert not (directory / "appendonly.aof.3.incr.aof").read_bytes().endswith(torn)


def test_boot_refuses_corruption_in_the_middle_naming_file_and_offset(tmp_path: Path) -> None:
    directory = tmp_path / "appendonlydir"
    directory.mkdir()
    (directory / "appendonly.aof.manifest").write_text("file appendonly.aof.1.incr.aof seq 1 type i\n")
    good = encode_command([b"SET", b"a", b"1"])
    (directory / "appendonly.aof.1.incr.aof").write_bytes(good + b"garbage" + good)
    server = _boot(tmp_path)
    with pytest.raises(AofError, match=f"at offset {len(good)}"):
        server.aof.load_at_boot(server.runtime.shards, server.runtime.router, 0)


def test_parse_commands_reports_where_and_why_it_stopped() -> None:
    data = encode_command([b"PING"]) + b"*2\r\n$3\r\nGET"
    commands, offset, why = parse_commands(data)
    assert commands == [[b"PING"]] and offset == len(encode_command([b"PING"])) and why == "truncated"
    assert parse_commands(b"+OK\r\n")[2] == "corrupt"
