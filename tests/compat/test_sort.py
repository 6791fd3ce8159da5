"""SORT and SORT_RO, black-box: exact replies and exact error texts.

Keys that BY/GET patterns read share a ``{hash tag}`` with the sorted key, so
they live on one shard when shardis runs several (patterns name keys only
known at run time, which the router cannot see; docs: see the family module).
"""

from __future__ import annotations

import pytest
import redis

from tests.compat.test_sets import Unordered, run_set_script
from tests.compat.test_strings import NOT_INTEGER, OK, SYNTAX, Err, arity

WRONGTYPE = Err("WRONGTYPE Operation against a key holding the wrong kind of value")
NOT_DOUBLE = Err("ERR One or more scores can't be converted into double")

SET_SCRIPTS = {
    "sort_of_a_set_is_numeric_ascending": [
        ("SADD s 10 -2 3.5 1e2 0", 5), ("SORT s", [b"-2", b"0", b"3.5", b"10", b"1e2"])],
    "sort_desc": [("SADD s 3 1 2", 3), ("SORT s DESC", [b"3", b"2", b"1"])],
    "sort_alpha": [
        ("SADD s b 10 a 9", 4), ("SORT s ALPHA", [b"10", b"9", b"a", b"b"]),
        ("SORT s ALPHA DESC", [b"b", b"a", b"9", b"10"])],
    "the_last_of_asc_and_desc_wins": [
        ("SADD s 3 1 2", 3), ("SORT s DESC ASC", [b"1", b"2", b"3"]),
        ("SORT s asc desc", [b"3", b"2", b"1"])],
    "sort_limit": [
        ("SADD s 5 4 3 2 1", 5), ("SORT s LIMIT 1 2", [b"2", b"3"]),
        ("SORT s LIMIT -3 2", [b"1", b"2"]), ("SORT s LIMIT 3 -1", [b"4", b"5"]),
        ("SORT s LIMIT 5 1", []), ("SORT s LIMIT 0 0", []), ("SORT s DESC LIMIT 0 2", [b"5", b"4"])],
    "numeric_ties_fall_back_to_the_element_bytes": [
        ("SADD s 1.0 1 01 b a", 5), ("SORT s BY nokey_*", [b"01", b"1", b"1.0", b"a", b"b"]),
        ("SORT s BY nokey_* DESC", [b"b", b"a", b"1.0", b"1", b"01"])],
    "strtod_accepts_what_c_accepts": [
        ("SADD s 0x10 ' 5' inf -inf .5", 5),
        ("SORT s", [b"-inf", b".5", b" 5", b"0x10", b"inf"])],
    "a_non_numeric_element_is_an_error": [
        ("SADD s 1 abc", 2), ("SORT s", NOT_DOUBLE), ("SORT s ALPHA", [b"1", b"abc"])],
    "nan_and_trailing_text_and_overflow_are_errors": [
        ("SADD a 1 nan", 2), ("SORT a", NOT_DOUBLE),
        ("SADD b 1 '2 '", 2), ("SORT b", NOT_DOUBLE),
        ("SADD c 1 1e400", 2), ("SORT c", NOT_DOUBLE)],
    "sort_by_a_constant_keeps_an_intset_order": [
        ("SADD s 3 1 2", 3), ("SORT s BY nosort", [b"1", b"2", b"3"]),
        ("SORT s BY nosort DESC", [b"1", b"2", b"3"]),
        ("SORT s BY nosort LIMIT 1 1", [b"2"])],
    "sort_by_a_constant_of_a_hashtable_set_has_no_order": [
        ("SADD s b c a", 3), ("SORT s BY nosort", Unordered(b"a", b"b", b"c"))],
    "sort_by_key_pattern": [
        ("SADD {t}s a b c d", 4), ("MSET {t}w_a 3 {t}w_b 1 {t}w_c 2", OK),
        ("SORT {t}s BY {t}w_*", [b"d", b"b", b"c", b"a"]),
        ("SORT {t}s BY {t}w_* DESC", [b"a", b"c", b"b", b"d"]),
        ("SORT {t}s BY {t}w_* LIMIT 1 2", [b"b", b"c"])],
    "sort_by_pattern_alpha_puts_missing_values_first": [
        ("SADD {t}s a b c", 3), ("MSET {t}w_a y {t}w_b x", OK),
        ("SORT {t}s BY {t}w_* ALPHA", [b"c", b"b", b"a"]),
        ("SORT {t}s BY {t}w_* ALPHA DESC", [b"a", b"b", b"c"])],
    "sort_by_a_non_numeric_pattern_value_is_an_error": [
        ("SADD {t}s a b", 2), ("SET {t}w_a x", OK), ("SORT {t}s BY {t}w_*", NOT_DOUBLE)],
    "sort_by_hash_field": [
        ("SADD {t}s a b c", 3), ("HSET {t}h_a n 30 name zed", 2), ("HSET {t}h_b n 10 name amy", 2),
        ("HSET {t}h_c n 20", 1),
        ("SORT {t}s BY {t}h_*->n", [b"b", b"c", b"a"]),
        ("SORT {t}s BY {t}h_*->n GET {t}h_*->name GET #", [b"amy", b"b", None, b"c", b"zed", b"a"]),
        ("SORT {t}s BY {t}h_*->name ALPHA LIMIT 1 2", [b"b", b"a"])],
    "get_patterns": [
        ("SADD {t}s 1 2 3", 3), ("MSET {t}o_1 one {t}o_3 three", OK), ("HSET {t}h_2 f two", 1),
        ("SORT {t}s GET {t}o_*", [b"one", None, b"three"]),
        ("SORT {t}s GET # GET {t}o_* GET {t}h_*->f",
         [b"1", b"one", None, b"2", None, b"two", b"3", b"three", None]),
        ("SORT {t}s GET nostar", [None, None, None]),
        ("SORT {t}s DESC LIMIT 0 1 GET #", [b"3"])],
    "patterns_on_keys_of_another_type_read_as_missing": [
        ("SADD {t}s 1", 1), ("HSET {t}o_1 f v", 1), ("SET {t}h_1 x", OK),
        ("SORT {t}s GET {t}o_* GET {t}h_*->f", [None, None]),
        ("SORT {t}s BY {t}o_* GET #", [b"1"])],
    "an_arrow_with_nothing_after_it_is_part_of_the_key": [
        ("SADD {t}s 1 2", 2), ("SET {t}k_2-> v", OK), ("SORT {t}s GET {t}k_*->", [None, b"v"])],
    "sort_of_a_missing_key_is_empty": [
        ("SORT missing", []), ("SORT missing GET # LIMIT 0 10", []), ("SORT_RO missing", [])],
    "sort_ro_reads_like_sort": [
        ("SADD s 3 1 2", 3), ("SORT_RO s DESC LIMIT 0 2", [b"3", b"2"]),
        ("SORT_RO s ALPHA", [b"1", b"2", b"3"])],
    "sort_errors": [
        ("SADD s 1", 1), ("SORT s LIMIT 1", SYNTAX), ("SORT s LIMIT a 1", NOT_INTEGER),
        ("SORT s LIMIT 0 b", NOT_INTEGER), ("SORT s BY", SYNTAX), ("SORT s GET", SYNTAX),
        ("SORT s STORE", SYNTAX), ("SORT s FOO", SYNTAX), ("SORT_RO s STORE d", SYNTAX),
        ("SORT", arity("sort")), ("SORT_RO", arity("sort_ro"))],
    "syntax_errors_come_before_the_type_check": [
        ("SET str x", OK), ("SORT str FOO", SYNTAX), ("SORT str", WRONGTYPE),
        ("SORT_RO str", WRONGTYPE), ("HSET h f v", 1), ("SORT h", WRONGTYPE)],
}

