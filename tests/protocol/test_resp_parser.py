"""RequestParser: multibulk and inline requests, every protocol error, read as Redis 7.0 reads them.

The expected bytes and error texts were checked against redis-server 7.0 over a raw socket.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocol.errors import ProtocolError
from protocol.resp import (
    QueryBufferLimitExceeded,
    RequestParser,
    encode_command,
    split_inline_args,
)


def parse_all(data: bytes, **limits: int) -> list[list[bytes]]:
    parser = RequestParser(**limits)
    parser.feed(data)
    return parser.requests()


def parse_in_chunks(chunks: list[bytes], **limits: int) -> tuple[list[list[bytes]], str | None]:
    """Feed chunk by chunk, draining after each; the requests and the error text, if any."""
    parser = RequestParser(**limits)
    found: list[list[bytes]] = []
    try:
        for chunk in chunks:
            parser.feed(chunk)
            found.extend(parser.requests())
            if parser.error is not None:
                return found, parser.error.message
    except ProtocolError as error:
        return found, error.message
    return found, None


def split_at(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(cut, len(data)) for cut in cuts})
    pieces, start = [], 0
    for point in points:
        pieces.append(data[start:point])
        start = point
    pieces.append(data[start:])
    return pieces


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"*1\r\n$4\r\nPING\r\n", [[b"PING"]]),
        (b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", [[b"GET", b"k"]]),
        (b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n", [[b"SET", b"k", b""]]),
        (b"*1\r\n$4\r\n\r\n\x00\xff\r\n", [[b"\r\n\x00\xff"]]),
        (b"*0\r\n*1\r\n$4\r\nPING\r\n", [[b"PING"]]),
        (b"*-1\r\n*-5\r\nPING\r\n", [[b"PING"]]),
        (b"*1\r\n$4\r\nPINGxy*1\r\n$4\r\nPING\r\n", [[b"PING"], [b"PING"]]),
        (b"*1\rx$4\rxPINGxy", [[b"PING"]]),
        (b"*1\r\n$4\r\nPING\r\nPING\r\n", [[b"PING"], [b"PING"]]),
    ],
)
def test_multibulk_requests_parse_like_redis(data: bytes, expected: list[list[bytes]]) -> None:
    assert parse_all(data) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b"PING\r\n", [[b"PING"]]),
        (b"PING\n", [[b"PING"]]),
        (b"PING\r\r\n", [[b"PING"]]),
        (b"  SET  k\tv  \r\n", [[b"SET", b"k", b"v"]]),
        (b"\r\n\r\n   \r\nPING\n", [[b"PING"]]),
        (b'ECHO "a\\x41\\n"\r\n', [[b"ECHO", b"aA\n"]]),
        (b'ECHO "\\r\\t\\b\\a\\\\\\""\r\n', [[b"ECHO", b'\r\t\b\a\\"']]),
        (b'ECHO "a\\qb\\xZZ"\r\n', [[b"ECHO", b"aqbxZZ"]]),
        (b"ECHO 'a\\'b\\n'\r\n", [[b"ECHO", b"a'b\\n"]]),
        (b'ECHO foo"bar baz"\r\n', [[b"ECHO", b"foobar baz"]]),
        (b'ECHO ""\r\n', [[b"ECHO", b""]]),
        (b"ECHO ''\r\n", [[b"ECHO", b""]]),
        (b'ECHO "a"\x0b\r\n', [[b"ECHO", b"a"]]),
        (b"ECHO a\x0bb\r\n", [[b"ECHO", b"a\x0bb"]]),
        (b"\x0bECHO\x0b ab\r\n", [[b"ECHO\x0b", b"ab"]]),
        (b"SET k \xff\xfe\r\n", [[b"SET", b"k", b"\xff\xfe"]]),
    ],
)
def test_inline_request_with_quotes_splits_like_redis(
    line: bytes, expected: list[list[bytes]]
) -> None:
    assert parse_all(line) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"*1x\r\n", "Protocol error: invalid multibulk length"),
        (b"*\r\n", "Protocol error: invalid multibulk length"),
        (b"*-0\r\n", "Protocol error: invalid multibulk length"),
        (b"*01\r\n", "Protocol error: invalid multibulk length"),
        (b"*+1\r\n", "Protocol error: invalid multibulk length"),
        (b"* 1\r\n", "Protocol error: invalid multibulk length"),
        (b"*2147483648\r\n", "Protocol error: invalid multibulk length"),
        (b"*-9223372036854775809\r\n", "Protocol error: invalid multibulk length"),
        (b"*1\r\n$-1\r\n", "Protocol error: invalid bulk length"),
        (b"*1\r\n$01\r\n", "Protocol error: invalid bulk length"),
        (b"*1\r\n$x\r\n", "Protocol error: invalid bulk length"),
        (b"*1\r\n$\r\n", "Protocol error: invalid bulk length"),
        (b"*1\r\n$536870913\r\n", "Protocol error: invalid bulk length"),
        (b"*1\r\nfoo\r\n", "Protocol error: expected '$', got 'f'"),
        (b"*1\r\n\r\n", "Protocol error: expected '$', got '\r'"),
        (b"*1\r\n\xff\r\n", "Protocol error: expected '$', got '\udcff'"),
        (b'ECHO "a"b\r\n', "Protocol error: unbalanced quotes in request"),
        (b'ECHO "abc\r\n', "Protocol error: unbalanced quotes in request"),
        (b'ECHO "a\\"\r\n', "Protocol error: unbalanced quotes in request"),
        (b"ECHO 'ab\r\n", "Protocol error: unbalanced quotes in request"),
        (b"ECHO 'a'b\r\n", "Protocol error: unbalanced quotes in request"),
        (b"x" * 65537, "Protocol error: too big inline request"),
        (b"ECHO " + b"x" * 70000 + b"\r\n", "Protocol error: too big inline request"),
        (b"*1" + b"x" * 70000, "Protocol error: too big mbulk count string"),
        (b"*1\r\n$" + b"1" * 70000, "Protocol error: too big bulk count string"),
    ],
)
def test_malformed_request_raises_redis_protocol_error_text(data: bytes, message: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_all(data)
    assert caught.value.message == message


@pytest.mark.parametrize(
    "data",
    [
        b"*1048577\r\n",
        b"*2147483647\r\n",
        b"x" * 65536,
        b"*1\r\n$4\r\nPI",
        b"*1\r\n$4\r",
        b"*1\r",
        b"*1\r\n$4\r\nPING\r",
    ],
)
def test_incomplete_request_waits_for_more_data(data: bytes) -> None:
    parser = RequestParser()
    parser.feed(data)
    assert parser.requests() == []
    assert parser.next_request() is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"ECHO a\0b\r\nPING\r\n", "Protocol error: too big inline request"),
        (b"*1\0\r\n$4\r\nPING\r\n", "Protocol error: too big mbulk count string"),
        (b"*1\r\n$4\0\r\nPING\r\n", "Protocol error: too big bulk count string"),
        (b"*1\r\n\0$4\r\nPING\r\n", "Protocol error: too big bulk count string"),
    ],
)
def test_nul_byte_hides_the_line_end_until_the_request_is_too_big(
    data: bytes, message: str
) -> None:
    parser = RequestParser()
    parser.feed(data)
    assert parser.requests() == []
    parser.feed(b"x" * 65536)
    with pytest.raises(ProtocolError) as caught:
        parser.requests()
    assert caught.value.message == message


def test_requests_before_an_error_are_returned_and_the_error_is_kept() -> None:
    parser = RequestParser()
    parser.feed(b"PING\r\n*1\r\n$4\r\nECHO\r\n*x\r\nPING\r\n")
    assert parser.requests() == [[b"PING"], [b"ECHO"]]
    assert parser.error is not None
    assert parser.error.message == "Protocol error: invalid multibulk length"
    with pytest.raises(ProtocolError):
        parser.requests()


def test_parser_is_dead_after_an_error() -> None:
    parser = RequestParser()
    parser.feed(b"*1\r\nfoo\r\n")
    with pytest.raises(ProtocolError) as first:
        parser.next_request()
    for call in (parser.requests, parser.next_request, lambda: parser.feed(b"PING\r\n")):
        with pytest.raises(ProtocolError) as again:
            call()
        assert again.value is first.value


def test_next_request_returns_one_request_at_a_time() -> None:
    parser = RequestParser()
    parser.feed(b"PING\r\n*2\r\n$4\r\nECHO\r\n$1\r\na\r\nQUIT\r\n")
    assert parser.next_request() == [b"PING"]
    assert parser.next_request() == [b"ECHO", b"a"]
    assert parser.next_request() == [b"QUIT"]
    assert parser.next_request() is None


@pytest.mark.parametrize(
    ("limits", "data", "message"),
    [
        ({"max_bulk_len": 3}, b"*1\r\n$4\r\n", "Protocol error: invalid bulk length"),
        ({"max_multibulk_len": 2}, b"*3\r\n", "Protocol error: invalid multibulk length"),
        ({"max_inline_size": 4}, b"PINGX", "Protocol error: too big inline request"),
        ({"max_inline_size": 4}, b"*1234", "Protocol error: too big mbulk count string"),
        ({"authenticated": False}, b"*11\r\n", "Protocol error: unauthenticated multibulk length"),
        (
            {"authenticated": False},
            b"*1\r\n$16385\r\n",
            "Protocol error: unauthenticated bulk length",
        ),
    ],
)
def test_limits_are_constructor_arguments(
    limits: dict[str, int], data: bytes, message: str
) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_all(data, **limits)
    assert caught.value.message == message


def test_unauthenticated_client_may_still_send_small_requests() -> None:
    assert parse_all(b"*10\r\n" + b"$16384\r\n" + b"x" * 16384 + b"\r\n" + b"$1\r\na\r\n" * 9,
                     authenticated=False)[0][0] == b"x" * 16384


def test_unfinished_request_over_the_query_buffer_limit_closes_the_client() -> None:
    parser = RequestParser(max_query_buffer=1000)
    parser.feed(b"*1\r\n$2000\r\n" + b"x" * 900)
    assert parser.requests() == []
    parser.feed(b"x" * 200)
    with pytest.raises(QueryBufferLimitExceeded) as caught:
        parser.requests()
    assert caught.value.message == "Protocol error: query buffer limit exceeded"


def test_query_buffer_limit_counts_only_unconsumed_bytes_like_redis() -> None:
    parser = RequestParser(max_query_buffer=1000)
    parser.feed(b"*3\r\n$3\r\nSET\r\n$700\r\n" + b"k" * 700 + b"\r\n$700\r\n" + b"v" * 600)
    assert parser.requests() == []
    parser.feed(b"v" * 100 + b"\r\n")
    assert parser.requests() == [[b"SET", b"k" * 700, b"v" * 700]]


def test_statistics_report_buffered_bytes_and_partial_arguments() -> None:
    parser = RequestParser()
    parser.feed(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nab")
    assert parser.requests() == []
    stats = parser.statistics()
    assert stats.partial_argument_count == 2
    assert stats.partial_argument_bytes == 4
    assert stats.buffered_bytes == len(b"ab")  # the header is consumed, as in Redis


def test_big_bulk_in_small_chunks_is_joined_once(monkeypatch: pytest.MonkeyPatch) -> None:
    merges = 0
    original = RequestParser._merge

    def counting_merge(self: RequestParser) -> None:
        nonlocal merges
        merges += 1
        original(self)

    monkeypatch.setattr(RequestParser, "_merge", counting_merge)
    payload = bytes(range(256)) * 4096
    data = encode_command([b"SET", b"k", payload])
    parser = RequestParser()
    for start in range(0, len(data), 1000):
        parser.feed(data[start : start + 1000])
        found = parser.requests()
    assert found == [[b"SET", b"k", payload]]
    assert merges <= 3


def test_waiting_for_a_line_does_not_rejoin_on_every_chunk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    merges = 0
    original = RequestParser._merge

    def counting_merge(self: RequestParser) -> None:
        nonlocal merges
        merges += 1
        original(self)

    monkeypatch.setattr(RequestParser, "_merge", counting_merge)
    parser = RequestParser()
    for byte in b"SET key " + b"v" * 5000:
        parser.feed(bytes([byte]))
        assert parser.requests() == []
    parser.feed(b"\r\n")
    assert parser.requests() == [[b"SET", b"key", b"v" * 5000]]
    assert merges <= 3


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b"", []),
        (b"   ", []),
        (b"a b", [b"a", b"b"]),
        (b'"a b" c', [b"a b", b"c"]),
        (b"'a\\\\b'", [b"a\\\\b"]),
        (b'"\\x4a\\x4B"', [b"JK"]),
        (b'"\\x4"', [b"x4"]),
    ],
)
def test_split_inline_args_is_sdssplitargs(line: bytes, expected: list[bytes]) -> None:
    assert split_inline_args(line) == expected


requests_strategy = st.lists(
    st.lists(st.binary(max_size=40), min_size=1, max_size=6), min_size=1, max_size=8
)


@settings(max_examples=150, deadline=None)
@given(requests=requests_strategy, cuts=st.lists(st.integers(min_value=0, max_value=600)))
def test_encoded_requests_parse_back_in_any_chunking(
    requests: list[list[bytes]], cuts: list[int]
) -> None:
    data = b"".join(encode_command(request) for request in requests)
    assert parse_in_chunks(split_at(data, cuts)) == (requests, None)


@settings(max_examples=40, deadline=None)
@given(requests=requests_strategy)
def test_encoded_requests_parse_back_fed_byte_at_a_time(requests: list[list[bytes]]) -> None:
    data = b"".join(encode_command(request) for request in requests)
    parser = RequestParser()
    found: list[list[bytes]] = []
    for index in range(len(data)):
        parser.feed(data[index : index + 1])
        while (request := parser.next_request()) is not None:
            found.append(request)
    assert found == requests


resp_ish_bytes = st.lists(
    st.one_of(
        st.binary(max_size=8),
        st.sampled_from(
            [b"*", b"$", b"\r\n", b"\r", b"\n", b"*1\r\n", b"*2\r\n", b"$3\r\n", b"$0\r\n",
             b"-1", b"0", b'"', b"'", b"\\", b"\\x4", b" ", b"\0", b"PING", b"*-1\r\n"]
        ),
    ),
    max_size=30,
).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(data=resp_ish_bytes, cuts=st.lists(st.integers(min_value=0, max_value=200)))
def test_malformed_input_only_yields_requests_or_protocol_errors(
    data: bytes, cuts: list[int]
) -> None:
    whole = parse_in_chunks([data], max_inline_size=64)
    chunked = parse_in_chunks(split_at(data, cuts), max_inline_size=64)
    requests, _ = whole
    assert all(type(arg) is bytes for request in requests for arg in request)
    assert all(request for request in requests)
    assert chunked == whole
