"""While shardis loads its dataset at startup, the listener is already open:
commands without the ``loading`` flag get ``-LOADING Redis is loading the
dataset in memory``, flagged ones (INFO, SELECT, ECHO ...) run, INFO reports
``loading:1``; when the load ends every command works on the full dataset.

shardis only: redis-server loads the same file too fast for a client to
catch the window reliably.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

import pytest

from actors.engine.persistence import rdb_writer
from tests.servers import ROOT, RunningServer, free_port

KEYS = 400_000
LOADING = b"-LOADING Redis is loading the dataset in memory\r\n"


@pytest.fixture(scope="module")
def big_rdb_dir() -> Iterator[str]:
    path = tempfile.mkdtemp(prefix="loading-")
    records = [(b"key:%d" % index, b"value:%d" % index, None) for index in range(KEYS)]
    data = rdb_writer.encode_file([(0, records)], [(b"redis-ver", b"7.0.15")], 0)
    with open(os.path.join(path, "dump.rdb"), "wb") as handle:
        handle.write(data)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _launch(data_dir: str) -> RunningServer:
    port = free_port()
    log_path = os.path.join(data_dir, "server.log")
    command = [
        sys.executable, "-m", "actors", "--port", str(port), "--bind", "127.0.0.1",
        "--save", "", "--dir", data_dir, "--shards", "2",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=open(log_path, "ab"), stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    return RunningServer("shardis", port, process, data_dir, log_path)


def _connect_early(server: RunningServer) -> socket.socket:
    deadline = time.monotonic() + 30
    while True:
        assert server.process.poll() is None, server.log()
        try:
            return socket.create_connection(("127.0.0.1", server.port), timeout=30)
        except OSError:
            assert time.monotonic() < deadline, "the listener never opened"
            time.sleep(0.005)


def _ask(sock: socket.socket, request: bytes) -> bytes:
    sock.sendall(request)
    reply = b""
    while not reply.endswith(b"\r\n") or (reply.startswith(b"$") and reply.count(b"\r\n") < 2):
        chunk = sock.recv(65536)
        assert chunk, "connection closed"
        reply += chunk
    return reply


def test_clients_get_loading_until_the_dataset_is_in_memory(big_rdb_dir: str) -> None:
    server = _launch(big_rdb_dir)
    try:
        sock = _connect_early(server)
        first = _ask(sock, b"GET key:1\r\n")
        assert first == LOADING, "the load finished before the first command; make the file bigger"
        assert _ask(sock, b"ECHO hi\r\n") == b"$2\r\nhi\r\n"
        assert _ask(sock, b"SELECT 0\r\n") == b"+OK\r\n"
        assert b"loading:1" in _ask(sock, b"INFO persistence\r\n")
        assert _ask(sock, b"MULTI\r\n") == b"+OK\r\n"
        assert _ask(sock, b"SET k v\r\n") == LOADING
        assert _ask(sock, b"DISCARD\r\n") == b"+OK\r\n"
        deadline = time.monotonic() + 60
        while (reply := _ask(sock, b"DBSIZE\r\n")) == LOADING:
            assert time.monotonic() < deadline, "the load never ended"
            time.sleep(0.01)
        assert reply == b":%d\r\n" % KEYS
        assert _ask(sock, b"GET key:1\r\n") == b"$7\r\nvalue:1\r\n"
        assert b"loading:0" in _ask(sock, b"INFO persistence\r\n")
        sock.close()
    finally:
        server.stop()
