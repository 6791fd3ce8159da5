"""The first things any client does: PING, SET/GET, HELLO."""

from __future__ import annotations

import pytest
import redis


def test_set_then_get_returns_the_value(rp: redis.Redis) -> None:
    assert rp.set("greeting", "hello") is True
    assert rp.get("greeting") == b"hello"


@pytest.mark.parametrize("protocol", [2, 3])
def test_hello_reports_the_fields_redis_py_reads(server, protocol: int) -> None:
    with redis.Redis(host=server.host, port=server.port, protocol=protocol) as client:
        reply = client.execute_command("HELLO", protocol)
    if protocol == 2:
        reply = dict(zip(reply[::2], reply[1::2]))
    assert reply[b"server"] == b"redis"
    assert reply[b"proto"] == protocol
    assert reply[b"mode"] == b"standalone"
    assert reply[b"role"] == b"master"
    assert reply[b"modules"] == []
    assert isinstance(reply[b"id"], int)


def test_inline_ping_answers_pong(raw) -> None:
    raw.send(b"PING\r\n")
    assert raw.read_line() == b"+PONG\r\n"
