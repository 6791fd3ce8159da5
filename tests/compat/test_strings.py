"""String commands, black-box: exact replies and exact error texts.

Most cases are scripts of (command line, expected reply) run over a raw
RESP2 socket, so replies are compared byte-exact (no client-side parsing:
INCRBYFLOAT stays a bulk string, errors keep their full text). The script
runner here is shared by the other compat files of the keyspace families.
"""

from __future__ import annotations

import shlex
from typing import Any

import pytest
import redis

OK = "OK"  # a status reply reads back as str; bulk strings as bytes


class Err(str):
    """An error reply's full text (``ERR syntax error``)."""


SYNTAX = Err("ERR syntax error")
NOT_INTEGER = Err("ERR value is not an integer or out of range")
NOT_FLOAT = Err("ERR value is not a valid float")
NAN_OR_INF = Err("ERR increment would produce NaN or Infinity")
TOO_LONG = Err("ERR string exceeds maximum allowed size (proto-max-bulk-len)")


def invalid_expire(name: str) -> Err:
    return Err(f"ERR invalid expire time in '{name}' command")


def arity(name: str) -> Err:
    return Err(f"ERR wrong number of arguments for '{name}' command")


def encode(args: list[bytes]) -> bytes:
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        out.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    return b"".join(out)


def read_reply(raw: Any) -> Any:
    line = raw.read_line()[:-2]
    kind, rest = line[:1], line[1:]
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        return Err(rest.decode())
    if kind == b":":
        return int(rest)
    if kind == b"$":
        if rest == b"-1":
            return None
        return raw.read_exactly(b"x" * (int(rest) + 2))[:-2]
    if kind == b"*":
        if rest == b"-1":
            return None
        return [read_reply(raw) for _ in range(int(rest))]
    raise AssertionError(f"unexpected reply line {line!r}")


def execute(raw: Any, *args: bytes | str | int) -> Any:
    argv = [a if isinstance(a, bytes) else str(a).encode() for a in args]
    raw.send(encode(argv))
    return read_reply(raw)


def run_script(raw: Any, script: list[tuple[str, Any]]) -> None:
    for line, expected in script:
        reply = execute(raw, *shlex.split(line))
        assert reply == expected, f"{line!r}: got {reply!r}, expected {expected!r}"
        assert type(reply) is type(expected) or expected is None, f"{line!r}: got {reply!r}"


