"""GEOPOS in RESP3 sends the same digits as Redis (``%.17Lf``, zeros cut),
not a re-formatted double: the raw bytes on the wire are compared."""

from __future__ import annotations

import pytest

GEOADD = (
    b"*5\r\n$6\r\nGEOADD\r\n$1\r\ng\r\n$17\r\n13.36138933897018\r\n$16\r\n38.1155563954963\r\n"
    b"$7\r\nPalermo\r\n"
)


@pytest.mark.parametrize("protocol", [b"3", b"2"])
def test_geopos_digits_match_redis_on_the_wire(raw, protocol: bytes) -> None:
    raw.send(b"*2\r\n$5\r\nHELLO\r\n$1\r\n%s\r\n" % protocol)
    while raw.read_line() != b"*0\r\n":  # HELLO's reply ends with the empty modules list
        pass
    raw.send(GEOADD)
    assert raw.read_line() == b":1\r\n"
    raw.send(b"*3\r\n$6\r\nGEOPOS\r\n$1\r\ng\r\n$7\r\nPalermo\r\n")
    if protocol == b"3":
        expected = b"*1\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n"
    else:
        expected = b"*1\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n"
    assert raw.read_exactly(expected) == expected