ZSET_SCRIPTS = {
    "sort_of_a_sorted_set_sorts_its_members": [
        ("ZADD z 1 30 2 10 3 20", 3), ("SORT z", [b"10", b"20", b"30"]),
        ("SORT z ALPHA DESC", [b"30", b"20", b"10"])],
    "sort_by_a_constant_keeps_the_score_order": [
        ("ZADD z 3 a 1 b 2 c", 3), ("SORT z BY nosort", [b"b", b"c", b"a"]),
        ("SORT z BY nosort DESC", [b"a", b"c", b"b"]),
        ("SORT z BY nosort LIMIT 1 5", [b"c", b"a"]),
        ("SORT z BY nosort DESC LIMIT 1 1", [b"c"]),
        ("SORT z BY nosort LIMIT 3 1", [])],
}

LIST_SCRIPTS = {
    "sort_of_a_list": [
        ("RPUSH l 3 10 1 2", 4), ("SORT l", [b"1", b"2", b"3", b"10"]),
        ("SORT l ALPHA", [b"1", b"10", b"2", b"3"])],
    "sort_by_a_constant_keeps_the_list_order": [
        ("RPUSH l 3 10 1 2", 4), ("SORT l BY nosort", [b"3", b"10", b"1", b"2"]),
        ("SORT l BY nosort DESC", [b"2", b"1", b"10", b"3"]),
        ("SORT l BY nosort LIMIT 1 2", [b"10", b"1"]),
        ("SORT l BY nosort DESC LIMIT 0 1", [b"2"])],
    "sort_store_writes_a_list_and_drops_the_ttl": [
        ("RPUSH l 3 1 2", 3), ("SET d x EX 100", OK), ("SORT l STORE d", 3), ("TTL d", -1),
        ("TYPE d", "list"), ("LRANGE d 0 -1", [b"1", b"2", b"3"]),
        ("SORT l DESC LIMIT 0 2 STORE d", 2), ("LRANGE d 0 -1", [b"3", b"2"])],
    "sort_store_with_get_stores_empty_strings_for_missing_values": [
        ("RPUSH {t}l 1 2", 2), ("SET {t}o_2 two", OK),
        ("SORT {t}l GET {t}o_* GET # STORE {t}d", 4),
        ("LRANGE {t}d 0 -1", [b"", b"1", b"two", b"2"])],
    "sort_store_of_an_empty_result_deletes_the_destination": [
        ("RPUSH d x", 1), ("SORT missing STORE d", 0), ("EXISTS d", 0),
        ("RPUSH l 1", 1), ("RPUSH d x", 1), ("SORT l LIMIT 5 5 STORE d", 0), ("EXISTS d", 0)],
    "sort_store_of_a_set_by_a_constant_sorts_alpha": [
        ("SADD s c 10 a 9", 4), ("SORT s BY nosort STORE d", 4),
        ("LRANGE d 0 -1", [b"10", b"9", b"a", b"c"])],
    "sort_store_may_overwrite_its_source": [
        ("RPUSH l 3 1 2", 3), ("SORT l STORE l", 3), ("LRANGE l 0 -1", [b"1", b"2", b"3"])],
    "a_score_error_stores_nothing": [
        ("RPUSH l 1 x", 2), ("SORT l STORE d", NOT_DOUBLE), ("EXISTS d", 0)],
}


