"""SAVE / BGSAVE / LASTSAVE and the fork-free point-in-time walk, in-process."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import trio
import trio.testing

from actors.engine.persistence import rdb_reader
from actors.shard import SNAPSHOT_STEP_KEYS


def _load(path: Path) -> dict[tuple[int, bytes], Any]:
    contents = rdb_reader.load(path.read_bytes())
    return {(db, key): value for db, key, value, _ in contents.records}


async def test_save_writes_a_file_with_every_database(
    autojump_clock: trio.testing.MockClock, start_server: Any, tmp_path: Path
) -> None:
    harness = await start_server(shards=3, dir=str(tmp_path))
    client = await harness.connect()
    for index in range(20):
        assert await client.call("SET", f"key{index}", index) == b"OK"
    await client.call("SELECT", 4)
    await client.call("RPUSH", "list", "a", "b")
    assert await client.call("SAVE") == b"OK"
    saved = _load(tmp_path / "dump.rdb")
    assert len(saved) == 21
    assert list(saved[(4, b"list")]) == [b"a", b"b"]
    assert saved[(0, b"key7")] == b"7"
    assert isinstance(await client.call("LASTSAVE"), int)
    assert not [name for name in os.listdir(tmp_path) if name.startswith("temp-")]


async def test_bgsave_is_one_point_in_time_while_writes_go_on(
    autojump_clock: trio.testing.MockClock, start_server: Any, tmp_path: Path
) -> None:
    harness = await start_server(shards=2, dir=str(tmp_path))
    writer = await harness.connect()
    admin = await harness.connect()
    count = SNAPSHOT_STEP_KEYS * 8
    await writer.send_commands(*[("SET", f"k{index}", "before") for index in range(count)])
    await writer.read_replies(count)
    await writer.call("RPUSH", "list", "one")
    assert await admin.call("BGSAVE") == b"Background saving started"
    # Writes racing the walk: every one of them must be invisible in the file.
    for index in range(0, count, 7):
        assert await writer.call("SET", f"k{index}", "after") == b"OK"
        await writer.call("RPUSH", "list", "two")
        await writer.call("DEL", f"k{index + 1}")
        await writer.call("SET", f"new{index}", "after")
    with trio.fail_after(60):
        while b"rdb_bgsave_in_progress:1" in await admin.call("INFO", "persistence"):
            await trio.sleep(0.01)
    saved = _load(tmp_path / "dump.rdb")
    assert len(saved) == count + 1
    assert {value for (db, key), value in saved.items() if key != b"list"} == {b"before"}
    assert list(saved[(0, b"list")]) == [b"one"]


async def test_bgsave_twice_at_once_is_refused(
    autojump_clock: trio.testing.MockClock, start_server: Any, tmp_path: Path
) -> None:
    harness = await start_server(shards=1, dir=str(tmp_path))
    client = await harness.connect()
    await client.send_commands(*[("SET", f"k{index}", "v") for index in range(2000)])
    await client.read_replies(2000)
    await client.send_commands(("BGSAVE",), ("BGSAVE",))
    first, second = await client.read_replies(2)
    assert first == b"Background saving started"
    assert second.message == "ERR Background save already in progress"


async def test_info_counts_changes_since_the_last_save(
    autojump_clock: trio.testing.MockClock, start_server: Any, tmp_path: Path
) -> None:
    harness = await start_server(shards=2, dir=str(tmp_path))
    client = await harness.connect()
    await client.call("SET", "a", "1")
    await client.call("SET", "b", "1")
    assert b"rdb_changes_since_last_save:2" in await client.call("INFO", "persistence")
    await client.call("SAVE")
    info = await client.call("INFO", "persistence")
    assert b"rdb_changes_since_last_save:0" in info
    assert b"rdb_last_bgsave_status:ok" in info


async def test_debug_reload_keeps_the_data(
    mock_clock: trio.testing.MockClock, start_server: Any, tmp_path: Path
) -> None:
    # A frozen clock, not autojump: the file's checksum runs in a worker
    # thread, and an autojump clock would race virtual time past the TTL
    # while the event loop waits for it.
    harness = await start_server(shards=2, dir=str(tmp_path), **{"enable-debug-command": "yes"})
    client = await harness.connect()
    await client.call("HSET", "h", "f", "v")
    await client.call("SET", "s", "x", "PX", 100000)
    assert await client.call("DEBUG", "RELOAD") == b"OK"
    assert await client.call("HGET", "h", "f") == b"v"
    assert 0 < await client.call("PTTL", "s") <= 100000
