"""Starting and stopping ``python -m actors``: flags, redis.conf files, fatal
config errors, SIGTERM / SIGINT / SHUTDOWN. shardis only (these are about our
process), except where a redis-server comparison is cheap."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from tests.servers import ROOT, free_port


def launch(*args: str, log: Path) -> subprocess.Popen[bytes]:
    handle = open(log, "wb")
    return subprocess.Popen([sys.executable, "-m", "actors", *args], cwd=ROOT, stdout=handle,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def wait_ready(port: int, process: subprocess.Popen[bytes], password: str | None = None) -> redis.Redis:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert process.poll() is None, "server exited at start"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.05)
    client = redis.Redis(port=port, password=password, socket_timeout=5)
    client.ping()
    return client


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait(10)


def test_flags_start_the_server_and_log_one_ready_line(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "log"
    process = launch("--port", str(port), "--databases", "4", "--shards", "2", "--loglevel", "verbose",
                     "--save", "", log=log)
    try:
        client = wait_ready(port, process)
        assert client.config_get("databases") == {"databases": "4"}
        assert client.config_get("shards") == {"shards": "2"}
        with pytest.raises(redis.ResponseError, match="DB index is out of range"):
            client.execute_command("SELECT", 4)
        ready = [line for line in log.read_text().splitlines() if "ready" in line]
        assert len(ready) == 1
        line = ready[0]
        assert "0.1.0" in line and f"port {port}" in line and f"pid {process.pid}" in line and "2 shard" in line
        client.close()
    finally:
        stop(process)


def test_a_redis_conf_file_works_and_flags_override_it(tmp_path: Path) -> None:
    port, other_port = free_port(), free_port()
    conf = tmp_path / "redis.conf"
    conf.write_text(
        "# a comment\n"
        f"port {other_port}\n"
        "bind 127.0.0.1\n"
        'save ""\n'
        "   # indented comment\n"
        "\n"
        'notify-keyspace-events "Ex"\n'
        "maxmemory-policy 'allkeys-lru'\n"
        "hz 20\n"
        "requirepass \"pass word\"\n"
    )
    process = launch(str(conf), "--port", str(port), "--hz", "30", log=tmp_path / "log")
    try:
        client = wait_ready(port, process, password="pass word")
        assert client.config_get("notify-keyspace-events") == {"notify-keyspace-events": "xE"} or \
            client.config_get("notify-keyspace-events") == {"notify-keyspace-events": "Ex"}
        assert client.config_get("maxmemory-policy") == {"maxmemory-policy": "allkeys-lru"}
        assert client.config_get("hz") == {"hz": "30"}
        assert client.config_get("save") == {"save": ""}
        assert client.config_get("port") == {"port": str(port)}
        client.close()
    finally:
        stop(process)


@pytest.mark.parametrize(
    "args, conf, named",
    [
        (["--no-such-param", "1"], None, "no-such-param"),
        ([], "port 7000\nbogus-directive yes\n", "bogus-directive"),
        (["--hz", "abc"], None, "hz"),
        ([], 'port "7000\n', "line 1"),
    ],
)
def test_a_bad_config_fails_startup_naming_the_problem(tmp_path: Path, args: list[str], conf: str | None, named: str) -> None:
    command = [sys.executable, "-m", "actors"]
    if conf is not None:
        path = tmp_path / "bad.conf"
        path.write_text(conf)
        command.append(str(path))
    command += ["--port", str(free_port()), *args]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, timeout=30, check=False)
    assert done.returncode != 0
    message = (done.stdout + done.stderr).decode()
    assert "FATAL CONFIG ERROR" in message
    assert named in message


def test_a_missing_config_file_fails_startup(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "actors", str(tmp_path / "missing.conf")],
                          cwd=ROOT, capture_output=True, timeout=30, check=False)
    assert done.returncode != 0
    assert "missing.conf" in done.stderr.decode()


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT", "SHUTDOWN", "SHUTDOWN NOSAVE"])
def test_signals_and_shutdown_exit_zero(tmp_path: Path, how: str) -> None:
    port = free_port()
    process = launch("--port", str(port), "--save", "", "--shards", "2", log=tmp_path / "log")
    try:
        client = wait_ready(port, process)
        client.set("k", "v")
        if how.startswith("SHUTDOWN"):
            with pytest.raises(redis.ConnectionError):
                client.execute_command(*how.split())
        else:
            process.send_signal(getattr(signal, how))
        assert process.wait(15) == 0
        client.close()
    finally:
        stop(process)