SET_CASES = {
    "set_then_get_returns_the_value": [("SET k v", OK), ("GET k", b"v")],
    "get_of_a_missing_key_is_null": [("GET k", None)],
    "set_nx_writes_only_a_missing_key": [
        ("SET k a NX", OK), ("SET k b NX", None), ("GET k", b"a")],
    "set_xx_writes_only_an_existing_key": [
        ("SET k a XX", None), ("GET k", None), ("SET k a", OK), ("SET k b XX", OK),
        ("GET k", b"b")],
    "set_get_returns_the_old_value": [
        ("SET k a GET", None), ("SET k b GET", b"a"), ("GET k", b"b")],
    "set_nx_get_returns_the_old_value_and_does_not_write": [
        ("SET k a", OK), ("SET k b NX GET", b"a"), ("GET k", b"a")],
    "set_xx_get_on_a_missing_key_is_null": [("SET k b XX GET", None), ("EXISTS k", 0)],
    "set_ex_sets_a_ttl_in_seconds": [("SET k v EX 100", OK), ("TTL k", 100)],
    "set_px_sets_a_ttl_in_milliseconds": [("SET k v PX 100000", OK), ("TTL k", 100)],
    "set_exat_sets_an_absolute_expiry": [
        ("SET k v EXAT 32503680000", OK), ("EXPIRETIME k", 32503680000)],
    "set_pxat_sets_an_absolute_expiry_in_ms": [
        ("SET k v PXAT 32503680000123", OK), ("PEXPIRETIME k", 32503680000123)],
    "set_without_keepttl_clears_the_ttl": [
        ("SET k v EX 100", OK), ("SET k w", OK), ("TTL k", -1)],
    "set_keepttl_keeps_the_ttl": [
        ("SET k v EX 100", OK), ("SET k w KEEPTTL", OK), ("TTL k", 100), ("GET k", b"w")],
    "set_options_are_case_insensitive": [("SET k v nx ex 100 get", None), ("TTL k", 100)],
    "set_with_an_expire_in_the_past_pxat_deletes_nothing_yet_writes": [
        ("SET k v PXAT 1", OK), ("EXISTS k", 0)],
    "set_nx_and_xx_is_a_syntax_error": [("SET k v NX XX", SYNTAX)],
    "set_ex_and_px_is_a_syntax_error": [("SET k v EX 10 PX 100", SYNTAX)],
    "set_ex_and_keepttl_is_a_syntax_error": [("SET k v EX 10 KEEPTTL", SYNTAX)],
    "set_keepttl_and_exat_is_a_syntax_error": [("SET k v KEEPTTL EXAT 10", SYNTAX)],
    "set_repeated_options_are_allowed_and_the_last_expiry_wins": [
        ("SET k v NX NX", OK), ("SET k w GET GET", b"v"), ("SET k v EX 10 EX 100", OK),
        ("TTL k", 100), ("SET k v KEEPTTL KEEPTTL", OK), ("TTL k", 100),
        ("SET k v EX abc EX 100", OK)],
    "set_syntax_errors_come_before_expiry_errors": [("SET k v EX 0 FOO", SYNTAX)],
    "set_persist_is_a_getex_only_option": [("SET k v PERSIST", SYNTAX)],
    "getex_refuses_set_only_options": [
        ("SET k v", OK), ("GETEX k NX", SYNTAX), ("GETEX k KEEPTTL", SYNTAX), ("GETEX k GET", SYNTAX)],
    "getex_repeated_options_are_allowed": [
        ("SET k v", OK), ("GETEX k PERSIST PERSIST", b"v"), ("GETEX k EX 10 EX 100", b"v"),
        ("TTL k", 100)],
    "set_ex_without_a_value_is_a_syntax_error": [("SET k v EX", SYNTAX)],
    "set_unknown_option_is_a_syntax_error": [("SET k v FOO", SYNTAX), ("EXISTS k", 0)],
    "set_ex_zero_is_an_invalid_expire": [("SET k v EX 0", invalid_expire("set"))],
    "set_px_negative_is_an_invalid_expire": [("SET k v PX -1", invalid_expire("set"))],
    "set_exat_zero_is_an_invalid_expire": [("SET k v EXAT 0", invalid_expire("set"))],
    "set_ex_overflowing_ms_is_an_invalid_expire": [
        ("SET k v EX 9223372036854775", invalid_expire("set"))],
    "set_px_overflowing_now_plus_ttl_is_an_invalid_expire": [
        ("SET k v PX 9223372036854775807", invalid_expire("set"))],
    "set_ex_not_an_integer": [("SET k v EX 1.5", NOT_INTEGER)],
    "set_wrong_arity": [("SET k", arity("set"))],
    "setnx_reports_whether_it_wrote": [("SETNX k a", 1), ("SETNX k b", 0), ("GET k", b"a")],
    "setex_sets_value_and_ttl": [("SETEX k 100 v", OK), ("TTL k", 100), ("GET k", b"v")],
    "setex_zero_is_an_invalid_expire": [("SETEX k 0 v", invalid_expire("setex"))],
    "setex_not_an_integer": [("SETEX k x v", NOT_INTEGER)],
    "psetex_sets_a_ttl_in_ms": [("PSETEX k 100000 v", OK), ("TTL k", 100)],
    "psetex_negative_is_an_invalid_expire": [("PSETEX k -5 v", invalid_expire("psetex"))],
    "getset_returns_the_old_value_and_clears_the_ttl": [
        ("GETSET k a", None), ("EXPIRE k 100", 1), ("GETSET k b", b"a"), ("TTL k", -1)],
    "getdel_returns_and_deletes": [("SET k v", OK), ("GETDEL k", b"v"), ("GETDEL k", None)],
    "getex_without_options_only_reads": [
        ("SET k v EX 100", OK), ("GETEX k", b"v"), ("TTL k", 100)],
    "getex_ex_sets_the_ttl": [("SET k v", OK), ("GETEX k EX 100", b"v"), ("TTL k", 100)],
    "getex_persist_clears_the_ttl": [
        ("SET k v EX 100", OK), ("GETEX k PERSIST", b"v"), ("TTL k", -1)],
    "getex_pxat_in_the_past_deletes_the_key": [
        ("SET k v", OK), ("GETEX k PXAT 1", b"v"), ("EXISTS k", 0)],
    "getex_of_a_missing_key_is_null": [("GETEX k EX 10", None)],
    "getex_persist_and_ex_is_a_syntax_error": [("GETEX k PERSIST EX 10", SYNTAX)],
    "getex_two_expiries_is_a_syntax_error": [("GETEX k EX 10 PX 10", SYNTAX)],
    "getex_unknown_option_is_a_syntax_error": [("GETEX k FOO", SYNTAX)],
    "getex_ex_zero_is_an_invalid_expire": [
        ("SET k v", OK), ("GETEX k EX 0", invalid_expire("getex"))],
    "mset_and_mget": [
        ("MSET a 1 b 2", OK), ("MGET a b c", [b"1", b"2", None])],
    "mset_odd_arguments_is_an_arity_error": [("MSET a 1 b", arity("mset"))],
    "msetnx_writes_all_or_nothing": [
        ("MSETNX a 1 b 2", 1), ("MSETNX b 3 c 4", 0), ("MGET a b c", [b"1", b"2", None])],
    "msetnx_odd_arguments_is_an_arity_error": [("MSETNX a 1 b", arity("msetnx"))],
    "append_creates_and_grows": [
        ("APPEND k ab", 2), ("APPEND k cd", 4), ("GET k", b"abcd"), ("STRLEN k", 4)],
    "strlen_of_a_missing_key_is_zero": [("STRLEN k", 0)],
}

