"""The hash value type (actors/engine/types/hash.py): fields, encoding, field TTLs."""

from __future__ import annotations

import sys

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from actors.engine.keyspace import Keyspace
from actors.engine.types.hash import FieldExpiryIndex, Hash


def test_a_hash_without_field_ttls_costs_one_pointer_more_than_a_dict() -> None:
    plain = {b"f": b"v"}
    value = Hash([(b"f", b"v")])
    assert sys.getsizeof(value) - sys.getsizeof(plain) <= 8
    assert value.meta is None


def test_set_field_reports_creation_and_drops_the_fields_ttl() -> None:
    value = Hash()
    assert value.set_field(b"f", b"1") is True
    value.set_field_expire(b"f", 100)
    assert value.set_field(b"f", b"2") is False
    assert value.field_expire(b"f") is None
    assert not value.has_field_ttls()


def test_item_assignment_keeps_the_fields_ttl() -> None:
    value = Hash([(b"f", b"1")])
    value.set_field_expire(b"f", 100)
    value[b"f"] = b"2"
    assert value.field_expire(b"f") == 100


def test_small_hash_is_listpack_and_turns_hashtable_past_512_entries_for_good() -> None:
    value = Hash()
    for index in range(512):
        value.set_field(b"f%d" % index, b"v")
        value.note_sizes(4)
    assert value.encoding() == b"listpack"
    value.set_field(b"one-more", b"v")
    value.note_sizes(8)
    assert value.encoding() == b"hashtable"
    for index in range(512):
        value.delete_field(b"f%d" % index)
    assert value.encoding() == b"hashtable"


def test_a_value_longer_than_64_bytes_makes_a_hashtable() -> None:
    value = Hash([(b"f", b"x" * 64)])
    value.note_sizes(64)
    assert value.encoding() == b"listpack"
    value.note_sizes(65)
    assert value.encoding() == b"hashtable"


def test_a_small_hash_with_field_ttls_is_listpackex() -> None:
    value = Hash([(b"f", b"v")])
    value.set_field_expire(b"f", 10)
    assert value.encoding() == b"listpackex"


def test_expire_fields_removes_due_fields_in_expiry_order() -> None:
    value = Hash([(b"a", b"1"), (b"b", b"2"), (b"c", b"3")])
    value.set_field_expire(b"b", 20)
    value.set_field_expire(b"a", 10)
    value.set_field_expire(b"c", 30)
    assert value.next_field_expire() == 10
    assert value.expire_fields(20) == [b"a", b"b"]
    assert dict(value) == {b"c": b"3"}
    assert value.next_field_expire() == 30


def test_a_raised_ttl_leaves_a_stale_heap_entry_that_is_skipped() -> None:
    value = Hash([(b"a", b"1")])
    value.set_field_expire(b"a", 10)
    value.set_field_expire(b"a", 50)
    assert value.next_field_expire() == 50
    assert value.expire_fields(20) == []
    assert value.expire_fields(50) == [b"a"]
    assert not value


def test_copy_is_deep_for_values_and_ttls() -> None:
    value = Hash([(b"a", b"1")])
    value.set_field_expire(b"a", 10)
    duplicate = value.copy()
    duplicate.persist_field(b"a")
    assert value.field_expire(b"a") == 10
    assert type(duplicate) is Hash and dict(duplicate) == {b"a": b"1"}


def test_the_index_expires_due_fields_and_deletes_an_emptied_hash() -> None:
    keyspace = Keyspace.create(1)
    db = keyspace.databases[0]
    value = Hash([(b"a", b"1"), (b"b", b"2")])
    value.set_field_expire(b"a", 10)
    db.store(b"h", value)
    index: FieldExpiryIndex = db.field_expiry
    index.register(b"h", 10)
    seen: list[tuple[int, bytes, list[bytes], bool]] = []
    assert index.expire_due(db, 10, 100, lambda *event: seen.append(event)) == 1
    assert seen == [(0, b"h", [b"a"], False)]
    value.set_field_expire(b"b", 20)
    index.register(b"h", 20)
    index.expire_due(db, 25, 100, lambda *event: seen.append(event))
    assert seen[-1] == (0, b"h", [b"b"], True)
    assert db.lookup(b"h") is None
    assert len(index) == 0


def test_the_index_drops_entries_for_keys_that_no_longer_hold_a_hash() -> None:
    keyspace = Keyspace.create(1)
    db = keyspace.databases[0]
    db.store(b"h", b"a string now")
    db.field_expiry.register(b"h", 5)
    assert db.field_expiry.expire_due(db, 10, 100, lambda *event: None) == 0
    assert len(db.field_expiry) == 0


def test_the_active_cycle_expires_hash_fields() -> None:
    keyspace = Keyspace.create(2)
    db = keyspace.databases[1]
    value = Hash([(b"a", b"1"), (b"b", b"2")])
    value.set_field_expire(b"a", 100)
    db.store(b"h", value)
    db.field_expiry.register(b"h", 100)
    events: list[tuple[int, bytes, list[bytes], bool]] = []
    keyspace.on_hash_fields_expired = lambda *event: events.append(event)
    keyspace.now_ms = 99
    keyspace.active_expire_cycle()
    assert events == []
    keyspace.now_ms = 100
    keyspace.active_expire_cycle()
    assert events == [(1, b"h", [b"a"], False)]
    assert dict(value) == {b"b": b"2"}


class HashModel(RuleBasedStateMachine):
    """Hash against a dict of field -> (value, expire_at or None)."""

    def __init__(self) -> None:
        super().__init__()
        self.value = Hash()
        self.model: dict[bytes, tuple[bytes, int | None]] = {}
        self.now = 0

    fields = st.sampled_from([b"a", b"b", b"c", b"d", b"e"])

    @rule(field=fields, data=st.binary(max_size=3))
    def set_field(self, field: bytes, data: bytes) -> None:
        assert self.value.set_field(field, data) == (field not in self.model)
        self.model[field] = (data, None)

    @rule(field=fields, data=st.binary(max_size=3))
    def assign_keeping_ttl(self, field: bytes, data: bytes) -> None:
        self.value[field] = data
        self.model[field] = (data, self.model[field][1] if field in self.model else None)

    @rule(field=fields)
    def delete_field(self, field: bytes) -> None:
        assert self.value.delete_field(field) == (field in self.model)
        self.model.pop(field, None)

    @rule(field=fields, offset=st.integers(1, 20))
    def expire(self, field: bytes, offset: int) -> None:
        if field in self.model:
            self.value.set_field_expire(field, self.now + offset)
            self.model[field] = (self.model[field][0], self.now + offset)

    @rule(field=fields)
    def persist(self, field: bytes) -> None:
        had = field in self.model and self.model[field][1] is not None
        assert self.value.persist_field(field) == had
        if had:
            self.model[field] = (self.model[field][0], None)

    @rule(step=st.integers(0, 10))
    def advance(self, step: int) -> None:
        self.now += step
        due = sorted(
            (at, field) for field, (_, at) in self.model.items() if at is not None and at <= self.now
        )
        assert sorted(self.value.expire_fields(self.now)) == sorted(f for _, f in due)
        for _, field in due:
            del self.model[field]

    @invariant()
    def matches(self) -> None:
        assert dict(self.value) == {field: data for field, (data, _) in self.model.items()}
        for field, (_, at) in self.model.items():
            assert self.value.field_expire(field) == at
        ttls = [at for _, at in self.model.values() if at is not None]
        assert self.value.next_field_expire() == (min(ttls) if ttls else None)
        assert self.value.has_field_ttls() == bool(ttls)


TestHashModel = HashModel.TestCase
