"""SortedSet (actors/engine/types/sorted_set.py) against a plain sorted list."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import hypothesis.strategies as st
import pytest
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from actors.engine.types import sorted_set
from actors.engine.types.sorted_set import LexBound, ScoreBound, SortedSet

members = st.binary(min_size=0, max_size=3)
scores = st.one_of(
    st.integers(-5, 5).map(float), st.sampled_from([float("inf"), float("-inf"), 0.5, -0.0])
)


class SortedSetMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.zset = SortedSet()
        self.model: dict[bytes, float] = {}

    def ordered(self) -> list[tuple[float, bytes]]:
        return sorted((score, member) for member, score in self.model.items())

    @rule(member=members, score=scores)
    def add(self, member: bytes, score: float) -> None:
        is_new = member not in self.model
        assert self.zset.add(member, score) == is_new
        if is_new or self.model[member] != score:
            self.model[member] = self.zset.score(member)  # -0.0 folds while "listpack"

    @rule(member=members)
    def remove(self, member: bytes) -> None:
        assert self.zset.remove(member) == (member in self.model)
        self.model.pop(member, None)

    @rule(member=members, reverse=st.booleans())
    def rank(self, member: bytes, reverse: bool) -> None:
        ordered = [m for _, m in self.ordered()]
        expected = None
        if member in self.model:
            expected = ordered.index(member)
            if reverse:
                expected = len(ordered) - 1 - expected
        assert self.zset.rank(member, reverse) == expected

    @rule(low=scores, high=scores, low_open=st.booleans(), high_open=st.booleans())
    def score_range(self, low: float, high: float, low_open: bool, high_open: bool) -> None:
        lo, hi = self.zset.score_bounds(ScoreBound(low, low_open), ScoreBound(high, high_open))
        expected = [
            entry for entry in self.ordered()
            if (entry[0] > low if low_open else entry[0] >= low)
            and (entry[0] < high if high_open else entry[0] <= high)
        ]
        assert self.zset.entries(lo, hi) == expected

    @rule(low=members, high=members, low_open=st.booleans(), high_open=st.booleans())
    def lex_range_on_equal_scores(self, low: bytes, high: bytes, low_open: bool, high_open: bool) -> None:
        if len(set(self.model.values())) > 1:
            return
        names = sorted(self.model)
        start = bisect_right(names, low) if low_open else bisect_left(names, low)
        stop = bisect_left(names, high) if high_open else bisect_right(names, high)
        lo, hi = self.zset.lex_bounds(LexBound(low, low_open), LexBound(high, high_open))
        assert [m for _, m in self.zset.entries(lo, hi)] == names[start:max(start, stop)]

    @rule(data=st.data())
    def slices(self, data: st.DataObject) -> None:
        ordered = self.ordered()
        lo = data.draw(st.integers(0, len(ordered)))
        hi = data.draw(st.integers(lo, len(ordered)))
        assert self.zset.entries(lo, hi) == ordered[lo:hi]
        assert list(self.zset.entries_reversed(lo, hi)) == ordered[lo:hi][::-1]

    @rule(data=st.data())
    def delete_range(self, data: st.DataObject) -> None:
        ordered = self.ordered()
        lo = data.draw(st.integers(0, len(ordered)))
        hi = data.draw(st.integers(lo, len(ordered)))
        assert self.zset.delete_range(lo, hi) == ordered[lo:hi]
        for _, member in ordered[lo:hi]:
            del self.model[member]

    @invariant()
    def agrees_with_the_model(self) -> None:
        assert len(self.zset) == len(self.model)
        assert list(self.zset) == self.ordered()
        assert self.zset.copy().members() == [m for _, m in self.ordered()]


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sorted_set, "LOAD", 4)


def test_sorted_set_agrees_with_a_sorted_list_model(small_blocks: None) -> None:
    machine = SortedSetMachine.TestCase
    machine.settings = settings(max_examples=150, stateful_step_count=60, deadline=None)
    machine().runTest()


def test_encoding_turns_skiplist_past_128_entries_and_never_back() -> None:
    zset = SortedSet()
    for index in range(128):
        zset.add(b"%d" % index, index)
    assert zset.encoding() == b"listpack"
    zset.add(b"one more", 0)
    assert zset.encoding() == b"skiplist"
    zset.delete_range(0, 100)
    assert zset.encoding() == b"skiplist"


def test_a_member_longer_than_64_bytes_makes_a_skiplist() -> None:
    zset = SortedSet()
    zset.add(b"x" * 64, 1)
    assert zset.encoding() == b"listpack"
    zset.add(b"x" * 65, 1)
    assert zset.encoding() == b"skiplist"


def test_negative_zero_is_folded_only_while_listpack() -> None:
    small = SortedSet()
    small.add(b"a", -0.0)
    assert str(small.score(b"a")) == "0.0"
    large = SortedSet.create(1, 100)
    large.add(b"a", -0.0)
    assert str(large.score(b"a")) == "-0.0"


def test_from_pairs_picks_the_encoding_of_its_contents() -> None:
    assert SortedSet.from_pairs([(b"a", 1.0)]).encoding() == b"listpack"
    assert SortedSet.from_pairs([(b"%d" % i, 1.0) for i in range(129)]).encoding() == b"skiplist"


def test_a_large_set_keeps_ranks_and_ranges_consistent() -> None:
    zset = SortedSet()
    for index in range(20_000):
        zset.add(b"m%05d" % index, float(index % 997))
    ordered = sorted((float(i % 997), b"m%05d" % i) for i in range(20_000))
    for probe in (0, 1, 5_000, 19_999):
        score, member = ordered[probe]
        assert zset.rank(member) == probe
        assert zset.entries_at(probe) == (score, member)
    lo, hi = zset.score_bounds(ScoreBound(10.0), ScoreBound(12.0, exclusive=True))
    assert zset.entries(lo, hi) == [e for e in ordered if 10.0 <= e[0] < 12.0]
