"""Malformed input never takes the server down or disturbs other clients.

Random bytes (hypothesis) and a corpus of known-bad requests are thrown at
the server over raw sockets while a well-behaved client keeps working; after
each input the server must still answer everyone, and the bad connection
either stays usable or was closed after an ``-ERR Protocol error`` reply.
"""

from __future__ import annotations

import socket

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MALFORMED = [
    b"*abc\r\n",
    b"*-\r\n",
    b"*2\r\n$-5\r\n",
    b"*1\r\n:5\r\n",
    b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$999999999999\r\n",
    b'"unbalanced\r\n',
    b"'single\r\n",
    b"*1\r\n$4\r\nPING\r\n*x\r\n",
    b"\x00\x01\x02\x03\r\n",
    b"*2147483648\r\n",
    b"$5\r\nhello\r\n",
    b"*1\r\n$2\r\nPINGPONG\r\n",
    b"\r\n\r\n\r\n",
    b"*0\r\n*-1\r\n",
    b"GET \"\\x4\r\n",
]


def send_and_drain(port: int, payload: bytes) -> bytes:
    """Send ``payload``, then collect what the server says until it closes or goes quiet."""
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        try:
            sock.sendall(payload)
            sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            return received
        sock.settimeout(2)
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except (TimeoutError, ConnectionResetError):
            pass
    return received


def assert_server_healthy(r: redis.Redis) -> None:
    assert r.set("fuzz:canary", "alive") is True
    assert r.get("fuzz:canary") == b"alive"


@pytest.mark.parametrize("payload", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_request_leaves_the_server_serving_others(server, r: redis.Redis, payload: bytes) -> None:
    reply = send_and_drain(server.port, payload)
    assert b"-ERR Protocol error" in reply or b"-ERR unknown command" in reply or reply.startswith(
        (b"+", b"-", b"$", b"*", b":")
    ) or reply == b""
    assert_server_healthy(r)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(payload=st.binary(min_size=1, max_size=200))
def test_random_bytes_never_crash_the_server(server, r: redis.Redis, payload: bytes) -> None:
    send_and_drain(server.port, payload.replace(b"SHUTDOWN", b"X").replace(b"shutdown", b"x"))
    assert_server_healthy(r)
