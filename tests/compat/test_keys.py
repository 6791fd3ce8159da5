"""Generic key commands, black-box: DEL UNLINK EXISTS TYPE TOUCH RENAME RENAMENX
COPY MOVE OBJECT."""

from __future__ import annotations

import time

import pytest
import redis

from tests.compat.test_strings import NOT_INTEGER, OK, SYNTAX, Err, arity, execute, run_script

SAME = Err("ERR source and destination objects are the same")
DB_RANGE = Err("ERR DB index is out of range")
NO_KEY = Err("ERR no such key")

KEY_CASES = {
    "del_counts_deleted_keys": [("MSET a 1 b 2", OK), ("DEL a b c", 2), ("DEL a", 0)],
    "unlink_counts_deleted_keys": [("MSET a 1 b 2", OK), ("UNLINK a b c", 2)],
    "exists_counts_repeats": [("SET a 1", OK), ("EXISTS a a b", 2)],
    "touch_counts_existing_keys": [("SET a 1", OK), ("TOUCH a a z", 2)],
    "type_of_a_string_and_of_nothing": [("SET a 1", OK), ("TYPE a", "string"), ("TYPE z", "none")],
    "rename_moves_value_and_ttl": [
        ("SET a 1 EX 100", OK), ("RENAME a b", OK), ("GET b", b"1"), ("TTL b", 100),
        ("EXISTS a", 0)],
    "rename_overwrites_and_clears_the_target_ttl": [
        ("SET a 1", OK), ("SET b 2 EX 100", OK), ("RENAME a b", OK), ("TTL b", -1)],
    "rename_of_a_missing_key": [("RENAME a b", NO_KEY), ("RENAMENX a b", NO_KEY)],
    "rename_onto_itself": [("SET a 1", OK), ("RENAME a a", OK), ("RENAMENX a a", 0)],
    "renamenx_refuses_an_existing_target": [
        ("MSET a 1 b 2", OK), ("RENAMENX a b", 0), ("RENAMENX a c", 1), ("GET c", b"1")],
    "copy_copies_value_and_ttl": [
        ("SET a 1 EX 100", OK), ("COPY a b", 1), ("GET b", b"1"), ("TTL b", 100),
        ("COPY a b", 0), ("COPY a b REPLACE", 1)],
    "copy_to_another_database": [
        ("SET a 1", OK), ("COPY a a DB 1", 1), ("SELECT 1", OK), ("GET a", b"1")],
    "copy_of_a_missing_key": [("COPY a b", 0)],
    "copy_onto_itself": [("SET a 1", OK), ("COPY a a", SAME)],
    "copy_bad_database": [
        ("SET a 1", OK), ("COPY a b DB 16", DB_RANGE), ("COPY a b DB -1", DB_RANGE),
        ("COPY a b DB x", NOT_INTEGER), ("COPY a b DB", SYNTAX), ("COPY a b FOO", SYNTAX)],
    "move_to_another_database": [
        ("SET a 1 EX 100", OK), ("MOVE a 1", 1), ("EXISTS a", 0), ("SELECT 1", OK),
        ("TTL a", 100)],
    "move_refuses_an_existing_target_and_a_missing_source": [
        ("SET a 1", OK), ("MOVE z 1", 0), ("SELECT 1", OK), ("SET a 2", OK), ("SELECT 0", OK),
        ("MOVE a 1", 0), ("GET a", b"1")],
    "move_bad_database": [
        ("SET a 1", OK), ("MOVE a 0", SAME), ("MOVE a 16", DB_RANGE), ("MOVE a -1", DB_RANGE),
        ("MOVE a x", NOT_INTEGER)],
    "object_encoding_of_strings": [
        ("SET i 123", OK), ("OBJECT ENCODING i", b"int"),
        ("SET e 12345678901234567890", OK), ("OBJECT ENCODING e", b"embstr"),
        ("SET z 012", OK), ("OBJECT ENCODING z", b"embstr"),
        ("SET r " + "x" * 45, OK), ("OBJECT ENCODING r", b"raw"),
        ("SET a x", OK), ("APPEND a y", 2), ("OBJECT ENCODING a", b"raw"),
        ("INCR n", 1), ("OBJECT ENCODING n", b"int"), ("OBJECT ENCODING missing", None)],
    "object_refcount_of_shared_and_unshared_integers": [
        ("SET a 1", OK), ("OBJECT REFCOUNT a", 2147483647),
        ("SET b 99999", OK), ("OBJECT REFCOUNT b", 1), ("SET c abc", OK),
        ("OBJECT REFCOUNT c", 1), ("OBJECT REFCOUNT z", None)],
    "object_freq_needs_an_lfu_policy": [
        ("SET a 1", OK),
        ("OBJECT FREQ a", Err(
            "ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
            "Please note that when switching between policies at runtime LRU and LFU data "
            "will take some time to adjust.")),
        ("OBJECT FREQ z", None)],
    "object_idletime_of_a_fresh_key_and_a_missing_one": [
        ("SET a x", OK), ("OBJECT IDLETIME a", 0), ("OBJECT IDLETIME z", None)],
    "object_errors": [
        ("OBJECT FOO", Err("ERR unknown subcommand 'FOO'. Try OBJECT HELP.")),
        ("OBJECT ENCODING", arity("object|encoding")),
        ("OBJECT HELP x", arity("object|help"))],
    "key_commands_arity": [("DEL", arity("del")), ("RENAME a", arity("rename")),
                           ("COPY a", arity("copy")), ("TYPE", arity("type"))],
}


@pytest.mark.parametrize("script", KEY_CASES.values(), ids=KEY_CASES.keys())
def test_key_command_script_gives_redis_replies(raw, script) -> None:
    run_script(raw, script)


def test_object_help_lists_the_subcommands(raw) -> None:
    lines = execute(raw, "OBJECT", "HELP")
    assert lines[0] == "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert lines[-2:] == ["HELP", "    Prints this help."]
    assert len(lines) == 15


def test_object_refcount_of_a_copied_small_integer(raw, target) -> None:
    execute(raw, "SET", "a", "1")
    execute(raw, "COPY", "a", "b")
    # Redis duplicates the object on COPY, so the copy is no longer the
    # shared integer; shardis stores plain bytes with no per-key object and
    # reports every small integer as shared.
    expected = 1 if target == "redis" else 2147483647
    assert execute(raw, "OBJECT", "REFCOUNT", "b") == expected


def test_object_encoding_of_an_integral_incrbyfloat_result(raw, target) -> None:
    execute(raw, "INCRBYFLOAT", "f", "3")
    # Redis stores INCRBYFLOAT's result as a plain string object; shardis
    # derives the encoding from the bytes, so "3" reads as an int.
    assert execute(raw, "OBJECT", "ENCODING", "f") == (b"embstr" if target == "redis" else b"int")


def test_object_idletime_grows_and_a_read_resets_it(r: redis.Redis) -> None:
    r.set("k", "not-an-integer")  # small integers are shared objects in Redis
    deadline = time.monotonic() + 5
    while r.object("idletime", "k") < 1:
        assert time.monotonic() < deadline, "idle time never grew"
        time.sleep(0.05)
    r.exists("k")  # a no-touch lookup
    r.type("k")
    assert r.object("idletime", "k") >= 1
    r.get("k")
    assert r.object("idletime", "k") == 0
