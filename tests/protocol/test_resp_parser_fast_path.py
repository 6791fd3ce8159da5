"""The pipelined-multibulk fast path parses exactly what the general path does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import protocol.resp.parser as parser_module
from protocol.errors import ProtocolError
from protocol.resp.parser import RequestParser
from protocol.resp.writer import encode_command

arguments = st.lists(
    st.one_of(st.binary(max_size=20), st.sampled_from([b"\r\n", b"a\r\nb", b"", b"$3", b"*1"])),
    min_size=1,
    max_size=5,
)


def parse_all(data: bytes, cut: int, fast: bool) -> tuple:
    original = parser_module._FAST_PATH_MAX_BUFFER
    parser_module._FAST_PATH_MAX_BUFFER = original if fast else -1
    try:
        return _parse_all(data, cut)
    finally:
        parser_module._FAST_PATH_MAX_BUFFER = original


def _parse_all(data: bytes, cut: int) -> tuple:
    parser = RequestParser()
    found: list[list[bytes]] = []
    try:
        for chunk in (data[:cut], data[cut:]):
            parser.feed(chunk)
            found.extend(parser.requests())
    except ProtocolError as error:
        return found, error.message
    return found, parser.error.message if parser.error else None


@settings(max_examples=150, deadline=None)
@given(requests=st.lists(arguments, max_size=8), tail=st.binary(max_size=12), data=st.data())
def test_fast_path_and_general_path_agree(requests, tail, data) -> None:
    payload = b"".join(encode_command(args) for args in requests) + tail
    cut = data.draw(st.integers(0, len(payload)))
    assert parse_all(payload, cut, True) == parse_all(payload, cut, False)


def test_fast_path_stops_at_a_bulk_holding_crlf_and_the_general_path_finishes() -> None:
    payload = encode_command([b"SET", b"k", b"a\r\nb"]) + encode_command([b"GET", b"k"])
    assert parse_all(payload, len(payload), True) == (
        [[b"SET", b"k", b"a\r\nb"], [b"GET", b"k"]],
        None,
    )
