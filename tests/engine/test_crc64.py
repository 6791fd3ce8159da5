from __future__ import annotations

from hypothesis import given, strategies as st

from actors.engine.persistence.crc64 import crc64


def test_the_check_value_of_crc64_jones() -> None:
    assert crc64(b"123456789") == 0xE9C6D914C4B8D9CA


def test_the_crc_of_nothing_is_zero() -> None:
    assert crc64(b"") == 0


def _bitwise(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x95AC9329AC4BC9B5 if crc & 1 else crc >> 1
    return crc


@given(st.binary(max_size=200), st.integers(min_value=0, max_value=200))
def test_the_table_driven_crc_matches_the_bit_by_bit_definition_in_any_chunking(
    data: bytes, split: int
) -> None:
    split = min(split, len(data))
    assert crc64(data) == _bitwise(data)
    assert crc64(data[split:], crc64(data[:split])) == crc64(data)
