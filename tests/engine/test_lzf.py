from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from actors.engine.persistence.lzf import LzfError, compress, decompress


@given(st.binary(max_size=3000) | st.text(alphabet="ab ", max_size=3000).map(str.encode))
def test_compressed_data_decompresses_to_the_original(data: bytes) -> None:
    packed = compress(data)
    assert packed is not None
    assert decompress(packed, len(data)) == data


def test_repetitive_data_shrinks() -> None:
    data = b"hello world " * 100
    packed = compress(data)
    assert packed is not None and len(packed) < len(data) // 10


def test_compression_gives_up_past_the_limit() -> None:
    assert compress(bytes(range(100)), limit=50) is None


def test_a_back_reference_before_the_start_is_an_error() -> None:
    with pytest.raises(LzfError):
        decompress(b"\x20\x05", 3)


def test_a_wrong_announced_length_is_an_error() -> None:
    with pytest.raises(LzfError):
        decompress(compress(b"abcdef") or b"", 7)
