"""redis-cli against both servers, driven non-interactively (arguments and
stdin): outputs must be identical once ids and addresses are masked."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

import redis

from tests.compat.conftest import _server
from tests.servers import RunningServer, redis_server_path

pytestmark = pytest.mark.skipif(shutil.which("redis-cli") is None, reason="redis-cli not installed")


def cli(server: RunningServer, *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        ["redis-cli", "-p", str(server.port), *args],
        input=stdin.encode(), capture_output=True, timeout=20, check=False,
    )
    return done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")


def masked(text: str) -> str:
    return re.sub(r"\(integer\) \d+", "(integer) N", re.sub(r'"id" => \(integer\) \d+', '"id" => N', text))


CASES = [
    pytest.param(["--no-raw"], "set a 1\nget a\nget nosuch\nincr a\nmget a nosuch\n", id="stdin-no-raw"),
    pytest.param(["--raw"], "set a 1\nget a\nget nosuch\nmget a nosuch\nconfig get hz\n", id="stdin-raw"),
    pytest.param(["-3", "--no-raw"], "hello 3\nconfig get hz\nget nosuch\n", id="resp3"),
    pytest.param(["--no-raw"], "incr\nnosuch x\nset a\nconfig set foo bar\n", id="errors"),
    pytest.param(["--no-raw"], 'set "a b" "c d"\nget "a b"\necho \'it\'\n', id="quoting"),
    pytest.param(["--no-raw"], "multi\nset t 1\nincr t\nexec\n", id="transaction"),
]


@pytest.mark.parametrize("args, stdin", CASES)
def test_redis_cli_output_matches_redis(target: str, server: RunningServer, args: list[str], stdin: str) -> None:
    output = masked(cli(server, *args, stdin=stdin))
    assert "Could not connect" not in output
    if target == "shardis" and redis_server_path():
        oracle = _server("redis")
        with redis.Redis(host=oracle.host, port=oracle.port) as admin:
            admin.flushall()
        assert output == masked(cli(oracle, *args, stdin=stdin))


@pytest.mark.parametrize(
    "args, output",
    [
        (["ping"], "PONG\n"),
        (["set", "k", "v"], "OK\n"),
        (["--no-raw", "get", "nosuch"], "(nil)\n"),
        (["config", "get", "save"], "save\n\n"),
        (["--no-raw", "hello", "2"], None),
        (["-3", "--no-raw", "config", "get", "appendonly"], '1# "appendonly" => "no"\n'),
        (["--no-raw", "nosuchcommand"],
         "(error) ERR unknown command 'nosuchcommand', with args beginning with: \n"),
    ],
)
def test_redis_cli_one_shot_commands(server: RunningServer, args: list[str], output: str | None) -> None:
    text = cli(server, *args)
    if output is None:
        assert '"server"' in text and '"7.0.15"' in text
    else:
        assert text == output


def test_redis_benchmark_runs_against_the_server(server: RunningServer) -> None:
    if shutil.which("redis-benchmark") is None:
        pytest.skip("redis-benchmark not installed")
    done = subprocess.run(
        ["redis-benchmark", "-p", str(server.port), "-n", "200", "-c", "2", "-t", "set,get", "-q"],
        capture_output=True, timeout=60, check=False,
    )
    text = done.stdout.decode(errors="replace")
    assert done.returncode == 0, done.stderr
    assert "SET:" in text and "GET:" in text