COUNTER_CASES = {
    "incr_creates_at_one": [("INCR k", 1), ("INCR k", 2), ("GET k", b"2")],
    "decr_goes_negative": [("DECR k", -1), ("DECRBY k 5", -6), ("INCRBY k 10", 4)],
    "incr_keeps_the_ttl": [("SET k 1 EX 100", OK), ("INCR k", 2), ("TTL k", 100)],
    "incr_of_a_non_integer": [("SET k 1.5", OK), ("INCR k", NOT_INTEGER)],
    "incr_of_a_space_padded_integer": [("SET k ' 1'", OK), ("INCR k", NOT_INTEGER)],
    "incr_of_a_leading_zero": [("SET k 01", OK), ("INCR k", NOT_INTEGER)],
    "incr_overflow": [
        ("SET k 9223372036854775807", OK),
        ("INCR k", Err("ERR increment or decrement would overflow"))],
    "decr_overflow": [
        ("SET k -9223372036854775808", OK),
        ("DECR k", Err("ERR increment or decrement would overflow"))],
    "decrby_int64_min_is_its_own_error": [
        ("DECRBY k -9223372036854775808", Err("ERR decrement would overflow"))],
    "incrby_not_an_integer": [("INCRBY k 1.0", NOT_INTEGER), ("INCRBY k 9223372036854775808", NOT_INTEGER)],
    "incrbyfloat_adds_with_long_double_precision": [
        ("SET k 10.5", OK), ("INCRBYFLOAT k 0.1", b"10.6"),
        ("SET k 1", OK), ("INCRBYFLOAT k 0.1", b"1.1"), ("INCRBYFLOAT k 0.2", b"1.3"),
        ("INCRBYFLOAT k -3.3", b"-2")],
    "incrbyfloat_formats_exponents_as_plain_decimals": [
        ("SET k 10", OK), ("INCRBYFLOAT k 5.0e3", b"5010"),
        ("SET k 3.0e3", OK), ("INCRBYFLOAT k 0", b"3000"),
        ("SET k 1e300", OK),
        ("INCRBYFLOAT k 1", b"1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083750497190350372508614274835903592556184672983913096260520748646287327135641843653294084255107606016789726652932370030551382947620994540294772781889620606179267611627097410650567187386105690089424915104006144")],
    "incrbyfloat_prints_17_decimals": [
        ("INCRBYFLOAT k 1.23456789012345678901", b"1.23456789012345679"),
        ("SET k 7", OK), ("INCRBYFLOAT k 5e-18", b"7.00000000000000001"),
        ("INCRBYFLOAT k -7", b"0.00000000000000001"),
        ("INCRBYFLOAT k -1.5e-17", b"-0.00000000000000001"),
        ("SET k 10", OK), ("INCRBYFLOAT k -10", b"0"),
        ("SET k 12345678901234567890123", OK), ("INCRBYFLOAT k 1", b"12345678901234567889920")],
    "incrbyfloat_accepts_what_strtold_accepts": [
        ("INCRBYFLOAT k 0x10", b"16"), ("INCRBYFLOAT k 0x1.8p3", b"28"),
        ("INCRBYFLOAT k .5", b"28.5"), ("INCRBYFLOAT k 5.", b"33.5"),
        ("INCRBYFLOAT k +5", b"38.5")],
    "incrbyfloat_refuses_what_strtold_refuses": [
        ("INCRBYFLOAT k abc", NOT_FLOAT), ("INCRBYFLOAT k nan", NOT_FLOAT),
        ("INCRBYFLOAT k ' 1'", NOT_FLOAT), ("INCRBYFLOAT k '1 '", NOT_FLOAT),
        ("INCRBYFLOAT k ''", NOT_FLOAT), ("INCRBYFLOAT k 1e", NOT_FLOAT),
        ("INCRBYFLOAT k 0x", NOT_FLOAT), ("INCRBYFLOAT k .", NOT_FLOAT),
        ("INCRBYFLOAT k 1.2e4932", NOT_FLOAT), ("INCRBYFLOAT k -1e-5000", NOT_FLOAT),
        ("EXISTS k", 0)],
    "incrbyfloat_infinity_is_nan_or_inf": [
        ("INCRBYFLOAT k inf", NAN_OR_INF), ("INCRBYFLOAT k -Infinity", NAN_OR_INF),
        ("SET k inf", OK), ("INCRBYFLOAT k 1", NAN_OR_INF), ("INCRBYFLOAT k abc", NOT_FLOAT)],
    "getrange_clamps_like_redis": [
        ("SET k hello", OK), ("GETRANGE k 0 -1", b"hello"), ("GETRANGE k -100 100", b"hello"),
        ("GETRANGE k 1 3", b"ell"), ("GETRANGE k 3 1", b""), ("GETRANGE k -1 -5", b""),
        ("GETRANGE k -3 -2", b"ll"), ("GETRANGE k 10 20", b""), ("SUBSTR k 0 1", b"he"),
        ("GETRANGE missing 0 -1", b""), ("GETRANGE k a 1", NOT_INTEGER)],
    "setrange_pads_with_zero_bytes": [
        ("SETRANGE k 3 ab", 5), ("GET k", b"\0\0\0ab"), ("SETRANGE k 1 x", 5),
        ("GET k", b"\0x\0ab"), ("SETRANGE k 0 ''", 5)],
    "setrange_with_an_empty_value_on_a_missing_key_creates_nothing": [
        ("SETRANGE k 5 ''", 0), ("EXISTS k", 0)],
    "setrange_negative_offset": [("SETRANGE k -1 x", Err("ERR offset is out of range"))],
    "setrange_past_512mb": [("SETRANGE k 536870912 x", TOO_LONG), ("EXISTS k", 0)],
    "setrange_empty_value_past_512mb_is_fine_on_a_missing_key": [("SETRANGE k 536870912 ''", 0)],
}

