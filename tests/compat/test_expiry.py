"""Expiry commands, black-box: EXPIRE PEXPIRE EXPIREAT PEXPIREAT (NX XX GT LT),
TTL PTTL EXPIRETIME PEXPIRETIME PERSIST. Waiting tests poll with a deadline."""

from __future__ import annotations

import time

import pytest
import redis

from tests.compat.test_strings import NOT_INTEGER, OK, Err, invalid_expire, run_script

NX_AND_OTHERS = Err("ERR NX and XX, GT or LT options at the same time are not compatible")
GT_AND_LT = Err("ERR GT and LT options at the same time are not compatible")
FAR = 32503680000  # year 3000, in seconds

EXPIRY_CASES = {
    "expire_sets_a_ttl": [("SET k v", OK), ("EXPIRE k 100", 1), ("TTL k", 100)],
    "expire_of_a_missing_key": [("EXPIRE k 100", 0), ("TTL k", -2), ("PTTL k", -2)],
    "ttl_without_expiry": [("SET k v", OK), ("TTL k", -1), ("PTTL k", -1),
                           ("EXPIRETIME k", -1), ("PEXPIRETIME k", -1)],
    "expiretime_of_a_missing_key": [("EXPIRETIME k", -2), ("PEXPIRETIME k", -2)],
    "expireat_and_expiretime": [
        ("SET k v", OK), (f"EXPIREAT k {FAR}", 1), ("EXPIRETIME k", FAR),
        ("PEXPIRETIME k", FAR * 1000), (f"PEXPIREAT k {FAR * 1000 + 1}", 1),
        ("EXPIRETIME k", FAR), ("PEXPIRETIME k", FAR * 1000 + 1)],
    "pexpire_sets_a_ttl_in_ms": [("SET k v", OK), ("PEXPIRE k 100000", 1), ("TTL k", 100)],
    "negative_expire_deletes": [("SET k v", OK), ("EXPIRE k -1", 1), ("EXISTS k", 0)],
    "zero_expire_deletes": [("SET k v", OK), ("PEXPIRE k 0", 1), ("EXISTS k", 0)],
    "past_expireat_deletes": [("SET k v", OK), ("EXPIREAT k 1", 1), ("EXISTS k", 0),
                              ("SET k v", OK), ("PEXPIREAT k 0", 1), ("EXISTS k", 0)],
    "nx_sets_only_without_a_ttl": [
        ("SET k v", OK), ("EXPIRE k 100 NX", 1), ("EXPIRE k 200 NX", 0), ("TTL k", 100)],
    "xx_sets_only_with_a_ttl": [
        ("SET k v", OK), ("EXPIRE k 100 XX", 0), ("TTL k", -1), ("EXPIRE k 100", 1),
        ("EXPIRE k 200 XX", 1), ("TTL k", 200)],
    "gt_needs_a_greater_ttl_and_no_ttl_counts_as_infinite": [
        ("SET k v", OK), ("EXPIRE k 100 GT", 0), ("EXPIRE k 100", 1),
        ("EXPIRE k 50 GT", 0), ("EXPIRE k 200 GT", 1), ("TTL k", 200)],
    "lt_needs_a_smaller_ttl_and_no_ttl_counts_as_infinite": [
        ("SET k v", OK), ("EXPIRE k 100 LT", 1), ("EXPIRE k 200 LT", 0),
        ("EXPIRE k 50 lt", 1), ("TTL k", 50)],
    "xx_with_gt_or_lt_is_allowed": [
        ("SET k v EX 100", OK), ("EXPIRE k 10 XX GT", 0), ("EXPIRE k 10 XX LT", 1),
        ("TTL k", 10)],
    "repeated_nx_is_allowed": [("SET k v", OK), ("EXPIRE k 10 NX NX", 1)],
    "nx_with_xx_gt_or_lt_is_refused": [
        ("SET k v", OK), ("EXPIRE k 10 NX XX", NX_AND_OTHERS), ("EXPIRE k 10 NX GT", NX_AND_OTHERS),
        ("PEXPIRE k 10 LT NX", NX_AND_OTHERS)],
    "gt_with_lt_is_refused": [("SET k v", OK), ("EXPIRE k 10 GT LT", GT_AND_LT)],
    "unknown_option_is_named": [("SET k v", OK), ("EXPIRE k 10 foo", Err("ERR Unsupported option foo"))],
    "not_an_integer": [("SET k v", OK), ("EXPIRE k 1.5", NOT_INTEGER), ("EXPIRE k abc", NOT_INTEGER),
                       ("PEXPIRE k 9223372036854775808", NOT_INTEGER)],
    "overflowing_times_are_invalid": [
        ("SET k v", OK),
        ("EXPIRE k 9223372036854775807", invalid_expire("expire")),
        ("EXPIRE k 9223372036854775", invalid_expire("expire")),
        ("EXPIRE k -9223372036854775808", invalid_expire("expire")),
        ("PEXPIRE k 9223372036854775807", invalid_expire("pexpire")),
        ("EXPIREAT k 9223372036854775807", invalid_expire("expireat")), ("TTL k", -1)],
    "persist_removes_the_ttl": [
        ("SET k v EX 100", OK), ("PERSIST k", 1), ("TTL k", -1), ("PERSIST k", 0),
        ("PERSIST missing", 0)],
}


@pytest.mark.parametrize("script", EXPIRY_CASES.values(), ids=EXPIRY_CASES.keys())
def test_expiry_script_gives_redis_replies(raw, script) -> None:
    run_script(raw, script)


def test_pexpireat_at_the_int64_maximum_keeps_the_key(r: redis.Redis) -> None:
    r.set("k", "v")
    assert r.pexpireat("k", 9223372036854775807) is True
    assert r.pexpiretime("k") == 9223372036854775807
    assert r.exists("k") == 1


def wait_until_gone(client: redis.Redis, key: str, timeout: float = 5.0) -> float:
    started = time.monotonic()
    while client.exists(key):
        assert time.monotonic() - started < timeout, f"{key} never expired"
        time.sleep(0.02)
    return time.monotonic() - started


@pytest.mark.parametrize(
    "arm",
    [
        lambda r: r.pexpire("k", 100),
        lambda r: r.set("k", "v", px=100),
        lambda r: r.pexpireat("k", int(time.time() * 1000) + 100),
        lambda r: r.getex("k", px=100),
        lambda r: r.psetex("k", 100, "v"),
    ],
    ids=["pexpire", "set_px", "pexpireat", "getex_px", "psetex"],
)
def test_a_key_disappears_after_its_ttl(r: redis.Redis, arm) -> None:
    r.set("k", "v")
    arm(r)
    assert 0 < r.pttl("k") <= 100
    wait_until_gone(r, "k")
    assert r.get("k") is None
    assert r.ttl("k") == -2


def test_an_expired_key_is_removed_by_active_expiry_without_access(r: redis.Redis) -> None:
    r.set("k", "v", px=50)
    r.set("other", "v")
    deadline = time.monotonic() + 5
    while r.dbsize() != 1:
        assert time.monotonic() < deadline, "active expiry never removed the key"
        time.sleep(0.05)
    assert r.keys("*") == [b"other"]


def test_persist_keeps_a_key_past_its_old_ttl(r: redis.Redis) -> None:
    r.set("k", "v", px=100)
    r.set("watch", "v", px=100)
    assert r.persist("k") is True
    wait_until_gone(r, "watch")
    assert r.get("k") == b"v"
