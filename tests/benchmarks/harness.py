"""What the benchmark scripts share: redis-benchmark runs parsed from its CSV,
and the server process's RSS and CPU time read from /proc."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.servers import RunningServer  # noqa: E402


def redis_benchmark(
    server: RunningServer, selection: list[str], requests: int, clients: int, pipeline: int,
    *, keyspace: int | None = None,
) -> dict[str, dict[str, float]]:
    """Run redis-benchmark with ``selection`` (``["-t", "set,get"]`` or a command's
    words); per test row: rps and latency p50 / max in ms."""
    command = [
        "redis-benchmark", "-h", server.host, "-p", str(server.port),
        "-n", str(requests), "-c", str(clients), "-P", str(pipeline), "--csv",
    ]
    if keyspace is not None:
        command += ["-r", str(keyspace)]
    output = subprocess.run(
        command + selection, capture_output=True, text=True, check=True, timeout=1800
    ).stdout
    results = {}
    for row in csv.reader(io.StringIO(output)):
        # redis-benchmark's LRANGE tests first run an "LPUSH (needed to benchmark
        # LRANGE)" it reports as a row of its own: not a test that was asked for.
        if row and row[0] != "test" and "needed to benchmark" not in row[0]:
            results[row[0]] = {"rps": float(row[1]), "p50_ms": float(row[4]), "max_ms": float(row[7])}
    return results


def run_benchmark_rows(
    server: RunningServer, tests: str, requests: int, clients: int, pipeline: int,
    *, keyspace: int | None = None,
) -> dict[str, dict[str, float]]:
    """redis-benchmark's built-in tests (``-t``)."""
    return redis_benchmark(server, ["-t", tests], requests, clients, pipeline, keyspace=keyspace)


def run_command_rows(
    server: RunningServer, command: list[str], requests: int, clients: int, pipeline: int,
    *, keyspace: int | None = None,
) -> dict[str, dict[str, float]]:
    """redis-benchmark running one given command (``__rand_int__`` drawn below ``keyspace``)."""
    return redis_benchmark(server, command, requests, clients, pipeline, keyspace=keyspace)


def rss_bytes(server: RunningServer) -> int:
    with open(f"/proc/{server.process.pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) * 1024
    return 0


def cpu_seconds(server: RunningServer) -> float:
    """User + system CPU seconds the server process has used."""
    try:
        with open(f"/proc/{server.process.pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
