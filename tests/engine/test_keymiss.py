"""Which lookups raise keymiss (actors/engine/keymiss.py), by Redis 7.0's lookupKeyRead rules."""

from __future__ import annotations

import pytest

from actors.engine.keymiss import KEY_READ, NOT_A_READ, OWN_KEY_READ, read_lookup_kind


@pytest.mark.parametrize(
    "name, argv, key, kind",
    [
        ("get", [b"GET", b"k"], b"k", KEY_READ),
        ("exists", [b"EXISTS", b"a", b"k"], b"k", KEY_READ),
        ("object|encoding", [b"OBJECT", b"ENCODING", b"k"], b"k", NOT_A_READ),
        ("incr", [b"INCR", b"k"], b"k", NOT_A_READ),
        ("set", [b"SET", b"k", b"v"], b"k", NOT_A_READ),
        ("set", [b"SET", b"k", b"v", b"GET"], b"k", OWN_KEY_READ),
        ("getdel", [b"GETDEL", b"k"], b"k", OWN_KEY_READ),
        ("sinterstore", [b"SINTERSTORE", b"d", b"k"], b"k", KEY_READ),
        ("sinterstore", [b"SINTERSTORE", b"d", b"k"], b"d", NOT_A_READ),
        ("bitfield", [b"BITFIELD", b"k", b"GET", b"u8", b"0"], b"k", KEY_READ),
        ("bitfield", [b"BITFIELD", b"k", b"INCRBY", b"u8", b"0", b"1"], b"k", NOT_A_READ),
        ("get", [b"GET", b"k"], b"other", NOT_A_READ),
    ],
)
def test_read_lookup_kind_follows_redis_lookup_rules(name, argv, key, kind) -> None:
    assert read_lookup_kind(name, argv, key) == kind
