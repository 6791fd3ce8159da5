"""The AOF writer: multi-part layout, group commit, rewrite, replay at boot."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
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


async def _eventually(predicate: Callable[[], Awaitable[bool]]) -> None:
    """Poll until ``predicate``; the deadline is real time because the work
    waited for runs in threads (file writes), which the virtual clock outruns."""
    deadline = time.monotonic() + 30
    while not await predicate():
        assert time.monotonic() < deadline
        await trio.sleep(0.01)


async def _wait_rewritten(client: Any) -> None:
    async def done() -> bool:
        return b"aof_rewrite_in_progress:1" not in await client.call("INFO", "persistence")

    await _eventually(done)


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
    directory = tmp_path / "appendonlydir"
    expected = encode_command([b"SELECT", b"2"]) + encode_command([b"SET", b"after", b"2"])

    async def written() -> bool:
        return (directory / "appendonly.aof.1.incr.aof").read_bytes() == expected

    await _eventually(written)
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


async def _enable_aof(harness: Any) -> Any:
    client = await harness.connect()
    await client.call("CONFIG", "SET", "appendonly", "yes")
    await trio.sleep(0.1)
    await _wait_rewritten(client)
    return client


async def test_an_aof_write_error_refuses_writes_with_misconf_until_a_write_succeeds(
    autojump_clock: trio.testing.MockClock, start_server: Any, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import errno

    harness = await start_server(shards=2, dir=str(tmp_path))
    client = await _enable_aof(harness)
    real_write = aof_module.os.write
    failing = [True]

    def write(descriptor: int, data: Any) -> int:
        if failing[0]:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(descriptor, data)

    monkeypatch.setattr(aof_module.os, "write", write)
    assert await client.call("SET", "k", "v") == b"OK"  # appended before the write fails

    async def refused() -> bool:
        return b"aof_last_write_status:err" in await client.call("INFO", "persistence")

    await _eventually(refused)
    misconf = "MISCONF Errors writing to the AOF file: No space left on device"
    for argv in (("SET", "other", "1"), ("DEL", "k"), ("PING",)):
        assert (await client.call(*argv)).message == misconf
    assert await client.call("GET", "k") == b"v"
    assert b"aof_last_write_status:err" in await client.call("INFO", "persistence")
    failing[0] = False
    async def pong() -> bool:
        return await client.call("PING") == b"PONG"

    await _eventually(pong)
    assert await client.call("SET", "other", "1") == b"OK"
    path = tmp_path / "appendonlydir" / "appendonly.aof.1.incr.aof"

    async def written() -> bool:
        return path.read_bytes().endswith(encode_command([b"SET", b"other", b"1"]))

    await _eventually(written)
    increments = path.read_bytes()
    assert increments.count(encode_command([b"SET", b"k", b"v"])) == 1
    assert increments.endswith(encode_command([b"SET", b"other", b"1"]))


async def test_bgsave_during_an_aof_rewrite_needs_schedule_and_runs_after_it(
    autojump_clock: trio.testing.MockClock, start_server: Any, tmp_path: Path
) -> None:
    harness = await start_server(shards=2, dir=str(tmp_path))
    client = await _enable_aof(harness)
    await client.call("SET", "k", "v")
    await client.send_commands(("BGREWRITEAOF",), ("BGSAVE",), ("BGSAVE", "SCHEDULE"))
    replies = await client.read_replies(3)
    assert replies[0] == b"Background append only file rewriting started"
    assert replies[1].message == (
        "ERR Another child process is active (AOF?): can't BGSAVE right now. "
        "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible."
    )
    assert replies[2] == b"Background saving scheduled"
    async def saved() -> bool:
        return (tmp_path / "dump.rdb").exists()

    await _eventually(saved)


async def test_the_aof_is_rewritten_automatically_when_it_doubles(
    autojump_clock: trio.testing.MockClock, start_server: Any, tmp_path: Path
) -> None:
    harness = await start_server(shards=1, dir=str(tmp_path))
    client = await _enable_aof(harness)
    await client.call("CONFIG", "SET", "auto-aof-rewrite-min-size", "4096")
    assert await client.call("CONFIG", "GET", "auto-aof-rewrite-percentage") == [
        b"auto-aof-rewrite-percentage", b"100"
    ]
    directory = tmp_path / "appendonlydir"
    await client.call("SET", "k", "x" * 2000)
    await trio.sleep(3)
    assert (directory / "appendonly.aof.1.incr.aof").exists()  # below the minimum size
    for index in range(3):
        await client.call("SET", "k", "x" * 2000)
    async def rewritten() -> bool:
        return (directory / "appendonly.aof.2.base.rdb").exists()

    await _eventually(rewritten)


def test_boot_reverts_a_transaction_torn_before_exec(tmp_path: Path) -> None:
    directory = tmp_path / "appendonlydir"
    directory.mkdir()
    (directory / "appendonly.aof.manifest").write_text("file appendonly.aof.1.incr.aof seq 1 type i\n")
    before = encode_command([b"SET", b"a", b"1"]) + encode_command([b"MULTI"]) + encode_command(
        [b"SET", b"b", b"2"]
    ) + encode_command([b"EXEC"])
    torn = encode_command([b"MULTI"]) + encode_command([b"SET", b"a", b"changed"]) + encode_command(
        [b"SET", b"c", b"3"]
    )[:-4]
    (directory / "appendonly.aof.1.incr.aof").write_bytes(before + torn)
    for tail in (torn, torn[: len(encode_command([b"MULTI"])) + 5]):
        (directory / "appendonly.aof.1.incr.aof").write_bytes(before + tail)
        server = _boot(tmp_path)
        assert server.load_data() is False
        data = {}
        for shard in server.runtime.shards:
            data.update(shard.keyspace.db(0).data)
        assert data == {b"a": b"1", b"b": b"2"}
        assert (directory / "appendonly.aof.1.incr.aof").read_bytes() == before


def test_boot_refuses_a_torn_tail_with_aof_load_truncated_no(tmp_path: Path) -> None:
    directory = tmp_path / "appendonlydir"
    directory.mkdir()
    (directory / "appendonly.aof.manifest").write_text("file appendonly.aof.1.incr.aof seq 1 type i\n")
    good = encode_command([b"SET", b"a", b"1"])
    (directory / "appendonly.aof.1.incr.aof").write_bytes(good + good[:-2])
    config = make_config(2, dir=str(tmp_path), appendonly=True, **{"aof-load-truncated": False})
    server = Server(config, clock=WallClock())
    with pytest.raises(AofError, match=f"Unexpected end of file .* at offset {len(good)}"):
        server.aof.load_at_boot(server.runtime.shards, server.runtime.router, 0)
    assert (directory / "appendonly.aof.1.incr.aof").read_bytes() == good + good[:-2]


async def _incr_file_becomes(path: Path, expected: bytes) -> None:
    async def written() -> bool:
        return path.exists() and path.read_bytes() == expected

    await _eventually(written)


async def test_flushall_in_a_transaction_is_wrapped_with_its_writes_in_order(
    autojump_clock: trio.testing.MockClock, start_server: Any, tmp_path: Path
) -> None:
    harness = await start_server(shards=3, dir=str(tmp_path))
    client = await _enable_aof(harness)
    await client.send_commands(
        ("MULTI",), ("SET", "a", "1"), ("FLUSHALL",), ("SET", "b", "2"), ("EXEC",)
    )
    replies = await client.read_replies(5)
    assert replies[-1] == [b"OK", b"OK", b"OK"]
    await client.send_commands(("MULTI",), ("FLUSHALL",), ("EXEC",))
    assert (await client.read_replies(3))[-1] == [b"OK"]
    expected = b"".join(
        encode_command(argv)
        for argv in (
            [b"SELECT", b"0"], [b"MULTI"], [b"SET", b"a", b"1"], [b"FLUSHALL"],
            [b"SET", b"b", b"2"], [b"EXEC"], [b"FLUSHALL"],
        )
    )
    await _incr_file_becomes(tmp_path / "appendonlydir" / "appendonly.aof.1.incr.aof", expected)


async def test_exec_with_a_write_queued_before_a_disk_error_is_aborted_with_its_reason(
    autojump_clock: trio.testing.MockClock, start_server: Any, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import errno

    harness = await start_server(shards=2, dir=str(tmp_path))
    client = await _enable_aof(harness)
    reader = await harness.connect()
    other = await harness.connect()
    await client.call("SET", "k", "before")
    await client.send_commands(("MULTI",), ("SET", "k", "queued"), ("GET", "k"))
    assert await client.read_replies(3) == [b"OK", b"QUEUED", b"QUEUED"]
    await reader.send_commands(("MULTI",), ("GET", "k"))
    assert await reader.read_replies(2) == [b"OK", b"QUEUED"]
    real_write = aof_module.os.write

    def write(descriptor: int, data: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(aof_module.os, "write", write)
    await other.call("SET", "trigger", "1")  # accepted: its write to the file fails

    async def refused() -> bool:
        return b"aof_last_write_status:err" in await other.call("INFO", "persistence")

    await _eventually(refused)
    misconf = "MISCONF Errors writing to the AOF file: No space left on device"
    assert (await client.call("EXEC")).message == (
        f"EXECABORT Transaction discarded because of: {misconf}"
    )
    assert (await client.call("EXEC")).message == "ERR EXEC without MULTI"  # discarded
    assert await client.call("GET", "k") == b"before"
    assert await reader.call("EXEC") == [b"before"]  # reads only: it runs
    monkeypatch.setattr(aof_module.os, "write", real_write)


async def test_with_aof_use_rdb_preamble_no_the_base_is_commands_and_loads_back(
    autojump_clock: trio.testing.MockClock, start_server: Any, tmp_path: Path
) -> None:
    harness = await start_server(shards=2, dir=str(tmp_path))
    client = await harness.connect()
    assert await client.call("CONFIG", "SET", "aof-use-rdb-preamble", "no") == b"OK"
    assert await client.call("CONFIG", "GET", "aof-use-rdb-preamble") == [
        b"aof-use-rdb-preamble", b"no"
    ]
    await client.call("SET", "string", "v")
    await client.call("PEXPIREAT", "string", "4102444800000")
    await client.call("RPUSH", "list", *[str(index) for index in range(70)])
    await client.call("SADD", "set", "m")
    await client.call("ZADD", "zset", "1.5", "a", "-inf", "b")
    await client.call("HSET", "hash", "f", "v")
    await client.call("XADD", "stream", "1-1", "f", "v")
    await client.call("XGROUP", "CREATE", "stream", "group", "0")
    await client.call("SELECT", "3")
    await client.call("SET", "db3", "x")
    await client.call("CONFIG", "SET", "appendonly", "yes")
    await trio.sleep(0.1)
    await _wait_rewritten(client)
    directory = tmp_path / "appendonlydir"
    assert (directory / "appendonly.aof.manifest").read_text() == (
        "file appendonly.aof.1.base.aof seq 1 type b\n"
        "file appendonly.aof.1.incr.aof seq 1 type i\n"
    )
    commands, _, stopped = parse_commands((directory / "appendonly.aof.1.base.aof").read_bytes())
    assert stopped == ""
    assert [b"SET", b"string", b"v"] in commands
    assert [b"PEXPIREAT", b"string", b"4102444800000"] in commands
    assert [b"RPUSH", b"list", *[str(index).encode() for index in range(64)]] in commands
    assert [b"RPUSH", b"list", *[str(index).encode() for index in range(64, 70)]] in commands
    assert [b"ZADD", b"zset", b"-inf", b"b", b"1.5", b"a"] in commands
    assert [b"HMSET", b"hash", b"f", b"v"] in commands
    assert [b"SADD", b"set", b"m"] in commands
    assert [b"SELECT", b"3"] in commands and [b"SET", b"db3", b"x"] in commands
    assert any(argv[:3] == [b"RESTORE", b"stream", b"0"] for argv in commands)
    await client.call("SELECT", "0")
    await client.call("SET", "after", "1")
    await _incr_file_becomes(
        directory / "appendonly.aof.1.incr.aof",
        encode_command([b"SELECT", b"0"]) + encode_command([b"SET", b"after", b"1"]),
    )
    server = _boot(tmp_path, shards=3)
    assert server.load_data() is False
    reloaded = server.runtime
    owner = reloaded.shards[reloaded.router.shard_of_key(b"stream")]
    stream = owner.keyspace.db(0).data[b"stream"]
    assert list(stream.groups) == [b"group"]
    found = {}
    for shard in reloaded.shards:
        for db in shard.keyspace.databases:
            for key in db.data:
                found[(db.index, key)] = db.expires.get(key)
    assert found == {
        (0, b"string"): 4102444800000, (0, b"list"): None, (0, b"set"): None,
        (0, b"zset"): None, (0, b"hash"): None, (0, b"stream"): None,
        (0, b"after"): None, (3, b"db3"): None,
    }
