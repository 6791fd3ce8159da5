"""A server process the client tests can kill and start again on the same port.

``tests.servers.start_server`` picks a fresh port each time; a reconnection test
needs the server back where the client expects it, so this starts the same
commands on a port chosen once.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import attrs

from tests.servers import ROOT, free_port, redis_server_path


@attrs.define(eq=False)
class RestartableServer:
    kind: str
    port: int = attrs.field(factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    workdir: str = attrs.field(factory=lambda: tempfile.mkdtemp(prefix="client-restart-"))

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def start(self) -> None:
        log = open(os.path.join(self.workdir, "server.log"), "ab")
        common = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--dir",
                  self.workdir, "--enable-debug-command", "yes"]
        if self.kind == "shardis":
            command = [sys.executable, "-m", "actors", *common, "--shards", "1"]
        else:
            path = redis_server_path()
            assert path is not None
            command = [path, *common, "--appendonly", "no", "--daemonize", "no"]
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"{self.kind} exited at start"
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(64).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{self.kind} did not start on port {self.port}")

    def kill(self) -> None:
        """SIGKILL, as a crash: no goodbye on the open connections."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        self.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)
