"""The AOF writer: one actor consuming the change stream (DESIGN §6).

Layout (Redis 7 multi-part, in ``dir/appenddirname``): a manifest
``<appendfilename>.manifest`` naming one base file
(``<appendfilename>.<seq>.base.rdb``, an RDB preamble, or with
``aof-use-rdb-preamble no`` ``<appendfilename>.<seq>.base.aof``, commands)
and the incremental files (``<appendfilename>.<seq>.incr.aof``, RESP
commands) in order. Loading tells the two kinds of base by their first bytes.

How it works:

* Shards hand every batch's propagated writes to :meth:`AofWriter.feed`
  synchronously (the supervisor wires ``Shard.propagate_sink``). ``feed``
  encodes them (with SELECT when the database changes), appends them to the
  pending list and advances ``appended``, the change-stream offset in bytes.
* The writer task drains the pending list and writes it off the Trio thread.
  With ``appendfsync always`` the same thread call fsyncs, then ``synced``
  moves to the offset drained: every connection whose replies wait in
  :meth:`wait_durable` for an offset at or below it goes on. Writes that
  arrive during an fsync form the next group (group commit). ``everysec``
  fsyncs once a second from a second task; ``no`` leaves it to the OS.
* A rewrite (BGREWRITEAOF, ``CONFIG SET appendonly yes``, first start with
  no AOF) takes a snapshot through the snapshotter; at the snapshot's
  instant (all shards leased) the writer switches to a new incremental file,
  so the new base plus the new increments are exactly the data. Then the base
  is written durably, the manifest replaced atomically (temp + rename) and
  the old files removed.
* Startup (:func:`load_at_boot`): the base and the increments are replayed;
  a truncated last command is trimmed away with a warning (Redis's
  ``aof-load-truncated yes``); anything else that does not parse refuses to
  start, naming the file and offset.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import trio

from protocol import errors
from protocol.errors import CommandError
from protocol.commands.table import resolve
from protocol.resp import encode_command

from actors.engine.context import ClientState
from actors.engine.persistence.rdb_reader import RdbError
from actors.snapshot import Snapshotter, clear, install_records, read_rdb_file, write_file_durably

log = logging.getLogger("shardis.aof")


class AofError(Exception):
    """An AOF that cannot be loaded: names the file and the offset."""


@attrs.frozen
class _Switch:
    path: str
    fresh: bool = False  # a rewrite's new file: the older increments are gone


@attrs.frozen
class AofStatistics:
    enabled: bool
    rewrite_in_progress: bool
    last_write_status: str
    last_rewrite_status: str
    appended: int
    synced: int
    current_size: int
    base_size: int
    rewrite_scheduled: bool


@attrs.define(eq=False)
class AofWriter:
    config: Any
    snapshotter: Snapshotter
    enabled: bool = False
    seq: int = 0
    base_name: str = ""
    incr_names: list[str] = attrs.field(factory=list)
    pending: list[Any] = attrs.field(factory=list)
    appended: int = 0
    written: int = 0
    synced: int = 0
    current_db: int = -1
    descriptor: int = -1
    current_size: int = 0
    wakeup: trio.Event = attrs.field(factory=trio.Event)
    synced_event: trio.Event = attrs.field(factory=trio.Event)
    rewriting: bool = False
    last_write_status: str = "ok"
    last_rewrite_status: str = "ok"
    nursery: trio.Nursery | None = None
    # Disk errors (strerror text, "" when fine): a write error keeps being
    # retried once a second; both refuse writes with -MISCONF until it clears.
    write_error: str = ""
    fsync_error: str = ""
    on_status: Callable[[], None] | None = None
    # Sizes for INFO and auto-aof-rewrite: the base, the increments before the
    # current one, and the total after the last rewrite (or load).
    base_size: int = 0
    older_increments_size: int = 0
    rewrite_base_size: int = 0
    rewrite_scheduled: bool = False

    def statistics(self) -> AofStatistics:
        return AofStatistics(
            self.enabled, self.rewriting, self.last_write_status, self.last_rewrite_status,
            self.appended, self.synced, self.total_size(), self.base_size, self.rewrite_scheduled,
        )

    def total_size(self) -> int:
        return self.base_size + self.older_increments_size + self.current_size

    def disk_error(self) -> str | None:
        """The -MISCONF text while writes must be refused (Redis 7.0's rule)."""
        if not self.enabled:
            return None
        reason = self.write_error or self.fsync_error
        return errors.misconf_aof(reason) if reason else None

    def _status_changed(self) -> None:
        if self.on_status is not None:
            self.on_status()

    # -- paths --------------------------------------------------------------
    def directory(self) -> str:
        return os.path.join(self.config["dir"], self.config["appenddirname"])

    def manifest_path(self) -> str:
        return os.path.join(self.directory(), self.config["appendfilename"] + ".manifest")

    def file_path(self, name: str) -> str:
        return os.path.join(self.directory(), name)

    # -- the change stream ----------------------------------------------------
    def feed(self, shard_id: int, entries: list[tuple[int, list[bytes]]]) -> None:
        """Called synchronously by a shard after each batch with its writes."""
        if not self.enabled:
            return
        chunks = []
        for db, argv in entries:
            if db != self.current_db:
                chunks.append(encode_command([b"SELECT", str(db).encode()]))
                self.current_db = db
            chunks.append(encode_command(argv))
        data = b"".join(chunks)
        self.pending.append(data)
        self.appended += len(data)
        self.wakeup.set()

    async def wait_durable(self) -> None:
        """Group commit: return once everything appended so far is fsynced
        (only with ``appendfsync always``)."""
        if not self.enabled or self.config["appendfsync"] != "always":
            return
        target = self.appended
        while self.synced < target and self.enabled:
            await self.synced_event.wait()

    # -- the actor ------------------------------------------------------------
    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        async with trio.open_nursery() as nursery:
            self.nursery = nursery
            nursery.start_soon(self._fsync_every_second)
            task_status.started()
            while True:
                await self.wakeup.wait()
                self.wakeup = trio.Event()
                await self.flush()

    async def flush(self, force_fsync: bool = False) -> None:
        items, self.pending = self.pending, []
        target = self.appended
        fsync = force_fsync or self.config["appendfsync"] == "always"
        progress = [0]
        try:
            await trio.to_thread.run_sync(self._write_items, items, fsync, progress)
        except OSError as error:
            reason = os.strerror(error.errno) if error.errno else str(error)
            log.error("Error writing to the AOF file: %s", reason)
            self.last_write_status = "err"
            if not self.write_error:
                self.write_error = reason
                self._status_changed()
            self.pending[:0] = items[progress[0]:]  # written items are not written twice
            await trio.sleep(1)
            self.wakeup.set()
            return
        if self.write_error:
            log.warning("AOF write error looks solved, Redis can write again.")
            self.write_error = ""
            self._status_changed()
        self.last_write_status = "ok"
        self.written = target
        if fsync:
            self._mark_synced(target)

    def _mark_synced(self, target: int) -> None:
        if target > self.synced:
            self.synced = target
        self.synced_event.set()
        self.synced_event = trio.Event()

    def _write_items(self, items: list[Any], fsync: bool, progress: list[int]) -> None:
        """Runs in a worker thread. ``progress[0]`` counts the items fully
        written; a partly written item is cut off again (as Redis does), so
        the retry appends it whole."""
        for item in items:
            if type(item) is _Switch:
                if item.fresh:
                    self.older_increments_size = 0
                elif self.descriptor >= 0:
                    self.older_increments_size += self.current_size
                self._close_descriptor()
                self.descriptor = os.open(item.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                self.current_size = os.fstat(self.descriptor).st_size
                progress[0] += 1
                continue
            if self.descriptor < 0:
                progress[0] += 1
                continue  # before the first switch: covered by the base being written
            view = memoryview(item)
            try:
                while view:
                    count = os.write(self.descriptor, view)
                    view = view[count:]
            except OSError:
                if len(view) < len(item):
                    try:
                        os.ftruncate(self.descriptor, self.current_size)
                    except OSError:
                        pass
                raise
            self.current_size += len(item)
            progress[0] += 1
        if fsync and self.descriptor >= 0:
            os.fsync(self.descriptor)

    def _close_descriptor(self) -> None:
        if self.descriptor >= 0:
            os.fsync(self.descriptor)
            os.close(self.descriptor)
            self.descriptor = -1

    def check_auto_rewrite(self) -> None:
        """Once a second: a scheduled BGREWRITEAOF, or auto-aof-rewrite-percentage
        growth over the size after the last rewrite (past auto-aof-rewrite-min-size)."""
        if not self.enabled or self.rewriting or self.snapshotter.in_progress:
            return
        if self.rewrite_scheduled:
            self.rewrite_scheduled = False
            self.start_rewrite()
            return
        percentage = self.config["auto-aof-rewrite-percentage"]
        size = self.total_size()
        if percentage and size > self.config["auto-aof-rewrite-min-size"]:
            growth = size * 100 // (self.rewrite_base_size or 1) - 100
            if growth >= percentage:
                log.warning("Starting automatic rewriting of AOF on %d%% growth", growth)
                self.start_rewrite()

    async def _fsync_every_second(self) -> None:
        while True:
            await trio.sleep(1)
            self.check_auto_rewrite()
            if self.config["appendfsync"] != "everysec" or self.descriptor < 0:
                continue
            target = self.written
            if target <= self.synced:
                continue
            descriptor = self.descriptor
            try:
                await trio.to_thread.run_sync(os.fsync, descriptor)
            except OSError as error:
                log.error("AOF fsync failed: %s", error)
                if not self.fsync_error:
                    self.fsync_error = os.strerror(error.errno) if error.errno else str(error)
                    self._status_changed()
                continue
            if self.fsync_error:
                self.fsync_error = ""
                self._status_changed()
            self._mark_synced(target)

    async def close(self) -> None:
        """Shutdown: write and fsync everything pending."""
        if self.descriptor >= 0 or self.pending:
            await self.flush(force_fsync=True)
            await trio.to_thread.run_sync(self._close_descriptor)

    # -- enabling and rewriting ---------------------------------------------------
    def on_appendonly_changed(self, value: bool) -> None:
        """CONFIG SET appendonly: yes writes a base first, as Redis does."""
        if value and not self.enabled:
            self.enabled = True
            self.current_db = -1
            self.start_rewrite()
        elif not value and self.enabled:
            self.enabled = False
            self._mark_synced(self.appended)
            if self.nursery is not None:
                self.nursery.start_soon(self.close)

    def start_rewrite(self) -> bool:
        if self.rewriting or self.nursery is None:
            return False
        self.rewriting = True  # at once: a BGSAVE right after sees it
        self.nursery.start_soon(self._rewrite)
        return True

    async def rewrite(self) -> None:
        if self.rewriting:
            return
        self.rewriting = True
        await self._rewrite()

    async def _rewrite(self) -> None:
        """A new base at one instant plus a fresh incremental file, then an
        atomic manifest switch; old files are removed."""
        try:
            os.makedirs(self.directory(), exist_ok=True)
            new_seq = self.seq + 1
            name = self.config["appendfilename"]
            preamble = bool(self.config["aof-use-rdb-preamble"])
            base_name = f"{name}.{new_seq}.base.{'rdb' if preamble else 'aof'}"
            incr_name = f"{name}.{new_seq}.incr.aof"
            old_files = ([self.base_name] if self.base_name else []) + list(self.incr_names)

            def at_start() -> None:
                # All shards are leased: nothing is written between the base and this file.
                path = self.file_path(incr_name)
                open(path, "ab").close()
                self.pending.append(_Switch(path, fresh=True))
                self.current_db = -1
                self.wakeup.set()

            chunks = await self.snapshotter.take_snapshot(
                at_start, aof_base=True, as_commands=not preamble
            )
            await trio.to_thread.run_sync(write_file_durably, self.file_path(base_name), chunks)
            manifest = (
                f"file {base_name} seq {new_seq} type b\n"
                f"file {incr_name} seq {new_seq} type i\n"
            ).encode()
            await trio.to_thread.run_sync(write_file_durably, self.manifest_path(), [manifest])
            self.seq, self.base_name, self.incr_names = new_seq, base_name, [incr_name]
            self.base_size = sum(len(chunk) for chunk in chunks)
            self.rewrite_base_size = self.total_size()
            for old in old_files:
                if old not in (base_name, incr_name):
                    try:
                        os.unlink(self.file_path(old))
                    except FileNotFoundError:
                        pass
            self.last_rewrite_status = "ok"
            log.warning("Background AOF rewrite finished successfully")
        except OSError as error:
            log.error("AOF rewrite failed: %s", error)
            self.last_rewrite_status = "err"
        finally:
            self.rewriting = False

    # -- loading at startup -----------------------------------------------------
    def load_at_boot(self, shards: list[Any], router: Any, now_ms: int) -> bool:
        """Replay the AOF into the shards in one step (before any actor runs).
        False when there is no AOF yet. Raises AofError naming the file and offset."""
        steps = self.load_steps(shards, router, now_ms)
        for _ in steps:
            pass
        return self.enabled

    async def load_gradually(self, shards: list[Any], router: Any, now_ms: int) -> bool:
        """:meth:`load_at_boot` a few thousand commands (or keys) at a time,
        letting other tasks run in between: clients get -LOADING meanwhile."""
        for _ in self.load_steps(shards, router, now_ms):
            await trio.sleep(0)
        return self.enabled

    def load_steps(self, shards: list[Any], router: Any, now_ms: int) -> Iterator[None]:
        try:
            with open(self.manifest_path(), encoding="utf-8") as handle:
                lines = handle.read().splitlines()
        except FileNotFoundError:
            return
        entries = []
        for number, line in enumerate(lines, 1):
            words = line.split()
            if not words:
                continue
            fields = dict(zip(words[0::2], words[1::2]))
            if "file" not in fields or "type" not in fields:
                raise AofError(f"Invalid AOF manifest file format at line {number}")
            entries.append((fields["file"], int(fields.get("seq", "0")), fields["type"]))
        clear(shards)
        truncate_allowed = bool(self.config["aof-load-truncated"])
        for file_name, seq, kind in entries:
            path = self.file_path(file_name)
            if kind == "b":
                self.base_name = file_name
                if has_rdb_magic(path):  # as Redis: the contents decide, not the name
                    try:
                        contents = read_rdb_file(path)
                    except RdbError as error:
                        raise AofError(f"Bad AOF base file {path}: {error}") from None
                    if contents is not None:
                        self.base_size = os.path.getsize(path)
                        records = contents.records
                        for first in range(0, len(records), 2048):
                            install_records(shards, router, records[first : first + 2048], now_ms)
                            yield
                    continue
            elif kind == "i":
                self.incr_names.append(file_name)
            else:
                continue
            size = yield from replay_file(
                path, shards, router, is_last=file_name == entries[-1][0], truncate_allowed=truncate_allowed
            )
            if kind == "b":
                self.base_size = size
            else:
                self.older_increments_size += size
            self.seq = max(self.seq, seq)
        self.seq = max([self.seq] + [seq for _, seq, _ in entries])
        if self.incr_names:
            # The writer reopens the last increment; its size is counted there.
            self.older_increments_size -= os.path.getsize(self.file_path(self.incr_names[-1]))
            self.pending.append(_Switch(self.file_path(self.incr_names[-1])))
        self.rewrite_base_size = self.base_size + self.older_increments_size + (
            os.path.getsize(self.file_path(self.incr_names[-1])) if self.incr_names else 0
        )
        self.enabled = True


def has_rdb_magic(path: str) -> bool:
    """An RDB preamble base starts with ``REDIS``; a missing file is left to
    the loader (which names it)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(5) == b"REDIS"
    except FileNotFoundError:
        return path.endswith(".rdb")


def parse_commands(
    data: bytes, starts: list[int] | None = None
) -> tuple[list[list[bytes]], int, str]:
    """Complete commands in ``data``, the offset after the last one, and
    why parsing stopped there ("" at the end, "truncated" or "corrupt").
    ``starts`` (when given) receives each command's offset."""
    commands = []
    position = 0
    size = len(data)
    while position < size:
        start = position
        if starts is not None:
            starts.append(start)
        if data[position] != ord("*"):
            return commands, start, "corrupt"
        line_end = data.find(b"\r\n", position)
        if line_end < 0:
            return commands, start, "truncated"
        try:
            count = int(data[position + 1 : line_end])
        except ValueError:
            return commands, start, "corrupt"
        position = line_end + 2
        argv = []
        for _ in range(count):
            if position >= size:
                return commands, start, "truncated"
            if data[position] != ord("$"):
                return commands, start, "corrupt"
            line_end = data.find(b"\r\n", position)
            if line_end < 0:
                return commands, start, "truncated"
            try:
                length = int(data[position + 1 : line_end])
            except ValueError:
                return commands, start, "corrupt"
            position = line_end + 2
            if position + length + 2 > size:
                return commands, start, "truncated"
            argv.append(data[position : position + length])
            position += length + 2
        commands.append(argv)
    return commands, position, ""


def replay_file(
    path: str, shards: list[Any], router: Any, *, is_last: bool, truncate_allowed: bool = True,
    chunk: int = 4096,
) -> Iterator[None]:
    """Replay one AOF file, yielding every ``chunk`` commands; returns the
    size it kept. MULTI ... EXEC runs as one atomic step; a file ending
    inside MULTI is cut back to before the MULTI, as Redis does."""
    from actors.transaction import execute_atomically

    with open(path, "rb") as handle:
        data = handle.read()
    starts: list[int] = []
    commands, consumed, stopped = parse_commands(data, starts)
    if stopped == "corrupt" or (stopped == "truncated" and not is_last):
        raise AofError(f"Bad file format reading the append only file {path} at offset {consumed}")
    multi_at = -1
    for index, argv in enumerate(commands):
        name = argv[0].lower()
        if name == b"multi":
            multi_at = index
        elif name == b"exec":
            multi_at = -1
    if multi_at >= 0:
        log.warning("Revert incomplete MULTI/EXEC transaction in AOF file %s", path)
        commands = commands[:multi_at]
        consumed = starts[multi_at]
        stopped = "truncated"
    if stopped == "truncated":
        if not truncate_allowed:
            raise AofError(
                f"Unexpected end of file reading the append only file {path} at offset {consumed}. "
                "You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix "
                "<filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' "
                "configuration option to yes and restart the server."
            )
        log.warning(
            "!!! Warning: short read while loading the AOF file %s!!! Truncating the AOF at offset %d",
            path, consumed,
        )
        with open(path, "r+b") as handle:
            handle.truncate(consumed)
    leased = {shard.shard_id: shard for shard in shards}
    client = ClientState()
    db = 0
    queued: list[tuple[int, str, list[bytes]]] | None = None
    for index, argv in enumerate(commands):
        if index % chunk == chunk - 1:
            yield
        name = argv[0].lower()
        if name == b"select":
            db = int(argv[1])
            continue
        if name == b"multi":
            queued = []
            continue
        if name == b"exec":
            if queued:
                execute_atomically(leased, router, queued, [], client)
            queued = None
            continue
        try:
            spec = resolve(argv)
        except CommandError as error:
            raise AofError(f"Unknown command in the AOF {path}: {error.message}") from None
        if queued is not None:
            queued.append((db, spec.name, argv))
        else:
            execute_atomically(leased, router, [(db, spec.name, argv)], [], client)
    return consumed
