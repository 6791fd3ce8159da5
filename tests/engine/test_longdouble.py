"""Long double parsing and printing (actors/engine/longdouble.py).

Expected strings were recorded from redis-server 7.0.15 (INCRBYFLOAT on a
missing key, or SET then INCRBYFLOAT 0)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocol.errors import CommandError

from actors.engine.longdouble import (
    add_long_doubles,
    format_long_double,
    parse_long_double,
    round_to_long_double,
)

RECORDED = [
    (b"0.1", b"0.1"),
    (b"10.6", b"10.6"),
    (b"3.0e3", b"3000"),
    (b"1.23456789012345678901", b"1.23456789012345679"),
    (b"1e-17", b"0.00000000000000001"),
    (b"5e-18", b"0"),
    (b"525.256", b"525.25600000000000001"),
    (b"123.456", b"123.456"),
    (b"0.3", b"0.3"),
    (b"1e-18", b"0"),
    (b"-0.0", b"0"),
    (b"0x1.8p3", b"12"),
    (b"12345678901234567890123", b"12345678901234567889920"),
    (b"1e300", b"1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083750497190350372508614274835903592556184672983913096260520748646287327135641843653294084255107606016789726652932370030551382947620994540294772781889620606179267611627097410650567187386105690089424915104006144"),
]


@pytest.mark.parametrize("text, printed", RECORDED)
def test_parse_then_print_matches_redis(text: bytes, printed: bytes) -> None:
    assert format_long_double(parse_long_double(text)) == printed


def test_the_largest_values_print_every_digit() -> None:
    printed = format_long_double(parse_long_double(b"1.18e4932"))
    assert len(printed) == 4933
    assert printed.startswith(b"118000000000000000000065281291")
    assert printed.endswith(b"222606896512585853888628785152")


@pytest.mark.parametrize(
    "text", [b"", b" 1", b"1 ", b"nan", b"abc", b"1e", b"0x", b".", b"1.2e4932", b"-1e-5000",
             b"1\x002", b"1" * 5120])
def test_strtold_refusals_are_not_a_valid_float(text: bytes) -> None:
    with pytest.raises(CommandError, match="not a valid float"):
        parse_long_double(text)


@pytest.mark.parametrize("text", [b"inf", b"-INF", b"Infinity"])
def test_infinity_parses_to_none(text: bytes) -> None:
    assert parse_long_double(text) is None


def test_a_sum_past_the_maximum_is_nan_or_infinity() -> None:
    big = parse_long_double(b"1.18e4932")
    with pytest.raises(CommandError, match="NaN or Infinity"):
        add_long_doubles(big, big)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_double_is_exactly_a_long_double(value: float) -> None:
    assert round_to_long_double(Fraction(value)) == Fraction(value)


@given(st.integers(-(2**64) + 1, 2**64 - 1))
def test_integers_within_64_bits_are_exact_and_print_plainly(value: int) -> None:
    assert format_long_double(parse_long_double(str(value).encode())) == str(value).encode()


@given(st.decimals(min_value=-10**6, max_value=10**6, places=3, allow_nan=False))
def test_printing_is_stable_when_read_back(value) -> None:
    """What INCRBYFLOAT stores, a later INCRBYFLOAT 0 leaves unchanged."""
    printed = format_long_double(parse_long_double(format(value, "f").encode()))
    assert format_long_double(parse_long_double(printed)) == printed
