"""The snapshotter: SAVE, BGSAVE, save rules and RDB loading, without fork.

A snapshot starts at one instant for the whole server: the snapshotter leases
every shard (ascending ids, as any coordinator), installs a
:class:`~actors.engine.persistence.walker.SnapshotWalk` on each, runs the
``at_start`` hook (the AOF writer switches files there, so base and
increments meet exactly), and gives the leases back. Each shard then walks
its keys in small steps between batches and serialises a key's pre-image
before any write touches it (shard.py), so the file is that one point in time
while clients keep being served. When every shard has reported, the file is
assembled (header, per database SELECTDB/RESIZEDB and records, EOF, CRC-64)
and written to a temp file, fsynced and renamed, both off the Trio thread.

SAVE is a BGSAVE that the caller waits for. ``save <seconds> <changes>``
rules are checked once a second against the count of propagated writes since
the last successful save (``dirty``); a failed automatic save is retried
after 5 s, as Redis does.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable
from typing import Any

import attrs
import trio

from protocol.resp import encode_command

from actors.config import REDIS_VERSION
from actors.engine.persistence import rdb_reader
from actors.engine.persistence.crc64 import crc64
from actors.engine.persistence.aof_base import encode_key_commands
from actors.engine.persistence.rdb_writer import (
    RdbBuilder, encode_header, encode_record, encode_select_db,
)
from actors.engine.persistence.walker import SnapshotWalk
from actors.messages import Lease

log = logging.getLogger("shardis.snapshot")

RETRY_DELAY_SECONDS = 5


class SnapshotFailed(Exception):
    pass


@attrs.frozen
class SnapshotStatistics:
    in_progress: bool
    last_save_time: int
    last_status: str
    changes_since_last_save: int
    saves: int


@attrs.define(eq=False)
class Snapshotter:
    shards: list[Any]
    config: Any
    clock: Any
    dirty: int = 0
    dirty_at_start: int = 0
    in_progress: bool = False
    last_save_time: int = attrs.field(factory=lambda: int(time.time()))
    last_status: str = "ok"
    last_attempt: float = 0.0
    saves: int = 0
    finished: trio.Event = attrs.field(factory=trio.Event)
    nursery: trio.Nursery | None = None
    scheduled: bool = False
    check_rules: bool = False  # set by the server once it listens (not in actor tests)
    # One walk at a time (a BGSAVE and an AOF rewrite may ask together): a turn
    # among this actor's own requests, not shared state (docs/decisions/0007).
    walk_turn: trio.Lock = attrs.field(factory=trio.Lock)
    # Set by the server: called when ``last_status`` may have changed (-MISCONF),
    # and whether an AOF rewrite runs (a scheduled BGSAVE waits for it).
    on_status: Callable[[], None] | None = None
    other_busy: Callable[[], bool] = lambda: False

    def statistics(self) -> SnapshotStatistics:
        return SnapshotStatistics(
            self.in_progress, self.last_save_time, self.last_status, self.dirty, self.saves,
        )

    def note_changes(self, count: int) -> None:
        self.dirty += count

    def rdb_path(self) -> str:
        return os.path.join(self.config["dir"], self.config["dbfilename"])

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        async with trio.open_nursery() as nursery:
            self.nursery = nursery
            task_status.started()
            while True:
                await trio.sleep(1)
                self.check_save_rules()

    def check_save_rules(self) -> None:
        if self.in_progress or self.other_busy():
            return
        if self.scheduled:  # BGSAVE SCHEDULE during an AOF rewrite
            self.scheduled = False
            self.start_background()
            return
        if not self.check_rules:
            return
        now = time.time()
        changes = self.dirty
        since = now - self.last_save_time
        if self.last_status != "ok" and now - self.last_attempt < RETRY_DELAY_SECONDS:
            return
        for seconds, wanted in self.config["save"]:
            if changes >= wanted and since >= seconds:
                log.warning("%d changes in %d seconds. Saving...", wanted, seconds)
                self.start_background()
                return

    # -- taking a snapshot -------------------------------------------------
    def start_background(self, path: str | None = None) -> None:
        assert self.nursery is not None
        self.in_progress = True
        self.finished = trio.Event()
        self.nursery.start_soon(self._save_quietly, path)

    async def save(self, path: str | None = None) -> None:
        """SAVE: take a snapshot and wait for the file; raises SnapshotFailed."""
        if self.in_progress:
            await self.finished.wait()
        self.in_progress = True
        self.finished = trio.Event()
        await self._save(path)
        if self.last_status != "ok":
            raise SnapshotFailed(self.rdb_path())

    async def _save_quietly(self, path: str | None) -> None:
        await self._save(path)

    async def _save(self, path: str | None, at_start: Callable[[], None] | None = None, aof_base: bool = False) -> None:
        self.last_attempt = time.time()
        try:
            chunks = await self.take_snapshot(at_start, aof_base)
            target = path or self.rdb_path()
            await trio.to_thread.run_sync(write_file_durably, target, chunks)
        except (OSError, SnapshotFailed) as error:
            log.error("Background saving error: %s", error)
            self.last_status = "err"
        else:
            self.last_status = "ok"
            self.last_save_time = int(time.time())
            self.dirty -= self.dirty_at_start
            self.saves += 1
            log.warning("DB saved on disk")
        finally:
            self.in_progress = False
            self.finished.set()
            if self.on_status is not None:
                self.on_status()

    async def take_snapshot(
        self, at_start: Callable[[], None] | None = None, aof_base: bool = False,
        as_commands: bool = False,
    ) -> list[bytes]:
        """The bytes of an RDB file of the whole server at one instant; with
        ``as_commands`` an AOF base made of commands instead (an AOF rewrite
        with ``aof-use-rdb-preamble no``)."""
        async with self.walk_turn:
            return await self._take_snapshot(at_start, aof_base, as_commands)

    async def _take_snapshot(
        self, at_start: Callable[[], None] | None, aof_base: bool, as_commands: bool
    ) -> list[bytes]:
        send, receive = trio.open_memory_channel[Any](math.inf)
        leases: list[Lease] = []
        now_ms = self.clock.now_ms()
        compression = bool(self.config["rdbcompression"])
        walks: dict[int, SnapshotWalk] = {}
        encode = encode_key_commands if as_commands else encode_record

        def done(shard_id: int, walk: SnapshotWalk) -> None:
            send.send_nowait((shard_id, walk))

        try:
            for shard in self.shards:
                lease = Lease(send, trio.Event())
                leases.append(lease)
                await shard.inbox_send.send(lease)
                await receive.receive()
            for shard in self.shards:
                walk = SnapshotWalk.start(shard.keyspace, now_ms, compression, done, encode)
                walks[shard.shard_id] = walk
                if walk.done:
                    send.send_nowait((shard.shard_id, walk))
                else:
                    shard.snapshot = walk
            self.dirty_at_start = self.dirty
            if at_start is not None:
                at_start()
        finally:
            for lease in leases:
                lease.released.set()
        finished: dict[int, SnapshotWalk] = {}
        while len(finished) < len(self.shards):
            shard_id, walk = await receive.receive()
            finished[shard_id] = walk
        if as_commands:
            return assemble_commands(list(finished.values()), self.config)
        chunks = assemble(list(finished.values()), self.config, aof_base)
        if self.config["rdbchecksum"]:
            chunks[-1] = (await checksum_in_slices(chunks[:-1])).to_bytes(8, "little")
        return chunks


# Bytes checksummed between two checkpoints: about 2 ms of pure-Python CRC here.
CRC_SLICE = 16 * 1024


async def checksum_in_slices(chunks: list[bytes]) -> int:
    """The file's CRC-64 on the Trio thread, a slice at a time with a
    checkpoint after each, so clients are served meanwhile. (In a worker
    thread the pure-Python loop held the GIL for seconds, and the event loop
    waited a switch interval for it after every socket call: 300 ms pauses.)"""
    crc = 0
    for chunk in chunks:
        view = memoryview(chunk)
        for start in range(0, len(view), CRC_SLICE):
            crc = crc64(view[start : start + CRC_SLICE], crc)
            await trio.sleep(0)
    return crc


def assemble(walks: list[SnapshotWalk], config: Any, aof_base: bool = False) -> list[bytes]:
    """The file's chunks; the last 8 bytes, where the checksum goes, are zero
    (the caller checksums the rest between batches when ``rdbchecksum`` is on)."""
    builder = RdbBuilder(checksum=False)
    builder.write(encode_header([
        (b"redis-ver", REDIS_VERSION.encode()),
        (b"redis-bits", 64),
        (b"ctime", int(time.time())),
        (b"used-mem", 0),
        (b"aof-base", 1 if aof_base else 0),
    ]))
    for index in range(config["databases"]):
        records = [walk.records[index] for walk in walks if index in walk.records]
        if not records:
            continue
        keys = sum(walk.counts[index][0] for walk in walks if index in walk.counts)
        expires = sum(walk.counts[index][1] for walk in walks if index in walk.counts)
        builder.write(encode_select_db(index, keys, expires))
        for shard_records in records:
            builder.write(b"".join(shard_records))
    return builder.finish()


def assemble_commands(walks: list[SnapshotWalk], config: Any) -> list[bytes]:
    """An AOF base of commands: per non-empty database a SELECT, then its keys."""
    chunks = []
    for index in range(config["databases"]):
        records = [walk.records[index] for walk in walks if index in walk.records]
        if records:
            chunks.append(encode_command([b"SELECT", str(index).encode()]))
            chunks.extend(b"".join(shard_records) for shard_records in records)
    return chunks


def write_file_durably(path: str, chunks: list[bytes]) -> None:
    """Temp file in the same directory, fsync, rename, fsync the directory."""
    directory = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(directory, f"temp-{os.getpid()}-{os.path.basename(path)}")
    try:
        with open(temporary, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# -- loading -------------------------------------------------------------------
def read_rdb_file(path: str) -> rdb_reader.RdbContents | None:
    """The decoded file, or None when it does not exist; RdbError names the offset."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return None
    return rdb_reader.load(data)


