"""Black-box fixtures: every compat test runs against shardis and, when
``redis-server`` is installed, against a real Redis too (the oracle).

``SHARDIS_COMPAT_TARGETS`` (``shardis,redis`` by default) picks the targets;
``SHARDIS_SHARDS`` the shard count shardis starts with. Servers are started
once per session on free ports; each test starts from FLUSHALL.

A test that documents an intentional difference asks for ``target`` and says
why next to the branch.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest
import redis

from tests.servers import RunningServer, redis_server_path, start_server


def _targets() -> list[str]:
    wanted = os.environ.get("SHARDIS_COMPAT_TARGETS", "shardis,redis").split(",")
    return [t for t in wanted if t == "shardis" or (t == "redis" and redis_server_path())]


_SERVERS: dict[str, RunningServer] = {}


def _server(kind: str) -> RunningServer:
    if kind not in _SERVERS:
        _SERVERS[kind] = start_server(kind, shards=int(os.environ.get("SHARDIS_SHARDS", "1")))
    return _SERVERS[kind]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for server in _SERVERS.values():
        server.stop()
    _SERVERS.clear()


@pytest.fixture(params=_targets())
def target(request: pytest.FixtureRequest) -> str:
    """"shardis" or "redis": which server this run of the test talks to."""
    return request.param


@pytest.fixture
def server(target: str) -> Iterator[RunningServer]:
    running = _server(target)
    assert running.process.poll() is None, running.log()
    with redis.Redis(host=running.host, port=running.port, protocol=2) as admin:
        admin.flushall()
        admin.config_set("notify-keyspace-events", "")
        admin.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1")
    yield running
    assert running.process.poll() is None, f"{target} died:\n{running.log()}"


@pytest.fixture
def r(server: RunningServer) -> Iterator[redis.Redis]:
    """redis-py, RESP2, bytes replies."""
    with redis.Redis(host=server.host, port=server.port, protocol=2) as client:
        yield client


@pytest.fixture
def r3(server: RunningServer) -> Iterator[redis.Redis]:
    """redis-py, RESP3 (redis-py 8's default), bytes replies."""
    with redis.Redis(host=server.host, port=server.port, protocol=3) as client:
        yield client


@pytest.fixture(params=[2, 3], ids=["resp2", "resp3"])
def rp(server: RunningServer, request: pytest.FixtureRequest) -> Iterator[redis.Redis]:
    """redis-py in both protocols."""
    with redis.Redis(host=server.host, port=server.port, protocol=request.param) as client:
        yield client


class RawConnection:
    """Bytes in, bytes out: for protocol-level tests."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buffer = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def read_exactly(self, expected: bytes) -> bytes:
        """Read until ``len(expected)`` bytes arrived (or the peer closed)."""
        while len(self.buffer) < len(expected):
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            self.buffer += chunk
        data, self.buffer = self.buffer[: len(expected)], self.buffer[len(expected):]
        return data

    def read_line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\r\n")
        return line + b"\r\n"

    def is_closed(self) -> bool:
        """True once the server closed its side (EOF)."""
        self.sock.settimeout(10)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
                self.buffer += chunk
        except (ConnectionResetError, BrokenPipeError):
            return True
        except TimeoutError:
            return False

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def raw(server: RunningServer) -> Iterator[RawConnection]:
    connection = RawConnection(server.port)
    yield connection
    connection.close()
