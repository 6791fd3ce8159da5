"""The sorted set value: a member -> score dict beside an ordered index.

The index is a blocked sorted list (the design of ``sortedcontainers``): a
list of sorted blocks of ``(score, member)`` entries, each block at most
``2 * LOAD`` long, the last entry of every block in ``_maxes``, and a lazily
rebuilt prefix sum of block lengths (``_offsets``) for rank queries. Finding
an entry is a bisect over ``_maxes`` and one over a block, both in C; an
insert or delete moves at most ``2 * LOAD`` pointers. Rank and index lookups
rebuild ``_offsets`` (one C-level ``accumulate`` over the block count) only
after the layout changed, so a load of many ZADDs never pays for ranks it does
not ask for. A pure-Python skip list was measured against this and lost by
about 10x on inserts and ranks (see tests/benchmarks/zset_scale.py and the
issue's closing note).

Order is Redis's: by score, then by member bytes. Scores are never NaN (the
commands refuse them). Redis 7.0 keeps a small set in a listpack, where a
score is stored as text and ``-0`` comes back as ``0``; the set remembers
whether it has grown past the listpack limits (it never converts back, like
Redis) and folds ``-0.0`` to ``0.0`` while it is still "listpack".

Value types know nothing of commands or RESP: indices here are already
normalised (``0 <= lo <= hi <= len``, half-open) by the family module.
"""

from __future__ import annotations

import random
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

import attrs

LOAD = 512
LISTPACK_MAX_ENTRIES = 128
LISTPACK_MAX_VALUE = 64

Entry = tuple[float, bytes]


class _Top:
    """Greater than every member: ``(score, TOP)`` follows every entry of ``score``."""

    __slots__ = ()

    def __lt__(self, other: object) -> bool:
        return False

    def __gt__(self, other: object) -> bool:
        return other is not self

    def __eq__(self, other: object) -> bool:
        return other is self

    def __hash__(self) -> int:
        return 0


TOP = _Top()


@attrs.frozen
class ScoreBound:
    """One end of a score range; ``exclusive`` for Redis's ``(`` prefix."""

    value: float
    exclusive: bool = False


@attrs.frozen
class LexBound:
    """One end of a lex range: ``member`` with ``exclusive``, or an infinity
    (``-`` is ``infinite=-1``, ``+`` is ``infinite=1``)."""

    member: bytes = b""
    exclusive: bool = False
    infinite: int = 0


