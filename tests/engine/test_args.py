"""The argument cursor and Redis's number rules (actors/engine/args.py).

Expected values were taken from redis-server 7.0.15: integers through
``INCRBY`` (``string2ll``), doubles through ``ZADD`` + ``ZSCORE``
(``string2d``).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocol import errors
from protocol.errors import CommandError

from actors.engine.args import INT64_MAX, INT64_MIN, Args, is_int64, parse_float, parse_int

INVALID = None

INTEGER_CASES = [
    (b"1", 1),
    (b"0", 0),
    (b"-1", -1),
    (b"+1", INVALID),
    (b" 1", INVALID),
    (b"1 ", INVALID),
    (b"\t1", INVALID),
    (b"01", INVALID),
    (b"00", INVALID),
    (b"-0", INVALID),
    (b"-", INVALID),
    (b"", INVALID),
    (b"1e3", INVALID),
    (b"1.0", INVALID),
    (b"0x10", INVALID),
    (b"1_000", INVALID),
    ("\u0661".encode(), INVALID),  # an Arabic-Indic digit: str.isdigit() says yes
    (b"9223372036854775807", INT64_MAX),
    (b"9223372036854775808", INVALID),
    (b"-9223372036854775808", INT64_MIN),
    (b"-9223372036854775809", INVALID),
    (b"18446744073709551616", INVALID),
    (b"00000000000000000001", INVALID),
    (b"123456789012345678901", INVALID),
]

FLOAT_CASES = [
    (b"1", 1.0),
    (b"+1", 1.0),
    (b"01", 1.0),
    (b"-0", -0.0),
    (b"1e3", 1000.0),
    (b"1E3", 1000.0),
    (b"1e+3", 1000.0),
    (b".5", 0.5),
    (b"5.", 5.0),
    (b"+.5", 0.5),
    (b"-.5e-1", -0.05),
    (b"inf", math.inf),
    (b"+inf", math.inf),
    (b"-inf", -math.inf),
    (b"INF", math.inf),
    (b"infinity", math.inf),
    (b"-Infinity", -math.inf),
    (b"0x10", 16.0),
    (b"0x1p3", 8.0),
    (b"0X1P-2", 0.25),
    (b"0x1P+3", 8.0),
    (b"+0X1", 1.0),
    (b"0x.8", 0.5),
    (b"0x1.", 1.0),
    (b"0x1p-1074", 5e-324),
    (b"0x0p-2000", 0.0),
    (b"1e-310", 1e-310),
    (b"0e-400", 0.0),
    (b"1.7976931348623157e308", 1.7976931348623157e308),
    (b" 1", INVALID),
    (b"1 ", INVALID),
    (b"\t1", INVALID),
    (b"", INVALID),
    (b".", INVALID),
    (b"1e", INVALID),
    (b"1.5e3.5", INVALID),
    (b"1_000", INVALID),
    (b"infin", INVALID),
    (b"nan", INVALID),
    (b"NaN", INVALID),
    (b"-nan", INVALID),
    (b"0x", INVALID),
    (b"0x.", INVALID),
    (b"0x1p", INVALID),
    (b"1e400", INVALID),
    (b"-1e400", INVALID),
    (b"1.7976931348623159e308", INVALID),
    (b"0x1p2000", INVALID),
    (b"1e-400", INVALID),
    (b"2e-324", INVALID),
    (b"-0x1p-2000", INVALID),
    (b"0x1p-1075", INVALID),
]


@pytest.mark.parametrize(("raw", "expected"), INTEGER_CASES)
def test_parse_int_follows_string2ll(raw: bytes, expected: int | None) -> None:
    if expected is INVALID:
        with pytest.raises(CommandError) as caught:
            parse_int(raw)
        assert caught.value.message == errors.NOT_INTEGER
        assert is_int64(raw) is False
    else:
        assert parse_int(raw) == expected
        assert is_int64(raw) is True


@pytest.mark.parametrize(("raw", "expected"), FLOAT_CASES)
def test_parse_float_follows_string2d(raw: bytes, expected: float | None) -> None:
    if expected is INVALID:
        with pytest.raises(CommandError) as caught:
            parse_float(raw)
        assert caught.value.message == errors.NOT_FLOAT
    else:
        value = parse_float(raw)
        assert value == expected
        assert math.copysign(1.0, value) == math.copysign(1.0, expected)


@given(st.from_regex(rb"[0-9]{0,22}", fullmatch=True))
def test_digit_strings_parse_as_string2ll_and_strtod_read_them(raw: bytes) -> None:
    # The fast paths for plain digits must agree with the full rules.
    canonical = raw == b"0" or (raw[:1] not in (b"", b"0") and int(raw) <= 2**63 - 1)
    if canonical:
        assert parse_int(raw) == int(raw)
    else:
        with pytest.raises(CommandError):
            parse_int(raw)
    if raw:
        assert parse_float(raw) == float(raw)


def test_parse_int_reports_the_error_text_it_is_given() -> None:
    with pytest.raises(CommandError) as caught:
        parse_int(b"x", errors.DB_INDEX_OUT_OF_RANGE)
    assert caught.value.message == errors.DB_INDEX_OUT_OF_RANGE


def test_parse_float_reports_the_error_text_it_is_given() -> None:
    with pytest.raises(CommandError) as caught:
        parse_float(b"x", errors.TIMEOUT_NOT_FLOAT)
    assert caught.value.message == errors.TIMEOUT_NOT_FLOAT


@settings(deadline=None)
@given(st.integers(INT64_MIN, INT64_MAX))
def test_every_int64_round_trips_through_its_decimal_text(value: int) -> None:
    assert parse_int(str(value).encode()) == value


@settings(deadline=None)
@given(st.floats(allow_nan=False))
def test_every_double_round_trips_through_its_repr(value: float) -> None:
    assert parse_float(repr(value).encode()) == value


@settings(deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_double_round_trips_through_its_hex_text(value: float) -> None:
    assert parse_float(value.hex().encode()) == value


def test_args_walks_the_arguments_after_the_command_name() -> None:
    args = Args([b"SET", b"k", b"v", b"ex", b"10"])
    assert args.remaining == 4
    assert [args.next(), args.next()] == [b"k", b"v"]
    assert args.next_keyword() == b"EX"
    assert args.next_int() == 10
    assert not args
    assert args.remaining == 0


def test_args_can_start_after_a_subcommand() -> None:
    args = Args([b"OBJECT", b"ENCODING", b"k"], 2)
    assert args.rest() == [b"k"]
    assert not args


def test_a_missing_argument_is_a_syntax_error() -> None:
    args = Args([b"GETEX", b"k"])
    args.next()
    with pytest.raises(CommandError) as caught:
        args.next()
    assert caught.value.message == errors.SYNTAX


def test_rest_takes_every_remaining_argument_and_exhausts_the_cursor() -> None:
    args = Args([b"MGET", b"a", b"b", b"c"])
    args.next()
    assert args.rest() == [b"b", b"c"]
    assert args.rest() == []
    assert not args


def test_next_float_and_next_int_use_the_number_rules() -> None:
    args = Args([b"CMD", b"1.5", b"+1"])
    assert args.next_float() == 1.5
    with pytest.raises(CommandError) as caught:
        args.next_int()
    assert caught.value.message == errors.NOT_INTEGER
