"""Streams and consumer groups over the wire, against shardis and redis-server
7.0: exact replies and error texts, RESP2 and RESP3 shapes, blocking reads.

Entries use explicit ids so replies do not depend on the clock; idle times
and delivery times are only compared where the test controls them."""

from __future__ import annotations

import random
import threading
from typing import Any

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.compat.conftest import _server
from tests.compat.test_strings import OK, SYNTAX, Err, arity, execute, run_script
from tests.servers import redis_server_path

INVALID_ID = Err("ERR Invalid stream ID specified as stream command argument")
TOO_SMALL = Err("ERR The ID specified in XADD is equal or smaller than the target stream top item")
NOGROUP = Err("NOGROUP No such key 's' or consumer group 'g'")

STREAM_CASES = {
    "xadd_with_explicit_ids_and_xlen": [
        ("XADD s 1-1 a 1", b"1-1"), ("XADD s 1-* b 2", b"1-2"), ("XADD s 2 c 3", b"2-0"), ("XLEN s", 3)],
    "xadd_refuses_a_smaller_or_equal_id": [
        ("XADD s 5-5 a 1", b"5-5"), ("XADD s 5-5 a 1", TOO_SMALL), ("XADD s 4-* a 1", TOO_SMALL),
        ("XADD s 5 a 1", TOO_SMALL)],
    "xadd_refuses_zero_and_invalid_ids": [
        ("XADD s 0-0 a 1", Err("ERR The ID specified in XADD must be greater than 0-0")),
        ("XADD s 0 a 1", Err("ERR The ID specified in XADD must be greater than 0-0")),
        ("XADD s 1-x a 1", INVALID_ID), ("XADD s - a 1", INVALID_ID), ("XADD s 0-* a 1", b"0-1")],
    "xadd_with_odd_field_count_is_an_arity_error": [("XADD s 1-1 a", arity("xadd"))],
    "xadd_nomkstream_does_not_create_the_key": [
        ("XADD s NOMKSTREAM 1-1 a 1", None), ("EXISTS s", 0)],
    "xadd_trimming_option_errors": [
        ("XADD s MAXLEN 1 MINID 1 1-1 a 1",
         Err("ERR syntax error, MAXLEN and MINID options at the same time are not compatible")),
        ("XADD s MAXLEN -1 1-1 a 1", Err("ERR The MAXLEN argument must be >= 0.")),
        ("XADD s MAXLEN 5 LIMIT 5 1-1 a 1",
         Err("ERR syntax error, LIMIT cannot be used without the special ~ option")),
        ("XADD s LIMIT 5 1-1 a 1",
         Err("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy")),
        ("XTRIM s LIMIT 5", Err("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy")),
        ("XTRIM s", arity("xtrim"))],
    "xadd_maxlen_exact_keeps_the_newest": [
        ("XADD s 1-1 a 1", b"1-1"), ("XADD s 2-1 a 1", b"2-1"), ("XADD s MAXLEN = 1 3-1 a 1", b"3-1"),
        ("XRANGE s - +", [[b"3-1", [b"a", b"1"]]])],
    "xtrim_minid_removes_older_entries": [
        ("XADD s 1-1 a 1", b"1-1"), ("XADD s 2-1 a 1", b"2-1"), ("XADD s 3-1 a 1", b"3-1"),
        ("XTRIM s MINID 2", 1), ("XLEN s", 2), ("XTRIM s MINID ~ 9", 2), ("XLEN s", 0), ("XTRIM nokey MAXLEN 0", 0)],
    "xrange_and_xrevrange_with_exclusive_bounds_and_count": [
        ("XADD s 1-1 a 1", b"1-1"), ("XADD s 1-2 b 2", b"1-2"), ("XADD s 2-0 c 3", b"2-0"),
        ("XRANGE s (1-1 +", [[b"1-2", [b"b", b"2"]], [b"2-0", [b"c", b"3"]]]),
        ("XRANGE s 1 1", [[b"1-1", [b"a", b"1"]], [b"1-2", [b"b", b"2"]]]),
        ("XREVRANGE s + - COUNT 1", [[b"2-0", [b"c", b"3"]]]),
        ("XREVRANGE s (2-0 (1-1", [[b"1-2", [b"b", b"2"]]]),
        ("XRANGE s - + COUNT 0", None), ("XRANGE nokey - +", []),
        ("XRANGE s (18446744073709551615-18446744073709551615 +", Err("ERR invalid start ID for the interval")),
        ("XRANGE s - (0-0", Err("ERR invalid end ID for the interval")),
        ("XRANGE s x +", INVALID_ID), ("XRANGE s - + LIMIT 1", SYNTAX)],
    "xdel_counts_what_it_removed": [
        ("XADD s 1-1 a 1", b"1-1"), ("XADD s 2-1 a 1", b"2-1"), ("XDEL s 1-1 7-7", 1), ("XLEN s", 1),
        ("XDEL s x", INVALID_ID), ("XDEL nokey 1-1", 0)],
    "xsetid_checks_its_arguments": [
        ("XADD s 5-5 a 1", b"5-5"), ("XSETID s 1-1",
         Err("ERR The ID specified in XSETID is smaller than the target stream top item")),
        ("XSETID s 6-0 ENTRIESADDED 0",
         Err("ERR The entries_added specified in XSETID is smaller than the target stream length")),
        ("XSETID s 6-0 ENTRIESADDED 5 MAXDELETEDID 7-0",
         Err("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id")),
        ("XSETID nokey 1-1", Err("ERR no such key")), ("XSETID s 9-0", OK), ("XADD s 9-0 a 1", TOO_SMALL)],
    "xread_errors": [
        ("XREAD NOACK STREAMS s 0",
         Err("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.")),
        ("XREAD GROUP g c STREAMS s 0",
         Err("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.")),
        ("XREAD STREAMS s >", Err("ERR The > ID can be specified only when calling XREADGROUP using the "
                                  "GROUP <group> <consumer> option.")),
        ("XREAD COUNT 1 STREAMS s a 0",
         Err("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.")),
        ("XREAD BLOCK -1 STREAMS s 0", Err("ERR timeout is negative")),
        ("XREAD BLOCK x STREAMS s 0", Err("ERR timeout is not an integer or out of range")),
        ("XREAD STREAMS nokey 0", None)],
    "xread_returns_entries_after_the_given_ids": [
        ("XADD s 1-1 a 1", b"1-1"), ("XADD s 2-1 b 2", b"2-1"),
        ("XREAD COUNT 1 STREAMS s 0", [[b"s", [[b"1-1", [b"a", b"1"]]]]]),
        ("XREAD STREAMS s nokey 1-1 0", [[b"s", [[b"2-1", [b"b", b"2"]]]]]),
        ("XREAD STREAMS s $", None)],
    "xgroup_create_and_its_errors": [
        ("XGROUP CREATE s g $", Err("ERR The XGROUP subcommand requires the key to exist. Note that for "
                                    "CREATE you may want to use the MKSTREAM option to create an empty "
                                    "stream automatically.")),
        ("XGROUP CREATE s g $ MKSTREAM", OK), ("XGROUP CREATE s g 0", Err("BUSYGROUP Consumer Group name already exists")),
        ("XGROUP CREATE s g2 0 ENTRIESREAD -2", Err("ERR value for ENTRIESREAD must be positive or -1")),
        ("XGROUP CREATE s g3 0 FOO", Err("ERR unknown subcommand or wrong number of arguments for 'CREATE'. "
                                         "Try XGROUP HELP.")),
        ("XGROUP SETID s nog 0", Err("NOGROUP No such consumer group 'nog' for key name 's'")),
        ("XGROUP CREATECONSUMER s g alice", 1), ("XGROUP CREATECONSUMER s g alice", 0),
        ("XGROUP DELCONSUMER s g bob", 0), ("XGROUP DELCONSUMER s g alice", 0),
        ("XGROUP DESTROY s nog", 0), ("XGROUP DESTROY s g", 1), ("XGROUP FOO", Err("ERR unknown subcommand 'FOO'. Try XGROUP HELP."))],
    "xreadgroup_delivers_acks_and_reports_pending": [
        ("XADD s 1-1 a 1", b"1-1"), ("XADD s 2-1 b 2", b"2-1"), ("XGROUP CREATE s g 0", OK),
        ("XREADGROUP GROUP g alice COUNT 1 STREAMS s >", [[b"s", [[b"1-1", [b"a", b"1"]]]]]),
        ("XREADGROUP GROUP g bob STREAMS s >", [[b"s", [[b"2-1", [b"b", b"2"]]]]]),
        ("XREADGROUP GROUP g bob STREAMS s >", None),
        ("XPENDING s g", [2, b"1-1", b"2-1", [[b"alice", b"1"], [b"bob", b"1"]]]),
        ("XPENDING s g - + 10 nobody", []), ("XPENDING s g - + -1", []),
        ("XREADGROUP GROUP g alice STREAMS s 0", [[b"s", [[b"1-1", [b"a", b"1"]]]]]),
        ("XACK s g 1-1 9-9", 1), ("XACK s nog 1-1", 0), ("XACK s g x", INVALID_ID),
        ("XPENDING s g", [1, b"2-1", b"2-1", [[b"bob", b"1"]]]),
        ("XGROUP DELCONSUMER s g bob", 1), ("XPENDING s g", [0, None, None, None])],
    "xreadgroup_errors": [
        ("XREADGROUP GROUP g c STREAMS s >", Err("NOGROUP No such key 's' or consumer group 'g' in XREADGROUP "
                                                 "with GROUP option")),
        ("XADD s 1-1 a 1", b"1-1"), ("XGROUP CREATE s g 0", OK),
        ("XREADGROUP GROUP g c STREAMS s $", Err(
            "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this "
            "consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just "
            "return an empty result set.")),
        ("XREADGROUP COUNT 1 NOACK STREAMS s >", Err("ERR Missing GROUP option for XREADGROUP"))],
    "xreadgroup_noack_moves_the_group_without_pending_entries": [
        ("XADD s 1-1 a 1", b"1-1"), ("XGROUP CREATE s g 0", OK),
        ("XREADGROUP GROUP g c NOACK STREAMS s >", [[b"s", [[b"1-1", [b"a", b"1"]]]]]),
        ("XPENDING s g", [0, None, None, None])],
    "history_read_shows_a_deleted_entry_as_null": [
        ("XADD s 1-1 a 1", b"1-1"), ("XGROUP CREATE s g 0", OK),
        ("XREADGROUP GROUP g c STREAMS s >", [[b"s", [[b"1-1", [b"a", b"1"]]]]]),
        ("XDEL s 1-1", 1), ("XREADGROUP GROUP g c STREAMS s 0", [[b"s", [[b"1-1", None]]]])],
    "xclaim_moves_entries_and_drops_deleted_ones": [
        ("XADD s 1-1 a 1", b"1-1"), ("XADD s 2-1 b 2", b"2-1"), ("XGROUP CREATE s g 0", OK),
        ("XREADGROUP GROUP g alice STREAMS s >", [[b"s", [[b"1-1", [b"a", b"1"]], [b"2-1", [b"b", b"2"]]]]]),
        ("XCLAIM s g bob 0 1-1 JUSTID", [b"1-1"]),
        ("XCLAIM s g bob 0 2-1 RETRYCOUNT 7", [[b"2-1", [b"b", b"2"]]]),
        ("XCLAIM s g bob 3600000 2-1", []),
        ("XDEL s 1-1", 1), ("XCLAIM s g bob 0 1-1", []),
        ("XPENDING s g", [1, b"2-1", b"2-1", [[b"bob", b"1"]]]),
        ("XCLAIM s g bob 0 1-1 IDLE x", Err("ERR Invalid IDLE option argument for XCLAIM")),
        ("XCLAIM s g bob 0 1-1 TIME x", Err("ERR Invalid TIME option argument for XCLAIM")),
        ("XCLAIM s g bob 0 1-1 RETRYCOUNT x", Err("ERR Invalid RETRYCOUNT option argument for XCLAIM")),
        ("XCLAIM s g bob 0 1-1 FOO", Err("ERR Unrecognized XCLAIM option 'FOO'")),
        ("XCLAIM s g bob x 1-1", Err("ERR Invalid min-idle-time argument for XCLAIM")),
        ("XCLAIM s nog bob 0 1-1", Err("NOGROUP No such key 's' or consumer group 'nog'"))],
    "xclaim_force_creates_a_pending_entry": [
        ("XADD s 1-1 a 1", b"1-1"), ("XGROUP CREATE s g $", OK),
        ("XCLAIM s g bob 0 1-1 FORCE JUSTID", [b"1-1"]), ("XPENDING s g", [1, b"1-1", b"1-1", [[b"bob", b"1"]]])],
    "xautoclaim_claims_and_reports_deleted_entries": [
        ("XADD s 1-1 a 1", b"1-1"), ("XADD s 2-1 b 2", b"2-1"), ("XADD s 3-1 c 3", b"3-1"),
        ("XGROUP CREATE s g 0", OK),
        ("XREADGROUP GROUP g alice STREAMS s >", [[b"s", [
            [b"1-1", [b"a", b"1"]], [b"2-1", [b"b", b"2"]], [b"3-1", [b"c", b"3"]]]]]),
        ("XDEL s 1-1", 1),
        ("XAUTOCLAIM s g bob 0 0 COUNT 1", [b"2-1", [], [b"1-1"]]),
        ("XAUTOCLAIM s g bob 0 0 COUNT 1", [b"3-1", [[b"2-1", [b"b", b"2"]]], []]),
        ("XAUTOCLAIM s g bob 0 (2-1 JUSTID", [b"0-0", [b"3-1"], []]),
        ("XAUTOCLAIM s g bob 0 0 COUNT 0", Err("ERR COUNT must be > 0")),
        ("XAUTOCLAIM s g bob x 0", Err("ERR Invalid min-idle-time argument for XAUTOCLAIM"))],
    "xpending_extended_form_errors": [
        ("XADD s 1-1 a 1", b"1-1"), ("XGROUP CREATE s g 0", OK),
        ("XPENDING s g IDLE x - + 1", Err("ERR value is not an integer or out of range")),
        ("XPENDING s g - + x", Err("ERR value is not an integer or out of range")),
        ("XPENDING s g - +", SYNTAX), ("XPENDING nokey g", Err("NOGROUP No such key 'nokey' or consumer group 'g'"))],
    "xinfo_errors": [
        ("XINFO STREAM nokey", Err("ERR no such key")), ("XINFO GROUPS nokey", Err("ERR no such key")),
        ("XADD s 1-1 a 1", b"1-1"),
        ("XINFO CONSUMERS s nog", Err("NOGROUP No such consumer group 'nog' for key name 's'")),
        ("XINFO STREAM s FOO", Err("ERR unknown subcommand or wrong number of arguments for 'STREAM'. "
                                   "Try XINFO HELP.")),
        ("XINFO FOO", Err("ERR unknown subcommand 'FOO'. Try XINFO HELP."))],
    "stream_commands_refuse_other_types": [
        ("SET k v", OK),
        ("XADD k 1-1 a 1", Err("WRONGTYPE Operation against a key holding the wrong kind of value")),
        ("XRANGE k - +", Err("WRONGTYPE Operation against a key holding the wrong kind of value")),
        ("TYPE k", "string"), ("DEL k", 1), ("XADD k 1-1 a 1", b"1-1"), ("TYPE k", "stream"),
        ("OBJECT ENCODING k", b"stream")],
}