@attrs.define(eq=False, slots=True)
class SortedSet:
    redis_type = b"zset"

    scores: dict[bytes, float] = attrs.field(factory=dict)
    _blocks: list[list[Entry]] = attrs.field(factory=list)
    _maxes: list[Entry] = attrs.field(factory=list)
    _offsets: list[int] | None = None
    skiplist: bool = False

    # -- size, encoding, copy ----------------------------------------------
    def __len__(self) -> int:
        return len(self.scores)

    def encoding(self) -> bytes:
        return b"skiplist" if self.skiplist else b"listpack"

    def copy(self) -> SortedSet:
        return SortedSet(
            dict(self.scores),
            [list(block) for block in self._blocks],
            list(self._maxes),
            None,
            self.skiplist,
        )

    @classmethod
    def create(cls, size_hint: int, longest_member: int) -> SortedSet:
        """An empty set for a ZADD of ``size_hint`` pairs: Redis 7.0 picks the
        encoding from the request before adding anything."""
        return cls(
            skiplist=size_hint > LISTPACK_MAX_ENTRIES or longest_member > LISTPACK_MAX_VALUE
        )

    @classmethod
    def from_pairs(cls, pairs: list[tuple[bytes, float]]) -> SortedSet:
        """A new set of distinct members (a store command's result), encoded as
        Redis encodes a freshly built destination: listpack when it fits."""
        zset = cls()
        zset.skiplist = len(pairs) > LISTPACK_MAX_ENTRIES or any(
            len(member) > LISTPACK_MAX_VALUE for member, _ in pairs
        )
        fold = not zset.skiplist
        entries = []
        for member, score in pairs:
            if fold and score == 0.0:
                score = 0.0
            zset.scores[member] = score
            entries.append((score, member))
        entries.sort()
        zset._blocks = [entries[i : i + LOAD] for i in range(0, len(entries), LOAD)]
        zset._maxes = [block[-1] for block in zset._blocks]
        return zset

    # -- point operations --------------------------------------------------
    def score(self, member: bytes) -> float | None:
        return self.scores.get(member)

    def __contains__(self, member: bytes) -> bool:
        return member in self.scores

    def add(self, member: bytes, score: float) -> bool:
        """Insert or move ``member``; True when it is new."""
        old = self.scores.get(member)
        if not self.skiplist and (
            len(member) > LISTPACK_MAX_VALUE
            or (old is None and len(self.scores) + 1 > LISTPACK_MAX_ENTRIES)
        ):
            self.skiplist = True
        if score == 0.0 and not self.skiplist:
            score = 0.0
        if old is not None:
            if old == score:
                return False
            self._remove_entry((old, member))
        self.scores[member] = score
        self._insert_entry((score, member))
        return old is None

    def remove(self, member: bytes) -> bool:
        old = self.scores.pop(member, None)
        if old is None:
            return False
        self._remove_entry((old, member))
        return True

    def rank(self, member: bytes, reverse: bool = False) -> int | None:
        score = self.scores.get(member)
        if score is None:
            return None
        position = self._position((score, member))
        return len(self.scores) - 1 - position if reverse else position

    # -- ranges (half-open index ranges in ascending order) ----------------
    def score_bounds(self, low: ScoreBound, high: ScoreBound) -> tuple[int, int]:
        """The index range of entries with ``low <= score <= high`` (ends exclusive as asked)."""
        lo = self._bisect((low.value, TOP)) if low.exclusive else self._bisect((low.value,))
        hi = self._bisect((high.value,)) if high.exclusive else self._bisect((high.value, TOP))
        return lo, max(lo, hi)

    def lex_bounds(self, low: LexBound, high: LexBound) -> tuple[int, int]:
        """The index range of members inside a lex range. Like Redis, this
        assumes every member has the same score (the order is by member)."""
        lo = self._lex_position(low, low_end=True)
        hi = self._lex_position(high, low_end=False)
        return lo, max(lo, hi)

    def entries(self, lo: int, hi: int) -> list[Entry]:
        """Entries ``lo <= index < hi`` in ascending order."""
        if lo >= hi:
            return []
        result: list[Entry] = []
        block_index, inner = self._locate(lo)
        wanted = hi - lo
        blocks = self._blocks
        while wanted > 0:
            block = blocks[block_index]
            piece = block[inner : inner + wanted]
            result.extend(piece)
            wanted -= len(piece)
            block_index += 1
            inner = 0
        return result

    def entries_reversed(self, lo: int, hi: int) -> Iterator[Entry]:
        """Entries ``lo <= index < hi`` from the highest down, lazily."""
        if lo >= hi:
            return
        block_index, inner = self._locate(hi - 1)
        wanted = hi - lo
        blocks = self._blocks
        while wanted > 0:
            block = blocks[block_index]
            start = max(inner + 1 - wanted, 0)
            for position in range(inner, start - 1, -1):
                yield block[position]
            wanted -= inner + 1 - start
            block_index -= 1
            if block_index >= 0:
                inner = len(blocks[block_index]) - 1

    def __iter__(self) -> Iterator[Entry]:
        for block in self._blocks:
            yield from block

    def members(self) -> list[bytes]:
        return [member for block in self._blocks for _, member in block]

    def delete_range(self, lo: int, hi: int) -> list[Entry]:
        """Remove the entries ``lo <= index < hi``; returns them ascending."""
        removed = self.entries(lo, hi)
        if not removed:
            return removed
        if len(removed) * 4 >= len(self.scores):
            for _, member in removed:
                del self.scores[member]
            remaining = [entry for block in self._blocks for entry in block]
            del remaining[lo:hi]
            self._blocks = [remaining[i : i + LOAD] for i in range(0, len(remaining), LOAD)]
            self._maxes = [block[-1] for block in self._blocks]
            self._offsets = None
        else:
            for score, member in removed:
                del self.scores[member]
                self._remove_entry((score, member))
        return removed

    def random_entry(self) -> Entry:
        return self.entries_at(random.randrange(len(self.scores)))

    def entries_at(self, index: int) -> Entry:
        block_index, inner = self._locate(index)
        return self._blocks[block_index][inner]

    # -- the index ---------------------------------------------------------
    def _insert_entry(self, entry: Entry) -> None:
        maxes = self._maxes
        self._offsets = None
        if not maxes:
            self._blocks.append([entry])
            maxes.append(entry)
            return
        block_index = bisect_left(maxes, entry)
        if block_index == len(maxes):
            block_index -= 1
            self._blocks[block_index].append(entry)
            maxes[block_index] = entry
        else:
            insort(self._blocks[block_index], entry)
        block = self._blocks[block_index]
        if len(block) > 2 * LOAD:
            self._blocks.insert(block_index + 1, block[LOAD:])
            del block[LOAD:]
            maxes.insert(block_index, block[-1])

    def _remove_entry(self, entry: Entry) -> None:
        maxes = self._maxes
        self._offsets = None
        block_index = bisect_left(maxes, entry)
        block = self._blocks[block_index]
        del block[bisect_left(block, entry)]
        if not block:
            del self._blocks[block_index]
            del maxes[block_index]
            return
        maxes[block_index] = block[-1]
        if len(block) < LOAD // 4 and len(self._blocks) > 1:
            # Merge a thin block into a neighbour so deletes never leave a
            # long tail of tiny blocks.
            left = block_index - 1 if block_index > 0 else block_index
            merged = self._blocks[left] + self._blocks[left + 1]
            self._blocks[left : left + 2] = [merged]
            maxes[left : left + 2] = [merged[-1]]
            if len(merged) > 2 * LOAD:
                self._blocks[left : left + 1] = [merged[:LOAD], merged[LOAD:]]
                maxes[left : left + 1] = [merged[LOAD - 1], merged[-1]]

    def _ensure_offsets(self) -> list[int]:
        offsets = self._offsets
        if offsets is None:
            offsets = self._offsets = [0, *accumulate(map(len, self._blocks))]
        return offsets

    def _position(self, entry: Any) -> int:
        """Index of an entry that is present."""
        block_index = bisect_left(self._maxes, entry)
        return self._ensure_offsets()[block_index] + bisect_left(self._blocks[block_index], entry)

    def _bisect(self, probe: Any) -> int:
        """How many entries sort before ``probe``."""
        maxes = self._maxes
        block_index = bisect_left(maxes, probe)
        if block_index == len(maxes):
            return len(self.scores)
        return self._ensure_offsets()[block_index] + bisect_left(self._blocks[block_index], probe)

    def _lex_position(self, bound: LexBound, low_end: bool) -> int:
        if bound.infinite:
            return 0 if bound.infinite < 0 else len(self.scores)
        # An exclusive low end and an inclusive high end stop after the member.
        after = bound.exclusive if low_end else not bound.exclusive
        search = bisect_right if after else bisect_left

        def member_of(entry: Entry) -> bytes:
            return entry[1]

        maxes = self._maxes
        block_index = search(maxes, bound.member, key=member_of)
        if block_index == len(maxes):
            return len(self.scores)
        block = self._blocks[block_index]
        return self._ensure_offsets()[block_index] + search(block, bound.member, key=member_of)

    def _locate(self, index: int) -> tuple[int, int]:
        offsets = self._ensure_offsets()
        block_index = bisect_right(offsets, index) - 1
        return block_index, index - offsets[block_index]