@pytest.mark.parametrize("script", SET_SCRIPTS.values(), ids=SET_SCRIPTS.keys())
def test_sort_of_sets_gives_redis_replies(raw, script) -> None:
    run_set_script(raw, script)


@pytest.mark.parametrize("script", ZSET_SCRIPTS.values(), ids=ZSET_SCRIPTS.keys())
def test_sort_of_sorted_sets_gives_redis_replies(raw, script) -> None:
    run_set_script(raw, script)


@pytest.mark.parametrize("script", LIST_SCRIPTS.values(), ids=LIST_SCRIPTS.keys())
def test_sort_of_lists_gives_redis_replies(raw, script) -> None:
    run_set_script(raw, script)


def test_sort_replies_are_arrays_in_both_protocols(rp: redis.Redis) -> None:
    rp.sadd("s", 2, 1)
    assert rp.sort("s") == [b"1", b"2"]
    assert rp.sort("s", get=["#", "nokey_*"]) == [b"1", None, b"2", None]


def test_sort_store_across_keys_on_any_shard(r: redis.Redis) -> None:
    # Plain key names: with several shards the source and the destination
    # may live on different ones.
    for n in range(8):
        r.sadd(f"source:{n}", 3, 1, 2)
        assert r.sort(f"source:{n}", store=f"destination:{n}") == 3
        assert r.lrange(f"destination:{n}", 0, -1) == [b"1", b"2", b"3"]
