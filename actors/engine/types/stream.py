"""The stream value: entries in id order, consumer groups and their pending
entries lists (PEL), with Redis 7.0's bookkeeping (entries-added, the
maximal deleted id, entries-read and lag).

Entries live in two parallel lists, ``ids`` (``(ms, seq)`` tuples, strictly
increasing) and ``entries`` (flat ``(field, value, ...)`` tuples), so an
append is O(1) and a range read is a bisect plus the k entries read.
Deleting from the middle (XDEL) shifts the lists, as trimming from the head
does; both are memmoves of pointers.

Redis keeps entries in listpack nodes of at most ``stream-node-max-entries``
entries (deleted ones included) and ``stream-node-max-bytes`` bytes, and
approximate trimming (``~``) only drops whole nodes. :class:`_Node` records
those boundaries (count of slots, live entries, an estimate of the bytes)
so ``MAXLEN ~`` / ``MINID ~`` keep what redis-server keeps. The byte size is
an estimate of the listpack's; with small entries the entry limit decides.

A stream value knows nothing of commands or RESP: ids are tuples, and the
family module parses and formats them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterator
import attrs

StreamID = tuple[int, int]

UINT64_MAX = (1 << 64) - 1
MIN_ID: StreamID = (0, 0)
MAX_ID: StreamID = (UINT64_MAX, UINT64_MAX)
INVALID_ENTRIES_READ = -1
NODE_MAX_ENTRIES = 100
NODE_MAX_BYTES = 4096
_ENTRY_OVERHEAD = 8  # listpack header bytes of one entry, roughly


_KEY_BYTES = 16  # a rax key: the master id's ms and seq, 64-bit big-endian each


def format_id(entry_id: StreamID) -> bytes:
    return b"%d-%d" % entry_id


def entry_size(fields: tuple[bytes, ...]) -> int:
    """The estimated listpack bytes of one entry (what a node's size counts)."""
    return sum(len(item) for item in fields) + _ENTRY_OVERHEAD


@attrs.define(eq=False, slots=True)
class _Node:
    """One of Redis's listpack nodes: where approximate trimming may cut."""

    master_id: StreamID
    last_id: StreamID
    slots: int  # entries ever appended to the node, deleted ones included
    live: int
    size: int


@attrs.define(eq=False, slots=True)
class PendingEntry:
    """A delivered, not yet acknowledged entry (a NACK in Redis)."""

    consumer: bytes
    delivery_time: int
    delivery_count: int


@attrs.define(eq=False, slots=True)
class Consumer:
    name: bytes
    seen_time: int
    pending: list[StreamID] = attrs.field(factory=list)  # sorted

    def add_pending(self, entry_id: StreamID) -> None:
        position = bisect_left(self.pending, entry_id)
        if position == len(self.pending) or self.pending[position] != entry_id:
            self.pending.insert(position, entry_id)

    def remove_pending(self, entry_id: StreamID) -> None:
        position = bisect_left(self.pending, entry_id)
        if position < len(self.pending) and self.pending[position] == entry_id:
            del self.pending[position]


@attrs.define(eq=False, slots=True)
class ConsumerGroup:
    last_id: StreamID
    entries_read: int
    pel: dict[StreamID, PendingEntry] = attrs.field(factory=dict)
    pel_ids: list[StreamID] = attrs.field(factory=list)  # sorted keys of ``pel``
    consumers: dict[bytes, Consumer] = attrs.field(factory=dict)

    def consumer(self, name: bytes, now_ms: int) -> tuple[Consumer, bool]:
        """The named consumer, created if missing; True when it was created."""
        found = self.consumers.get(name)
        if found is not None:
            return found, False
        created = Consumer(name, now_ms)
        self.consumers[name] = created
        return created, True

    def add_pending(self, entry_id: StreamID, consumer: Consumer, now_ms: int, count: int = 1) -> None:
        """Deliver ``entry_id`` to ``consumer``: a fresh NACK, or an existing
        one moved to it (after XGROUP SETID moved the group back)."""
        existing = self.pel.get(entry_id)
        if existing is not None:
            self.consumers[existing.consumer].remove_pending(entry_id)
        else:
            insort(self.pel_ids, entry_id)
        self.pel[entry_id] = PendingEntry(consumer.name, now_ms, count)
        consumer.add_pending(entry_id)

    def acknowledge(self, entry_id: StreamID) -> bool:
        pending = self.pel.pop(entry_id, None)
        if pending is None:
            return False
        del self.pel_ids[bisect_left(self.pel_ids, entry_id)]
        self.consumers[pending.consumer].remove_pending(entry_id)
        return True

    def pending_between(self, start: StreamID, end: StreamID) -> list[StreamID]:
        return self.pel_ids[bisect_left(self.pel_ids, start) : bisect_right(self.pel_ids, end)]

    def delete_consumer(self, name: bytes) -> int:
        """Drop a consumer and its pending entries; how many it had."""
        consumer = self.consumers.pop(name)
        for entry_id in consumer.pending:
            del self.pel[entry_id]
            del self.pel_ids[bisect_left(self.pel_ids, entry_id)]
        return len(consumer.pending)

    def copy(self) -> ConsumerGroup:
        clone = ConsumerGroup(self.last_id, self.entries_read)
        clone.pel = {key: attrs.evolve(value) for key, value in self.pel.items()}
        clone.pel_ids = list(self.pel_ids)
        clone.consumers = {
            name: Consumer(name, consumer.seen_time, list(consumer.pending))
            for name, consumer in self.consumers.items()
        }
        return clone


@attrs.define(eq=False, slots=True)
class Stream:
    redis_type = b"stream"

    ids: list[StreamID] = attrs.field(factory=list)
    entries: list[tuple[bytes, ...]] = attrs.field(factory=list)
    nodes: list[_Node] = attrs.field(factory=list)
    last_id: StreamID = MIN_ID
    max_deleted_id: StreamID = MIN_ID
    entries_added: int = 0
    groups: dict[bytes, ConsumerGroup] = attrs.field(factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    def encoding(self) -> bytes:
        return b"stream"

    @property
    def first_id(self) -> StreamID:
        return self.ids[0] if self.ids else MIN_ID

    # -- writing -----------------------------------------------------------------
    def append(self, entry_id: StreamID, fields: tuple[bytes, ...]) -> None:
        """Add an entry; the caller checked ``entry_id > last_id``."""
        size = sum(len(item) for item in fields) + _ENTRY_OVERHEAD
        node = self.nodes[-1] if self.nodes else None
        if node is None or node.size + size >= NODE_MAX_BYTES or node.slots >= NODE_MAX_ENTRIES:
            node = _Node(entry_id, entry_id, 0, 0, 16)
            self.nodes.append(node)
        node.last_id = entry_id
        node.slots += 1
        node.live += 1
        node.size += size
        self.ids.append(entry_id)
        self.entries.append(fields)
        self.last_id = entry_id
        self.entries_added += 1

    def delete(self, entry_id: StreamID) -> bool:
        position = bisect_left(self.ids, entry_id)
        if position == len(self.ids) or self.ids[position] != entry_id:
            return False
        del self.ids[position]
        del self.entries[position]
        node_position = bisect_right([node.master_id for node in self.nodes], entry_id) - 1
        node = self.nodes[node_position]
        node.live -= 1
        if not node.live:
            del self.nodes[node_position]
        if entry_id > self.max_deleted_id:
            self.max_deleted_id = entry_id
        return True

    def trim(self, maxlen: int | None, minid: StreamID | None, approx: bool, limit: int) -> int:
        """Redis's streamTrim: drop whole nodes from the head while allowed,
        then (exact mode only) single entries; ``limit`` caps the entries
        dropped (0: no cap). Returns how many entries went."""
        deleted = 0
        while self.nodes:
            if maxlen is not None and len(self.ids) <= maxlen:
                break
            node = self.nodes[0]
            if limit and deleted + node.live > limit:
                break
            if maxlen is not None:
                remove_node = len(self.ids) - node.live >= maxlen
            else:
                assert minid is not None
                remove_node = node.last_id < minid
            if remove_node:
                del self.ids[: node.live]
                del self.entries[: node.live]
                del self.nodes[0]
                deleted += node.live
                continue
            if approx:
                break
            if maxlen is not None:
                drop = len(self.ids) - maxlen
            else:
                assert minid is not None
                drop = bisect_left(self.ids, minid)
            del self.ids[:drop]
            del self.entries[:drop]
            node.live -= drop
            deleted += drop
            break
        return deleted

    # -- reading -----------------------------------------------------------------
    def range(self, start: StreamID, end: StreamID, count: int | None = None, reverse: bool = False) -> list[tuple[StreamID, tuple[bytes, ...]]]:
        low = bisect_left(self.ids, start)
        high = bisect_right(self.ids, end)
        if low >= high:
            return []
        if reverse:
            first = high - count if count is not None and high - count > low else low
            return [(self.ids[index], self.entries[index]) for index in range(high - 1, first - 1, -1)]
        last = low + count if count is not None and low + count < high else high
        return list(zip(self.ids[low:last], self.entries[low:last]))

    def get(self, entry_id: StreamID) -> tuple[bytes, ...] | None:
        position = bisect_left(self.ids, entry_id)
        if position < len(self.ids) and self.ids[position] == entry_id:
            return self.entries[position]
        return None

    def digest_entries(self) -> Iterator[tuple[bytes, list[tuple[bytes, bytes]]]]:
        for entry_id, fields in zip(self.ids, self.entries):
            yield b"%d.%d" % entry_id, list(zip(fields[::2], fields[1::2]))

    # -- consumer-group counters (Redis 7.0) ------------------------------------
    def has_tombstones_from(self, start: StreamID) -> bool:
        """streamRangeHasTombstones(start, +inf)."""
        if not self.ids or self.max_deleted_id == MIN_ID:
            return False
        if self.first_id > self.max_deleted_id:
            return False
        return start <= self.max_deleted_id

    def estimate_entries_read(self, entry_id: StreamID) -> int:
        """streamEstimateDistanceFromFirstEverEntry."""
        if not self.entries_added:
            return 0
        if not self.ids and entry_id <= self.last_id:
            return self.entries_added
        if entry_id == self.last_id:
            return self.entries_added
        if entry_id > self.last_id:
            return INVALID_ENTRIES_READ
        if self.max_deleted_id == MIN_ID or self.max_deleted_id < self.first_id:
            if entry_id < self.first_id:
                return self.entries_added - len(self.ids)
            if entry_id == self.first_id:
                return self.entries_added - len(self.ids) + 1
        return INVALID_ENTRIES_READ

    def lag(self, group: ConsumerGroup) -> int | None:
        if not self.entries_added:
            return 0
        if group.entries_read != INVALID_ENTRIES_READ and not self.has_tombstones_from(group.last_id):
            return self.entries_added - group.entries_read
        entries_read = self.estimate_entries_read(group.last_id)
        if entries_read == INVALID_ENTRIES_READ:
            return None
        return self.entries_added - entries_read

    def advance_group(self, group: ConsumerGroup, entry_id: StreamID) -> None:
        """A group read ``entry_id`` (past its last id): move it and count."""
        if group.entries_read != INVALID_ENTRIES_READ and not self.has_tombstones_from(entry_id):
            group.entries_read += 1
        elif self.entries_added:
            group.entries_read = self.estimate_entries_read(entry_id)
        group.last_id = entry_id

    # -- Redis's radix tree (XINFO STREAM) ----------------------------------------
    def radix_tree_nodes(self) -> int:
        """The node count of Redis's rax of listpack nodes (``radix-tree-nodes``).

        The rax keys are the nodes' master ids as 16 big-endian bytes. For
        keys of one length (none a prefix of another) rax.c's insertion
        (splitting a compressed node) and deletion (re-compressing the chain
        around a branch that lost a child) both leave the same shape for the
        same set of keys, whatever the history: the root holds the prefix all
        keys share (when there is one), each branching point of the keys'
        Patricia trie is one branch node, an edge of two or more bytes below
        a branch adds one node holding all but its first byte (which lives in
        the branch), and each key ends in an empty leaf. So the count follows
        from the sorted keys alone: the branching points and their depths are
        the longest common prefixes of neighbouring keys, walked with a stack.
        """
        keys = [ms << 64 | seq for ms, seq in (node.master_id for node in self.nodes)]
        if not keys:
            return 1
        count = len(keys)  # the leaves
        # The bytes two neighbouring keys share: where their highest differing bit is.
        lcps = [(8 * _KEY_BYTES - (first ^ second).bit_length()) // 8 for first, second in zip(keys, keys[1:])]
        for position in range(len(keys)):
            # A leaf hangs from the deeper of the branch points beside it.
            depth = max(lcps[position - 1] if position else 0, lcps[position] if position < len(lcps) else 0)
            count += _KEY_BYTES - depth >= 2
        stack: list[int] = []  # depths of the open branch nodes, increasing
        for depth in lcps:
            while stack and stack[-1] > depth:
                child = stack.pop()
                parent = max(stack[-1] if stack else depth, depth)
                count += 1 + (child - parent >= 2)
            if not stack or stack[-1] < depth:
                stack.append(depth)
        while stack:
            child = stack.pop()
            if stack:
                count += 1 + (child - stack[-1] >= 2)
            else:
                count += 1 + (child >= 1)  # the top branch, and the root holding the shared prefix
        return count

    # -- persistence (the RDB codec) ----------------------------------------------
    def node_spans(self) -> list[tuple[StreamID, int]]:
        """(master id, live entries) of each listpack node, in id order."""
        return [(node.master_id, node.live) for node in self.nodes]

    def add_loaded_node(self, master_id: StreamID, last_id: StreamID, slots: int, size: int) -> None:
        """Record the node whose live entries were just appended to ``ids``
        and ``entries`` by a loader; ``slots`` counts deleted ones too."""
        live = len(self.ids) - sum(node.live for node in self.nodes)
        self.nodes.append(_Node(master_id, last_id, slots, live, size))

    def copy(self) -> Stream:
        return Stream(
            list(self.ids), list(self.entries), [attrs.evolve(node) for node in self.nodes],
            self.last_id, self.max_deleted_id, self.entries_added,
            {name: group.copy() for name, group in self.groups.items()},
        )
