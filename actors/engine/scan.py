"""Cursor iteration for SCAN, HSCAN, SSCAN and ZSCAN.

Python containers have no position that survives inserts and deletes, so a
scan that starts at cursor 0 takes a snapshot of the container's members
(one pointer each) and later cursors name the snapshot and the position in
it: ``position << 16 | snapshot id``. Every member present for the whole scan
is in the snapshot, which is Redis's guarantee; members are re-checked by the
caller as they are returned. A small container (at most ``count`` members) is
returned whole with cursor 0 and no snapshot, as Redis does for its compact
encodings. Snapshots live in a bounded LRU per keyspace; an evicted cursor
starts a fresh snapshot at the same position. See docs/decisions/0003.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from protocol import errors
from protocol.errors import CommandError

from actors.engine.args import Args, parse_int
from actors.engine.glob import compile_glob

SNAPSHOT_ID_BITS = 16
SNAPSHOT_ID_MASK = (1 << SNAPSHOT_ID_BITS) - 1
UINT64_MAX = (1 << 64) - 1
MAX_SNAPSHOTS = 256


@attrs.define(eq=False, slots=True)
class ScanSnapshots:
    """The LRU of live scan snapshots of one keyspace."""

    snapshots: OrderedDict[int, list[Any]] = attrs.field(factory=OrderedDict)
    next_id: int = 1
    limit: int = MAX_SNAPSHOTS

    def take(self, members: Sequence[Any]) -> int:
        snapshot_id = self.next_id
        self.next_id = self.next_id % SNAPSHOT_ID_MASK + 1
        self.snapshots.pop(snapshot_id, None)
        self.snapshots[snapshot_id] = list(members)
        while len(self.snapshots) > self.limit:
            self.snapshots.popitem(last=False)
        return snapshot_id

    def get(self, snapshot_id: int) -> list[Any] | None:
        snapshot = self.snapshots.get(snapshot_id)
        if snapshot is not None:
            self.snapshots.move_to_end(snapshot_id)
        return snapshot

    def drop(self, snapshot_id: int) -> None:
        self.snapshots.pop(snapshot_id, None)


@attrs.frozen
class ScanOptions:
    cursor: int
    count: int = 10
    pattern: bytes | None = None
    type_name: bytes | None = None
    no_values: bool = False

    def matcher(self) -> Callable[[bytes], bool] | None:
        return compile_glob(self.pattern) if self.pattern is not None else None


def parse_cursor(raw: bytes) -> int:
    """C's strtoul, as Redis uses it: a leading ``-`` wraps modulo 2**64."""
    digits = raw[1:] if raw[:1] in (b"-", b"+") else raw
    if not digits.isdigit() or int(digits) > UINT64_MAX:
        raise CommandError(errors.INVALID_CURSOR)
    value = int(digits)
    return (-value) % (UINT64_MAX + 1) if raw[:1] == b"-" else value


def parse_scan_options(argv: list[bytes], cursor_index: int, *, allow_type: bool) -> ScanOptions:
    """``cursor [MATCH pattern] [COUNT count] [TYPE type]`` as Redis parses them."""
    cursor = parse_cursor(argv[cursor_index])
    count = 10
    pattern = type_name = None
    args = Args(argv, cursor_index + 1)
    while args:
        option = args.next_keyword()
        if option == b"COUNT" and args:
            count = parse_int(args.next())
            if count < 1:
                raise CommandError(errors.SYNTAX)
        elif option == b"MATCH" and args:
            pattern = args.next()
        elif option == b"TYPE" and allow_type and args:
            type_name = args.next().lower()
        else:
            raise CommandError(errors.SYNTAX)
    return ScanOptions(cursor, count, pattern, type_name)


def scan_step(
    snapshots: ScanSnapshots, members: Callable[[], Sequence[Any]], size: int, options: ScanOptions,
    *, whole_when_small: bool = True,
) -> tuple[int, list[Any]]:
    """One SCAN step over a container of ``size`` members: (next cursor, members
    to consider). The caller filters them (liveness, MATCH, TYPE). A container
    of at most COUNT members comes back whole unless ``whole_when_small`` is
    off (the keyspace, which Redis never keeps compact)."""
    cursor = options.cursor
    if whole_when_small and size <= options.count:
        # Redis returns a compact container whole, whatever the cursor.
        return 0, list(members())
    position, snapshot_id = cursor >> SNAPSHOT_ID_BITS, cursor & SNAPSHOT_ID_MASK
    snapshot = snapshots.get(snapshot_id) if cursor else None
    if snapshot is None:
        snapshot_id = snapshots.take(members())
        snapshot = snapshots.get(snapshot_id)
        assert snapshot is not None
    end = min(position + options.count, len(snapshot))
    batch = snapshot[position:end]
    if end >= len(snapshot):
        snapshots.drop(snapshot_id)
        return 0, batch
    return end << SNAPSHOT_ID_BITS | snapshot_id, batch
