"""Real shardis servers for tests: the pytest plugin (fixture ``shardis_server``)
and the helpers that start a server process on a free port.

The plugin is registered through the ``pytest11`` entry point ``shardis``, so
every pytest run where shardis is installed has the fixture; importing this
module starts nothing (only the stdlib, attrs and pytest at import time), and
no server runs until a test asks for one.

``shardis_server`` is a :class:`ShardisServer` (``host``, ``port``, ``url``):

- in a Trio test (pytest-trio), a brand-new server runs inside the test's own
  event loop on a free port of 127.0.0.1, and is cancelled when the test ends:
  a fresh keyspace, config and client list for every test. Its key expiry
  follows Trio's clock, so under ``autojump_clock`` a ``trio.sleep(10)`` expires
  a 5-second TTL without waiting;
- in a synchronous test, one ``shardis-server`` process per session (started on
  first use, stopped when the session ends), with FLUSHALL before each test: a
  fresh keyspace, while CONFIG SET changes and loaded scripts carry over.

The fixture that gives our own client, ``shardis_client``, lives in
``client/testing.py`` (DESIGN §2: actors never import the client) and asks for
this fixture by name.

:func:`start_server` runs ``shardis-server`` (or a real ``redis-server``) as a
process on a free port, waits until it answers PING and returns a
:class:`RunningServer`; tests, benchmarks and examples/run_all.py share it.
Processes are ended by their own PID.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

__all__ = [
    "RunningServer",
    "ShardisServer",
    "free_port",
    "redis_server_path",
    "server_command",
    "start_server",
    "wait_until_ready",
]

# How long a server process may take to answer its first PING.
# Servers start here, so ``python -m actors`` runs the code beside this module
# (a checkout's own tree, not whatever an editable install points at).
SOURCE_ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_server_path() -> str | None:
    return shutil.which("redis-server")


def server_command(kind: str, port: int, workdir: str, *, shards: int = 1,
                   extra: list[str] | None = None, log_path: str | None = None) -> list[str]:
    """The command line of a test server: loopback only, no snapshots, its files in ``workdir``."""
    common = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", workdir,
              "--enable-debug-command", "yes"] + (extra or [])
    if kind == "shardis":
        return [sys.executable, "-m", "actors", *common, "--shards", str(shards)]
    path = redis_server_path()
    if path is None:
        raise RuntimeError("redis-server is not installed")
    command = [path, *common, "--appendonly", "no", "--daemonize", "no"]
    return command + (["--logfile", log_path] if log_path else [])


def wait_until_ready(process: subprocess.Popen[bytes], port: int, describe: str,
                     accept: tuple[bytes, ...] = (b"+PONG", b"-NOAUTH")) -> None:
    """Return once the server on ``port`` answers PING; raise RuntimeError when
    the process exits first or ``START_TIMEOUT`` passes."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{describe} exited at start")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(64).startswith(accept):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{describe} did not start on port {port}")


@attrs.define(eq=False)
class RunningServer:
    """A server process started by :func:`start_server`."""

    kind: str  # "shardis" | "redis"
    port: int
    process: subprocess.Popen[bytes]
    workdir: str
    log_path: str

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def log(self) -> str:
        try:
            return Path(self.log_path).read_text(errors="replace")
        except OSError:
            return ""


def start_server(kind: str = "shardis", *, shards: int = 1, extra: list[str] | None = None) -> RunningServer:
    """``shardis-server`` (or ``redis-server``) on a free port of 127.0.0.1, ready for commands."""
    port = free_port()
    workdir = tempfile.mkdtemp(prefix=f"{kind}-")
    log_path = os.path.join(workdir, "server.log")
    command = server_command(kind, port, workdir, shards=shards, extra=extra, log_path=log_path)
    with open(log_path, "ab") as log_handle:
        process = subprocess.Popen(
            command, cwd=SOURCE_ROOT, stdout=log_handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    server = RunningServer(kind, port, process, workdir, log_path)
    try:
        wait_until_ready(process, port, kind)
    except RuntimeError as error:
        server.stop()
        raise RuntimeError(f"{error}:\n{server.log()}") from None
    return server


@attrs.frozen
class ShardisServer:
    """What the ``shardis_server`` fixture gives: where to connect.

    ``redis.Redis(host=s.host, port=s.port)``, ``redis.Redis.from_url(s.url)``,
    ``client.open_client(s.url)``. ``in_process`` is True in Trio tests.
    """

    host: str
    port: int
    in_process: bool

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"


def _flushall(port: int) -> None:
    """FLUSHALL over a plain socket (the plugin needs no client library)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"*1\r\n$8\r\nFLUSHALL\r\n")
        reply = b""
        while not reply.endswith(b"\r\n"):
            chunk = sock.recv(256)
            if not chunk:
                break
            reply += chunk
    if not reply.startswith(b"+OK"):
        raise RuntimeError(f"FLUSHALL before the test failed: {reply!r}")


@pytest.fixture(scope="session")
def shardis_process() -> Iterator[RunningServer]:
    """One ``shardis-server`` process for the session's synchronous tests."""
    server = start_server("shardis")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def shardis_server(request: pytest.FixtureRequest) -> Any:
    """A real shardis on 127.0.0.1 with an empty keyspace: in the test's event
    loop for a Trio test, else the session's process after FLUSHALL."""
    # pytest-trio marks every Trio test with ``trio``. It hands a synchronous
    # fixture a placeholder for a Trio fixture it asks for and resolves that
    # placeholder inside the test's run, so the in-loop server can sit behind
    # the same name as the process.
    if request.node.get_closest_marker("trio") is not None:
        return request.getfixturevalue("_shardis_server_in_trio")
    process: RunningServer = request.getfixturevalue("shardis_process")
    if process.process.poll() is not None:
        raise RuntimeError(f"the shardis test server died:\n{process.log()}")
    _flushall(process.port)
    return ShardisServer(process.host, process.port, in_process=False)


@pytest.fixture
async def _shardis_server_in_trio(tmp_path: Path) -> AsyncIterator[ShardisServer]:
    """A shardis server in the running Trio loop, cancelled after the test."""
    import trio

    from actors.clock import TrioClock
    from actors.config import parse_command_line
    from actors.server import Server

    # dir: a fresh directory, so no dump.rdb of the caller's is loaded.
    config = parse_command_line(["--port", "0", "--bind", "127.0.0.1", "--save", "",
                                 "--dir", str(tmp_path)])
    # Expiry follows Trio's clock from today's wall time on: the same as the
    # wall clock under Trio's real clock, virtual under autojump_clock.
    clock = TrioClock(epoch_ms=time.time_ns() // 1_000_000 - int(trio.current_time() * 1000))
    server = Server(config, clock=clock)
    async with trio.open_nursery() as nursery:
        port = await nursery.start(server.run)
        # run() accepts connections while it loads (-LOADING); with an empty
        # dir that ends at once, off the Trio thread, so poll for it.
        while server.runtime.loading:
            await trio.sleep(0.001)
        yield ShardisServer("127.0.0.1", port, in_process=True)
        nursery.cancel_scope.cancel()