@pytest.mark.parametrize("script", STREAM_CASES.values(), ids=STREAM_CASES.keys())
def test_stream_command_script(raw: Any, script: list[tuple[str, Any]]) -> None:
    run_script(raw, script)


def _plain(client: redis.Redis) -> redis.Redis:
    client.response_callbacks.clear()
    return client


def test_xinfo_stream_and_groups_report_counters_in_both_protocols(rp: redis.Redis) -> None:
    client = _plain(rp)
    client.execute_command("XADD", "s", "1-1", "a", "1")
    client.execute_command("XADD", "s", "2-1", "b", "2")
    client.execute_command("XADD", "s", "3-1", "c", "3")
    client.execute_command("XDEL", "s", "2-1")
    client.execute_command("XGROUP", "CREATE", "s", "g", "0")
    client.execute_command("XGROUP", "CREATE", "s", "late", "$")
    client.execute_command("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">")
    info = client.execute_command("XINFO", "STREAM", "s")
    if isinstance(info, list):
        info = dict(zip(info[::2], info[1::2]))
    assert info == {
        b"length": 2, b"radix-tree-keys": 1, b"radix-tree-nodes": 2, b"last-generated-id": b"3-1",
        b"max-deleted-entry-id": b"2-1", b"entries-added": 3, b"recorded-first-entry-id": b"1-1",
        b"groups": 2, b"first-entry": [b"1-1", [b"a", b"1"]], b"last-entry": [b"3-1", [b"c", b"3"]],
    }
    groups = client.execute_command("XINFO", "GROUPS", "s")
    groups = [dict(zip(g[::2], g[1::2])) if isinstance(g, list) else g for g in groups]
    assert groups == [
        {b"name": b"g", b"consumers": 1, b"pending": 1, b"last-delivered-id": b"1-1",
         b"entries-read": None, b"lag": None},
        {b"name": b"late", b"consumers": 0, b"pending": 0, b"last-delivered-id": b"3-1",
         b"entries-read": None, b"lag": 0},
    ]
    consumers = client.execute_command("XINFO", "CONSUMERS", "s", "g")
    consumers = [dict(zip(c[::2], c[1::2])) if isinstance(c, list) else c for c in consumers]
    assert [(c[b"name"], c[b"pending"]) for c in consumers] == [(b"c", 1)]


def test_xinfo_stream_full_lists_entries_groups_and_pending(rp: redis.Redis) -> None:
    client = _plain(rp)
    client.execute_command("XADD", "s", "1-1", "a", "1")
    client.execute_command("XGROUP", "CREATE", "s", "g", "0")
    client.execute_command("XCLAIM", "s", "g", "c", "0", "1-1", "FORCE", "TIME", "1000", "RETRYCOUNT", "3")
    info = client.execute_command("XINFO", "STREAM", "s", "FULL")
    if isinstance(info, list):
        info = dict(zip(info[::2], info[1::2]))
        info[b"groups"] = [dict(zip(g[::2], g[1::2])) for g in info[b"groups"]]
        for group in info[b"groups"]:
            group[b"consumers"] = [dict(zip(c[::2], c[1::2])) for c in group[b"consumers"]]
    assert info[b"entries"] == [[b"1-1", [b"a", b"1"]]]
    (group,) = info[b"groups"]
    assert group[b"pending"] == [[b"1-1", b"c", 1000, 3]]
    (consumer,) = group[b"consumers"]
    assert consumer[b"pending"] == [[b"1-1", 1000, 3]]
    assert consumer[b"pel-count"] == 1
    assert group[b"entries-read"] is None and group[b"lag"] == 1


def test_xread_is_a_map_in_resp3(r3: redis.Redis) -> None:
    client = _plain(r3)
    client.execute_command("XADD", "s", "1-1", "a", "1")
    assert client.execute_command("XREAD", "STREAMS", "s", "0") == {b"s": [[b"1-1", [b"a", b"1"]]]}
    assert client.execute_command("XREAD", "STREAMS", "s", "$") is None


def _wait_for_blocked_client(client: redis.Redis) -> None:
    for _ in range(500):
        if client.info("clients").get("blocked_clients", 0) >= 1:
            return
        threading.Event().wait(0.01)
    raise AssertionError("the reader never blocked")


def _read_in_thread(server: Any, *args: str) -> tuple[threading.Thread, list[Any]]:
    replies: list[Any] = []

    def read() -> None:
        with redis.Redis(host=server.host, port=server.port, protocol=2) as reader:
            replies.append(_plain(reader).execute_command(*args))

    thread = threading.Thread(target=read)
    thread.start()
    return thread, replies


def test_xread_block_with_dollar_is_served_only_by_a_later_xadd(server: Any, r: redis.Redis) -> None:
    r.execute_command("XADD", "s", "1-1", "old", "1")
    thread, replies = _read_in_thread(server, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    _wait_for_blocked_client(r)
    r.execute_command("XADD", "s", "2-1", "new", "2")
    thread.join(10)
    assert replies == [[[b"s", [[b"2-1", [b"new", b"2"]]]]]]


def test_xreadgroup_block_is_served_by_a_later_xadd(server: Any, r: redis.Redis) -> None:
    r.execute_command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    thread, replies = _read_in_thread(server, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
    _wait_for_blocked_client(r)
    r.execute_command("XADD", "s", "5-1", "f", "v")
    thread.join(10)
    assert replies == [[[b"s", [[b"5-1", [b"f", b"v"]]]]]]
    assert _plain(r).execute_command("XPENDING", "s", "g") == [1, b"5-1", b"5-1", [[b"c", b"1"]]]


def test_xread_block_times_out_with_a_null_array(r: redis.Redis) -> None:
    assert _plain(r).execute_command("XREAD", "BLOCK", "50", "STREAMS", "s", "$") is None


def test_xread_block_inside_multi_does_not_block(raw: Any) -> None:
    run_script(raw, [
        ("MULTI", OK), ("XREAD BLOCK 0 STREAMS s $", "QUEUED"), ("EXEC", [None])])


def test_approximate_maxlen_keeps_whole_nodes(r: redis.Redis) -> None:
    for index in range(1, 251):
        r.execute_command("XADD", "s", f"{index}-1", "f", "v")
    assert r.execute_command("XTRIM", "s", "MAXLEN", "~", "10") == 200
    assert r.xlen("s") == 50
    assert r.execute_command("XADD", "s", "MAXLEN", "~", "10", "LIMIT", "10", "300-1", "f", "v") == b"300-1"
    assert r.xlen("s") == 51


def test_keyspace_events_for_streams(r: redis.Redis) -> None:
    r.config_set("notify-keyspace-events", "Et")
    pubsub = r.pubsub()
    pubsub.psubscribe("__keyevent@0__:*")
    pubsub.get_message(timeout=5)
    r.execute_command("XADD", "s", "MAXLEN", "1", "1-1", "a", "1")
    r.execute_command("XADD", "s", "MAXLEN", "1", "2-1", "a", "1")
    r.execute_command("XGROUP", "CREATE", "s", "g", "0")
    r.execute_command("XGROUP", "CREATECONSUMER", "s", "g", "c")
    r.execute_command("XDEL", "s", "2-1")
    events = []
    for _ in range(6):
        message = pubsub.get_message(timeout=5)
        assert message is not None
        events.append(message["channel"].split(b":")[-1])
    pubsub.close()
    assert events == [b"xadd", b"xadd", b"xtrim", b"xgroup-create", b"xgroup-createconsumer", b"xdel"]


def test_debug_digest_of_a_stream_matches(r: redis.Redis) -> None:
    r.execute_command("XADD", "s", "1-1", "a", "1", "b", "2")
    r.execute_command("XADD", "s", "2-5", "c", "3")
    r.execute_command("XGROUP", "CREATE", "s", "g", "0")
    assert r.execute_command("DEBUG", "DIGEST-VALUE", "s") == [b"238813dc6b452bc5bad2d0f9297d48de82814fdb"]


def test_xread_block_over_several_keys_is_served_by_the_key_that_grows(server: Any, r: redis.Redis) -> None:
    r.execute_command("XADD", "a", "1-1", "old", "1")
    r.execute_command("XADD", "b", "1-1", "old", "1")
    thread, replies = _read_in_thread(server, "XREAD", "BLOCK", "0", "STREAMS", "a", "b", "$", "$")
    _wait_for_blocked_client(r)
    r.execute_command("XADD", "b", "2-1", "new", "2")
    thread.join(10)
    assert replies == [[[b"b", [[b"2-1", [b"new", b"2"]]]]]]


# -- the radix tree of listpack nodes (XINFO STREAM radix-tree-keys / -nodes) ---------
# A node holds at most 100 entries (stream-node-max-entries) when entries are
# small, as here, so node boundaries and master ids follow from the ids added.
RADIX_CASES = {
    "one_node": ([(1, 1, 1)], (1, 1, 2)),
    "two_nodes_differing_in_the_last_byte": ([(1, 1, 101)], (101, 2, 4)),
    "two_nodes_differing_in_the_first_byte": ([(1, 1, 100), (2**56, 0, 1)], (101, 2, 5)),
    "three_nodes_with_a_deep_and_a_shallow_branch": ([(1, 1, 200), (2**40, 0, 1)], (201, 3, 8)),
    "clock_like_ids": ([(1700000000000 + n, 0, 1) for n in range(0, 1000, 3)], (334, 4, 10)),
    "after_trimming_to_one_node": ([(1, 1, 300), ("XTRIM", "s", "MAXLEN", "50")], (50, 1, 2)),
    "after_deleting_a_middle_node": (
        [(1, 1, 300), ("XDEL", "s", *(f"1-{n}" for n in range(101, 201)))], (200, 2, 4)),
}


def _radix_script(steps: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    commands: list[tuple[Any, ...]] = []
    for step in steps:
        if isinstance(step[0], str):
            commands.append(step)
            continue
        ms, seq, count = step
        commands += [("XADD", "s", f"{ms}-{seq + offset}", "f", "v") for offset in range(count)]
    return commands


def _radix_counts(client: redis.Redis) -> tuple[int, int, int]:
    info = client.execute_command("XINFO", "STREAM", "s")
    info = dict(zip(info[::2], info[1::2]))
    return info[b"length"], info[b"radix-tree-keys"], info[b"radix-tree-nodes"]


@pytest.mark.parametrize("steps, counts", RADIX_CASES.values(), ids=RADIX_CASES.keys())
def test_xinfo_stream_reports_the_radix_tree_of_redis(r: redis.Redis, steps, counts) -> None:
    client = _plain(r)
    pipe = client.pipeline(transaction=False)
    for command in _radix_script(steps):
        pipe.execute_command(*command)
    pipe.execute()
    assert _radix_counts(client) == counts


_id_steps = st.tuples(st.sampled_from([0, 1, 1, 7, 256, 65536, 2**24, 2**33]), st.sampled_from([0, 1, 255, 256, 2**32]))
_radix_operations = st.lists(
    st.one_of(
        st.tuples(st.just("ADD"), st.sampled_from([1, 60, 100, 101, 250]), st.lists(_id_steps, min_size=1, max_size=8)),
        st.tuples(st.just("TRIM"), st.sampled_from(["=", "~"]), st.integers(0, 500)),
        st.tuples(st.just("DEL"), st.integers(0, 2**16), st.sampled_from([0.05, 0.5, 1.0])),
    ),
    min_size=1,
    max_size=8,
)


@pytest.mark.skipif(redis_server_path() is None, reason="no redis-server to compare with")
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(_radix_operations)
def test_radix_tree_counts_match_redis_side_by_side(operations) -> None:
    """Streams built by random appends (ids sharing prefixes of every length),
    exact and approximate trims and deletions report the same radix tree."""
    clients = [_plain(redis.Redis(host=_server(kind).host, port=_server(kind).port, protocol=2))
               for kind in ("shardis", "redis")]
    try:
        for client in clients:
            client.delete("s")
        ms, seq = 1, 0
        for operation in operations:
            if operation[0] == "ADD":
                _, count, steps = operation
                commands = []
                for index in range(count):
                    ms_step, next_seq = steps[index % len(steps)]
                    if ms_step and ms + ms_step < 2**64 - 1:
                        ms, seq = ms + ms_step, next_seq
                    else:
                        seq += 1
                    commands.append(("XADD", "s", f"{ms}-{seq}", "f", "v"))
            elif operation[0] == "TRIM":
                commands = [("XTRIM", "s", "MAXLEN", operation[1], operation[2])]
            else:
                rng = random.Random(operation[1])
                ids = [entry[0] for entry in clients[1].execute_command("XRANGE", "s", "-", "+")]
                chosen = [entry_id for entry_id in ids if rng.random() < operation[2]]
                commands = [("XDEL", "s", *chosen)] if chosen else []
            for client in clients:
                pipe = client.pipeline(transaction=False)
                for command in commands:
                    pipe.execute_command(*command)
                pipe.execute()
            if clients[1].exists("s"):
                assert _radix_counts(clients[0]) == _radix_counts(clients[1]), operation
    finally:
        for client in clients:
            client.close()
