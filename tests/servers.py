"""Start shardis or redis-server as a real process on a free port (tests and benchmarks).

Both are started the same way and answer the same readiness probe, so a
black-box test or a benchmark can treat them alike. Processes are ended by
their own PID.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_server_path() -> str | None:
    return shutil.which("redis-server")


@attrs.define(eq=False)
class RunningServer:
    kind: str  # "shardis" | "redis"
    port: int
    process: subprocess.Popen[bytes]
    workdir: str
    log_path: str

    @property
    def host(self) -> str:
        return "127.0.0.1"

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


def start_server(kind: str, *, shards: int = 1, extra: list[str] | None = None) -> RunningServer:
    port = free_port()
    workdir = tempfile.mkdtemp(prefix=f"{kind}-")
    log_path = os.path.join(workdir, "server.log")
    common = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", workdir,
              "--enable-debug-command", "yes"] + (extra or [])
    if kind == "shardis":
        command = [sys.executable, "-m", "actors", *common, "--shards", str(shards)]
    else:
        path = redis_server_path()
        if path is None:
            raise RuntimeError("redis-server is not installed")
        command = [path, *common, "--appendonly", "no", "--daemonize", "no", "--logfile", log_path]
    log_handle = open(log_path, "ab")
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=log_handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    )
    server = RunningServer(kind, port, process, workdir, log_path)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{kind} exited at start:\n{server.log()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(64).startswith((b"+PONG", b"-NOAUTH")):
                    return server
        except OSError:
            time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"{kind} did not start on port {port}")