def install(shards: list[Any], router: Any, contents: rdb_reader.RdbContents, now_ms: int) -> int:
    """Put loaded records into the shards' keyspaces (the caller owns them);
    expired keys and databases past ``databases`` are skipped. Returns keys loaded."""
    return install_records(shards, router, contents.records, now_ms)


async def install_gradually(
    shards: list[Any], router: Any, contents: rdb_reader.RdbContents, now_ms: int, chunk: int = 2048
) -> int:
    """:func:`install` ``chunk`` records at a time, letting other tasks run
    in between (startup loading with the listener open). Each chunk runs
    synchronously, so a shard never sees a half-inserted key."""
    records = contents.records
    loaded = 0
    for start in range(0, len(records), chunk):
        loaded += install_records(shards, router, records[start : start + chunk], now_ms)
        await trio.sleep(0)
    return loaded


def install_records(
    shards: list[Any], router: Any, records: list[tuple[int, bytes, Any, int | None]], now_ms: int
) -> int:
    loaded = 0
    for db_index, key, value, expire_at in records:
        if expire_at is not None and expire_at <= now_ms:
            continue
        shard = shards[router.shard_of_key(key)]
        if db_index >= len(shard.keyspace.databases):
            continue
        db = shard.keyspace.databases[db_index]
        db.store_new(key, value)
        if expire_at is not None:
            db.set_expire(key, expire_at)
        loaded += 1
    return loaded


def clear(shards: list[Any]) -> None:
    for shard in shards:
        for db in shard.keyspace.databases:
            db.clear()
