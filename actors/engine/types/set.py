"""The set value: a Python ``set`` of ``bytes`` members that knows its Redis encoding.

Redis 7.0 keeps a set as an *intset* (a sorted array of integers) while every
member is a canonical 64-bit integer string and there are at most
``set-max-intset-entries`` of them, and as a *hashtable* otherwise. The two
differ visibly: OBJECT ENCODING names them, and an intset iterates in
ascending numeric order (SMEMBERS, SINTER, SSCAN ... of a small integer set
come back sorted) while a hashtable's order is unspecified.

Rules:

* The encoding is a flag, ``is_intset``, updated by :meth:`add` as Redis's
  ``setTypeAdd`` does: it only ever goes from intset to hashtable. Removing
  the offending member does not convert back (Redis never does, except where
  a command builds a fresh set: see :meth:`from_members`).
* :meth:`ordered` is the reply order: ascending integers for an intset,
  Python's iteration order for a hashtable (Redis's is unspecified too).
* The value knows nothing of commands or RESP.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from actors.engine.args import is_int64

SET_MAX_INTSET_ENTRIES = 512


class SetValue(set[bytes]):
    """A Redis set. ``set`` operators return plain sets; wrap results with
    :meth:`from_members` to store them."""

    __slots__ = ("is_intset",)
    redis_type = b"set"

    def __init__(self, members: Iterable[bytes] = ()) -> None:
        super().__init__(members)
        self.is_intset = True

    @classmethod
    def from_members(
        cls, members: Iterable[bytes], max_intset_entries: int = SET_MAX_INTSET_ENTRIES
    ) -> SetValue:
        """A fresh set, encoded as Redis encodes a set it builds member by member
        (SINTERSTORE, SUNIONSTORE, SMOVE to a new key ...): an intset while all
        members are integers and the size fits."""
        value = cls(members)
        value.is_intset = would_be_intset(value, max_intset_entries)
        return value

    def add_members(self, members: Iterable[bytes], max_intset_entries: int) -> int:
        """SADD: add each member; returns how many were new."""
        added = 0
        for member in members:
            if member not in self:
                self.add(member)
                added += 1
                if self.is_intset and (not is_int64(member) or len(self) > max_intset_entries):
                    self.is_intset = False
        return added

    def remove_members(self, members: Iterable[bytes]) -> int:
        """SREM: remove each member present; returns how many were removed."""
        removed = 0
        for member in members:
            if member in self:
                self.discard(member)
                removed += 1
        return removed

    def encoding(self) -> bytes:
        return b"intset" if self.is_intset else b"hashtable"

    def copy(self) -> SetValue:
        duplicate = SetValue(self)
        duplicate.is_intset = self.is_intset
        return duplicate

    def ordered(self) -> list[bytes]:
        """The members in the order Redis would iterate them."""
        if self.is_intset:
            return sorted(self, key=int)
        return list(self)

    def random_member(self) -> bytes:
        """One uniformly random member (the set must not be empty). O(n): a
        Python set has no random access."""
        return random_members_distinct(self, 1)[0]

    def pop_random(self, count: int) -> list[bytes]:
        """Remove and return ``count`` distinct random members (count < size)."""
        popped = random_members_distinct(self, count)
        self.difference_update(popped)
        return popped

    def keep_random(self, remaining: int, max_intset_entries: int) -> list[bytes]:
        """Keep ``remaining`` random members and return the others in iteration
        order. The kept ones form a new set, so the encoding is recomputed, as
        Redis's SPOP does when it pops most of a set."""
        kept = set(random_members_distinct(self, remaining))
        popped = [member for member in self.ordered() if member not in kept]
        self.clear()
        self.update(kept)
        self.is_intset = would_be_intset(self, max_intset_entries)
        return popped


def would_be_intset(members: set[bytes], max_intset_entries: int = SET_MAX_INTSET_ENTRIES) -> bool:
    """Whether Redis would encode a set of exactly these members as an intset."""
    return len(members) <= max_intset_entries and all(is_int64(member) for member in members)


def reply_order(members: set[bytes], max_intset_entries: int = SET_MAX_INTSET_ENTRIES) -> list[bytes]:
    """Members of a computed set (SINTER, SUNION, SDIFF ...) in the order Redis
    replies with them: sorted when the result would be an intset."""
    if would_be_intset(members, max_intset_entries):
        return sorted(members, key=int)
    return list(members)


def random_members_distinct(members: set[bytes], count: int) -> list[bytes]:
    """``count`` distinct random members (``count`` <= size), in random order."""
    return random.sample(list(members), count)


def random_members_repeating(members: set[bytes], count: int) -> list[bytes]:
    """``count`` random members, each drawn independently (SRANDMEMBER with a
    negative count)."""
    population = list(members)
    return random.choices(population, k=count)
