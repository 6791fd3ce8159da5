"""The stream value (actors/engine/types/stream.py) against a plain model: a
sorted dict of id -> fields, with appends, deletes, exact trims and ranges."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from actors.engine.types.stream import MAX_ID, MIN_ID, Stream

small_ids = st.tuples(st.integers(0, 50), st.integers(0, 3))


class StreamMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.stream = Stream()
        self.model: dict[tuple[int, int], tuple[bytes, ...]] = {}
        self.last = MIN_ID

    @rule(step=st.integers(1, 5), value=st.binary(max_size=4))
    def append(self, step: int, value: bytes) -> None:
        entry_id = (self.last[0] + step, 0)
        self.stream.append(entry_id, (b"f", value))
        self.model[entry_id] = (b"f", value)
        self.last = entry_id

    @rule(entry_id=small_ids)
    def delete(self, entry_id: tuple[int, int]) -> None:
        assert self.stream.delete(entry_id) == (self.model.pop(entry_id, None) is not None)

    @rule(maxlen=st.integers(0, 10))
    def trim_maxlen(self, maxlen: int) -> None:
        removed = self.stream.trim(maxlen, None, False, 0)
        expected = max(len(self.model) - maxlen, 0)
        assert removed == expected
        for entry_id in sorted(self.model)[:expected]:
            del self.model[entry_id]

    @rule(minid=small_ids)
    def trim_minid(self, minid: tuple[int, int]) -> None:
        doomed = [entry_id for entry_id in self.model if entry_id < minid]
        assert self.stream.trim(None, minid, False, 0) == len(doomed)
        for entry_id in doomed:
            del self.model[entry_id]

    @rule(start=small_ids, end=small_ids, count=st.none() | st.integers(1, 5), reverse=st.booleans())
    def range_matches(self, start, end, count, reverse) -> None:
        expected = [(i, self.model[i]) for i in sorted(self.model, reverse=reverse) if start <= i <= end]
        if count is not None:
            expected = expected[:count]
        assert self.stream.range(start, end, count, reverse) == expected

    @invariant()
    def same_entries(self) -> None:
        assert self.stream.range(MIN_ID, MAX_ID) == sorted(self.model.items())
        assert len(self.stream) == len(self.model)
        assert sum(node.live for node in self.stream.nodes) == len(self.model)
        copied = self.stream.copy()
        assert copied.ids == self.stream.ids and copied.ids is not self.stream.ids


TestStreamMachine = StreamMachine.TestCase


def test_digest_entries_use_dotted_ids_and_field_pairs() -> None:
    stream = Stream()
    stream.append((1, 2), (b"a", b"1", b"b", b"2"))
    assert list(stream.digest_entries()) == [(b"1.2", [(b"a", b"1"), (b"b", b"2")])]