LCS_CASES = {
    "lcs_returns_the_common_subsequence": [
        ("MSET a ohmytext b mynewtext", OK), ("LCS a b", b"mytext"), ("LCS a b LEN", 6)],
    "lcs_idx_lists_matches_from_the_end": [
        ("MSET a ohmytext b mynewtext", OK),
        ("LCS a b IDX", [b"matches", [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], b"len", 6]),
        ("LCS a b IDX MINMATCHLEN 4 WITHMATCHLEN", [b"matches", [[[4, 7], [5, 8], 4]], b"len", 6]),
        ("LCS a b IDX WITHMATCHLEN", [b"matches", [[[4, 7], [5, 8], 4], [[2, 3], [0, 1], 2]], b"len", 6]),
        ("LCS a b idx minmatchlen -5", [b"matches", [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], b"len", 6])],
    "lcs_of_missing_keys_is_empty": [
        ("LCS a b", b""), ("LCS a b LEN", 0), ("LCS a b IDX", [b"matches", [], b"len", 0])],
    "lcs_len_and_idx_is_refused": [
        ("LCS a b LEN IDX", Err("ERR If you want both the length and indexes, please just use IDX."))],
    "lcs_bad_options": [
        ("LCS a b MINMATCHLEN x", NOT_INTEGER), ("LCS a b MINMATCHLEN", SYNTAX),
        ("LCS a b FOO", SYNTAX)],
}


