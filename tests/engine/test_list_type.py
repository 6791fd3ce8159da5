"""The list value (actors/engine/types/quicklist.py) against a plain Python list."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from actors.engine.types.quicklist import QuickList

ELEMENTS = st.sampled_from([b"a", b"b", b"c", b""])
INDICES = st.integers(min_value=-12, max_value=12)


def model_range(model: list[bytes], start: int, stop: int) -> list[bytes]:
    """Redis's LRANGE in terms of Python slicing."""
    length = len(model)
    start = max(start + length if start < 0 else start, 0)
    stop = stop + length if stop < 0 else stop
    return model[start : stop + 1] if start <= stop else []


def test_a_list_reports_its_redis_type_and_the_7_0_encoding() -> None:
    value = QuickList([b"a"])
    assert value.redis_type == b"list"
    assert value.encoding() == b"quicklist"
    assert QuickList([b"x"] * 10_000).encoding() == b"quicklist"


def test_copy_is_an_independent_quicklist() -> None:
    value = QuickList([b"a", b"b"])
    copied = value.copy()
    copied.append(b"c")
    assert type(copied) is QuickList
    assert list(value) == [b"a", b"b"]


@pytest.mark.parametrize(
    "start, stop, expected",
    [
        (0, -1, [b"a", b"b", b"c", b"d"]),
        (1, 2, [b"b", b"c"]),
        (-2, -1, [b"c", b"d"]),
        (-100, 100, [b"a", b"b", b"c", b"d"]),
        (2, 1, []),
        (4, 10, []),
        (0, -5, []),
    ],
)
def test_range_follows_redis_index_rules(start: int, stop: int, expected: list[bytes]) -> None:
    assert QuickList([b"a", b"b", b"c", b"d"]).range(start, stop) == expected


def test_range_in_the_back_half_walks_from_the_tail() -> None:
    value = QuickList(str(i).encode() for i in range(1000))
    assert value.range(-3, -1) == [b"997", b"998", b"999"]
    assert value.range(990, 992) == [b"990", b"991", b"992"]


@pytest.mark.parametrize(
    "rank, count, maxlen, expected",
    [
        (1, 1, 0, [0]),
        (2, 1, 0, [2]),
        (-1, 1, 0, [4]),
        (-2, 0, 0, [2, 0]),
        (1, 0, 0, [0, 2, 4]),
        (1, 0, 2, [0]),
        (-1, 0, 2, [4]),
        (4, 1, 0, []),
        (-(1 << 63), 1, 0, [4]),
    ],
)
def test_matches_honours_rank_count_and_maxlen(rank, count, maxlen, expected) -> None:
    value = QuickList([b"a", b"b", b"a", b"c", b"a"])
    assert value.matches(b"a", rank, count, maxlen) == expected


class QuickListMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.value = QuickList()
        self.model: list[bytes] = []

    @rule(elements=st.lists(ELEMENTS, max_size=4), to_head=st.booleans())
    def push(self, elements: list[bytes], to_head: bool) -> None:
        self.value.push_all(elements, to_head)
        for element in elements:
            if to_head:
                self.model.insert(0, element)
            else:
                self.model.append(element)

    @rule(count=st.integers(min_value=0, max_value=5), from_head=st.booleans())
    def pop_many(self, count: int, from_head: bool) -> None:
        popped = self.value.pop_many(count, from_head)
        expected = []
        for _ in range(min(count, len(self.model))):
            expected.append(self.model.pop(0) if from_head else self.model.pop())
        assert popped == expected

    @rule(start=INDICES, stop=INDICES)
    def range(self, start: int, stop: int) -> None:
        assert self.value.range(start, stop) == model_range(self.model, start, stop)

    @rule(start=INDICES, stop=INDICES)
    def trim(self, start: int, stop: int) -> None:
        kept = model_range(self.model, start, stop)
        assert self.value.trim(start, stop) == len(self.model) - len(kept)
        self.model = kept

    @rule(index=INDICES, element=ELEMENTS)
    def set_at(self, index: int, element: bytes) -> None:
        position = self.value.position(index)
        if -len(self.model) <= index < len(self.model):
            assert position == index % len(self.model)
            self.value[position] = element
            self.model[index] = element
        else:
            assert position is None

    @rule(pivot=ELEMENTS, element=ELEMENTS, after=st.booleans())
    def insert_at_pivot(self, pivot: bytes, element: bytes, after: bool) -> None:
        inserted = self.value.insert_at_pivot(pivot, element, after)
        assert inserted == (pivot in self.model)
        if inserted:
            position = self.model.index(pivot)
            self.model.insert(position + 1 if after else position, element)

    @rule(element=ELEMENTS, count=st.integers(min_value=-3, max_value=3))
    def remove_matches(self, element: bytes, count: int) -> None:
        removed = self.value.remove_matches(element, count)
        limit = abs(count) if count else len(self.model)
        positions = [i for i, value in enumerate(self.model) if value == element]
        chosen = positions[:limit] if count >= 0 else positions[::-1][:limit]
        assert removed == len(chosen)
        self.model = [v for i, v in enumerate(self.model) if i not in set(chosen)]

    @rule(
        element=ELEMENTS,
        rank=st.integers(min_value=-4, max_value=4).filter(bool),
        count=st.integers(min_value=0, max_value=3),
        maxlen=st.integers(min_value=0, max_value=6),
    )
    def matches(self, element: bytes, rank: int, count: int, maxlen: int) -> None:
        order = list(range(len(self.model)))
        if rank < 0:
            order.reverse()
        if maxlen:
            order = order[:maxlen]
        positions = [i for i in order if self.model[i] == element][abs(rank) - 1 :]
        expected = positions[:count] if count else positions
        assert self.value.matches(element, rank, count, maxlen) == expected

    @invariant()
    def same_elements(self) -> None:
        assert list(self.value) == self.model


TestQuickListAgainstAList = QuickListMachine.TestCase
TestQuickListAgainstAList.settings = settings(max_examples=200, stateful_step_count=30, deadline=None)


@given(st.lists(ELEMENTS, max_size=20), INDICES, INDICES)
def test_slice_from_either_end_agrees(elements: list[bytes], start: int, stop: int) -> None:
    assert QuickList(elements).range(start, stop) == model_range(elements, start, stop)
