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
from bisect import bisect_left, bisect_right
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
    # Block i holds its scores and members in two parallel lists (no tuple per
    # entry: 56 bytes a member saved); ``_maxes[i]`` is its last (score, member).
    _score_blocks: list[list[float]] = attrs.field(factory=list)
    _member_blocks: list[list[bytes]] = attrs.field(factory=list)
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
            [list(block) for block in self._score_blocks],
            [list(block) for block in self._member_blocks],
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
        zset._rebuild([score for score, _ in entries], [member for _, member in entries])
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
            self._remove_entry(old, member)
        self.scores[member] = score
        self._insert_entry(score, member)
        return old is None

    def remove(self, member: bytes) -> bool:
        old = self.scores.pop(member, None)
        if old is None:
            return False
        self._remove_entry(old, member)
        return True

    def rank(self, member: bytes, reverse: bool = False) -> int | None:
        score = self.scores.get(member)
        if score is None:
            return None
        block_index = bisect_left(self._maxes, (score, member))
        position = self._ensure_offsets()[block_index] + _entry_position(
            self._score_blocks[block_index], self._member_blocks[block_index], score, member
        )
        return len(self.scores) - 1 - position if reverse else position

    # -- ranges (half-open index ranges in ascending order) ----------------
    def score_bounds(self, low: ScoreBound, high: ScoreBound) -> tuple[int, int]:
        """The index range of entries with ``low <= score <= high`` (ends exclusive as asked)."""
        lo = self._count_scores(low.value, after=low.exclusive)
        hi = self._count_scores(high.value, after=not high.exclusive)
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
        while wanted > 0:
            scores = self._score_blocks[block_index]
            end = min(inner + wanted, len(scores))
            result.extend(zip(scores[inner:end], self._member_blocks[block_index][inner:end]))
            wanted -= end - inner
            block_index += 1
            inner = 0
        return result

    def entries_reversed(self, lo: int, hi: int) -> Iterator[Entry]:
        """Entries ``lo <= index < hi`` from the highest down, lazily."""
        if lo >= hi:
            return
        block_index, inner = self._locate(hi - 1)
        wanted = hi - lo
        while wanted > 0:
            scores, members = self._score_blocks[block_index], self._member_blocks[block_index]
            start = max(inner + 1 - wanted, 0)
            for position in range(inner, start - 1, -1):
                yield scores[position], members[position]
            wanted -= inner + 1 - start
            block_index -= 1
            if block_index >= 0:
                inner = len(self._score_blocks[block_index]) - 1

    def __iter__(self) -> Iterator[Entry]:
        for scores, members in zip(self._score_blocks, self._member_blocks):
            yield from zip(scores, members)

    def members(self) -> list[bytes]:
        return [member for block in self._member_blocks for member in block]

    def delete_range(self, lo: int, hi: int) -> list[Entry]:
        """Remove the entries ``lo <= index < hi``; returns them ascending."""
        removed = self.entries(lo, hi)
        if not removed:
            return removed
        if len(removed) * 4 >= len(self.scores):
            for _, member in removed:
                del self.scores[member]
            scores = [score for block in self._score_blocks for score in block]
            members = self.members()
            del scores[lo:hi], members[lo:hi]
            self._rebuild(scores, members)
        else:
            for score, member in removed:
                del self.scores[member]
                self._remove_entry(score, member)
        return removed

    def random_entry(self) -> Entry:
        return self.entries_at(random.randrange(len(self.scores)))

    def entries_at(self, index: int) -> Entry:
        block_index, inner = self._locate(index)
        return self._score_blocks[block_index][inner], self._member_blocks[block_index][inner]

    # -- the index ---------------------------------------------------------
    def _rebuild(self, scores: list[float], members: list[bytes]) -> None:
        """Lay sorted parallel lists out in blocks of ``LOAD``."""
        self._score_blocks = [scores[i : i + LOAD] for i in range(0, len(scores), LOAD)]
        self._member_blocks = [members[i : i + LOAD] for i in range(0, len(members), LOAD)]
        self._maxes = [(block[-1], names[-1]) for block, names in zip(self._score_blocks, self._member_blocks)]
        self._offsets = None

    def _insert_entry(self, score: float, member: bytes) -> None:
        maxes = self._maxes
        self._offsets = None
        entry = (score, member)
        if not maxes:
            self._score_blocks.append([score])
            self._member_blocks.append([member])
            maxes.append(entry)
            return
        block_index = bisect_left(maxes, entry)
        if block_index == len(maxes):
            block_index -= 1
            scores, members = self._score_blocks[block_index], self._member_blocks[block_index]
            scores.append(score)
            members.append(member)
            maxes[block_index] = entry
        else:
            scores, members = self._score_blocks[block_index], self._member_blocks[block_index]
            position = _entry_position(scores, members, score, member)
            scores.insert(position, score)
            members.insert(position, member)
        if len(scores) > 2 * LOAD:
            self._score_blocks.insert(block_index + 1, scores[LOAD:])
            self._member_blocks.insert(block_index + 1, members[LOAD:])
            del scores[LOAD:], members[LOAD:]
            maxes.insert(block_index, (scores[-1], members[-1]))

    def _remove_entry(self, score: float, member: bytes) -> None:
        maxes = self._maxes
        self._offsets = None
        block_index = bisect_left(maxes, (score, member))
        scores, members = self._score_blocks[block_index], self._member_blocks[block_index]
        position = _entry_position(scores, members, score, member)
        del scores[position], members[position]
        if not scores:
            del self._score_blocks[block_index], self._member_blocks[block_index], maxes[block_index]
            return
        maxes[block_index] = (scores[-1], members[-1])
        if len(scores) < LOAD // 4 and len(self._score_blocks) > 1:
            # Merge a thin block into a neighbour so deletes never leave a
            # long tail of tiny blocks.
            left = block_index - 1 if block_index > 0 else block_index
            merged_scores = self._score_blocks[left] + self._score_blocks[left + 1]
            merged_members = self._member_blocks[left] + self._member_blocks[left + 1]
            if len(merged_scores) > 2 * LOAD:
                score_parts = [merged_scores[:LOAD], merged_scores[LOAD:]]
                member_parts = [merged_members[:LOAD], merged_members[LOAD:]]
            else:
                score_parts, member_parts = [merged_scores], [merged_members]
            self._score_blocks[left : left + 2] = score_parts
            self._member_blocks[left : left + 2] = member_parts
            maxes[left : left + 2] = [(part[-1], names[-1]) for part, names in zip(score_parts, member_parts)]

    def _ensure_offsets(self) -> list[int]:
        offsets = self._offsets
        if offsets is None:
            offsets = self._offsets = [0, *accumulate(map(len, self._score_blocks))]
        return offsets

    def _count_scores(self, value: float, *, after: bool) -> int:
        """How many entries score below ``value`` (with ``after``: at or below)."""
        maxes = self._maxes
        block_index = bisect_left(maxes, (value, TOP) if after else (value,))
        if block_index == len(maxes):
            return len(self.scores)
        search = bisect_right if after else bisect_left
        return self._ensure_offsets()[block_index] + search(self._score_blocks[block_index], value)

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
        return self._ensure_offsets()[block_index] + search(self._member_blocks[block_index], bound.member)

    def _locate(self, index: int) -> tuple[int, int]:
        offsets = self._ensure_offsets()
        block_index = bisect_right(offsets, index) - 1
        return block_index, index - offsets[block_index]


def _entry_position(scores: list[float], members: list[bytes], score: float, member: bytes) -> int:
    """Where (score, member) sits in one block: among the entries of equal
    score, members are in byte order."""
    lo = bisect_left(scores, score)
    return bisect_left(members, member, lo, bisect_right(scores, score, lo))
