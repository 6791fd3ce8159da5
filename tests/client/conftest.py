"""Fixtures: the client tests run against shardis and, when it is installed, a
real redis-server. Servers start once per session on free ports and stop at its
end; each test starts from FLUSHALL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from client import Client, open_client
from actors.testing import RunningServer, redis_server_path, start_server

KINDS = ["shardis", "redis"]


@pytest.fixture(scope="session")
def running_servers() -> Iterator[dict[str, RunningServer]]:
    servers: dict[str, RunningServer] = {}
    yield servers
    for server in servers.values():
        server.stop()


def require_redis() -> None:
    if redis_server_path() is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")


@pytest.fixture(params=KINDS)
def server(request: pytest.FixtureRequest, running_servers: dict[str, RunningServer]) -> RunningServer:
    kind = request.param
    if kind == "redis":
        require_redis()
    if kind not in running_servers:
        running_servers[kind] = start_server(kind)
    running = running_servers[kind]
    assert running.process.poll() is None, running.log()
    return running


@pytest.fixture
def redis_only(running_servers: dict[str, RunningServer]) -> RunningServer:
    """A real redis-server, for what shardis does not have yet (pub/sub)."""
    require_redis()
    if "redis" not in running_servers:
        running_servers["redis"] = start_server("redis")
    return running_servers["redis"]


def url(server: RunningServer, db: int = 0) -> str:
    return f"redis://{server.host}:{server.port}/{db}"


@pytest.fixture
async def c(server: RunningServer) -> AsyncIterator[Client]:
    async with open_client(url(server)) as client:
        await client.flushall()
        yield client


@pytest.fixture
async def dc(server: RunningServer) -> AsyncIterator[Client]:
    """A decoding client (decode=True)."""
    async with open_client(url(server), decode=True) as client:
        await client.flushall()
        yield client
