"""Protocol errors at the socket: exact texts, the connection closes, earlier
requests are answered, other clients are unaffected; pipelines split anywhere."""

from __future__ import annotations

import pytest

from tests.compat.conftest import RawConnection
from tests.servers import RunningServer

BAD_REQUESTS = [
    pytest.param(b"*abc\r\n", b"-ERR Protocol error: invalid multibulk length\r\n", id="multibulk-not-number"),
    pytest.param(b"*1048577\r\n$1\r\n", b"", id="big-multibulk-unauthenticated-ok"),
    pytest.param(b"*1\r\n$-5\r\n", b"-ERR Protocol error: invalid bulk length\r\n", id="bulk-negative"),
    pytest.param(b"*1\r\n$-1\r\n", b"-ERR Protocol error: invalid bulk length\r\n", id="bulk-null"),
    pytest.param(b"*2\r\n$3\r\nGET\r\n$abc\r\n", b"-ERR Protocol error: invalid bulk length\r\n", id="bulk-not-number"),
    pytest.param(b"*1\r\n$536870913\r\n", b"-ERR Protocol error: invalid bulk length\r\n", id="bulk-too-big"),
    pytest.param(b"*2\r\n$3\r\nGET\r\n+a\r\n", b"-ERR Protocol error: expected '$', got '+'\r\n", id="expected-dollar"),
    pytest.param(b'SET a "b\r\n', b"-ERR Protocol error: unbalanced quotes in request\r\n", id="unbalanced-double"),
    pytest.param(b"SET a 'b\r\n", b"-ERR Protocol error: unbalanced quotes in request\r\n", id="unbalanced-single"),
    pytest.param(b'ECHO "a"b\r\n', b"-ERR Protocol error: unbalanced quotes in request\r\n", id="quote-then-letter"),
    pytest.param(b"A" * (64 * 1024 + 10), b"-ERR Protocol error: too big inline request\r\n", id="too-big-inline"),
]


@pytest.mark.parametrize("data, reply", [p for p in BAD_REQUESTS if p.id != "big-multibulk-unauthenticated-ok"])
def test_protocol_error_replies_then_closes(server: RunningServer, raw: RawConnection, data: bytes, reply: bytes) -> None:
    bystander = RawConnection(server.port)
    try:
        raw.send(b"PING\r\n" + data)
        assert raw.read_line() == b"+PONG\r\n"
        assert raw.read_exactly(reply) == reply
        assert raw.is_closed()
        assert raw.buffer == b""
        bystander.send(b"PING\r\n")
        assert bystander.read_line() == b"+PONG\r\n"
    finally:
        bystander.close()


def test_requests_in_an_earlier_send_are_answered_before_the_error(raw: RawConnection) -> None:
    raw.send(b"SET k v\r\n")
    assert raw.read_line() == b"+OK\r\n"
    raw.send(b"GET k\r\n*x\r\n")
    assert raw.read_line() == b"$1\r\n"
    assert raw.read_line() == b"v\r\n"
    assert raw.read_line() == b"-ERR Protocol error: invalid multibulk length\r\n"
    assert raw.is_closed()


@pytest.mark.parametrize("data", [b"*-1\r\n", b"*0\r\n", b"\r\n", b"   \r\n", b"\n"])
def test_empty_requests_are_ignored(raw: RawConnection, data: bytes) -> None:
    raw.send(data + b"PING\r\n")
    assert raw.read_line() == b"+PONG\r\n"


def test_inline_quoting_and_escapes(raw: RawConnection) -> None:
    raw.send(b'ECHO "a\\x41\\n\\"b"\r\nECHO \'it\\\'s\'\r\nECHO ""\r\n')
    for expected in (b"$5\r\n", b'aA\n"b\r\n', b"$4\r\n", b"it's\r\n", b"$0\r\n", b"\r\n"):
        assert raw.read_exactly(expected) == expected


PIPELINE = (
    b"PING\r\n"
    b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n"
    b'ECHO "x y"\r\n'
    b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
    b"GET k\n"
)
PIPELINE_REPLIES = b"+PONG\r\n+OK\r\n$3\r\nx y\r\n$5\r\nhello\r\n$5\r\nhello\r\n"


def test_mixed_inline_and_multibulk_pipeline_in_one_send(raw: RawConnection) -> None:
    raw.send(PIPELINE)
    assert raw.read_exactly(PIPELINE_REPLIES) == PIPELINE_REPLIES


def test_pipeline_split_at_every_byte_boundary(server: RunningServer) -> None:
    import time

    for cut in range(1, len(PIPELINE)):
        connection = RawConnection(server.port)
        try:
            connection.send(PIPELINE[:cut])
            time.sleep(0.002)
            connection.send(PIPELINE[cut:])
            assert connection.read_exactly(PIPELINE_REPLIES) == PIPELINE_REPLIES, cut
        finally:
            connection.close()


def test_pipeline_sent_one_byte_at_a_time(raw: RawConnection) -> None:
    for index in range(len(PIPELINE)):
        raw.send(PIPELINE[index : index + 1])
    assert raw.read_exactly(PIPELINE_REPLIES) == PIPELINE_REPLIES
