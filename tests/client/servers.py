"""A server process the client tests can kill and start again on the same port.

``actors.testing.start_server`` picks a fresh port each time; a reconnection test
needs the server back where the client expects it, so this starts the same
commands on a port chosen once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

import attrs

from actors.testing import free_port, server_command, wait_until_ready


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
        command = server_command(self.kind, self.port, self.workdir)
        with open(os.path.join(self.workdir, "server.log"), "ab") as log:
            self.process = subprocess.Popen(command, cwd=self.workdir, stdout=log,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        wait_until_ready(self.process, self.port, self.kind, accept=(b"+PONG",))

    def kill(self) -> None:
        """SIGKILL, as a crash: no goodbye on the open connections."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        self.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)