@pytest.mark.parametrize("script", SET_CASES.values(), ids=SET_CASES.keys())
def test_set_family_script_gives_redis_replies(raw, script) -> None:
    run_script(raw, script)


@pytest.mark.parametrize("script", COUNTER_CASES.values(), ids=COUNTER_CASES.keys())
def test_counter_and_range_script_gives_redis_replies(raw, script) -> None:
    run_script(raw, script)


@pytest.mark.parametrize("script", LCS_CASES.values(), ids=LCS_CASES.keys())
def test_lcs_script_gives_redis_replies(raw, script) -> None:
    run_script(raw, script)


def test_incrbyfloat_near_the_long_double_maximum_prints_every_digit(raw) -> None:
    reply = execute(raw, "INCRBYFLOAT", "k", "1.18e4932")
    assert len(reply) == 4933
    assert reply.startswith(b"118000000000000000000065281291")
    assert reply.endswith(b"222606896512585853888628785152")


def test_incrbyfloat_overflow_is_nan_or_inf(raw) -> None:
    assert execute(raw, "SET", "k", "1.18e4932") == OK
    assert execute(raw, "INCRBYFLOAT", "k", "1.18e4932") == NAN_OR_INF


def test_append_past_512mb_is_refused(raw) -> None:
    assert execute(raw, "SETRANGE", "k", 536870911, "x") == 536870912
    assert execute(raw, "APPEND", "k", "y") == TOO_LONG
    assert execute(raw, "STRLEN", "k") == 536870912
    assert execute(raw, "DEL", "k") == 1


def test_lcs_idx_is_a_map_in_resp3(r3: redis.Redis) -> None:
    r3.mset({"a": "ohmytext", "b": "mynewtext"})
    reply = r3.execute_command("LCS", "a", "b", "IDX")
    assert reply == {b"matches": [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], b"len": 6}


def test_incrbyfloat_is_a_bulk_string_in_both_protocols(rp: redis.Redis) -> None:
    rp.set("k", "10")
    rp.set_response_callback("INCRBYFLOAT", lambda reply, **options: reply)
    assert rp.execute_command("INCRBYFLOAT", "k", "5.0e3") == b"5010"


def test_set_get_on_redis_py_returns_the_old_value(rp: redis.Redis) -> None:
    assert rp.set("k", "a") is True
    assert rp.set("k", "b", get=True) == b"a"
    assert rp.set("k", "c", nx=True) is None
