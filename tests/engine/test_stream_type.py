"""The stream value (actors/engine/types/stream.py) against a plain model: a
sorted dict of id -> fields, with appends, deletes, exact trims and ranges."""

from __future__ import annotations

from hypothesis import given
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


def _rax_nodes_by_recursion(keys: list[bytes]) -> int:
    """rax.c's node count for sorted 16-byte keys, built top-down: the root
    holds the shared prefix, a branch node per branching point, one node per
    edge of two or more bytes (its first byte lives in the branch), a leaf
    per key."""

    def shared(group: list[bytes]) -> int:
        length = 0
        while length < 16 and all(key[length] == group[0][length] for key in group):
            length += 1
        return length

    def below_branch(group: list[bytes], depth: int) -> int:
        children: dict[int, list[bytes]] = {}
        for key in group:
            children.setdefault(key[depth], []).append(key)
        total = 1
        for child in children.values():
            # The edge consumed byte ``depth``; it goes on to the child's branch or leaf.
            end = 16 if len(child) == 1 else shared(child)
            total += (end - (depth + 1) >= 1) + (1 if len(child) == 1 else below_branch(child, end))
        return total

    if not keys:
        return 1
    if len(keys) == 1:
        return 2
    prefix = shared(keys)
    return (prefix >= 1) + below_branch(keys, prefix)


def _stream_with_masters(masters: list[tuple[int, int]]) -> Stream:
    stream = Stream()
    for ms, seq in masters:
        for offset in range(100):  # a full node: the next append opens a new one
            stream.append((ms, seq * 128 + offset), (b"f", b"v"))
    return stream


_masters = st.lists(
    st.tuples(st.one_of(st.integers(0, 300), st.integers(0, 2**64 - 1)), st.integers(0, 2**20)),
    max_size=12,
    unique=True,
).map(sorted)


def test_radix_tree_nodes_of_known_streams_are_redis_counts() -> None:
    # XINFO STREAM on redis-server 7.0 for master ids of the same shapes (tests/compat/test_streams.py).
    assert Stream().radix_tree_nodes() == 1
    assert _stream_with_masters([(1, 0)]).radix_tree_nodes() == 2
    assert _stream_with_masters([(1, 0), (1, 1)]).radix_tree_nodes() == 4
    assert _stream_with_masters([(1, 0), (2**56, 0)]).radix_tree_nodes() == 5


@given(_masters)
def test_radix_tree_nodes_match_a_top_down_count(masters) -> None:
    stream = _stream_with_masters(masters)
    assert [node.master_id for node in stream.nodes] == [(ms, seq * 128) for ms, seq in masters]
    keys = [ms.to_bytes(8, "big") + (seq * 128).to_bytes(8, "big") for ms, seq in masters]
    assert stream.radix_tree_nodes() == _rax_nodes_by_recursion(keys)
