"""Which shard owns which key, and how fanned-out replies merge (actors/router.py)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocol.commands.table import BY_FULL_NAME
from protocol.keyslot import key_slot
from protocol.resp.values import OK, ErrorReply

from actors.router import SLOTS, Router


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (b"{user1000}.following", b"{user1000}.followers"),
        (b"{user1000}", b"user1000"),
        (b"foo{bar}zap", b"bar"),
        (b"a{x}b{y}", b"x"),  # only the first tag counts
    ],
)
def test_keys_sharing_a_hash_tag_share_a_shard(first: bytes, second: bytes) -> None:
    for shard_count in (2, 3, 4, 16):
        router = Router(shard_count)
        assert router.shard_of_key(first) == router.shard_of_key(second)


def test_an_empty_hash_tag_hashes_the_whole_key() -> None:
    assert key_slot(b"{}a") != key_slot(b"a")
    router = Router(16)
    owners = {router.shard_of_key(b"{}%d" % index) for index in range(64)}
    assert len(owners) > 1


def test_slots_map_to_shards_in_contiguous_ascending_ranges() -> None:
    router = Router(4)
    owners = [slot * router.shard_count // SLOTS for slot in range(SLOTS)]
    assert owners == sorted(owners)
    assert [owners.count(shard_id) for shard_id in range(4)] == [4096] * 4


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=24), st.integers(1, 64))
def test_every_key_maps_to_a_valid_shard(key: bytes, shard_count: int) -> None:
    assert 0 <= Router(shard_count).shard_of_key(key) < shard_count


def test_a_single_shard_owns_everything() -> None:
    router = Router(1)
    spec = BY_FULL_NAME["mset"]
    assert router.shard_of_key(b"anything") == 0
    assert router.shards_of(spec, [b"MSET", b"a", b"1", b"b", b"2"]) == {0}


def test_shards_of_collects_the_owner_of_every_key() -> None:
    router = Router(4)
    keys = [b"a", b"b", b"c", b"d"]
    argv = [b"MSET", *(part for key in keys for part in (key, b"v"))]
    assert router.shards_of(BY_FULL_NAME["mset"], argv) == {router.shard_of_key(k) for k in keys}
    assert router.shards_of(BY_FULL_NAME["get"], [b"GET", b"{a}x"]) == {router.shard_of_key(b"a")}


def test_a_keyless_command_goes_to_shard_zero() -> None:
    assert Router(4).shards_of(BY_FULL_NAME["ping"], [b"PING"]) == {0}


def test_all_shards_commands_are_planned_on_every_shard() -> None:
    router = Router(3)
    assert router.is_all_shards("dbsize") and not router.is_all_shards("get")
    argv = [b"DBSIZE"]
    assert router.plan_all_shards("dbsize", argv) == [(0, argv), (1, argv), (2, argv)]


@settings(max_examples=50, deadline=None)
@given(
    shard_count=st.integers(1, 16),
    data=st.data(),
)
def test_a_scan_cursor_round_trips_through_merge_and_plan(shard_count: int, data: st.DataObject) -> None:
    router = Router(shard_count)
    shard_id = data.draw(st.integers(0, shard_count - 1))
    local_next = data.draw(st.integers(1, 1 << 40))
    cursor, keys = router.merge("scan", [b"SCAN", b"x"], [[local_next, [b"k"]]], [shard_id])
    assert keys == [b"k"]
    ((planned_shard, argv),) = router.plan_all_shards("scan", [b"SCAN", cursor, b"COUNT", b"5"])
    assert planned_shard == shard_id
    assert argv == [b"SCAN", str(local_next).encode(), b"COUNT", b"5"]


def test_a_finished_shard_hands_the_scan_to_the_next_one_and_the_last_ends_it() -> None:
    router = Router(3)
    cursors = []
    for shard_id in range(3):
        cursor, _ = router.merge("scan", [b"SCAN"], [[0, []]], [shard_id])
        cursors.append(cursor)
    assert cursors == [b"1", b"2", b"0"]
    assert router.plan_all_shards("scan", [b"SCAN", b"0"]) == [(0, [b"SCAN", b"0"])]
    assert router.plan_all_shards("scan", [b"SCAN", b"2"]) == [(2, [b"SCAN", b"0"])]


def test_a_scan_cursor_that_is_not_a_number_reaches_shard_zero_unchanged() -> None:
    router = Router(4)
    assert router.plan_all_shards("scan", [b"SCAN", b"-1"]) == [(0, [b"SCAN", b"-1"])]


def test_a_scan_cursor_beyond_64_bits_stays_invalid() -> None:
    router = Router(4)
    ((shard_id, argv),) = router.plan_all_shards("scan", [b"SCAN", b"18446744073709551616"])
    assert int(argv[1]) > (1 << 64) - 1


@pytest.mark.parametrize(
    ("name", "replies", "merged"),
    [
        ("dbsize", [3, 0, 4], 7),
        ("flushall", [OK, OK, OK], OK),
        ("flushdb", [OK, OK, OK], OK),
        ("keys", [[b"a"], [], [b"b", b"c"]], [b"a", b"b", b"c"]),
        ("dbsize", [3, ErrorReply("ERR boom"), 4], ErrorReply("ERR boom")),
        ("randomkey", [None, None, None], None),
        ("randomkey", [None, b"only", None], b"only"),
    ],
)
def test_fanned_out_replies_merge_by_the_response_policy(name: str, replies: list, merged: object) -> None:
    router = Router(3)
    assert router.merge(name, [name.encode()], replies, [0, 1, 2]) == merged


def test_randomkey_merges_to_one_of_the_keys_found() -> None:
    router = Router(3)
    random.seed(2)
    picks = {router.merge("randomkey", [b"RANDOMKEY"], [b"a", None, b"b"], [0, 1, 2]) for _ in range(50)}
    assert picks == {b"a", b"b"}


def test_swapdb_replies_merge_to_a_single_ok() -> None:
    router = Router(3)
    assert router.merge("swapdb", [b"SWAPDB", b"0", b"1"], [OK, OK, OK], [0, 1, 2]) == OK
