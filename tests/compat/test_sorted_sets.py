"""Sorted set commands, black-box: exact replies and error texts, RESP2 raw
scripts plus RESP3 reply shapes through redis-py, against shardis and redis-server."""

from __future__ import annotations

import pytest
import redis

from tests.compat.test_strings import OK, Err, execute, run_script

SYNTAX = Err("ERR syntax error")
NOT_INTEGER = Err("ERR value is not an integer or out of range")
NOT_FLOAT = Err("ERR value is not a valid float")
MIN_MAX_FLOAT = Err("ERR min or max is not a float")
MIN_MAX_LEX = Err("ERR min or max not valid string range item")
WRONGTYPE = Err("WRONGTYPE Operation against a key holding the wrong kind of value")

CASES = {
    "zadd_counts_new_members_only": [
        ("ZADD z 1 a 2 b", 2), ("ZADD z 3 a 4 c", 1), ("ZRANGE z 0 -1 WITHSCORES", [b"b", b"2", b"a", b"3", b"c", b"4"])],
    "zadd_ch_counts_updates_too": [("ZADD z 1 a", 1), ("ZADD z CH 2 a 1 b", 2), ("ZADD z CH 2 a", 0)],
    "zadd_nx_never_updates": [("ZADD z 1 a", 1), ("ZADD z NX 5 a 2 b", 1), ("ZSCORE z a", b"1")],
    "zadd_xx_never_adds": [("ZADD z XX 1 a", 0), ("EXISTS z", 0), ("ZADD z XX INCR 1 a", None),
                           ("ZADD z 1 a", 1), ("ZADD z XX CH 5 a 1 b", 1), ("ZCARD z", 1)],
    "zadd_gt_and_lt_update_only_in_their_direction_but_still_add": [
        ("ZADD z 5 a", 1), ("ZADD z GT CH 3 a", 0), ("ZADD z GT CH 7 a", 1),
        ("ZADD z LT CH 9 a 1 new", 1), ("ZSCORE z a", b"7"), ("ZSCORE z new", b"1")],
    "zadd_incr_returns_the_new_score": [
        ("ZADD z INCR 1.5 a", b"1.5"), ("ZADD z INCR 1 a", b"2.5"), ("ZADD z NX INCR 1 a", None),
        ("ZADD z GT INCR -1 a", None)],
    "zadd_option_conflicts_have_their_own_errors": [
        ("ZADD z NX XX 1 a", Err("ERR XX and NX options at the same time are not compatible")),
        ("ZADD z GT LT 1 a", Err("ERR GT, LT, and/or NX options at the same time are not compatible")),
        ("ZADD z NX GT 1 a", Err("ERR GT, LT, and/or NX options at the same time are not compatible")),
        ("ZADD z INCR 1 a 2 b", Err("ERR INCR option supports a single increment-element pair")),
        ("ZADD z NX XX 1", SYNTAX), ("ZADD z 1 a 2", SYNTAX), ("ZADD z FOO 1 a", SYNTAX),
        ("ZADD z 1 a x b", NOT_FLOAT), ("ZADD z nan a", NOT_FLOAT), ("EXISTS z", 0)],
    "zadd_accepts_infinities_and_refuses_nan_results": [
        ("ZADD z inf a -inf b", 2), ("ZSCORE z a", b"inf"), ("ZSCORE z b", b"-inf"),
        ("ZINCRBY z -inf a", Err("ERR resulting score is not a number (NaN)")),
        ("ZADD z INCR -inf a", Err("ERR resulting score is not a number (NaN)")),
        ("ZSCORE z a", b"inf")],
    "scores_reply_in_percent_17g_form": [
        ("ZADD z 1.1 a 0.1 b 1e20 c 1e-5 d 123456789.123 e", 5),
        ("ZSCORE z a", b"1.1000000000000001"), ("ZSCORE z c", b"1e+20"),
        ("ZSCORE z d", b"1.0000000000000001e-05"), ("ZSCORE z e", b"123456789.123"),
        ("ZINCRBY z 0.2 b", b"0.30000000000000004")],
    "negative_zero_is_zero_in_a_small_set": [("ZADD z -0.0 a", 1), ("ZSCORE z a", b"0")],
    "zincrby_creates_and_increments": [("ZINCRBY z 2 a", b"2"), ("ZINCRBY z -5 a", b"-3"),
                                        ("ZINCRBY z x a", NOT_FLOAT)],
    "zrem_removes_and_deletes_an_emptied_key": [
        ("ZADD z 1 a 2 b", 2), ("ZREM z a x", 1), ("ZREM z b", 1), ("EXISTS z", 0), ("ZREM z b", 0)],
    "zscore_zmscore_zcard_of_missing": [
        ("ZSCORE z a", None), ("ZMSCORE z a b", [None, None]), ("ZCARD z", 0),
        ("ZADD z 1 a", 1), ("ZMSCORE z a b", [b"1", None])],
    "zrank_and_zrevrank": [
        ("ZADD z 1 a 2 b 3 c", 3), ("ZRANK z a", 0), ("ZREVRANK z a", 2), ("ZRANK z x", None),
        ("ZRANK nokey a", None)],
    "equal_scores_order_by_member_bytes": [
        ("ZADD z 1 b 1 a 1 B 0 z", 4), ("ZRANGE z 0 -1", [b"z", b"B", b"a", b"b"])],
    "zcount_and_exclusive_ranges": [
        ("ZADD z 1 a 2 b 3 c", 3), ("ZCOUNT z 1 3", 3), ("ZCOUNT z (1 3", 2), ("ZCOUNT z (1 (3", 1),
        ("ZCOUNT z -inf +inf", 3), ("ZCOUNT z 3 1", 0), ("ZCOUNT z (2 (2", 0), ("ZCOUNT z 1 x", MIN_MAX_FLOAT),
        ("ZCOUNT z (x 1", MIN_MAX_FLOAT), ("ZCOUNT nokey 1 x", MIN_MAX_FLOAT)],
    "zlexcount_and_lex_ranges": [
        ("ZADD z 0 a 0 b 0 c 0 d", 4), ("ZLEXCOUNT z - +", 4), ("ZLEXCOUNT z [b (d", 2),
        ("ZLEXCOUNT z (a [c", 2), ("ZLEXCOUNT z + -", 0), ("ZLEXCOUNT z a b", MIN_MAX_LEX),
        ("ZRANGEBYLEX z [b +", [b"b", b"c", b"d"]), ("ZREVRANGEBYLEX z (c -", [b"b", b"a"]),
        ("ZRANGEBYLEX z - + LIMIT 1 2", [b"b", b"c"]), ("ZRANGE z [a (c BYLEX", [b"a", b"b"]),
        ("ZRANGE z + [c BYLEX REV", [b"d", b"c"])],
    "zrange_by_rank_normalises_indices": [
        ("ZADD z 1 a 2 b 3 c", 3), ("ZRANGE z -2 -1", [b"b", b"c"]), ("ZRANGE z 1 100", [b"b", b"c"]),
        ("ZRANGE z 2 1", []), ("ZRANGE z 5 10", []), ("ZRANGE z -100 0", [b"a"]),
        ("ZRANGE z 0 0 REV", [b"c"]), ("ZREVRANGE z 0 1 WITHSCORES", [b"c", b"3", b"b", b"2"]),
        ("ZRANGE z x 1", NOT_INTEGER), ("ZRANGE nokey 0 -1", [])],
    "zrange_by_score_with_limit_and_rev": [
        ("ZADD z 1 a 2 b 3 c 4 d", 4),
        ("ZRANGEBYSCORE z (1 +inf LIMIT 1 2", [b"c", b"d"]),
        ("ZRANGEBYSCORE z -inf +inf WITHSCORES LIMIT 0 -1", [b"a", b"1", b"b", b"2", b"c", b"3", b"d", b"4"]),
        ("ZRANGEBYSCORE z -inf +inf LIMIT -1 2", []),
        ("ZREVRANGEBYSCORE z 3 1 LIMIT 1 5", [b"b", b"a"]),
        ("ZRANGE z 4 (1 BYSCORE REV LIMIT 0 2 WITHSCORES", [b"d", b"4", b"c", b"3"]),
        ("ZRANGE z 1 2 BYSCORE", [b"a", b"b"])],
    "zrange_option_errors": [
        ("ZADD z 1 a", 1),
        ("ZRANGE z 0 1 LIMIT 0 1", Err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")),
        ("ZRANGE z [a [b BYLEX WITHSCORES", Err("ERR syntax error, WITHSCORES not supported in combination with BYLEX")),
        ("ZRANGEBYSCORE z 1 2 LIMIT 0", SYNTAX), ("ZRANGEBYSCORE z 1 2 BYSCORE", SYNTAX),
        ("ZREVRANGE z 0 -1 REV", SYNTAX), ("ZRANGE z 0 -1 BYLEX BYSCORE", SYNTAX),
        ("ZRANGEBYSCORE z x 1", MIN_MAX_FLOAT), ("ZRANGEBYLEX z a b", MIN_MAX_LEX),
        ("ZRANGESTORE d z 0 -1 WITHSCORES", SYNTAX)],
    "zrangestore_stores_and_deletes_on_empty": [
        ("ZADD z 1 a 2 b 3 c", 3), ("ZRANGESTORE d z 0 1", 2), ("ZRANGE d 0 -1", [b"a", b"b"]),
        ("ZRANGESTORE d z (2 +inf BYSCORE", 1), ("ZRANGE d 0 -1", [b"c"]),
        ("ZRANGESTORE d z 5 10", 0), ("EXISTS d", 0)],
    "zremrange_by_rank_score_and_lex": [
        ("ZADD z 1 a 2 b 3 c 4 d 5 e", 5), ("ZREMRANGEBYRANK z 0 1", 2), ("ZREMRANGEBYSCORE z (3 4", 1),
        ("ZRANGE z 0 -1", [b"c", b"e"]), ("ZREMRANGEBYLEX z - +", 2), ("EXISTS z", 0),
        ("ZREMRANGEBYRANK z x 1", NOT_INTEGER), ("ZREMRANGEBYSCORE z x 1", MIN_MAX_FLOAT),
        ("ZREMRANGEBYLEX z x 1", MIN_MAX_LEX), ("ZREMRANGEBYRANK nokey 0 -1", 0)],
    "zpopmin_and_zpopmax": [
        ("ZADD z 1 a 2 b 3 c", 3), ("ZPOPMIN z", [b"a", b"1"]), ("ZPOPMAX z 5", [b"c", b"3", b"b", b"2"]),
        ("EXISTS z", 0), ("ZPOPMIN z", []), ("ZPOPMIN z 2", []),
        ("ZPOPMIN z -1", Err("ERR value is out of range, must be positive")),
        ("ZPOPMIN z x", Err("ERR value is out of range, must be positive")), ("ZPOPMIN z 1 2", SYNTAX)],
    "zmpop_pops_from_the_first_non_empty_key": [
        ("ZADD z2 1 a 2 b", 2), ("ZMPOP 2 z1 z2 MAX", [b"z2", [[b"b", b"2"]]]),
        ("ZMPOP 1 z2 MIN COUNT 10", [b"z2", [[b"a", b"1"]]]), ("ZMPOP 2 z1 z2 MIN", None),
        ("ZMPOP 0 z MIN", Err("ERR numkeys should be greater than 0")),
        ("ZMPOP x z MIN", Err("ERR numkeys should be greater than 0")),
        ("ZMPOP 1 z MIN COUNT 0", Err("ERR count should be greater than 0")),
        ("ZMPOP 2 z MIN", SYNTAX), ("ZMPOP 1 z FOO", SYNTAX)],
    "bzpop_serves_at_once_when_data_is_there": [
        ("ZADD z 1 a 2 b", 2), ("BZPOPMIN nokey z 0", [b"z", b"a", b"1"]), ("BZPOPMAX z 0", [b"z", b"b", b"2"]),
        ("ZADD z 1 a", 1), ("BZMPOP 1 1 z MAX COUNT 2", [b"z", [[b"a", b"1"]]]),
        ("BZPOPMIN z x", Err("ERR timeout is not a float or out of range")),
        ("BZPOPMIN z -1", Err("ERR timeout is negative")),
        ("BZMPOP 0 0 z MIN", Err("ERR numkeys should be greater than 0"))],
    "blocking_pops_inside_multi_answer_null": [
        ("MULTI", OK), ("BZPOPMIN z 0", "QUEUED"), ("BZMPOP 0 1 z MIN", "QUEUED"), ("EXEC", [None, None])],
    "zrandmember_counts_and_errors": [
        ("ZRANDMEMBER z", None), ("ZRANDMEMBER z 3", []), ("ZADD z 1 a", 1), ("ZRANDMEMBER z", b"a"),
        ("ZRANDMEMBER z 5 WITHSCORES", [b"a", b"1"]), ("ZRANDMEMBER z -3", [b"a", b"a", b"a"]),
        ("ZRANDMEMBER z 0", []), ("ZRANDMEMBER z x", NOT_INTEGER),
        ("ZRANDMEMBER z -9223372036854775808", Err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")),
        ("ZRANDMEMBER z -5000000000000000000 WITHSCORES", Err("ERR value is out of range")),
        ("ZRANDMEMBER z 5 FOO", SYNTAX), ("ZRANDMEMBER z 5 WITHSCORES x", SYNTAX)],
    "zunion_zinter_zdiff_with_weights_and_aggregate": [
        ("ZADD a 1 x 2 y", 2), ("ZADD b 10 y 20 z", 2),
        ("ZUNION 2 a b WITHSCORES", [b"x", b"1", b"y", b"12", b"z", b"20"]),
        ("ZUNION 2 a b WEIGHTS 2 1 AGGREGATE MIN WITHSCORES", [b"x", b"2", b"y", b"4", b"z", b"20"]),
        ("ZINTER 2 a b AGGREGATE MAX WITHSCORES", [b"y", b"10"]),
        ("ZDIFF 2 a b WITHSCORES", [b"x", b"1"]), ("ZDIFF 2 b a", [b"z"]),
        ("ZINTERCARD 2 a b", 1), ("ZINTERCARD 2 a a LIMIT 1", 1), ("ZINTERCARD 2 a nokey", 0)],
    "zunion_inf_times_zero_weight_is_zero_and_inf_minus_inf_sums_to_zero": [
        ("ZADD a inf x", 1), ("ZADD b -inf x", 1),
        ("ZUNION 1 a WEIGHTS 0 WITHSCORES", [b"x", b"0"]), ("ZUNION 2 a b WITHSCORES", [b"x", b"0"])],
    "store_variants_write_and_delete_the_destination": [
        ("ZADD a 1 x 2 y", 2), ("ZADD b 10 y", 1), ("SET d old", OK), ("EXPIRE d 100", 1),
        ("ZUNIONSTORE d 2 a b", 2), ("TTL d", -1), ("ZRANGE d 0 -1 WITHSCORES", [b"x", b"1", b"y", b"12"]),
        ("ZINTERSTORE d 2 a b WEIGHTS 1 0.5", 1), ("ZSCORE d y", b"7"),
        ("ZDIFFSTORE d 2 b a", 0), ("EXISTS d", 0), ("ZDIFFSTORE d 1 a", 2)],
    "algebra_errors": [
        ("ZADD w 1 a", 1),
        ("ZUNION 0 w", Err("ERR at least 1 input key is needed for 'zunion' command")),
        ("ZUNIONSTORE d 0 w", Err("ERR at least 1 input key is needed for 'zunionstore' command")),
        ("ZINTERCARD 0 w", Err("ERR at least 1 input key is needed for 'zintercard' command")),
        ("ZUNION 2 w", SYNTAX), ("ZUNION 1 w WEIGHTS a", Err("ERR weight value is not a float")),
        ("ZUNION 1 w AGGREGATE foo", SYNTAX), ("ZDIFF 1 w WEIGHTS 1", SYNTAX),
        ("ZINTERCARD 1 w LIMIT -1", Err("ERR LIMIT can't be negative")),
        ("ZINTERCARD 1 w WITHSCORES", SYNTAX), ("ZINTERSTORE d 1 w WITHSCORES", SYNTAX),
        ("ZUNION x w", NOT_INTEGER)],
    "wrongtype_both_ways": [
        ("SET s v", OK), ("ZADD s 1 a", WRONGTYPE), ("ZSCORE s a", WRONGTYPE), ("ZRANGE s 0 -1", WRONGTYPE),
        ("ZUNION 1 s", WRONGTYPE), ("ZPOPMIN s", WRONGTYPE), ("BZPOPMIN s 0", WRONGTYPE),
        ("ZSCAN s 0", WRONGTYPE), ("ZADD z 1 a", 1), ("GET z", WRONGTYPE), ("APPEND z x", WRONGTYPE),
        ("INCR z", WRONGTYPE), ("TYPE z", "zset")],
    "zscan_returns_a_small_set_whole": [
        ("ZADD z 1 a 2 b 1.5 c", 3), ("ZSCAN z 0", [b"0", [b"a", b"1", b"c", b"1.5", b"b", b"2"]]),
        ("ZSCAN z 0 MATCH a*", [b"0", [b"a", b"1"]]), ("ZSCAN nokey 0", [b"0", []])],
    "object_encoding_follows_the_listpack_limits": [
        ("ZADD z 1 a", 1), ("OBJECT ENCODING z", b"listpack"),
        ("ZADD z 1 " + "x" * 65, 1), ("OBJECT ENCODING z", b"skiplist"),
        ("ZREM z " + "x" * 65, 1), ("OBJECT ENCODING z", b"skiplist"),
        ("ZUNIONSTORE d 1 z", 1), ("OBJECT ENCODING d", b"listpack")],
}


@pytest.mark.parametrize("script", CASES.values(), ids=CASES.keys())
def test_sorted_set_script(raw, script) -> None:
    run_script(raw, script)


def test_a_zset_past_128_members_is_a_skiplist_and_scans_fully(r: redis.Redis) -> None:
    r.zadd("z", {f"m{i}": i for i in range(200)})
    assert r.object("encoding", "z") == b"skiplist"
    assert r.zadd("z", {"neg": -0.0}) == 1
    assert r.zscore("z", "neg") == 0.0
    seen: dict[bytes, float] = {}
    cursor = 0
    while True:
        cursor, page = r.zscan("z", cursor, count=30)
        seen.update(page)
        if cursor == 0:
            break
    assert seen == {**{f"m{i}".encode(): float(i) for i in range(200)}, b"neg": 0.0}


def test_negative_zero_keeps_its_sign_in_a_skiplist(raw) -> None:
    long = "x" * 80
    run_script(raw, [(f"ZADD z 1 {long} -0.0 a", 2), ("ZSCORE z a", b"-0"), ("ZINCRBY z -0.0 a", b"-0")])


def test_resp3_shapes(r3: redis.Redis) -> None:
    raw3 = r3.connection_pool.get_connection()
    try:
        def call(*args):
            raw3.send_command(*args)
            return raw3.read_response()
        call("ZADD", "z", 1, "a", 2, "b", 3, "c")
        assert call("ZSCORE", "z", "a") == 1.0
        assert call("ZMSCORE", "z", "a", "x") == [1.0, None]
        assert call("ZRANGE", "z", 0, 0, "WITHSCORES") == [[b"a", 1.0]]
        assert call("ZPOPMIN", "z") == [b"a", 1.0]
        assert call("ZPOPMIN", "z", 1) == [[b"b", 2.0]]
        assert call("ZRANDMEMBER", "z", -2, "WITHSCORES") == [[b"c", 3.0], [b"c", 3.0]]
        assert call("ZUNION", 1, "z", "WITHSCORES") == [[b"c", 3.0]]
        assert call("ZSCAN", "z", 0) == [b"0", [b"c", b"3"]]
        assert call("ZINCRBY", "z", 1, "c") == 4.0
        assert call("ZMPOP", 1, "z", "MIN") == [b"z", [[b"c", 4.0]]]
        assert call("ZMPOP", 1, "z", "MIN") is None
        assert call("ZADD", "z", 1, "a") == 1
        assert call("BZPOPMIN", "z", 0) == [b"z", b"a", 1.0]
    finally:
        r3.connection_pool.release(raw3)


def test_cross_key_algebra_and_store(r: redis.Redis) -> None:
    r.zadd("left", {"a": 1, "b": 2})
    r.zadd("right", {"b": 3, "c": 4})
    assert r.zunionstore("dest", ["left", "right"]) == 3
    assert r.zrange("dest", 0, -1, withscores=True) == [(b"a", 1.0), (b"c", 4.0), (b"b", 5.0)]
    assert r.zinterstore("dest2", ["left", "right"], aggregate="MAX") == 1
    assert r.zrangestore("dest3", "right", 0, -1) == 2
    assert r.zdiff(["left", "right"]) == [b"a"]


def test_plain_sets_count_as_score_one(r: redis.Redis) -> None:
    r.sadd("s", "a", "b")
    r.zadd("z", {"a": 5})
    assert r.zunion(["s", "z"], withscores=True) == [(b"b", 1.0), (b"a", 6.0)]
    assert r.zinter(["s", "z"], withscores=True) == [(b"a", 6.0)]
    assert r.zintercard(2, ["s", "z"]) == 1
